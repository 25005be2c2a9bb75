// What a sharded zoo study computes, where its files live, and which array task does what.
import Foundation

/// The parameters of a study, fixed when it is created and recorded in every shard file it produces.
///
/// Task ids run over the map shards first (`0..<shards`: per-model results of a contiguous slice of the zoo),
/// then the Gram shards (`shards..<shards + gramShards`: a slice of the tensors, read from every model).
public struct StudySpec: Codable, Equatable, Sendable {
    /// The zoo: a manifest CSV or a directory of models (absolute).
    public var zoo: String
    /// The base model every delta is taken from (absolute path or hub id).
    public var base: String
    /// Number of map shards (each a contiguous slice of the zoo).
    public var shards: Int
    /// Number of Gram shards (each a slice of the tensors); 0 computes no Gram.
    public var gramShards: Int
    /// Sketch dimension (`vectorize` default stat), nil for no sketch.
    public var sketch: Int?
    /// Sketch seed.
    public var seed: Int
    /// Profile statistics (`rel`, `fro`, …), one vector set each.
    public var profiles: [String]
    /// The long table of rank measures of every delta matrix (a `model` column first).
    public var rank: Bool
    /// Every delta matrix's singular values, models × values per matrix.
    public var spectra: Bool
    /// Include the token embedding in the deltas.
    public var includeEmbed: Bool
    /// Bytes a Gram task may hold for the stacked slices of one tensor across all models; a tensor larger than
    /// this over the whole zoo is split into row blocks.
    public var gramMemory: Int

    public init(zoo: String, base: String, shards: Int, gramShards: Int = 0, sketch: Int? = 512, seed: Int = 0,
                profiles: [String] = [], rank: Bool = false, spectra: Bool = false, includeEmbed: Bool = false,
                gramMemory: Int = 1 << 30) {
        self.zoo = zoo
        self.base = base
        self.shards = shards
        self.gramShards = gramShards
        self.sketch = sketch
        self.seed = seed
        self.profiles = profiles
        self.rank = rank
        self.spectra = spectra
        self.includeEmbed = includeEmbed
        self.gramMemory = gramMemory
    }

    /// Slurm's default `MaxArraySize` allows task ids 0…1000.
    public static let maxTasks = 1001

    /// All tasks of the study.
    public var taskCount: Int { shards + gramShards }

    /// Every task in id order: the map shards, then the Gram shards.
    public var tasks: [StudyTaskID] {
        (0..<shards).map { StudyTaskID(kind: .map, index: $0) } + (0..<gramShards).map { StudyTaskID(kind: .gram, index: $0) }
    }

    /// Checks ranges and names before anything runs.
    public func validate() throws {
        guard shards >= 1 else { throw EngineError.invalidArgument("a study needs at least one shard, got \(shards)") }
        guard gramShards >= 0 else { throw EngineError.invalidArgument("gram shards must be ≥ 0, got \(gramShards)") }
        // Compared one by one first: the sum of two values read from a file could overflow.
        guard shards <= StudySpec.maxTasks, gramShards <= StudySpec.maxTasks, taskCount <= StudySpec.maxTasks else {
            throw EngineError.invalidArgument("\(shards) map + \(gramShards) Gram shards = \(taskCount) tasks, more than Slurm's default array limit of \(StudySpec.maxTasks); use fewer shards (each then takes a chunk of models)")
        }
        if let sketch, !(1...(1 << 16)).contains(sketch) {
            throw EngineError.invalidArgument("sketch dimension must be between 1 and 65536, got \(sketch)")
        }
        guard seed >= 0 else { throw EngineError.invalidArgument("seed must be ≥ 0, got \(seed)") }
        for stat in profiles where DeltaStatistic(rawValue: stat) == nil {
            let known = DeltaStatistic.allCases.map(\.rawValue)
            throw EngineError.invalidArgument("unknown profile statistic '\(stat)'; known: \(known.joined(separator: ", "))" + Suggest.hint(for: stat, in: known))
        }
        guard Set(profiles).count == profiles.count else { throw EngineError.invalidArgument("a profile statistic is listed twice: \(profiles)") }
        guard sketch != nil || !profiles.isEmpty || rank || spectra || gramShards > 0 else {
            throw EngineError.invalidArgument("the study computes nothing: ask for a sketch, profiles, rank, spectra or a Gram")
        }
        guard gramMemory >= 1 << 20 else { throw EngineError.invalidArgument("gram memory must be at least 1 MiB, got \(gramMemory) bytes") }
    }

    /// The spec as canonical JSON (sorted keys): equal parameters give equal text, so shards compare by string.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Parses `json()` output; `path` names the file in errors.
    public static func parse(_ text: String, path: String) throws -> StudySpec {
        do {
            return try JSONDecoder().decode(StudySpec.self, from: Data(text.utf8))
        } catch {
            throw EngineError.malformed(path: path, message: "not a study description: \(error)")
        }
    }

