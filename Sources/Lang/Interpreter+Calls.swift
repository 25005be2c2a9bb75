// Calls: arity and keyword checks against builtin records and user parameter lists, and the call stack.
import Engine

extension Interpreter {
    /// A keyword argument as evaluated, with its range for messages.
    struct Keyword {
        let label: String
        let value: Value
        let range: SourceRange
    }

    func evaluateCall(_ calleeExpression: Expr, _ arguments: [CallArgument], range: SourceRange, in scope: Environment) throws -> Value {
        let callee = try evaluate(calleeExpression, in: scope)
        guard case let .function(function) = callee else {
            throw RuntimeError("cannot call \(callee.typeName); only functions can be called", at: calleeExpression.range)
        }
        var positional: [Value] = []
        var keywords: [Keyword] = []
        for argument in arguments {
            let value = try evaluate(argument.value, in: scope)
            if let label = argument.label {
                keywords.append(Keyword(label: label, value: value, range: argument.range))
            } else {
                positional.append(value)
            }
        }
        return try call(function, positional, keywords, range: range)
    }

    /// Calls a builtin or user function.
    func call(_ function: Function, _ positional: [Value], _ keywords: [Keyword], range: SourceRange) throws -> Value {
        try poll(range)
        switch function.body {
        case let .builtin(builtin):
            return try callBuiltin(builtin, positional, keywords, range: range)
        case let .user(object):
            guard let user = object as? UserFunction else { throw RuntimeError("cannot call \(function.name)", at: range) }
            return try callUser(user, name: function.name, positional, keywords, range: range)
        }
    }

    private func callBuiltin(_ builtin: Builtin, _ positional: [Value], _ keywords: [Keyword], range: SourceRange) throws -> Value {
        let names = builtin.parameters.map(\.name)
        let usage = Diagnostic.Note("usage: \(builtin.signature)")
        if !builtin.variadic, positional.count > names.count {
            throw RuntimeError("\(builtin.name)() takes \(Interpreter.count(names.count, "argument")), got \(positional.count)",
                               at: range, notes: [usage])
        }
        var byName: [String: Value] = [:]
        for keyword in keywords {
            if let position = names.firstIndex(of: keyword.label) {
                if position < positional.count {
                    throw RuntimeError("\(builtin.name)() got '\(keyword.label)' both by position and by keyword", at: keyword.range, notes: [usage])
                }
            } else if !builtin.openKeywords {
                var message = "\(builtin.name)() has no parameter '\(keyword.label)'"
                if let suggestion = Suggest.closest(to: keyword.label, in: names) { message += "; did you mean '\(suggestion)'?" }
                throw RuntimeError(message, at: keyword.range, notes: [usage])
            }
            byName[keyword.label] = keyword.value
        }
        for (position, parameter) in builtin.parameters.enumerated() where parameter.required {
            if position >= positional.count, byName[parameter.name] == nil {
                throw RuntimeError("\(builtin.name)() missing argument '\(parameter.name)'", at: range, notes: [usage])
            }
        }
        let arguments = Arguments(callee: builtin.name, parameterNames: names, positional: positional, keywords: byName, context: self)
        let saved = currentCallRange
        currentCallRange = range
        defer { currentCallRange = saved }
        do {
            return try builtin.call(arguments)
        } catch {
            throw RuntimeError.wrap(error, at: range)
        }
    }

    private func callUser(_ function: UserFunction, name: String, _ positional: [Value], _ keywords: [Keyword], range: SourceRange) throws -> Value {
        let definition = function.definition
        let names = definition.parameters.map(\.name)
        if positional.count > names.count {
            throw RuntimeError("\(name)() takes \(Interpreter.count(names.count, "argument")), got \(positional.count)", at: range,
                               notes: [Diagnostic.Note("'\(name)' is defined here", at: definition.range)])
        }
        guard callDepth < maxCallDepth else {
            throw RuntimeError("recursion too deep: more than \(maxCallDepth) nested calls", at: range)
        }
        let scope = Environment(parent: function.closure)
        for (position, value) in positional.enumerated() { scope.define(names[position], value) }
        for keyword in keywords {
            guard let position = names.firstIndex(of: keyword.label) else {
                var message = "\(name)() has no parameter '\(keyword.label)'"
                if let suggestion = Suggest.closest(to: keyword.label, in: names) { message += "; did you mean '\(suggestion)'?" }
                throw RuntimeError(message, at: keyword.range)
            }
            if position < positional.count {
                throw RuntimeError("\(name)() got '\(keyword.label)' both by position and by keyword", at: keyword.range)
            }
            scope.define(keyword.label, keyword.value)
        }
        callDepth += 1
        defer { callDepth -= 1 }
        do {
            // Defaults are evaluated at each call, in the new scope, so they may use earlier parameters.
            for (position, parameter) in definition.parameters.enumerated()
            where position >= positional.count && !keywords.contains(where: { $0.label == parameter.name }) {
                guard let defaultValue = parameter.defaultValue else {
                    throw RuntimeError("\(name)() missing argument '\(parameter.name)'", at: range)
                }
                scope.define(parameter.name, try evaluate(defaultValue, in: scope))
            }
            switch definition.body {
            case let .expression(body):
                return try evaluate(body, in: scope)
            case let .block(body):
                switch try execute(body, in: scope) {
                case let .returnValue(value): return value
                case let .breakLoop(where_): throw RuntimeError("'break' outside a loop", at: where_)
                case let .continueLoop(where_): throw RuntimeError("'continue' outside a loop", at: where_)
                case .normal: return .none
                }
            }
        } catch var error as RuntimeError {
            error.callStack.append(RuntimeError.Frame(function: name, callSite: range))
            throw error
        }
    }

    /// `CallContext`: calls a function value from a builtin (`map`, `sort(key=…)`).
    public func call(_ function: Function, _ arguments: [Value]) throws -> Value {
        guard let range = currentCallRange else { throw RuntimeError("a function was called outside any call") }
        return try call(function, arguments, [], range: range)
    }

    static func count(_ n: Int, _ noun: String) -> String {
        n == 1 ? "1 \(noun)" : "\(n) \(noun)s"
    }
}
