// Summaries of a table: group-by with aggregations, and pivoting a long table into a grid.

/// How `group` summarises the rows of one group.
public enum Aggregation: String, Sendable, CaseIterable {
    case mean, sum, min, max, count, std
}

extension Table {
    /// One row per distinct combination of the `keys` columns, in order of first appearance (pandas'
    /// `groupby(sort=False)`), with each of `values` (default: every number column that is not a key) summarised
    /// by each aggregation. One aggregation keeps the column names, so the result draws and pivots like its
    /// source; several name them `erank_mean`, `erank_std`. `count` adds one `count` column. NaN is skipped
    /// and `std` is the sample standard deviation (n − 1), both as in pandas.
    public func grouped(by keys: [String], aggregations: [Aggregation], values: [String]? = nil) throws -> Table {
        guard !keys.isEmpty else { throw EngineError.invalidArgument("group needs at least one column to group by") }
        guard !aggregations.isEmpty else { throw EngineError.invalidArgument("group needs at least one aggregation") }
        let keyColumns = try keys.map { try column($0) }
        let valueNames = values ?? columnNames.filter { !keys.contains($0) && columns[$0]?.doubles != nil }
        for name in valueNames {
            guard try column(name).doubles != nil else {
                throw EngineError.invalidArgument("group: column '\(name)' holds \(try column(name).kindName), not numbers")
            }
        }
        var groups: [[Int]] = []
        var groupOf: [[String]: Int] = [:]
        for row in 0..<rowCount {
            let key = keyColumns.map { $0.keyText(at: row) }
            if let group = groupOf[key] {
                groups[group].append(row)
            } else {
                groupOf[key] = groups.count
                groups.append([row])
            }
        }
        let firsts = groups.map { $0[0] }
        var result = try Table(columns: zip(keys, keyColumns).map { ($0, $1.selecting(firsts)) })
        for name in valueNames {
            let column = try column(name)
            for aggregation in aggregations where aggregation != .count {
                let label = aggregations.filter({ $0 != .count }).count == 1 ? name : "\(name)_\(aggregation.rawValue)"
                try result.append(label, Table.aggregate(column, groups, aggregation))
            }
        }
        if aggregations.contains(.count) { try result.append("count", .int(groups.map(\.count))) }
        return result
    }

    /// One aggregation of a number column over each group of rows; int columns stay int under sum, min and max.
    private static func aggregate(_ column: Column, _ groups: [[Int]], _ aggregation: Aggregation) throws -> Column {
        if case let .int(values) = column, [.sum, .min, .max].contains(aggregation) {
            return .int(try groups.map { rows in
                let items = rows.map { values[$0] }
                switch aggregation {
                case .min: return items.min() ?? 0
                case .max: return items.max() ?? 0
                default:
                    return try items.reduce(0) { total, item in
                        let (sum, overflow) = total.addingReportingOverflow(item)
                        guard !overflow else { throw EngineError.invalidArgument("group: whole-number overflow summing a column") }
                        return sum
                    }
                }
            })
        }
        let values = column.doubles ?? []
        return .double(groups.map { rows in
            let items = rows.map { values[$0] }.filter { !$0.isNaN }
            let sum = items.reduce(0, +)
            switch aggregation {
            case .sum: return sum
            case .mean: return items.isEmpty ? .nan : sum / Double(items.count)
            case .min: return items.min() ?? .nan
            case .max: return items.max() ?? .nan
            case .count: return Double(items.count)
            case .std:
                guard items.count > 1 else { return .nan }
                let mean = sum / Double(items.count)
                return (items.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(items.count - 1)).squareRoot()
            }
        })
    }

    /// A long table as a grid: one row per distinct value of `rows`, one column per distinct value of `columns`
    /// (both in order of first appearance) holding `values`; missing cells are NaN. A cell given twice is an error
    /// (group first to say how to combine them). The grid also travels as the matrix `matrices[values]` (axes
    /// named by `rows` and `columns`), which is what export writes.
    public func pivot(rows rowKey: String, columns columnKey: String, values valueName: String) throws -> Table {
        let rowColumn = try column(rowKey), columnColumn = try column(columnKey)
        guard let values = try column(valueName).doubles else {
            throw EngineError.invalidArgument("pivot: column '\(valueName)' holds \(try column(valueName).kindName), not numbers")
        }
        var rowOrder: [String] = [], firstRow: [Int] = [], columnOrder: [String] = []
        var rowIndex: [String: Int] = [:], columnIndex: [String: Int] = [:]
        var cells: [Int: Double] = [:]
        for row in 0..<rowCount {
            let r = rowColumn.keyText(at: row), c = columnColumn.keyText(at: row)
            if rowIndex[r] == nil { rowIndex[r] = rowOrder.count; rowOrder.append(r); firstRow.append(row) }
            if columnIndex[c] == nil { columnIndex[c] = columnOrder.count; columnOrder.append(c) }
            guard let i = rowIndex[r], let j = columnIndex[c] else { continue }
            let cell = i * Swift.max(rowCount, 1) + j
            guard cells[cell] == nil else {
                throw EngineError.invalidArgument(
                    "pivot: \(rowKey) \(r), \(columnKey) \(c) appears twice; combine the rows first with group(t, by=[\"\(rowKey)\", \"\(columnKey)\"])")
            }
            cells[cell] = values[row]
        }
        guard !columnOrder.contains(rowKey) else {
            throw EngineError.invalidArgument("pivot: '\(rowKey)' is both the row column and a value of '\(columnKey)'")
        }
        var result = try Table(columns: [(rowKey, rowColumn.selecting(firstRow))])
        for (j, name) in columnOrder.enumerated() {
            try result.append(name, .double(rowOrder.indices.map { i in cells[i * Swift.max(rowCount, 1) + j] ?? .nan }))
        }
        // A degenerate pivot (one key for both axes, values named like a column) has no matrix to name.
        if rowKey != columnKey, !result.columnNames.contains(valueName) {
            let grid = try Tensor(shape: [rowOrder.count, columnOrder.count], values: rowOrder.indices.flatMap { i in
                columnOrder.indices.map { j in Float(cells[i * Swift.max(rowCount, 1) + j] ?? .nan) }
            })
            result.matrices[valueName] = try LabelledMatrix(grid, rows: MatrixAxis(rowKey, rowColumn.selecting(firstRow)),
                                                            columns: MatrixAxis(columnKey, .string(columnOrder)))
        }
        return result
    }
}

extension Column {
    /// Row `row` as text that identifies it exactly (group keys, pivot headers): numbers print without a
    /// point when whole.
    public func keyText(at row: Int) -> String {
        switch self {
        case let .int(values): return String(values[row])
        case let .string(values): return values[row]
        case let .bool(values): return values[row] ? "true" : "false"
        case let .double(values):
            let value = values[row]
            return value.rounded() == value && Swift.abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        }
    }
}
