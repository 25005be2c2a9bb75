// Table columns as values: vectors under arithmetic and comparison, masks under and/or/not, row selection.
import Engine

/// A column taken out of a table (`r.erank`), or computed from columns (`r.erank / 2`, `r.layer == 5`).
public struct ColumnValue: Sendable {
    /// The column's name in its table ("" for a computed mask or a column built from a list).
    public var name: String
    /// The values.
    public var values: Column

    public init(name: String, values: Column) {
        self.name = name
        self.values = values
    }

    /// The rows as language values (numbers, strings, bools).
    public var items: [Value] {
        switch values {
        case let .double(values): return values.map { .number($0) }
        case let .int(values): return values.map { .number(Double($0)) }
        case let .string(values): return values.map { .string($0) }
        case let .bool(values): return values.map { .bool($0) }
        }
    }
}

extension Column {
    /// Whether the column is a mask (bools).
    var isMask: Bool {
        if case .bool = self { return true }
        return false
    }

    /// A column from a list of numbers, strings or bools (all of one kind); whole numbers make an int column.
    static func from(_ items: [Value], what: String) throws -> Column {
        if items.allSatisfy({ if case .string = $0 { true } else { false } }) {
            return .string(items.compactMap { if case let .string(text) = $0 { text } else { nil } })
        }
        if !items.isEmpty, items.allSatisfy({ if case .bool = $0 { true } else { false } }) {
            return .bool(items.compactMap { if case let .bool(flag) = $0 { flag } else { nil } })
        }
        let numbers = try items.map { item -> Double in
            guard case let .number(number, _) = item else {
                throw RuntimeError("\(what) must hold numbers, strings or bools, all of one kind; found \(item.typeName) among them")
            }
            return number
        }
        if numbers.allSatisfy({ $0.rounded() == $0 && Swift.abs($0) < 9e15 }) { return .int(numbers.map { Int($0) }) }
        return .double(numbers)
    }
}

extension Value {
    /// `a op b` when either side is a column; nil when neither is. A list next to a column is refused with a
    /// hint, because `+` joins lists but adds columns: the caller says which was meant.
    static func columnBinary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value? {
        if let mask = try tensorMask(op, a, b) { return mask }
        guard a.isColumn || b.isColumn, op != .contains else { return nil }
        if a.isList || b.isList {
            throw RuntimeError("cannot \(op.rawValue == "+" ? "add" : "combine") list and column with '\(op.rawValue)': "
                               + "'+' joins lists but works row by row on columns; write column(xs) \(op.rawValue) c for rows, or xs + list(c) to join lists")
        }
        let (x, name) = try columnOperand(a), (y, otherName) = try columnOperand(b)
        // The result keeps the left column's name (`rd.erank / r.erank` is still an erank), else the right one's.
        let resultName = name.isEmpty ? otherName : name
        switch op {
        case .add, .subtract, .multiply, .divide:
            let arithmetic: ArithmeticOperator = op == .add ? .add : op == .subtract ? .subtract : op == .multiply ? .multiply : .divide
            return .column(ColumnValue(name: resultName, values: try Column.arithmetic(arithmetic, x, y)))
        case .remainder:
            throw RuntimeError("'%' is not defined for columns")
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            guard let comparison = ComparisonOperator(rawValue: op.rawValue) else { return nil }
            return .column(ColumnValue(name: "", values: .bool(try Column.compare(comparison, x, y))))
        case .contains:
            return nil
        }
    }

