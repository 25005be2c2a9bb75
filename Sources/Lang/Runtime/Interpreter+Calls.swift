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

    /// What a call is checked against: a builtin's registry record or a user function's parameters.
    private struct Signature {
        let callee: String
        let names: [String]
        let required: [Bool]
        var variadic = false
        var openKeywords = false
        /// Attached to every error (`usage: …`, or where the function is defined); built only when one is thrown.
        let notes: () -> [Diagnostic.Note]
    }

    /// Checks arity and keywords (unknown ones get a "did you mean"); returns the keyword arguments by name.
    private func bind(_ signature: Signature, _ positional: [Value], _ keywords: [Keyword], range: SourceRange) throws -> [String: Value] {
        let callee = signature.callee, names = signature.names
        if !signature.variadic, positional.count > names.count {
            throw RuntimeError("\(callee)() takes \(Interpreter.count(names.count, "argument")), got \(positional.count)",
                               at: range, notes: signature.notes())
        }
        var byName: [String: Value] = [:]
        for keyword in keywords {
            if let position = names.firstIndex(of: keyword.label) {
                if position < positional.count {
                    throw RuntimeError("\(callee)() got '\(keyword.label)' both by position and by keyword", at: keyword.range, notes: signature.notes())
                }
            } else if !signature.openKeywords {
                throw RuntimeError("\(callee)() has no parameter '\(keyword.label)'" + Suggest.hint(for: keyword.label, in: names),
                                   at: keyword.range, notes: signature.notes())
            }
            byName[keyword.label] = keyword.value
        }
        for (position, name) in names.enumerated() where signature.required[position] {
            if position >= positional.count, byName[name] == nil {
                throw RuntimeError("\(callee)() missing argument '\(name)'", at: range, notes: signature.notes())
            }
        }
        return byName
    }

    private func callBuiltin(_ builtin: Builtin, _ positional: [Value], _ keywords: [Keyword], range: SourceRange) throws -> Value {
        let signature = Signature(callee: builtin.name, names: builtin.parameters.map(\.name), required: builtin.parameters.map(\.required),
                                  variadic: builtin.variadic, openKeywords: builtin.openKeywords,
                                  notes: { [Diagnostic.Note("usage: \(builtin.signature)")] })
        let byName = try bind(signature, positional, keywords, range: range)
        let arguments = Arguments(callee: builtin.name, parameterNames: signature.names, positional: positional, keywords: byName,
                                  keywordOrder: keywords.map(\.label), context: self)
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
        let signature = Signature(callee: name, names: definition.parameters.map(\.name),
                                  required: definition.parameters.map { $0.defaultValue == nil },
                                  notes: { [Diagnostic.Note("'\(name)' is defined here", at: definition.range)] })
        let byName = try bind(signature, positional, keywords, range: range)
        guard callDepth < maxCallDepth else {
            throw RuntimeError("recursion too deep: more than \(maxCallDepth) nested calls", at: range)
        }
        let scope = Environment(parent: function.closure)
        for (position, value) in positional.enumerated() { scope.define(signature.names[position], value) }
        for (label, value) in byName { scope.define(label, value) }
        callDepth += 1
        defer { callDepth -= 1 }
        do {
            // Defaults are evaluated at each call, in the new scope, so they may use earlier parameters.
            for (position, parameter) in definition.parameters.enumerated() where position >= positional.count && byName[parameter.name] == nil {
                if let defaultValue = parameter.defaultValue { scope.define(parameter.name, try evaluate(defaultValue, in: scope)) }
            }
            switch definition.body {
            case let .expression(body):
                return try evaluate(body, in: scope)
            case let .block(body):
                // A body never ends in break or continue: the parser refuses them outside a loop.
                if case let .returnValue(value) = try execute(body, in: scope) { return value }
                return .none
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
