// The arguments of a builtin call, with typed accessors whose errors name the argument.
import Engine

/// What a builtin may ask of the running interpreter.
public protocol CallContext: AnyObject {
    /// Calls a function value (a builtin or user function) with positional arguments.
    func call(_ function: Function, _ arguments: [Value]) throws -> Value
    /// The source text of the running script or REPL session, for provenance in exports.
    var sourceText: String { get }
    /// Writes a line to the program's output.
    func write(_ text: String)
    /// The terminal the output goes to, or nil when output is not a terminal (a pipe, a file, a test).
    var terminal: TerminalInfo? { get }
    /// Where rich output goes when the front-end shows HTML and pictures (a notebook); nil in a terminal,
    /// a pipe or a test, where builtins write text.
    var display: ((MIMEBundle) -> Void)? { get }
}

extension CallContext {
    /// Contexts that never write to a terminal need not say so.
    public var terminal: TerminalInfo? { nil }
    /// Contexts that only write text need not say so.
    public var display: ((MIMEBundle) -> Void)? { nil }
}

/// What builtins that draw (`plot`) need to know about the terminal; Shell fills it in.
public struct TerminalInfo: Sendable, Equatable {
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int
    /// Whether ANSI colour and Unicode drawing characters may be used (false when `NO_COLOR` is set).
    public var colour: Bool
    /// Whether the terminal shows 24-bit colour (`COLORTERM=truecolor`); otherwise the 256-colour palette is used.
    public var trueColour: Bool

    public init(width: Int, height: Int, colour: Bool, trueColour: Bool = false) {
        self.width = width
        self.height = height
        self.colour = colour
        self.trueColour = trueColour
    }
}

/// An error in how a builtin was called or what it was given; the evaluator adds the source range.
public struct ArgumentError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Positional and keyword arguments of one builtin call, already checked against the builtin's parameters.
public struct Arguments {
    /// The builtin being called (for messages).
    public let callee: String
    /// Positional values, in order.
    public let positional: [Value]
    /// Keyword values.
    public let keywords: [String: Value]
    /// The interpreter.
    public unowned let context: CallContext
    private let parameterNames: [String]
    private let keywordOrder: [String]

    public init(callee: String, parameterNames: [String], positional: [Value], keywords: [String: Value],
                keywordOrder: [String] = [], context: CallContext) {
        self.callee = callee
        self.keywordOrder = keywordOrder
        self.parameterNames = parameterNames
        self.positional = positional
        self.keywords = keywords
        self.context = context
    }

    /// The argument for parameter `name`: by keyword, else by its position among the parameters.
    public func value(_ name: String) -> Value? {
        if let value = keywords[name] { return value }
        if let position = parameterNames.firstIndex(of: name), position < positional.count { return positional[position] }
        return nil
    }

    /// Whether the argument was given (and is not `none`).
    public func has(_ name: String) -> Bool {
        guard let value = value(name) else { return false }
        if case .none = value { return false }
        return true
    }

    /// The argument `name`, which must be given: for a required parameter the call has already checked it is,
    /// so this is the one place a missing argument is reported (an optional one asked for without a default).
    public func given(_ name: String) throws -> Value {
        guard let value = value(name) else { throw ArgumentError("\(callee)() missing argument '\(name)'") }
        return value
    }

    /// The required argument `name` as whatever `extract` takes from it; `expected` names that kind for the error.
    private func required<T>(_ name: String, _ expected: String, _ extract: (Value) -> T?) throws -> T {
        let value = try given(name)
        guard let extracted = extract(value) else {
            throw ArgumentError("\(callee)(): '\(name)' must be \(expected), got \(value.typeName)")
        }
        return extracted
    }

    /// A required number.
    public func number(_ name: String) throws -> Double {
        try required(name, "a number") { if case let .number(number, _) = $0 { number } else { nil } }
    }

    /// An optional number with a default.
    public func number(_ name: String, default fallback: Double) throws -> Double {
        has(name) ? try number(name) : fallback
    }

    /// A required whole number.
    public func int(_ name: String) throws -> Int {
        let number = try number(name)
        guard number.rounded() == number, abs(number) < 9.0e15 else {
            throw ArgumentError("\(callee)(): '\(name)' must be a whole number, got \(number)")
        }
        return Int(number)
    }

    /// An optional whole number with a default.
    public func int(_ name: String, default fallback: Int) throws -> Int {
        has(name) ? try int(name) : fallback
    }

    /// A required string.
    public func string(_ name: String) throws -> String {
        try required(name, "a string") { if case let .string(string) = $0 { string } else { nil } }
    }

    /// An optional string with a default.
    public func string(_ name: String, default fallback: String) throws -> String {
        has(name) ? try string(name) : fallback
    }

    /// A required boolean.
    public func bool(_ name: String) throws -> Bool {
        try required(name, "true or false") { if case let .bool(bool) = $0 { bool } else { nil } }
    }

    /// An optional boolean with a default.
    public func bool(_ name: String, default fallback: Bool) throws -> Bool {
        has(name) ? try bool(name) : fallback
    }

    /// A required tensor.
    public func tensor(_ name: String) throws -> Tensor {
        try required(name, "a tensor") { if case let .tensor(tensor) = $0 { tensor } else { nil } }
    }

    /// A required model (or delta).
    public func model(_ name: String) throws -> Model {
        try required(name, "a model") { if case let .model(model) = $0 { model } else { nil } }
    }

    /// A required table.
    public func table(_ name: String) throws -> Table {
        try required(name, "a table") { if case let .table(table) = $0 { table } else { nil } }
    }

    /// A required record.
    public func record(_ name: String) throws -> Record {
        try required(name, "a record") { if case let .record(record) = $0 { record } else { nil } }
    }

    /// A required function.
    public func function(_ name: String) throws -> Function {
        try required(name, "a function") { if case let .function(function) = $0 { function } else { nil } }
    }

    /// A required list; a table column counts as the list of its rows.
    public func list(_ name: String) throws -> [Value] {
        try required(name, "a list") {
            switch $0 {
            case let .list(list): list
            case let .column(column): column.items
            default: nil
            }
        }
    }

    /// Keyword arguments that are not declared parameters (for builtins with open keywords), in call order
    /// (`export("f.h5", rank=r, vectors=v)` writes `rank` first); by name when the order is unknown.
    public var extraKeywords: [(String, Value)] {
        let order = keywordOrder.isEmpty ? keywords.keys.sorted() : keywordOrder
        return order.filter { !parameterNames.contains($0) }.compactMap { name in keywords[name].map { (name, $0) } }
    }
}
