// Progress reporting from long Engine work; only Shell draws it.
import Foundation

/// Receives progress of long operations; Shell installs one that draws a bar on a terminal.
public protocol ProgressReporter: AnyObject, Sendable {
    /// Work named `label` has `total` steps.
    func begin(_ label: String, total: Int)
    /// `done` of the steps are finished.
    func advance(_ done: Int)
    /// The work ended (normally or not).
    func end()
}

/// The currently installed reporter (none by default: Engine used as a library stays silent).
public enum Progress {
    /// The process-wide reporter (Shell installs its progress bar here once, at start-up).
    nonisolated(unsafe) public static var reporter: ProgressReporter?  // unchecked: set once at start-up, before any work

    /// A reporter for the current task only, overriding `reporter` (so concurrent callers, such as tests
    /// running in parallel, each see only their own progress).
    @TaskLocal public static var scoped: ProgressReporter?

    /// Runs `body` with progress begun and always ended.
    public static func run<T>(_ label: String, total: Int, _ body: (_ step: (Int) -> Void) throws -> T) rethrows -> T {
        let current = scoped ?? reporter
        current?.begin(label, total: total)
        defer { current?.end() }
        return try body { done in current?.advance(done) }
    }
}
