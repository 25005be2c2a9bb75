// Variable scopes (a function call's locals chained to its closure) and user-defined functions.

/// A scope of variables; lookups walk outwards through `parent`.
final class Environment {
    private(set) var values: [String: Value] = [:]
    let parent: Environment?

    init(parent: Environment?) { self.parent = parent }

    func lookup(_ name: String) -> Value? {
        var scope: Environment? = self
        while let current = scope {
            if let value = current.values[name] { return value }
            scope = current.parent
        }
        return nil
    }

    /// Binds in this scope. Assignment inside a function always binds a local, so a function
    /// cannot clobber a global by accident.
    func define(_ name: String, _ value: Value) { values[name] = value }

    /// Every visible name, innermost scope first.
    var visibleNames: [String] {
        var names: [String] = []
        var scope: Environment? = self
        while let current = scope {
            names += current.values.keys
            scope = current.parent
        }
        return names
    }
}

/// A function written in mvs: its definition and the scope it closes over.
final class UserFunction {
    let definition: FunctionDefinition
    let closure: Environment

    init(definition: FunctionDefinition, closure: Environment) {
        self.definition = definition
        self.closure = closure
    }
}
