// Values computed from a model once and kept with it (its parsed tokenizer, …), so repeated calls reuse them.
import Foundation

/// A per-model store of derived values, each made on first use; lives and dies with its model.
public final class DerivedValues: @unchecked Sendable {  // unchecked: `values` is only touched under `lock`
    private var values: [String: Any] = [:]
    // Recursive: making one value may ask for another.
    private let lock = NSRecursiveLock()

    public init() {}

    /// The value stored under `key`, made by `make` the first time (a failure is not stored, so it is retried).
    public func value<T>(_ key: String, _ make: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        if let stored = values[key] as? T { return stored }
        let made = try make()
        values[key] = made
        return made
    }
}
