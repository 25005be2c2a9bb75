// The typed errors Engine throws; they carry files and tensor names, never source positions.

/// An error raised by Engine; `description` is the one-line message shown to users.
public enum EngineError: Error, CustomStringConvertible, Equatable {
    /// A file could not be opened, read or written.
    case io(path: String, message: String)
    /// A file (or, with `name`, a value inside one) exists and is replaced only when the caller asks;
    /// `appendable` says whether the writer could add to the file instead.
    case exists(path: String, name: String?, appendable: Bool)
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
    /// A model has no final norm, which the analysis was asked to apply.
    case noFinalNorm(model: String, family: String)
    /// The user pressed Ctrl-C during long work.
    case interrupted

    public var description: String {
        switch self {
        case let .io(path, message): return "\(path): \(message)"
        case let .exists(path, name, _): return "\(path): " + (name.map { "already holds '\($0)'" } ?? "already exists")
        case let .malformed(path, message): return "\(path): \(message)"
        case let .unknownName(name, context, suggestion):
            return "no \(context) named '\(name)'" + Suggest.tail(suggestion)
        case let .shapeMismatch(operation, lhs, rhs, name):
            let prefix = name.map { "\($0): " } ?? ""
            return "\(prefix)shapes \(Shape.describe(lhs)) and \(Shape.describe(rhs)) do not match for \(operation)"
        case let .invalidArgument(message): return message
        case let .numerical(message): return message
        case let .unsupported(message): return message
        case let .noFinalNorm(model, family): return "\(model) has no final norm (family '\(family)')"
        case .interrupted: return "interrupted"
        }
    }
}
