// The full display of a table (`show t`, `show(t, "erank")`): aligned long form, or a layer × component grid.
import Foundation
import Engine

extension Display {
    /// Tables up to this many rows are shown whole (a 12-layer model's rank table is 72 rows).
    static let wholeRows = 100
    /// Rows shown before a longer table is elided (the last `tailRows` are shown too).
    static let headRows = 40
    static let tailRows = 10

    /// A table as aligned text; with `measure`, a layers-down × components-across grid of that column.
    static func table(_ table: Table, measure: String?) -> String {
        layout(table, measure: measure).text
    }

    /// What a table shows, whichever way it is drawn: the long form, or the grid of one measure (with a
    /// line saying why not when the measure or the grid columns are missing).
    static func layout(_ table: Table, measure: String?) -> TableLayout {
        guard let measure else { return longTable(table) }
        guard let column = table.columns[measure] else {
            var layout = longTable(table)
            layout.preface = "no column named '\(measure)'\(Suggest.hint(for: measure, in: table.columnNames))"
            return layout
        }
        guard case let .int(layers)? = table.columns["layer"], case let .string(components)? = table.columns["component"] else {
            var layout = longTable(table)
            layout.preface = "a grid needs 'layer' and 'component' columns; the table has \(table.columnNames.joined(separator: ", "))"
            return layout
        }
        var stacks: [String]?
        if case let .string(values)? = table.columns["stack"] { stacks = values }
        return grid(measure, column, layers: layers, components: components, stacks: stacks)
    }

    /// Every column; numbers right-aligned at a precision chosen per column.
    private static func longTable(_ table: Table) -> TableLayout {
        let rowCount = table.rowCount
        let shown: [Int] = rowCount > wholeRows
            ? Array(0..<headRows) + Array(rowCount - tailRows..<rowCount) : Array(0..<rowCount)
        var columns: [(header: String, cells: [String], numeric: Bool)] = []
        for name in table.columnNames {
            guard let column = table.columns[name] else { continue }
            let formatted = cells(column)
            columns.append((name, shown.map { formatted($0) }, column.isNumeric))
        }
        var layout = TableLayout(header: columns.map { TableLayout.Cell($0.header, numeric: $0.numeric) })
        for position in shown.indices {
            if position == headRows, shown.count < rowCount {
                layout.rows.append(.elided(rowCount - shown.count))
            }
            layout.rows.append(.cells(columns.map { TableLayout.Cell($0.cells[position], numeric: $0.numeric) }))
        }
        layout.footer.append("\(rowCount) rows × \(table.columnNames.count) columns")
        if !table.attachments.isEmpty {
            let names = table.attachments.keys.sorted { $0.localizedStandardCompare($1) == .orderedAscending }
            if names.count == 1, let only = table.attachments[names[0]], only.ndim == 1, only.count <= 8 {
                // A short vector (PCA's explained variance) is worth reading in place.
                let style = NumberStyle(only.buffer.map(Double.init))
                layout.footer.append("attached: \(names[0]) [\(only.buffer.map { style.format(Double($0)) }.joined(separator: ", "))]")
            } else {
                let listed = names.count > 4 ? "\(names[0]), \(names[1]) … \(names[names.count - 1])" : names.joined(separator: ", ")
                layout.footer.append("attached: \(names.count) tensors (\(listed))")
            }
        }
        for name in table.matrices.keys.sorted() {
            guard let matrix = table.matrices[name] else { continue }
            layout.footer.append("matrix \(name): \(matrix.values.shape[0]) \(matrix.rows.name) × \(matrix.values.shape[1]) \(matrix.columns.name)")
        }
        return layout
    }

    /// One measure as a grid: a row per (stack,) layer, a column per component, in first-seen order.
    private static func grid(_ measure: String, _ column: Column, layers: [Int], components: [String], stacks: [String]?) -> TableLayout {
        var rowKeys: [String] = []
        var componentOrder: [String] = []
        var cellsByKey: [String: [String: String]] = [:]
        let formatted = cells(column)
        for index in layers.indices {
            let key = (stacks.map { "\($0[index]) " } ?? "") + String(layers[index])
            if cellsByKey[key] == nil { rowKeys.append(key); cellsByKey[key] = [:] }
            if !componentOrder.contains(components[index]) { componentOrder.append(components[index]) }
            cellsByKey[key]?[components[index]] = formatted(index)
        }
        var layout = TableLayout(header: [TableLayout.Cell(measure, numeric: false)] + componentOrder.map { TableLayout.Cell($0, numeric: true) })
        layout.rowLabels = true
        for key in rowKeys {
            let row = componentOrder.map { TableLayout.Cell(cellsByKey[key]?[$0] ?? "", numeric: true) }
            layout.rows.append(.cells([TableLayout.Cell(key, numeric: true)] + row))
        }
        return layout
    }

    /// A formatter for a column's cells: integers as integers, doubles at one precision for the column.
    static func cells(_ column: Column) -> (Int) -> String {
        switch column {
        case let .int(values): return { String(values[$0]) }
        case let .bool(values): return { values[$0] ? "true" : "false" }
        case let .string(values): return { values[$0] }
        case let .double(values):
            let style = NumberStyle(values)
            return { style.format(values[$0]) }
        }
    }
}

/// How one column of doubles is printed: about four significant digits of its largest value.
struct NumberStyle {
    private let decimals: Int
    private let scientific: Bool

    init(_ values: [Double]) {
        let largest = values.lazy.filter(\.isFinite).map(abs).max() ?? 0
        if largest == 0 {
            decimals = 1
            scientific = false
        } else if largest >= 1e7 || largest < 1e-3 {
            decimals = 3
            scientific = true
        } else {
            // 4 significant digits for the largest value; smaller ones get the same number of decimals.
            decimals = min(max(3 - Int(floor(log10(largest))), 0), 4)
            scientific = false
        }
    }

    /// `format` without trailing zeros (`0.2500` → `0.25`), for lists and records, which are not columns to align.
    func trimmed(_ value: Double) -> String {
        let text = format(value)
        guard !scientific, text.contains(".") else { return text }
        let digits = text.reversed().drop { $0 == "0" }
        return String((digits.first == "." ? digits.dropFirst() : digits).reversed())
    }

    func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return String(format: scientific ? "%.\(decimals)e" : "%.\(decimals)f", value)
    }
}

extension Column {
    /// Whether the column holds numbers (right-aligned in displays).
    var isNumeric: Bool {
        switch self {
        case .string, .bool: return false
        case .int, .double: return true
        }
    }
}
