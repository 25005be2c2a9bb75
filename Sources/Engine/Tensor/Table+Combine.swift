// Combining tables: stacking them (concat, with a column naming where each row came from) and joining on keys.

extension Table {
    /// The rows of every table, one after another. All tables need the same columns (order from the first);
    /// a column that is whole numbers in one and doubles in another becomes doubles. With `key`, a first
    /// column of that name says which table each row came from (`labels[i]` for table i).
    public static func concatenated(_ tables: [Table], key: String? = nil, labels: [String] = []) throws -> Table {
        guard let first = tables.first else { throw EngineError.invalidArgument("concat needs at least one table") }
        if let key {
            guard labels.count == tables.count else {
                throw EngineError.invalidArgument("concat: \(labels.count) labels for \(tables.count) tables")
            }
            guard !first.columnNames.contains(key) else {
                throw EngineError.invalidArgument("concat: the tables already have a column '\(key)'; choose another key")
            }
        }
        for (position, table) in tables.enumerated() where Set(table.columnNames) != Set(first.columnNames) {
            let missing = first.columnNames.filter { !table.columnNames.contains($0) }
            let extra = table.columnNames.filter { !first.columnNames.contains($0) }
            let what = missing.isEmpty ? "has a column '\(extra[0])' that table 0 lacks" : "has no column '\(missing[0])'"
            throw EngineError.invalidArgument("concat: table \(position) \(what); every table needs the same columns")
        }
        var columns: [(String, Column)] = []
        if let key {
            columns.append((key, .string(zip(labels, tables).flatMap { label, table in Array(repeating: label, count: table.rowCount) })))
        }
        for name in first.columnNames {
            let parts = try tables.map { try $0.column(name) }
            columns.append((name, try joinedColumn(parts, name)))
        }
        return try Table(columns: columns)
    }

    /// Parts of one column from several tables, end to end.
    private static func joinedColumn(_ parts: [Column], _ name: String) throws -> Column {
        var ints: [Int] = [], strings: [String] = [], bools: [Bool] = []
        var allInts = true, allStrings = true, allBools = true
        for part in parts {
            switch part {
            case let .int(values): ints += values; allStrings = false; allBools = false
            case let .string(values): strings += values; allInts = false; allBools = false
            case let .bool(values): bools += values; allInts = false; allStrings = false
            case .double: allInts = false; allStrings = false; allBools = false
            }
        }
        if allInts { return .int(ints) }
        if allStrings { return .string(strings) }
        if allBools { return .bool(bools) }
        var doubles: [Double] = []
        for part in parts {
            guard let values = part.doubles else {
                throw EngineError.invalidArgument("concat: column '\(name)' holds numbers in one table and \(part.kindName) in another")
            }
            doubles += values
        }
        return .double(doubles)
    }

    /// Rows of `left` and `right` whose `on` columns agree (an inner join), in `left`'s order: `left`'s columns,
    /// then `right`'s other columns; a name both have gets the suffix `_right` on the right one.
    public static func joined(_ left: Table, _ right: Table, on keys: [String]) throws -> Table {
        guard !keys.isEmpty else { throw EngineError.invalidArgument("join needs at least one column to join on") }
        let leftKeys = try keys.map { try left.column($0) }
        let rightKeys = try keys.map { name -> Column in
            guard let column = right.columns[name] else {
                throw EngineError.invalidArgument("join: the right table has no column '\(name)' (it has \(right.columnNames.joined(separator: ", ")))")
            }
            return column
        }
        for (name, (l, r)) in zip(keys, zip(leftKeys, rightKeys)) where (l.doubles == nil) != (r.doubles == nil) || l.kindName != r.kindName {
            throw EngineError.invalidArgument("join: '\(name)' holds \(l.kindName) on the left and \(r.kindName) on the right")
        }
        var rightRows: [[String]: [Int]] = [:]
        for row in 0..<right.rowCount { rightRows[rightKeys.map { $0.keyText(at: row) }, default: []].append(row) }
        var leftPick: [Int] = [], rightPick: [Int] = []
        for row in 0..<left.rowCount {
            for match in rightRows[leftKeys.map { $0.keyText(at: row) }] ?? [] {
                leftPick.append(row)
                rightPick.append(match)
            }
        }
        var columns = try left.columnNames.map { ($0, try left.column($0).selecting(leftPick)) }
        for name in right.columnNames where !keys.contains(name) {
            let label = left.columnNames.contains(name) ? "\(name)_right" : name
            columns.append((label, try right.column(name).selecting(rightPick)))
        }
        return try Table(columns: columns)
    }
}
