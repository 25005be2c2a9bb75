// Results written by index from parallel workers, each slot exactly once.
import Foundation

/// Results written by index from parallel workers, each slot exactly once.
final class Slots<Element>: @unchecked Sendable {  // unchecked: each slot is written by one worker, and read only after all have joined
    private var storage: [Element?]
    private let lock = NSLock()

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    subscript(index: Int) -> Element? {
        get { lock.lock(); defer { lock.unlock() }; return storage[index] }
        set { lock.lock(); storage[index] = newValue; lock.unlock() }
    }

    /// Every slot's value; throws when one was never filled (a job that failed without an error).
    func values() throws -> [Element] {
        lock.lock()
        defer { lock.unlock() }
        return try storage.enumerated().map { index, value in
            guard let value else { throw EngineError.numerical("result \(index) was not computed") }
            return value
        }
    }
}
