// How many independent matrices are spread over the cores: one matrix per core, or one at a time.
import Foundation

/// How a batch of independent matrix jobs uses the cores.
public enum WorkSchedule: String, Sendable, CaseIterable {
    /// One job per core at a time, OpenBLAS limited to one thread (measured fastest here: see docs/analyses.md).
    case matrixPerCore
    /// One job at a time, OpenBLAS using all its threads inside each.
    case threadedBLAS

    /// Runs `job(i)` for every i in `0..<count` under this schedule, stopping at the first error.
    ///
    /// `done` receives the number of finished jobs, serialised under a lock (progress reporters need not be
    /// thread-safe). `Interruption.check()` runs before each job, so Ctrl-C stops the batch between jobs.
    func run(count: Int, done: (Int) -> Void, _ job: (Int) throws -> Void) throws {
        switch self {
        case .threadedBLAS:
            for index in 0..<count {
                try Interruption.check()
                try job(index)
                done(index + 1)
            }
        case .matrixPerCore:
            try withoutActuallyEscaping(job) { job in
                try withoutActuallyEscaping(done) { done in try runPerCore(count: count, done: done, job) }
            }
        }
    }

    /// One worker per core pulling indices; returns when every worker has finished.
    private func runPerCore(count: Int, done: @escaping (Int) -> Void, _ job: @escaping (Int) throws -> Void) throws {
        // Unchecked: concurrentPerform returns only after every worker has, so neither closure outlives this
        // call; `job` is run on several threads by contract (callers write results into `Slots`), and
        // `done` runs under the batch lock.
        nonisolated(unsafe) let job = job, done = done
        let state = BatchState()
        let workers = min(max(ProcessInfo.processInfo.activeProcessorCount, 1), count)
        // Each worker pulls the next index, so a slow matrix does not leave a core idle.
        Linalg.withOneBLASThread {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let index = state.claim(below: count) {
                    do {
                        try Interruption.check()
                        try job(index)
                        state.finish(done)
                    } catch {
                        state.fail(error)
                    }
                }
            }
        }
        if let error = state.error { throw error }
    }
}

/// The shared counters of a parallel batch: next index, finished count and the first error.
private final class BatchState: @unchecked Sendable {  // unchecked: every field is read and written under `lock`
    private let lock = NSLock()
    private var next = 0
    private var finished = 0
    private(set) var error: Error?

    /// The next unclaimed index, or nil when all are claimed or the batch failed.
    func claim(below count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard error == nil, next < count else { return nil }
        next += 1
        return next - 1
    }

    func finish(_ done: (Int) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        finished += 1
        done(finished)
    }

    func fail(_ failure: Error) {
        lock.lock()
        defer { lock.unlock() }
        if error == nil { error = failure }
    }
}
