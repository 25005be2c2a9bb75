// The one gate to libhdf5: a process-wide lock, automatic error printing off, and error stacks as EngineError.
import CHDF5
import Foundation

/// Serialises libhdf5 calls and turns its error stack into `EngineError`.
///
/// Every HDF5 call in Engine runs inside `HDF5Library.locked`: Debian's build is thread-safe, but other
/// builds are not, and Swift Testing runs tests in parallel. The lock is recursive because handles close
/// themselves in `deinit`, which may run while an operation already holds it.
enum HDF5Library {
    private static let lock = NSRecursiveLock()

    /// Runs once before the first HDF5 call. HDF5's own exit-time cleanup is switched off: after a failed write
    /// (disk full) HDF5 1.10 keeps the half-closed file in its tables and crashed at exit trying to flush it
    /// again; mvs has removed that file already, and the operating system reclaims the rest.
    private static let initialized: Bool = {
        H5dont_atexit()
        return H5open() >= 0
    }()

    /// Runs `body` holding the HDF5 lock, with HDF5's automatic error printing off for this thread.
    @discardableResult
    static func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        _ = initialized
        // Thread-safe builds keep the auto-print setting per thread, so it is switched off on every entry
        // (a cheap call) rather than once per process.
        H5Eset_auto2(mvs_h5e_default(), nil, nil)
        return try body()
    }

    /// Throws the current HDF5 error stack as an `EngineError.io` for `path` when `status` is negative.
    @discardableResult
    static func check<Status: BinaryInteger>(_ status: Status, _ action: @autoclosure () -> String, path: String) throws -> Status {
        if status < 0 { throw error(action(), path: path) }
        return status
    }

    /// The current error stack as one message: what mvs tried, HDF5's outermost and innermost descriptions.
    static func error(_ action: String, path: String) -> EngineError {
        let details = errorStack()
        var message = action
        if let outer = details.first { message += ": \(outer)" }
        if details.count > 1, let inner = details.last, inner != details.first {
            message += " (\(systemMessage(in: inner) ?? inner))"
        }
        return EngineError.io(path: path, message: message)
    }

    /// Descriptions on the current thread's error stack, outermost (the API call) first.
    private static func errorStack() -> [String] {
        final class Collector { var descriptions: [String] = [] }
        let collector = Collector()
        let walker: H5E_walk2_t = { _, entry, context in
            guard let entry, let context else { return 0 }
            let collector = Unmanaged<Collector>.fromOpaque(context).takeUnretainedValue()
            if let text = entry.pointee.desc.map({ String(cString: $0) }), !text.isEmpty {
                collector.descriptions.append(text)
            }
            return 0
        }
        let context = Unmanaged.passUnretained(collector).toOpaque()
        H5Ewalk2(mvs_h5e_default(), H5E_WALK_DOWNWARD, walker, context)
        // Downward starts at the API function (outermost) and ends where the error arose; keep each once.
        var seen = Set<String>()
        return collector.descriptions.filter { seen.insert($0).inserted }
    }

    /// The operating system's message inside an HDF5 description (`error message = 'No space left on device'`).
    private static func systemMessage(in description: String) -> String? {
        guard let start = description.range(of: "error message = '") else { return nil }
        let rest = description[start.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<end])
    }
}
