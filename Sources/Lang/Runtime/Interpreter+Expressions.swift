// Evaluation of expressions: literals, names, operators, indexing, attributes and calls.
import Engine

extension Interpreter {
    func evaluate(_ expression: Expr) throws -> Value {
        try evaluate(expression, in: globals)
    }

    func evaluate(_ expression: Expr, in scope: Environment) throws -> Value {
        switch expression.kind {
        case let .number(value): return .number(value)
        case let .string(value): return .string(value)
        case let .bool(value): return .bool(value)
        case .none: return .none
        case let .name(name):
            if let value = scope.lookup(name) { return value }
            if let builtin = BuiltinRegistry.byName[name] { return .function(Function(name: name, body: .builtin(builtin))) }
            throw RuntimeError(unknownNameMessage(name, in: scope), at: expression.range)
        case let .list(items):
            let values = try items.map { try evaluate($0, in: scope) }
            do { try Value.checkNesting(values) } catch { throw RuntimeError.wrap(error, at: expression.range) }
            return .list(values)
        case let .record(fields):
            let values = try fields.map { ($0.key, try evaluate($0.value, in: scope)) }
            do { try Value.checkNesting(values.map(\.1)) } catch { throw RuntimeError.wrap(error, at: expression.range) }
            return .record(Record(values))
        case let .unary(.not, operand):
            let value = try evaluate(operand, in: scope)
            if case .column = value {
                do { return try Value.maskNot(value) } catch { throw RuntimeError.wrap(error, at: expression.range) }
            }
            return .bool(!(try truth(value, "not", operand)))
        case let .unary(.negate, operand):
            let value = try evaluate(operand, in: scope)
            do { return try Value.negate(value) } catch { throw RuntimeError.wrap(error, at: expression.range) }
        case let .unary(.plus, operand):
            let value = try evaluate(operand, in: scope)
            guard case .number = value else { throw RuntimeError("unary '+' needs a number, got \(value.typeName)", at: expression.range) }
            return value
        case let .binary(op, left, right):
            let a = try evaluate(left, in: scope)
            let b = try evaluate(right, in: scope)
            do { return try Value.binary(op, a, b) } catch { throw RuntimeError.wrap(error, at: expression.range) }
        case let .and(left, right), let .or(left, right):
            let isAnd: Bool
            if case .and = expression.kind { isAnd = true } else { isAnd = false }
            let first = try evaluate(left, in: scope)
            // Masks combine row by row and so evaluate both sides; plain bools short-circuit.
            if case .column = first {
                let second = try evaluate(right, in: scope)
                do { return try Value.maskLogic(isAnd, first, second) } catch { throw RuntimeError.wrap(error, at: expression.range) }
            }
            if try truth(first, isAnd ? "and" : "or", left) != isAnd { return .bool(!isAnd) }
            let second = try evaluate(right, in: scope)
            if case .column = second {
                do { return try Value.maskLogic(isAnd, first, second) } catch { throw RuntimeError.wrap(error, at: expression.range) }
            }
            return .bool(try truth(second, isAnd ? "and" : "or", right))
        case let .index(target, indices):
            var value = try evaluate(target, in: scope)
            if indices.count > 1, case .tensor = value {} else if indices.count > 1 {
                throw RuntimeError("only tensors take several indices, \(value.typeName) takes one", at: expression.range)
            }
            for index in indices {
                let key = try evaluate(index, in: scope)
                do { value = try value.subscripted(by: key) } catch { throw RuntimeError.wrap(error, at: expression.range) }
            }
            return value
        case let .slice(target, lower, upper):
            let value = try evaluate(target, in: scope)
            let low = try lower.map { try sliceBound($0, in: scope) }
            let high = try upper.map { try sliceBound($0, in: scope) }
            do { return try value.sliced(low, high) } catch { throw RuntimeError.wrap(error, at: expression.range) }
        case let .attribute(target, name):
            let value = try evaluate(target, in: scope)
            do { return try value.attribute(name) } catch { throw RuntimeError.wrap(error, at: expression.range) }
        case let .call(callee, arguments):
            return try evaluateCall(callee, arguments, range: expression.range, in: scope)
        case let .lambda(definition):
            return makeFunction(definition, in: scope)
        }
    }

    private func sliceBound(_ expression: Expr, in scope: Environment) throws -> Double {
        let value = try evaluate(expression, in: scope)
        guard case let .number(number, _) = value else {
            throw RuntimeError("slice bound must be a number, got \(value.typeName)", at: expression.range)
        }
        return number
    }

    private func truth(_ value: Value, _ op: String, _ expression: Expr) throws -> Bool {
        guard case let .bool(bool) = value else {
            throw RuntimeError("'\(op)' needs true or false, got \(value.typeName)", at: expression.range)
        }
        return bool
    }

    func unknownNameMessage(_ name: String, in scope: Environment) -> String {
        let candidates = scope.visibleNames + BuiltinRegistry.all.map(\.name)
        return "unknown name '\(name)'" + Suggest.hint(for: name, in: candidates)
    }
}
