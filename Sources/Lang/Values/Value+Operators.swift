// Arithmetic, comparison and membership on values, lifted over tensors and models.
import Engine

extension Value {
    /// `a op b` for the arithmetic and comparison operators; throws a range-less RuntimeError.
    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value {
        if let rows = try columnBinary(op, a, b) { return rows }
        switch op {
        case .equal: return .bool(a.isEqual(to: b))
        case .notEqual: return .bool(!a.isEqual(to: b))
        case .less, .lessEqual, .greater, .greaterEqual: return .bool(try compare(op, a, b))
        case .contains: return .bool(try contains(b, a))
        case .add, .subtract, .multiply, .divide, .remainder: return try arithmetic(op, a, b)
        }
    }

    private static func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value {
        switch (a, b) {
        case let (.number(x, _), .number(y, _)):
            switch op {
            case .add: return .number(x + y)
            case .subtract: return .number(x - y)
            case .multiply: return .number(x * y)
            case .divide:
                guard y != 0 else { throw RuntimeError("division by zero") }
                return .number(x / y)
            default:
                guard y != 0 else { throw RuntimeError("remainder by zero") }
                // Floored, like Python: the result has the sign of the divisor.
                let r = x.truncatingRemainder(dividingBy: y)
                return .number(r != 0 && (r < 0) != (y < 0) ? r + y : r)
            }
        case let (.string(x), .string(y)) where op == .add:
            try Value.checkStringSize(x.utf8.count + y.utf8.count)
            return .string(x + y)
        case let (.string(x), .number(n, _)) where op == .multiply, let (.number(n, _), .string(x)) where op == .multiply:
            guard let count = Value.exactInt(n), count >= 0 else {
                throw RuntimeError("a string can only be repeated a whole, non-negative number of times")
            }
            let (bytes, overflow) = x.utf8.count.multipliedReportingOverflow(by: count)
            try Value.checkStringSize(overflow ? Int.max : bytes)
            return .string(String(repeating: x, count: count))
        case let (.list(x), .list(y)) where op == .add:
            try Value.checkListSize(x.count + y.count)
            return .list(x + y)
        case let (.tensor(x), .tensor(y)):
            return .tensor(try TensorMath.apply(tensorOperator(op, a, b), x, y))
        case let (.tensor(x), .number(y, _)):
            return .tensor(try TensorMath.apply(tensorOperator(op, a, b), x, scalar: Float(y)))
        case let (.number(x, _), .tensor(y)):
            return .tensor(try TensorMath.apply(tensorOperator(op, a, b), y, scalar: Float(x), scalarOnLeft: true))
        case let (.model(x), .model(y)):
            return .model(try ModelArithmetic.apply(tensorOperator(op, a, b), x, y))
        case let (.model(x), .number(y, _)):
            return .model(try ModelArithmetic.apply(tensorOperator(op, a, b), x, scalar: y, scalarOnLeft: false))
        case let (.number(x, _), .model(y)):
            return .model(try ModelArithmetic.apply(tensorOperator(op, a, b), y, scalar: x, scalarOnLeft: true))
        default:
            var message = "cannot \(verb(op)) \(a.typeName) and \(b.typeName) with '\(op.rawValue)'"
            if case .string = a, case .number = b, op == .add { message += "; convert with str(x)" }
            if case .number = a, case .string = b, op == .add { message += "; convert with str(x) or num(s)" }
            throw RuntimeError(message)
        }
    }

    private static func verb(_ op: BinaryOperator) -> String {
        switch op {
        case .add: return "add"
        case .subtract: return "subtract"
        case .multiply: return "multiply"
        case .divide: return "divide"
        default: return "take the remainder of"
        }
    }

    private static func tensorOperator(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> ArithmeticOperator {
        switch op {
        case .add: return .add
        case .subtract: return .subtract
        case .multiply: return .multiply
        case .divide: return .divide
        default: throw RuntimeError("'\(op.rawValue)' is not defined for \(a.typeName) and \(b.typeName)")
        }
    }

    /// `-x`.
    static func negate(_ value: Value) throws -> Value {
        switch value {
        case let .number(x, _): return .number(-x)
        case let .tensor(t): return .tensor(try TensorMath.negate(t))
        case let .column(column): return .column(ColumnValue(name: column.name, values: try Column.arithmetic(.multiply, column.values, .int([-1]))))
        case let .model(m): return .model(try ModelArithmetic.apply(.multiply, m, scalar: -1, scalarOnLeft: false))
        default: throw RuntimeError("cannot negate \(value.typeName)")
        }
    }

    private static func compare(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Bool {
        let order: Int
        switch (a, b) {
        case let (.number(x, _), .number(y, _)):
            if x.isNaN || y.isNaN { return false }
            order = x < y ? -1 : (x > y ? 1 : 0)
        case let (.string(x), .string(y)): order = x < y ? -1 : (x > y ? 1 : 0)
        default: throw RuntimeError("cannot compare \(a.typeName) and \(b.typeName) with '\(op.rawValue)'")
        }
        switch op {
        case .less: return order < 0
        case .lessEqual: return order <= 0
        case .greater: return order > 0
        default: return order >= 0
        }
    }

    private static func contains(_ container: Value, _ item: Value) throws -> Bool {
        switch container {
        case let .list(items): return items.contains { $0.isEqual(to: item) }
        case let .column(column): return column.items.contains { $0.isEqual(to: item) }
        case let .string(text):
            guard case let .string(part) = item else { throw RuntimeError("'in' on a string needs a string, got \(item.typeName)") }
            return part.isEmpty || text.contains(part)
        case let .record(record):
            guard case let .string(key) = item else { throw RuntimeError("'in' on a record needs a field name string, got \(item.typeName)") }
            return record[key] != nil
        case let .model(model):
            guard case let .string(name) = item else { throw RuntimeError("'in' on a model needs a parameter name string, got \(item.typeName)") }
            return model.parameter(raw: name) != nil || model.architecture.entry(canonical: name) != nil
        default: throw RuntimeError("cannot test membership with 'in' on \(container.typeName)")
        }
    }

    /// Structural equality for data; identity for models and functions; values of different types are unequal.
    func isEqual(to other: Value) -> Bool {
        switch (self, other) {
        case let (.number(x, _), .number(y, _)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case (.none, .none): return true
        case let (.list(x), .list(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.isEqual(to: $1) }
        case let (.record(x), .record(y)):
            return x.fields.count == y.fields.count && x.fields.allSatisfy { field in y[field.key].map { field.value.isEqual(to: $0) } ?? false }
        case let (.tensor(x), .tensor(y)): return x.shape == y.shape && (x.storage === y.storage || x.buffer.elementsEqual(y.buffer))
        case let (.model(x), .model(y)): return x === y
        case let (.table(x), .table(y)): return x == y
        case let (.column(x), .column(y)): return x.values == y.values
        case let (.function(x), .function(y)): return x === y
        default: return false
        }
    }
}
