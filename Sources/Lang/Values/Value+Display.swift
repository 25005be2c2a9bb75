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
        case let .number(number, decimals): return Value.format(number, decimals: decimals)
        case let .bool(bool): return bool ? "true" : "false"
        case let .string(string): return "\"\(string)\""
        case .none: return "none"
        case let .list(items):
            return "[" + items.map(\.itemDisplay).joined(separator: ", ") + "]"
        case let .record(record):
            return "{" + record.fields.map { "\($0.key): \($0.value.itemDisplay)" }.joined(separator: ", ") + "}"
        case let .tensor(tensor):
            let header = "tensor \(Shape.describe(tensor.shape)) \(tensor.storedType.displayName)"
            // Small tensors (the ones typed at the prompt) show their values too.
            return tensor.count <= 8 && tensor.count > 0 ? header + " " + Value.nested(tensor).shortDisplay : header
        case let .model(model): return Display.modelHeadline(model)
        case let .table(table): return "table \(table.rowCount) rows × \(table.columnNames.count) columns"
        case let .column(column): return Display.columnSummary(column)
        case let .function(function): return "fn \(function.name)"
        case let .zoo(zoo): return Display.zooSummary(zoo)
        case let .vectors(vectors): return Display.vectorsSummary(vectors)
        case let .clustering(clustering): return Display.clusteringSummary(clustering)
        }
    }

    /// A tensor's elements as nested lists of numbers (a number for a scalar tensor).
    static func nested(_ tensor: Tensor) -> Value {
        func build(_ offset: Int, _ shape: ArraySlice<Int>) -> Value {
            guard let first = shape.first else { return .number(Double(tensor.buffer[offset])) }
            let stride = shape.dropFirst().reduce(1, *)
            return .list((0..<first).map { build(offset + $0 * stride, shape.dropFirst()) })
        }
        return build(0, tensor.shape[...])
    }

    /// How a value prints inside a list or record: a fraction at four significant digits, as a table shows
    /// it (297.17314755646106 → 297.2), without trailing zeros; everything else as its short display. The
    /// value keeps full precision, and `print(x)` of the number itself shows all of it.
    var itemDisplay: String {
        guard case let .number(number, nil) = self, number.isFinite, number.rounded() != number else { return shortDisplay }
        return NumberStyle([number]).trimmed(number)
    }

    /// Numbers print like a person writes them: integers without a decimal point, unless `round(x, digits)`
    /// asked for a number of decimals, which then all show (193.0 rounded to one decimal is `193.0`).
    public static func format(_ number: Double, decimals: Int? = nil) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        if let decimals, decimals > 0, abs(number) < 1e15 { return String(format: "%.\(decimals)f", number) }
        if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }
}
