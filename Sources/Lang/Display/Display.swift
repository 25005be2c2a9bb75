// Full (multi-line) displays of values, as `show` prints them; one file per kind of value.
import Engine
import Foundation

/// Full displays by value kind.
public enum Display {
    /// What the REPL prints for a bare expression: the one-line display, except for tables and
    /// functions, whose one-line display ("table 12 rows × 8 columns", "fn norm") says nothing useful.
    public static func echo(_ value: Value) -> String {
        switch value {
        case .table, .function: return full(value)
        default: return value.shortDisplay
        }
    }

    /// The one-line display cut to `width` characters: a long list keeps the items that fit and says how many
    /// there are (`[1, 2, 3, … 1536 items]`), anything else ends in `…`.
    public static func line(_ value: Value, width: Int) -> String {
        let text = value.shortDisplay
        guard text.count > width else { return text }
        if case let .list(items) = value {
            var shown = "["
            for item in items {
                let next = item.itemDisplay + ", "
                guard shown.count + next.count + 16 <= width else { break }
                shown += next
            }
            return shown + "… \(items.count) items]"
        }
        return String(text.prefix(max(width - 1, 1))) + "…"
    }

    /// The full display of any value.
    public static func full(_ value: Value, measure: String? = nil) -> String {
        switch value {
        case let .model(model): return Display.model(model)
        case let .table(table): return Display.table(table, measure: measure)
        case let .column(column): return Display.column(column)
        case let .tensor(tensor): return Display.tensor(tensor)
        case let .record(record):
            guard !record.fields.isEmpty else { return "{}" }
            let width = record.keys.map(\.count).max() ?? 0
            return record.fields.map { "\($0.key.padding(toLength: width, withPad: " ", startingAt: 0)): \($0.value.shortDisplay)" }
                .joined(separator: "\n")
        case let .function(function): return Display.function(function)
        case let .zoo(zoo): return Display.zoo(zoo)
        case let .vectors(vectors): return Display.vectors(vectors)
        case let .clustering(clustering): return Display.clustering(clustering)
        default: return value.shortDisplay
        }
    }
}

extension Display {
    /// A builtin's help, or a user function's signature.
    static func function(_ function: Function) -> String {
        switch function.body {
        case let .builtin(builtin): return Help.topic(builtin.name) ?? "fn \(function.name)"
        case let .user(object):
            guard let user = object as? UserFunction else { return "fn \(function.name)" }
            let parameters = user.definition.parameters.map { $0.defaultValue == nil ? $0.name : "\($0.name)=…" }
            return "fn \(function.name)(\(parameters.joined(separator: ", "))) defined at \(user.definition.range.description)"
        }
    }
}
