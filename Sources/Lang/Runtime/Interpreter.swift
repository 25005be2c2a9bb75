// The evaluator: runs parsed programs over environments, with closures, a call-depth limit and Ctrl-C polling.
import Engine

/// Runs programs and keeps the global variables between them (one per REPL session or script).
public final class Interpreter: CallContext {
    /// The deepest nesting of user-function calls before "recursion too deep".
    public var maxCallDepth = 500
    /// Where `print` and `show` write.
    public var output: (String) -> Void
    /// The terminal output goes to (Shell sets it when stdout is one), for builtins that draw.
    public var terminal: TerminalInfo?
    /// Rich output for a front-end that shows HTML and SVG (the kernel protocol sets it); nil writes text.
    public var display: ((MIMEBundle) -> Void)?
    /// Everything run so far, for provenance in exports.
    public private(set) var sourceText = ""

    let globals = Environment(parent: nil)
    var callDepth = 0
    /// The range of the builtin call running now, for functions that builtins call back.
    var currentCallRange: SourceRange?

    /// Control flow out of a statement (the parser has checked that each kind has somewhere to go).
    enum Flow {
        case normal
        case breakLoop
        case continueLoop
        case returnValue(Value)
    }

    /// An interpreter with no variables that writes output through `output`.
    public init(output: @escaping (String) -> Void) {
        self.output = output
    }

    /// `CallContext`: writes a line of program output.
    public func write(_ text: String) { output(text) }

    /// Binds a global (`args`, `ans`).
    public func define(_ name: String, _ value: Value) { globals.define(name, value) }

    /// A global's value.
    public func value(of name: String) -> Value? { globals.lookup(name) }

    /// User variables in name order.
    public var variables: [(name: String, value: Value)] {
        globals.values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Runs a program. Top-level expression statements not followed by `;` are passed to `echo` (when
    /// given) and bound to `ans`. Throws `RuntimeError` (with a range) or `ExitRequest`.
    public func execute(_ program: Program, echo: ((Value) -> Void)?) throws {
        sourceText += program.source.text.hasSuffix("\n") ? program.source.text : program.source.text + "\n"
        callDepth = 0
        for statement in program.statements {
            if let echo, case let .expression(expression, echo: true) = statement.kind {
                let value = try evaluate(expression)
                if case .none = value { continue }
                globals.define("ans", value)
                echo(value)
                continue
            }
            // Top-level flow is always normal: the parser refuses break, continue and return out here.
            _ = try execute(statement, in: globals)
        }
    }

    // MARK: statements

    func execute(_ statements: [Stmt], in scope: Environment) throws -> Flow {
        for statement in statements {
            let flow = try execute(statement, in: scope)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    private func execute(_ statement: Stmt, in scope: Environment) throws -> Flow {
        switch statement.kind {
        case let .expression(expression, _):
            _ = try evaluate(expression, in: scope)
        case let .assign(target, op, valueExpression):
            var value = try evaluate(valueExpression, in: scope)
            if let op {
                let current = try evaluate(target, in: scope)
                do { value = try Value.binary(op, current, value) } catch { throw RuntimeError.wrap(error, at: statement.range) }
            }
            try assign(value, to: target, in: scope)
        case let .ifElse(condition, then, otherwise):
            if try truth(condition, in: scope, what: "'if' condition") {
                return try execute(then, in: scope)
            } else if let otherwise {
                return try execute(otherwise, in: scope)
            }
        case let .whileLoop(condition, body):
            while try truth(condition, in: scope, what: "'while' condition") {
                try poll(statement.range)
                switch try execute(body, in: scope) {
                case .normal, .continueLoop: continue
                case .breakLoop: return .normal
                case let .returnValue(value): return .returnValue(value)
                }
            }
        case let .forIn(name, iterableExpression, body):
            let iterable = try evaluate(iterableExpression, in: scope)
            let count: Int
            let element: (Int) throws -> Value
            switch iterable {
            case let .list(items): count = items.count; element = { items[$0] }
            case let .column(column):
                let items = column.items
                count = items.count; element = { items[$0] }
            case let .string(text):
                let characters = Array(text)
                count = characters.count; element = { .string(String(characters[$0])) }
            case let .record(record): count = record.keys.count; element = { .string(record.keys[$0]) }
            case let .tensor(tensor):
                count = tensor.shape.first ?? 0; element = { try iterable.subscripted(by: .number(Double($0))) }
                if tensor.shape.isEmpty { throw RuntimeError("cannot iterate over a scalar tensor", at: iterableExpression.range) }
            case let .table(table): count = table.rowCount; element = { .record(Value.row($0, of: table)) }
            case let .zoo(zoo): count = zoo.entries.count; element = { .model(try zoo.model(at: $0)) }
            default:
                throw RuntimeError("cannot iterate over \(iterable.typeName); 'for' takes a list, column, string, record, tensor, table or zoo",
                                   at: iterableExpression.range)
            }
            for position in 0..<count {
                try poll(statement.range)
                scope.define(name, try element(position))
                switch try execute(body, in: scope) {
                case .normal, .continueLoop: continue
                case .breakLoop: return .normal
                case let .returnValue(value): return .returnValue(value)
                }
            }
        case .breakLoop: return .breakLoop
        case .continueLoop: return .continueLoop
        case let .returnValue(expression):
            return .returnValue(try expression.map { try evaluate($0, in: scope) } ?? .none)
        case let .function(definition):
            scope.define(definition.name ?? "fn", makeFunction(definition, in: scope))
        }
        return .normal
    }

    func poll(_ range: SourceRange) throws {
        if Interruption.isRequested { throw RuntimeError("interrupted", at: range, kind: .interrupted) }
    }

    private func truth(_ expression: Expr, in scope: Environment, what: String) throws -> Bool {
        let value = try evaluate(expression, in: scope)
        guard case let .bool(bool) = value else {
            // A mask has one truth per row: say how to make it one.
            var hint = ""
            if case let .column(column) = value, column.values.isMask { hint = "; use all(…) or any(…) for one answer" }
            throw RuntimeError("\(what) must be true or false, got \(value.typeName)\(hint)", at: expression.range)
        }
        return bool
    }

    /// Stores into a name, `x[i]` or `x.field` (records); containers are values, so the path is rebuilt.
    private func assign(_ value: Value, to target: Expr, in scope: Environment) throws {
        switch target.kind {
        case let .name(name):
            scope.define(name, value)
        case let .index(container, indices):
            guard indices.count == 1 else { throw RuntimeError("assignment takes a single index", at: target.range) }
            let current = try evaluate(container, in: scope)
            let index = try evaluate(indices[0], in: scope)
            let updated: Value
            do { updated = try current.replacing(at: index, with: value) } catch { throw RuntimeError.wrap(error, at: target.range) }
            try assign(updated, to: container, in: scope)
        case let .attribute(container, field):
            let current = try evaluate(container, in: scope)
            guard case .record = current else {
                throw RuntimeError("cannot set attribute '\(field)' on \(current.typeName); only record fields can be assigned", at: target.range)
            }
            try assign(try current.replacing(at: .string(field), with: value), to: container, in: scope)
        default:
            throw RuntimeError("cannot assign to this expression", at: target.range)
        }
    }

    func makeFunction(_ definition: FunctionDefinition, in scope: Environment) -> Value {
        .function(Function(name: definition.name ?? "fn", body: .user(UserFunction(definition: definition, closure: scope))))
    }
}