    /// What task `id` does: map shard `index`, or Gram shard `index`.
    public func task(_ id: Int) throws -> StudyTaskID {
        guard (0..<taskCount).contains(id) else {
            throw EngineError.invalidArgument("task \(id) does not exist: this study has tasks 0…\(taskCount - 1) (\(shards) map, \(gramShards) Gram)")
        }
        return id < shards ? StudyTaskID(kind: .map, index: id) : StudyTaskID(kind: .gram, index: id - shards)
    }
}

/// One task of a study: which kind and which shard of that kind.
public struct StudyTaskID: Equatable, Sendable, CustomStringConvertible {
    /// Map shards hold per-model results; Gram shards a partial Gram matrix.
    public enum Kind: String, Sendable { case map, gram }
    public let kind: Kind
    public let index: Int

    public init(kind: Kind, index: Int) {
        self.kind = kind
        self.index = index
    }

    /// `map-0003.h5`: four digits cover Slurm's 1001 array tasks and sort in task order.
    public var fileName: String {
        let digits = String(index)
        return "\(kind.rawValue)-\(String(repeating: "0", count: max(0, 4 - digits.count)))\(digits).h5"
    }

    public var description: String { "\(kind.rawValue) shard \(index)" }
}

/// The files of a study directory: `study.json`, `shards/`, `logs/`, and the merged `study.h5`.
public struct StudyDirectory: Sendable {
    /// The directory (absolute).
    public let path: String

    public init(_ path: String) {
        self.path = ModelLoader.resolve(path, currentDirectory: nil)
    }

    public var specPath: String { path + "/study.json" }
    public var shardsPath: String { path + "/shards" }
    public var logsPath: String { path + "/logs" }
    public var mergedPath: String { path + "/study.h5" }
    public func shardPath(_ task: StudyTaskID) -> String { shardsPath + "/" + task.fileName }

    /// Creates the directory with `spec` (paths made absolute; 0 shards means one per model, at most 1000),
    /// refusing a different existing study. Returns the spec as stored and the zoo's size.
    public func create(_ spec: StudySpec) throws -> (spec: StudySpec, models: Int) {
        var spec = spec
        spec.zoo = ModelLoader.resolve(spec.zoo, currentDirectory: nil)
        let models = try Zoo.open(spec.zoo) { try ModelLoader.load($0) }.entries.count
        if spec.shards == 0 { spec.shards = max(1, min(models, StudySpec.maxTasks - 1 - spec.gramShards)) }
        let resolvedBase = ModelLoader.resolve(spec.base, currentDirectory: nil)
        // A hub id stays an id (resolved in the cache by every task); a path becomes absolute.
        if FileManager.default.fileExists(atPath: resolvedBase) || !HuggingFaceCache.looksLikeID(spec.base) { spec.base = resolvedBase }
        try spec.validate()
        if FileManager.default.fileExists(atPath: specPath) {
            let existing = try load()
            guard existing == spec else {
                throw EngineError.io(path: specPath, message: "already describes a different study (\(StudyDirectory.differences(existing, spec).joined(separator: "; "))); use another directory")
            }
            return (existing, models)
        }
        for folder in [path, shardsPath, logsPath] {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw EngineError.io(path: folder, message: "cannot create the study directory: \(error.localizedDescription)")
            }
        }
        let text = try spec.json() + "\n"
        guard FileManager.default.createFile(atPath: specPath, contents: Data(text.utf8)) else {
            throw EngineError.io(path: specPath, message: "cannot write the study description")
        }
        return (spec, models)
    }

    /// Reads `study.json`.
    public func load() throws -> StudySpec {
        guard let data = FileManager.default.contents(atPath: specPath) else {
            throw EngineError.io(path: specPath, message: "no study here (create one with `mvs study init`)")
        }
        let spec = try StudySpec.parse(String(decoding: data, as: UTF8.self), path: specPath)
        try spec.validate()
        return spec
    }

    /// `key: old → new` for every parameter that differs (for messages).
    static func differences(_ a: StudySpec, _ b: StudySpec) -> [String] {
        func fields(_ spec: StudySpec) -> [String: String] {
            guard let data = try? JSONEncoder().encode(spec),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
            // Each value as JSON text: `true`, `["rel","fro"]`, `512`.
            return object.mapValues { value in
                (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]))
                    .map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
            }
        }
        let left = fields(a), right = fields(b)
        return Set(left.keys).union(right.keys).sorted().compactMap { key in
            left[key] == right[key] ? nil : "\(key): \(left[key] ?? "none") → \(right[key] ?? "none")"
        }
    }
}
