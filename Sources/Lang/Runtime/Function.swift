// Callable values: builtins from the registry, and user functions (defined by the interpreter).
import Engine

/// A callable value: a builtin or a user-defined function.
public final class Function: @unchecked Sendable {  // unchecked: user functions capture the interpreter's environments, used by one thread at a time
    /// Name shown in displays and call stacks.
    public let name: String
    /// What happens on call.
    public let body: Body

    /// The implementation of a function.
    public enum Body {
        case builtin(Builtin)
        /// A user function; the interpreter owns its representation.
        case user(AnyObject)
    }

    public init(name: String, body: Body) {
        self.name = name
        self.body = body
    }
}
