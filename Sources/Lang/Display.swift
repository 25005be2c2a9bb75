// Full (multi-line) displays of values, as `show` prints them; one file per kind of value.
import Engine

/// Full displays by value kind.
public enum Display {
    /// The full display of any value.
    public static func full(_ value: Value, measure: String? = nil) -> String {
        switch value {
        case let .model(model): return Display.model(model)
        case let .table(table): return Display.table(table, measure: measure)
        default: return value.shortDisplay
        }
    }
}
