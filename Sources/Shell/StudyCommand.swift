// `mvs study …` and `mvs merge …`: sharded zoo studies from the command line (what Slurm jobs and xargs run).
import Foundation
import Engine

/// The study subcommands. Parsed by hand like the rest of the command line: a handful of flags, precise errors.
enum StudyCommand {
    /// First arguments that start a subcommand instead of naming a script (`mvs ./merge` runs a script called merge).
    static let names: Set<String> = ["study", "merge"]

    static let usage = """
    usage: mvs study init DIR --zoo ZOO --base BASE [--shards N] [--gram-shards G] [--sketch DIM | --no-sketch]
                              [--seed S] [--profiles rel,fro,…] [--rank] [--spectra] [--include-embed] [--gram-memory 1G]
           mvs study run DIR [--task ID[,ID…]] [--force]     one task (default: $SLURM_ARRAY_TASK_ID, else every task)
           mvs study status DIR                              which shards are done, stale or missing
           mvs study sbatch DIR [--time 01:00:00] [--mem 8G] [--cpus 1] [--partition P] [--account A]
                                [--max-parallel K] [--copy] [--binary PATH]
           mvs study merge DIR [--copy]                      merge DIR's shards into DIR/study.h5
           mvs merge OUT SHARD… [--copy] [--overwrite] [--no-check]
    """

    /// Runs `arguments` (starting with `study` or `merge`); returns the exit status.
    static func run(_ arguments: [String]) -> Int32 {
        do {
            var flags = try Flags(Array(arguments.dropFirst()))
            switch arguments.first {
            case "merge": try merge(&flags)
            default:
                guard let verb = flags.positional.first else { throw UsageError("study needs a verb: init, run, status, sbatch or merge") }
                flags.positional.removeFirst()
                switch verb {
                case "init": try initialize(&flags)
                case "run": return try runTasks(&flags)
                case "status": try status(&flags)
                case "sbatch": try sbatch(&flags)
                case "merge": try mergeStudy(&flags)
                default:
                    throw UsageError("unknown study verb '\(verb)'" + Suggest.hint(for: verb, in: ["init", "run", "status", "sbatch", "merge"]))
                }
            }
            return 0
        } catch let error as UsageError {
            Terminal.err("mvs: \(error.message)")
            Terminal.err(usage)
            return 64
        } catch EngineError.interrupted {
            Terminal.err("mvs: interrupted")
            return 130
        } catch {
            Terminal.err("mvs: \(error)")
            return 70
        }
    }

    private static func directory(_ flags: inout Flags) throws -> StudyDirectory {
        guard let path = flags.positional.first else { throw UsageError("missing the study directory") }
        flags.positional.removeFirst()
        return StudyDirectory(FilePath.expandingTilde(path))
    }

    private static func initialize(_ flags: inout Flags) throws {
        let directory = try directory(&flags)
        guard let zoo = flags.value("--zoo"), let base = flags.value("--base") else { throw UsageError("study init needs --zoo and --base") }
        var spec = StudySpec(zoo: FilePath.expandingTilde(zoo), base: FilePath.expandingTilde(base),
                             shards: try flags.int("--shards") ?? 0)
        spec.gramShards = try flags.int("--gram-shards") ?? 0
        spec.sketch = flags.bool("--no-sketch") ? nil : try flags.int("--sketch") ?? 512
        spec.seed = try flags.int("--seed") ?? 0
        spec.profiles = flags.value("--profiles").map { $0.split(separator: ",").map(String.init) } ?? []
        spec.rank = flags.bool("--rank")
        spec.spectra = flags.bool("--spectra")
        spec.includeEmbed = flags.bool("--include-embed")
        if let memory = flags.value("--gram-memory") { spec.gramMemory = try bytes(memory) }
        try flags.finish(positional: 0)
        let (created, models) = try directory.create(spec)
        spec = created
        Terminal.out("study \(directory.path): \(models) models, \(spec.shards) map shards + \(spec.gramShards) Gram shards = \(spec.taskCount) tasks")
        Terminal.out("run every task here:   mvs study run \(directory.path)        (or in parallel: seq 0 \(spec.taskCount - 1) | xargs -P 2 -I{} mvs study run \(directory.path) --task {})")
        Terminal.out("or on Slurm:           mvs study sbatch \(directory.path) --time 01:00:00 --mem 8G")
    }

    private static func runTasks(_ flags: inout Flags) throws -> Int32 {
        let directory = try directory(&flags)
        let force = flags.bool("--force")
        let spec = try directory.load()
        let ids: [Int]
        if let list = flags.value("--task") {
            ids = try list.split(separator: ",").map { text in
                guard let id = Int(text) else { throw UsageError("--task takes task numbers, got '\(text)'") }
                return id
            }
        } else if ProcessInfo.processInfo.environment["SLURM_ARRAY_TASK_ID"] != nil {
            ids = [try SlurmArrayTask.id()]
        } else {
            ids = Array(0..<spec.taskCount)
        }
        try flags.finish(positional: 0)
        for id in ids {
            let started = Date()
            let (task, outcome) = try StudyRun.run(directory, task: id, force: force) { reason in
                Terminal.err("mvs: task \(id): redoing \(directory.shardPath((try? spec.task(id)) ?? StudyTaskID(kind: .map, index: id))): \(reason)")
            }
            Terminal.out("task \(id) (\(task)): \(outcome.rawValue) \(directory.shardPath(task)) [\(String(format: "%.1f", Date().timeIntervalSince(started))) s]")
        }
        return 0
    }