    /// `t > 0.5`, `a == b` on tensors: a mask over the elements (one per row of a 1-D tensor), for `t[mask]`,
    /// `sum(mask)`, `all(mask)` and `and`/`or`. `==` is elementwise too, as in numpy, so that `t == 2` is never
    /// a silent `false`; `all(a == b)` is whole-tensor equality.
    private static func tensorMask(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value? {
        guard let comparison = ComparisonOperator(rawValue: op.rawValue) else { return nil }
        switch (a, b) {
        case let (.tensor(x), .tensor(y)):
            guard x.shape == y.shape else { throw RuntimeError("cannot compare tensors of shapes \(Shape.describe(x.shape)) and \(Shape.describe(y.shape))") }
        case (.tensor, .number), (.number, .tensor): break
        default: return nil
        }
        func elements(_ value: Value) -> Column {
            switch value {
            case let .tensor(tensor): return .double(tensor.buffer.map(Double.init))
            case let .number(number, _): return .double([number])
            default: return .double([])
            }
        }
        return .column(ColumnValue(name: "", values: .bool(try Column.compare(comparison, elements(a), elements(b)))))
    }

    /// A column, or a single number, string or bool broadcast as a one-row column.
    private static func columnOperand(_ value: Value) throws -> (Column, String) {
        switch value {
        case let .column(column): return (column.values, column.name)
        case let .number(number, _):
            // A whole number keeps a whole-number column whole (`r.layer + 1`).
            return (number.rounded() == number && Swift.abs(number) < 9e15 ? .int([Int(number)]) : .double([number]), "")
        case let .string(text): return (.string([text]), "")
        case let .bool(flag): return (.bool([flag]), "")
        case let .tensor(tensor) where tensor.ndim == 1: return (.double(tensor.buffer.map(Double.init)), "")
        default: throw RuntimeError("cannot combine a column with \(value.typeName); columns work row by row with numbers, strings and other columns")
        }
    }

    private var isColumn: Bool {
        if case .column = self { return true }
        return false
    }

    private var isList: Bool {
        if case .list = self { return true }
        return false
    }

    /// `a and b`, `a or b` row by row when either side is a mask; bools broadcast.
    static func maskLogic(_ isAnd: Bool, _ a: Value, _ b: Value) throws -> Value {
        func flags(_ value: Value) throws -> [Bool] {
            switch value {
            case let .column(column):
                guard case let .bool(flags) = column.values else {
                    throw RuntimeError("'\(isAnd ? "and" : "or")' needs masks (such as r.layer == 5), got a \(column.values.kindName) column")
                }
                return flags
            case let .bool(flag): return [flag]
            default: throw RuntimeError("'\(isAnd ? "and" : "or")' needs true or false or a mask, got \(value.typeName)")
            }
        }
        let x = try flags(a), y = try flags(b)
        guard x.count == y.count || x.count == 1 || y.count == 1 else {
            throw RuntimeError("masks of \(x.count) and \(y.count) rows cannot be combined with '\(isAnd ? "and" : "or")'")
        }
        let count = Swift.max(x.count, y.count)
        return .column(ColumnValue(name: "", values: .bool((0..<count).map { row in
            let l = x.count == 1 ? x[0] : x[row], r = y.count == 1 ? y[0] : y[row]
            return isAnd ? l && r : l || r
        })))
    }

    /// `not m` for a mask.
    static func maskNot(_ value: Value) throws -> Value {
        guard case let .column(column) = value, case let .bool(flags) = column.values else {
            throw RuntimeError("'not' needs true or false or a mask, got \(value.typeName)")
        }
        return .column(ColumnValue(name: "", values: .bool(flags.map { !$0 })))
    }

    /// `c[i]`, `c[mask]` on a column.
    static func subscripted(_ column: ColumnValue, by index: Value) throws -> Value {
        switch index {
        case let .number(n, _):
            return column.items[try position(n, count: column.values.count, of: "column")]
        case let .column(mask):
            guard case let .bool(flags) = mask.values else { throw RuntimeError("a column is indexed by a number or a mask, got a \(mask.values.kindName) column") }
            guard flags.count == column.values.count else {
                throw RuntimeError("a mask of \(flags.count) rows cannot select from a column of \(column.values.count) rows")
            }
            return .column(ColumnValue(name: column.name, values: column.values.selecting(flags.indices.filter { flags[$0] })))
        default:
            throw RuntimeError("a column is indexed by a number or a mask, got \(index.typeName)")
        }
    }

    /// `r[mask]`, `r[["layer", "erank"]]`, `r[[0, 2]]` on a table: rows by mask or positions, or columns by name.
    static func subscripted(_ table: Table, by index: Value) throws -> Value? {
        switch index {
        case let .column(mask):
            guard case let .bool(flags) = mask.values else {
                throw RuntimeError("a table is indexed by a mask (such as r.layer == 5), got a \(mask.values.kindName) column")
            }
            return .table(try table.rows(where: flags))
        case let .list(items) where items.allSatisfy({ if case .string = $0 { true } else { false } }) && !items.isEmpty:
            return .table(try table.selecting(columns: items.map(\.plainText)))
        case let .list(items):
            let positions = try items.map { item -> Int in
                guard case let .number(n, _) = item else {
                    throw RuntimeError("a table takes a list of column names or of row numbers, found \(item.typeName) in the list")
                }
                return try position(n, count: table.rowCount, of: "table")
            }
            return .table(try table.rows(positions))
        default:
            return nil
        }
    }
}
