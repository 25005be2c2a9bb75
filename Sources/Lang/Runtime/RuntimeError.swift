// Errors raised while running: a message, the range of the failing expression, and the call stack.
import Engine

/// A runtime error; operations throw it without a range and the evaluator attaches one.
public struct RuntimeError: Error, Sendable {
    /// One frame of the call stack: a user function and where it was called from.
    public struct Frame: Sendable {
        /// The function's name.
        public let function: String
        /// Where it was called.
        public let callSite: SourceRange
    }

    /// What kind of failure, for the exit status of a script.
    public enum Kind: Sendable { case general, io, interrupted }

    /// The one-line message.
    public let message: String
    /// The failing expression (nil until the evaluator attaches it).
    public internal(set) var range: SourceRange?
    /// Extra notes (usage of a builtin, where a function is defined).
    public internal(set) var notes: [Diagnostic.Note]
    /// Innermost call first.
    public internal(set) var callStack: [Frame] = []
    /// General, I/O or interruption.
    public let kind: Kind

    /// An error without a range yet.
    public init(_ message: String, kind: Kind = .general, notes: [Diagnostic.Note] = []) {
        self.message = message
        self.kind = kind
        self.notes = notes
    }

    init(_ message: String, at range: SourceRange, kind: Kind = .general, notes: [Diagnostic.Note] = []) {
        self.init(message, kind: kind, notes: notes)
        self.range = range
    }

    /// The error with `range` attached unless it already has one.
    func at(_ range: SourceRange) -> RuntimeError {
        var copy = self
        if copy.range == nil { copy.range = range }
        return copy
    }

    /// Wraps any error from a builtin or Engine into a runtime error at `range`.
    static func wrap(_ error: Error, at range: SourceRange) -> Error {
        switch error {
        case let error as RuntimeError: return error.at(range)
        case let error as ArgumentError: return RuntimeError(error.description, at: range)
        case let error as EngineError:
            switch error {
            case .interrupted: return RuntimeError("interrupted", at: range, kind: .interrupted)
            case .io, .exists: return RuntimeError(error.languageMessage, at: range, kind: .io)
            default: return RuntimeError(error.languageMessage, at: range)
            }
        case is ExitRequest: return error
        default: return RuntimeError("\(error)", at: range)
        }
    }

    /// The error as a diagnostic; call frames become notes (at most a few, then a count).
    public var diagnostic: Diagnostic? {
        guard let range else { return nil }
        var notes = self.notes
        let shown = 6
        for frame in callStack.prefix(shown) {
            notes.append(Diagnostic.Note("in \(frame.function)(), called from here", at: frame.callSite))
        }
        if callStack.count > shown {
            notes.append(Diagnostic.Note("… and \(callStack.count - shown) more calls"))
        }
        return Diagnostic(message, at: range, notes: notes)
    }
}

/// Thrown by `exit(code)`; the shell ends the program with that status.
public struct ExitRequest: Error, Sendable {
    /// The requested exit status.
    public let status: Int32
}