    private static func status(_ flags: inout Flags) throws {
        let directory = try directory(&flags)
        try flags.finish(positional: 0)
        let states = try StudyRun.status(directory)
        for (id, (task, state)) in states.enumerated() { Terminal.out("task \(id) (\(task)): \(state)") }
        Terminal.out("\(states.filter { $0.state == "done" }.count) of \(states.count) tasks done")
    }

    private static func sbatch(_ flags: inout Flags) throws {
        let directory = try directory(&flags)
        var resources = SlurmResources()
        if let time = flags.value("--time") { resources.time = time }
        resources.memory = flags.value("--mem")
        resources.cpus = try flags.int("--cpus") ?? 1
        resources.partition = flags.value("--partition")
        resources.account = flags.value("--account")
        resources.maxParallel = try flags.int("--max-parallel")
        resources.copy = flags.bool("--copy")
        let binary = flags.value("--binary").map { URL(fileURLWithPath: FilePath.expandingTilde($0)).standardized.path } ?? executablePath()
        try flags.finish(positional: 0)
        let files = try SlurmScript.write(directory, binary: binary, resources: resources)
        Terminal.out("wrote \(files.array), \(files.merge) and \(files.submit)")
        Terminal.out("submit:                   sh \(files.submit)")
        Terminal.out("after a failed task, fix it and rerun only that task (and the merge): sh \(files.submit) --array=ID")
    }

    private static func mergeStudy(_ flags: inout Flags) throws {
        let directory = try directory(&flags)
        let copy = flags.bool("--copy")
        try flags.finish(positional: 0)
        let spec = try directory.load()
        try report(ShardMerge.merge(spec.tasks.map(directory.shardPath), into: directory.mergedPath,
                                    options: ShardMerge.Options(overwrite: true, copy: copy)), target: directory.mergedPath)
    }

    private static func merge(_ flags: inout Flags) throws {
        let options = ShardMerge.Options(overwrite: flags.bool("--overwrite"), copy: flags.bool("--copy"), checkModels: !flags.bool("--no-check"))
        try flags.finish(positional: nil)
        guard flags.positional.count >= 2 else { throw UsageError("merge needs OUT and at least one SHARD file") }
        let paths = flags.positional.map { FilePath.expandingTilde($0) }
        try report(ShardMerge.merge(Array(paths.dropFirst()), into: paths[0], options: options), target: paths[0])
    }

    private static func report(_ summary: ShardMerge.Summary, target: String) {
        Terminal.out("merged \(summary.mapShards) map + \(summary.gramShards) Gram shards (\(summary.models) models) into \(target): \(summary.values.joined(separator: ", "))")
    }

    /// The running binary's absolute path (what the Slurm scripts call).
    private static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardized.path
    }

    /// `512M`, `4G`, `1048576` → bytes.
    private static func bytes(_ text: String) throws -> Int {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        let scale = text.last.flatMap { units[Character($0.uppercased())] } ?? 1
        guard let number = Int(scale == 1 ? text : String(text.dropLast())), number >= 0 else {
            throw UsageError("'\(text)' is not a size (e.g. 512M, 4G)")
        }
        let (value, overflow) = number.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw UsageError("'\(text)' is too large") }
        return value
    }
}

/// Subcommand arguments: `--name value`, `--name=value`, boolean `--name`, and positional arguments.
private struct Flags {
    var positional: [String] = []
    private var values: [String: String] = [:]
    private var used: Set<String> = []
    /// Flags that take no value.
    private static let booleans: Set<String> = ["--rank", "--spectra", "--include-embed", "--no-sketch", "--force", "--copy",
                                                "--overwrite", "--no-check"]

    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else { positional.append(argument); continue }
            if let equals = argument.firstIndex(of: "=") {
                values[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
            } else if Flags.booleans.contains(argument) {
                values[argument] = "true"
            } else {
                guard index < arguments.count else { throw UsageError("\(argument) needs a value") }
                values[argument] = arguments[index]
                index += 1
            }
        }
    }

    mutating func value(_ name: String) -> String? {
        used.insert(name)
        return values[name]
    }

    mutating func bool(_ name: String) -> Bool { value(name) == "true" }

    mutating func int(_ name: String) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let number = Int(text) else { throw UsageError("\(name) takes a whole number, got '\(text)'") }
        return number
    }

    /// Refuses flags nobody asked for, and positional arguments beyond `positional` (nil: any number).
    func finish(positional count: Int?) throws {
        if let unknown = values.keys.sorted().first(where: { !used.contains($0) }) {
            throw UsageError("unknown option '\(unknown)'" + Suggest.hint(for: unknown, in: Array(used)))
        }
        if let count, positional.count > count { throw UsageError("unexpected argument '\(positional[count])'") }
    }
}
