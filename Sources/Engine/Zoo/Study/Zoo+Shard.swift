// Splitting a zoo into deterministic shards by position, and reading the shard from a Slurm array task.
import Foundation

extension Zoo {
    /// The positions of shard `index` of `count` over `total` members: contiguous and balanced (sizes differ by
    /// at most one), so the same zoo and count give the same split on every machine.
    public static func shardRange(index: Int, count: Int, total: Int) throws -> Range<Int> {
        guard count >= 1 else { throw EngineError.invalidArgument("the number of shards must be at least 1, got \(count)") }
        guard total >= 0 else { throw EngineError.invalidArgument("a zoo of \(total) models cannot be sharded") }
        guard (0..<count).contains(index) else {
            throw EngineError.invalidArgument("shard \(index) does not exist: shards are numbered 0…\(count - 1)")
        }
        // index · total fits easily: both are bounded by the zoo size and the shard count a user asks for.
        let (low, lowOverflow) = index.multipliedReportingOverflow(by: total)
        let (high, highOverflow) = (index + 1).multipliedReportingOverflow(by: total)
        guard !lowOverflow, !highOverflow else { throw EngineError.invalidArgument("\(count) shards of \(total) models: too many") }
        return (low / count)..<(high / count)
    }

    /// Shard `index` of `count`: the members at `shardRange` positions, in zoo order.
    public func shard(_ index: Int, of count: Int) throws -> Zoo {
        let range = try Zoo.shardRange(index: index, count: count, total: entries.count)
        return Zoo(entries: Array(entries[range]), source: "\(source) [shard \(index) of \(count)]", loader: loader)
    }
}

/// The array task Slurm runs this process as (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`).
public enum SlurmArrayTask {
    /// `SLURM_ARRAY_TASK_ID` as a number; throws, naming the variable, outside an array job.
    public static func id(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int {
        try number("SLURM_ARRAY_TASK_ID", environment)
    }

    /// `SLURM_ARRAY_TASK_COUNT`: the number of tasks in *this submission* (1 when only one failed task was
    /// resubmitted), so a study takes its shard count from its own parameters instead.
    public static func count(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int {
        try number("SLURM_ARRAY_TASK_COUNT", environment)
    }

    private static func number(_ name: String, _ environment: [String: String]) throws -> Int {
        guard let text = environment[name] else {
            throw EngineError.invalidArgument("\(name) is not set: not running as a Slurm array task (give the shard explicitly)")
        }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw EngineError.invalidArgument("\(name) is '\(text)', not a task number")
        }
        return value
    }
}
