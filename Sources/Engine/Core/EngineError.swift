// The typed errors Engine throws; they carry files and tensor names, never source positions.

/// An error raised by Engine; `description` is the one-line message shown to users.
public enum EngineError: Error, CustomStringConvertible, Equatable {
    /// A file could not be opened, read or written.
    case io(path: String, message: String)
    /// A file exists but its contents are not what its format promises.
    case malformed(path: String, message: String)
    /// A tensor or parameter name that is not present.
    case unknownName(String, context: String, suggestion: String?)
    /// Two shapes that must agree do not.
    case shapeMismatch(operation: String, lhs: [Int], rhs: [Int], name: String?)
    /// An argument outside its allowed range or form.
    case invalidArgument(String)
    /// A numerical routine (BLAS/LAPACK) reported failure.
    case numerical(String)
    /// Something the schema or format does not (yet) support.
    case unsupported(String)
    /// The user pressed Ctrl-C during long work.
    case interrupted

    public var description: String {
        switch self {
        case let .io(path, message): return "\(path): \(message)"
        case let .malformed(path, message): return "\(path): \(message)"
        case let .unknownName(name, context, suggestion):
            var text = "no \(context) named '\(name)'"
            if let suggestion { text += "; did you mean '\(suggestion)'?" }
            return text
        case let .shapeMismatch(operation, lhs, rhs, name):
            let prefix = name.map { "\($0): " } ?? ""
            return "\(prefix)shapes \(Shape.describe(lhs)) and \(Shape.describe(rhs)) do not match for \(operation)"
        case let .invalidArgument(message): return message
        case let .numerical(message): return message
        case let .unsupported(message): return message
        case .interrupted: return "interrupted"
        }
    }
}
