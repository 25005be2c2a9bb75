// The full display of a table (`show t`, `show(t, "erank")`).
import Engine

extension Display {
    /// A table as aligned text; with `measure`, a layer × component grid of that column.
    static func table(_ table: Table, measure: String?) -> String {
        Value.table(table).shortDisplay
    }
}
