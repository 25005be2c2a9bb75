// Choosing rows and columns of a table: masks, positions, column lists, and sorting.

extension Table {
    /// A table of the given columns in order; throws when their lengths differ or a name repeats.
    public init(columns: [(String, Column)]) throws {
        self.init()
        for (name, column) in columns {
            guard self.columns[name] == nil else { throw EngineError.invalidArgument("column '\(name)' is given twice") }
            try append(name, column)
        }
    }

    /// The rows at `indices`, in that order (each must be in 0..<rowCount); attachments travel along.
    public func rows(_ indices: [Int]) throws -> Table {
        if let bad = indices.first(where: { $0 < 0 || $0 >= rowCount }) {
            throw EngineError.invalidArgument("row \(bad) out of range for a table of \(rowCount) rows")
        }
        var result = try Table(columns: columnNames.compactMap { name in columns[name].map { (name, $0.selecting(indices)) } })
        result.attachments = attachments
        return result
    }

    /// The rows where `mask` is true; the mask must have one entry per row.
    public func rows(where mask: [Bool]) throws -> Table {
        guard mask.count == rowCount else {
            throw EngineError.invalidArgument("a mask of \(mask.count) rows cannot select from a table of \(rowCount) rows")
        }
        return try rows(mask.indices.filter { mask[$0] })
    }

    /// The named columns, in the order given.
    public func selecting(columns names: [String]) throws -> Table {
        var result = try Table(columns: names.map { ($0, try column($0)) })
        result.attachments = attachments
        return result
    }

    /// The first `count` rows (all of them when the table is shorter).
    public func head(_ count: Int) throws -> Table { try rows(Array(0..<min(max(count, 0), rowCount))) }

    /// The last `count` rows.
    public func tail(_ count: Int) throws -> Table { try rows(Array(max(rowCount - max(count, 0), 0)..<rowCount)) }

    /// Rows ordered by the columns `keys` (the first decides, later ones break ties), stable, ascending
    /// unless `descending`. NaN sorts last either way, as in pandas.
    public func sorted(by keys: [String], descending: Bool = false) throws -> Table {
        guard !keys.isEmpty else { throw EngineError.invalidArgument("sort needs at least one column to sort by") }
        let keyColumns = try keys.map { try column($0) }
        let order = (0..<rowCount).sorted { i, j in
            for key in keyColumns {
                let order = Table.order(key, i, j)
                if order != 0 {
                    // NaN (order ±2) stays last whichever way the rest goes.
                    if Swift.abs(order) == 2 { return order < 0 }
                    return descending ? order > 0 : order < 0
                }
            }
            return i < j
        }
        return try rows(order)
    }

    /// -1, 0, 1 for rows `i` and `j` of a column; ±2 when exactly one is NaN (-2: `i` is the number).
    static func order(_ column: Column, _ i: Int, _ j: Int) -> Int {
        func compare<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
        switch column {
        case let .int(values): return compare(values[i], values[j])
        case let .string(values): return compare(values[i], values[j])
        case let .bool(values): return compare(values[i] ? 1 : 0, values[j] ? 1 : 0)
        case let .double(values):
            switch (values[i].isNaN, values[j].isNaN) {
            case (true, true): return 0
            case (true, false): return 2
            case (false, true): return -2
            case (false, false): return compare(values[i], values[j])
            }
        }
    }
}
