// Columns as vectors: elementwise arithmetic, comparisons and masks, row selection.

/// The comparisons that turn columns into masks.
public enum ComparisonOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="

    /// Whether `order` (-1, 0, 1 for less, equal, greater) satisfies the comparison.
    func holds(_ order: Int) -> Bool {
        switch self {
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .lessEqual: return order <= 0
        case .greater: return order > 0
        case .greaterEqual: return order >= 0
        }
    }
}

extension Column {
    /// The kind of values held, for messages (`number`, `text`, `bool`).
    public var kindName: String {
        switch self {
        case .double, .int: return "number"
        case .string: return "text"
        case .bool: return "bool"
        }
    }

    /// The values as doubles; nil for text and bool columns.
    public var doubles: [Double]? {
        switch self {
        case let .double(values): return values
        case let .int(values): return values.map(Double.init)
        case .string, .bool: return nil
        }
    }

    /// The rows at `indices`, in that order (indices must be in range).
    public func selecting(_ indices: [Int]) -> Column {
        switch self {
        case let .double(values): return .double(indices.map { values[$0] })
        case let .int(values): return .int(indices.map { values[$0] })
        case let .string(values): return .string(indices.map { values[$0] })
        case let .bool(values): return .bool(indices.map { values[$0] })
        }
    }

    /// `a op b` row by row. A one-row operand is broadcast (a number next to a column); otherwise the lengths
    /// must match. Whole numbers stay whole under `+ - *`; `/` gives doubles and follows IEEE (inf, nan) like tensors.
    public static func arithmetic(_ op: ArithmeticOperator, _ a: Column, _ b: Column) throws -> Column {
        let count = try broadcastCount(a, b, op.rawValue)
        if case let .int(x) = a, case let .int(y) = b, op != .divide {
            let pick = { (values: [Int], row: Int) in values.count == 1 ? values[0] : values[row] }
            var out = [Int]()
            out.reserveCapacity(count)
            for row in 0..<count {
                let (l, r) = (pick(x, row), pick(y, row))
                let (value, overflow): (Int, Bool)
                switch op {
                case .add: (value, overflow) = l.addingReportingOverflow(r)
                case .subtract: (value, overflow) = l.subtractingReportingOverflow(r)
                default: (value, overflow) = l.multipliedReportingOverflow(by: r)
                }
                guard !overflow else { throw EngineError.invalidArgument("whole-number overflow in \(l) \(op.rawValue) \(r)") }
                out.append(value)
            }
            return .int(out)
        }
        guard let x = a.doubles, let y = b.doubles else {
            let bad = a.doubles == nil ? a : b
            throw EngineError.invalidArgument("'\(op.rawValue)' needs number columns, got a \(bad.kindName) column")
        }
        let pick = { (values: [Double], row: Int) in values.count == 1 ? values[0] : values[row] }
        return .double((0..<count).map { row in
            let (l, r) = (pick(x, row), pick(y, row))
            switch op {
            case .add: return l + r
            case .subtract: return l - r
            case .multiply: return l * r
            case .divide: return l / r
            }
        })
    }

    /// `a op b` row by row as a mask; numbers compare with numbers, text with text, bools by `==`/`!=` only.
    /// NaN compares unequal to everything, like numpy.
    public static func compare(_ op: ComparisonOperator, _ a: Column, _ b: Column) throws -> [Bool] {
        let count = try broadcastCount(a, b, op.rawValue)
        func rows<T>(_ x: [T], _ y: [T], _ order: (T, T) -> Int?) -> [Bool] {
            (0..<count).map { row in
                guard let order = order(x.count == 1 ? x[0] : x[row], y.count == 1 ? y[0] : y[row]) else { return op == .notEqual }
                return op.holds(order)
            }
        }
        if let x = a.doubles, let y = b.doubles {
            return rows(x, y) { l, r in l.isNaN || r.isNaN ? nil : (l < r ? -1 : (l > r ? 1 : 0)) }
        }
        switch (a, b) {
        case let (.string(x), .string(y)): return rows(x, y) { l, r in l < r ? -1 : (l > r ? 1 : 0) }
        case let (.bool(x), .bool(y)) where op == .equal || op == .notEqual: return rows(x, y) { l, r in l == r ? 0 : 1 }
        default:
            throw EngineError.invalidArgument("cannot compare a \(a.kindName) column with \(b.kindName) using '\(op.rawValue)'")
        }
    }

    /// The row count of `a op b`: equal lengths, or one side a single row.
    private static func broadcastCount(_ a: Column, _ b: Column, _ op: String) throws -> Int {
        if a.count == b.count || b.count == 1 { return a.count }
        if a.count == 1 { return b.count }
        throw EngineError.invalidArgument("columns of \(a.count) and \(b.count) rows cannot be combined with '\(op)'")
    }
}
