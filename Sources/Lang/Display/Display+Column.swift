// Displays of a table column or mask: a one-line summary with its first values, or the whole column.
import Engine

extension Display {
    /// Values shown in a column's one-line display before it is elided.
    static let columnPreview = 8

    /// `column erank · 36 rows [260.8, 257.5, …]`: numbers at the precision a table would show them.
    static func columnSummary(_ column: ColumnValue) -> String {
        let count = column.values.count
        let kind = column.values.isMask ? "mask" : "column"
        let title = column.name.isEmpty ? kind : "\(kind) \(column.name)"
        let shown = Array(0..<min(count, columnPreview))
        let format = cells(column.values)
        var items = shown.map { row -> String in
            if case .string = column.values { return "\"\(format(row))\"" }
            return format(row)
        }
        if count > shown.count { items.append("… \(count - shown.count) more") }
        let trues = column.values.isMask ? " (\(column.items.filter(\.isTrue).count) true)" : ""
        return "\(title) · \(count) rows\(trues) [\(items.joined(separator: ", "))]"
    }

    /// The whole column, one row per line, as a one-column table shows it.
    static func column(_ column: ColumnValue) -> String {
        guard let table = column.table else { return columnSummary(column) }
        return Display.table(table, measure: nil)
    }
}

extension ColumnValue {
    /// The column as a one-column table, named `mask` or `value` when it has no name.
    var table: Table? {
        let title = name.isEmpty ? (values.isMask ? "mask" : "value") : name
        return try? Table(columns: [(title, values)])
    }
}
