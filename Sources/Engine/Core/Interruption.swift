// The process-wide Ctrl-C flag: Shell's signal handler sets it, long Engine loops poll it.
import Synchronization

/// Cooperative cancellation: set from a signal handler, checked by long-running work.
public enum Interruption {
    private static let flag = Atomic<Bool>(false)

    /// Marks that the user asked to stop (safe to call from a signal handler: a lock-free store).
    public static func request() { flag.store(true, ordering: .relaxed) }

    /// Clears the flag before a new command runs.
    public static func reset() { flag.store(false, ordering: .relaxed) }

    /// Whether an interruption is pending.
    public static var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// Throws `EngineError.interrupted` when the user asked to stop.
    public static func check() throws {
        if isRequested { throw EngineError.interrupted }
    }
}
