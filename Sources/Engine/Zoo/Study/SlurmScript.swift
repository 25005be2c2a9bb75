// The sbatch scripts of a study: an array over its tasks, the merge as an afterok dependency, and a submitter.
import Foundation

/// Resources and options for the generated Slurm jobs (`#SBATCH` lines).
public struct SlurmResources: Sendable {
    /// Wall time per task (`--time`, e.g. `01:00:00`).
    public var time: String = "01:00:00"
    /// Memory per task (`--mem`, e.g. `8G`), the cluster's default when nil.
    public var memory: String?
    /// Cores per task (`--cpus-per-task`); OpenBLAS uses as many threads.
    public var cpus: Int = 1
    /// Partition (`--partition`), the cluster's default when nil.
    public var partition: String?
    /// Account (`--account`), when the cluster charges one.
    public var account: String?
    /// At most this many tasks at once (`--array=…%K`), unlimited when nil.
    public var maxParallel: Int?
    /// Merge with a copy of the data instead of virtual datasets.
    public var copy = false

    public init() {}
}

/// Writes `array.sbatch`, `merge.sbatch` and `submit.sh` into a study directory.
public enum SlurmScript {
    /// The three files' paths after `write`.
    public struct Files: Sendable {
        public let array: String
        public let merge: String
        public let submit: String
    }

    /// Writes the scripts for the study in `directory`, running the mvs binary at `binary` (absolute).
    public static func write(_ directory: StudyDirectory, binary: String, resources: SlurmResources) throws -> Files {
        let spec = try directory.load()
        guard resources.cpus >= 1 else { throw EngineError.invalidArgument("--cpus must be at least 1, got \(resources.cpus)") }
        if let limit = resources.maxParallel, limit < 1 {
            throw EngineError.invalidArgument("--max-parallel must be at least 1, got \(limit)")
        }
        for value in [resources.time, resources.memory ?? "", resources.partition ?? "", resources.account ?? ""]
        where value.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "$" }) {
            throw EngineError.invalidArgument("Slurm option '\(value)' contains spaces, quotes or '$'")
        }
        let name = FilePath.lastComponent(directory.path)
        let files = Files(array: directory.path + "/array.sbatch", merge: directory.path + "/merge.sbatch", submit: directory.path + "/submit.sh")
        for path in [directory.path, binary] where !plain(path) {
            throw EngineError.invalidArgument("'\(path)': Slurm scripts need absolute paths of plain characters (no spaces or quotes)")
        }
        let shards = spec.tasks.map(directory.shardPath)
        var common = ["--time=\(resources.time)", "--chdir=\(directory.path)"]
        if let memory = resources.memory { common.append("--mem=\(memory)") }
        if let partition = resources.partition { common.append("--partition=\(partition)") }
        if let account = resources.account { common.append("--account=\(account)") }

        let array = header(["--job-name=mvs-\(name)",
                            "--array=0-\(spec.taskCount - 1)" + (resources.maxParallel.map { "%\($0)" } ?? ""),
                            "--cpus-per-task=\(resources.cpus)",
                            "--output=\(directory.logsPath)/task-%a.out"] + common) + """
            # One array task per shard: tasks 0–\(spec.shards - 1) map \(spec.shards) slices of the zoo\(spec.gramShards > 0 ? ", tasks \(spec.shards)–\(spec.taskCount - 1) the \(spec.gramShards) Gram shards" : "").
            # A task whose shard is complete and whose models are unchanged exits at once, so resubmitting is safe.
            export OPENBLAS_NUM_THREADS=\(resources.cpus)
            exec \(binary) study run \(directory.path) --task "$SLURM_ARRAY_TASK_ID"

            """
        let merge = header(["--job-name=mvs-\(name)-merge", "--cpus-per-task=1", "--output=\(directory.logsPath)/merge.out"] + common) + """
            # Runs only after every array task succeeded (afterok); checks the shards and the models, then merges.
            exec \(binary) merge --overwrite\(resources.copy ? " --copy" : "") \(directory.mergedPath) \\
            \(shards.map { "    " + $0 }.joined(separator: " \\\n"))

            """
        let submit = """
            #!/bin/sh
            # Submits the array, then the merge with an afterok dependency on it. Extra arguments go to the array's
            # sbatch: `sh submit.sh --array=2,5` reruns only tasks 2 and 5 (finished shards are kept) and merges again.
            # --kill-on-invalid-dep=yes: when a task fails, the merge is cancelled instead of pending forever.
            set -eu
            array=$(sbatch --parsable "$@" \(files.array))
            array=${array%%;*}
            merge=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes \(files.merge))
            merge=${merge%%;*}
            echo "array job $array, merge job $merge"
            echo "follow with: squeue -j $array,$merge   logs: \(directory.logsPath)/"

            """
        for (path, text) in [(files.array, array), (files.merge, merge), (files.submit, submit)] {
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o755]) else {
                throw EngineError.io(path: path, message: "cannot write the Slurm script")
            }
        }
        return files
    }

    private static func header(_ options: [String]) -> String {
        "#!/bin/bash\n" + options.map { "#SBATCH \($0)\n" }.joined() + "set -eu\n"
    }

    /// Whether a path can go into `#SBATCH` lines and commands without quoting.
    static func plain(_ path: String) -> Bool {
        path.hasPrefix("/") && path.allSatisfy { $0.isLetter || $0.isNumber || "/._-+,:@".contains($0) }
    }
}
