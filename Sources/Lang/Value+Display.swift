// Short (one-line) displays of values.
import Engine

extension Value {
    /// The text `print` shows: strings without quotes, everything else as its short display.
    public var plainText: String {
        if case let .string(string) = self { return string }
        return shortDisplay
    }

    /// One-line display, used by the REPL echo and inside lists.
    public var shortDisplay: String {
        switch self {
        case let .number(number): return Value.format(number)
        case let .bool(bool): return bool ? "true" : "false"
        case let .string(string): return "\"\(string)\""
        case .none: return "none"
        case let .list(items): return "[" + items.map(\.shortDisplay).joined(separator: ", ") + "]"
        case let .record(record):
            return "{" + record.fields.map { "\($0.key): \($0.value.shortDisplay)" }.joined(separator: ", ") + "}"
        case let .tensor(tensor): return "tensor \(Shape.describe(tensor.shape)) \(tensor.storedType.displayName)"
        case let .model(model):
            return "\(model.kind == .delta ? "delta" : model.architecture.family) · \(model.parameters.count) parameters · \(model.name)"
        case let .table(table): return "table \(table.rowCount) rows × \(table.columnNames.count) columns"
        case let .function(function): return "fn \(function.name)"
        case let .zoo(zoo): return Display.zooSummary(zoo)
        case let .vectors(vectors): return Display.vectorsSummary(vectors)
        case let .clustering(clustering): return Display.clusteringSummary(clustering)
        }
    }

    /// Numbers print like a person writes them: integers without a decimal point.
    public static func format(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }
}
