// The builtin registry entry: one record per builtin feeds calls, help, arity checks and completion.
import Engine

/// One parameter of a builtin, for arity checks, keyword validation and help.
public struct BuiltinParameter: Sendable {
    /// Name, usable as a keyword.
    public let name: String
    /// Whether a call must supply it.
    public let required: Bool
    /// Shown in help (`k=4`), nil for required parameters.
    public let defaultText: String?

    public static func required(_ name: String) -> BuiltinParameter {
        BuiltinParameter(name: name, required: true, defaultText: nil)
    }

    public static func optional(_ name: String, _ defaultText: String) -> BuiltinParameter {
        BuiltinParameter(name: name, required: false, defaultText: defaultText)
    }

    /// An optional parameter whose default is a number the engine declares (`ProjectionOptions().top`), so
    /// that help shows the value the call will use and the number is written once.
    public static func optional(_ name: String, _ engineDefault: some Numeric & LosslessStringConvertible) -> BuiltinParameter {
        BuiltinParameter(name: name, required: false, defaultText: engineDefault.description)
    }
}

/// A builtin function of the language.
public struct Builtin: @unchecked Sendable {  // unchecked: `call` closures live in static registries and capture nothing
    /// Name as typed.
    public let name: String
    /// Parameters in positional order.
    public let parameters: [BuiltinParameter]
    /// Whether extra positional arguments are accepted (`print(a, b, c)`).
    public let variadic: Bool
    /// Whether keyword arguments not in `parameters` are accepted (`export(path, name=value…)`).
    public let openKeywords: Bool
    /// One-line summary for `.help`.
    public let summary: String
    /// A short example call.
    public let example: String
    /// Help topic group (`core`, `models`, `analysis`, `io`, …).
    public let group: String
    /// The implementation.
    public let call: (Arguments) throws -> Value

    public init(name: String, parameters: [BuiltinParameter], variadic: Bool = false, openKeywords: Bool = false,
                group: String, summary: String, example: String, call: @escaping (Arguments) throws -> Value) {
        self.name = name
        self.parameters = parameters
        self.variadic = variadic
        self.openKeywords = openKeywords
        self.group = group
        self.summary = summary
        self.example = example
        self.call = call
    }

    /// `name(a, b, k=4)` as shown in help.
    public var signature: String {
        var parts = parameters.map { parameter in
            parameter.defaultText.map { "\(parameter.name)=\($0)" } ?? parameter.name
        }
        if variadic { parts.append("…") }
        if openKeywords { parts.append("name=value…") }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }
}
