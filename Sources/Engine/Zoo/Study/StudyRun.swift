// Running one task of a study: compute its shard and write it atomically, or skip it when it is up to date.
import Foundation

/// Runs study tasks. Map tasks stream their models one at a time; Gram tasks read their units from every model.
public enum StudyRun {
    /// What running a task did.
    public enum Outcome: String, Sendable {
        /// The shard file was (re)written.
        case written
        /// The shard file was complete, for these parameters, and none of its models had changed.
        case upToDate = "up to date"
    }

    /// Runs task `id` of the study in `directory` unless its shard is up to date (or `force`).
    /// Returns the task and what happened; `why` receives the reason a present shard is redone.
    @discardableResult
    public static func run(_ directory: StudyDirectory, task id: Int, force: Bool = false,
                           why: (String) -> Void = { _ in }) throws -> (task: StudyTaskID, outcome: Outcome) {
        let spec = try directory.load()
        let task = try spec.task(id)
        let zoo = try Zoo.open(spec.zoo) { try ModelLoader.load($0) }
        let (range, models) = try members(of: task, spec: spec, zoo: zoo)
        let target = directory.shardPath(task)
        let json = try spec.json()
        if !force, FileManager.default.fileExists(atPath: target) {
            guard let reason = staleness(of: target, study: json, task: task, models: models) else { return (task, .upToDate) }
            why(reason)
        }
        let base = try ModelLoader.load(spec.base)
        try Export.atomically(target, policy: .create(overwrite: true)) { temporary, _ in
            let writer = try HDF5Writer(creating: temporary, displayPath: target)
            let layout = HDF5Layout(writer: writer, options: Export.Options())
            switch task.kind {
            case .map:
                let shard = Zoo(entries: Array(zoo.entries[range]), source: zoo.source, loader: zoo.loader)
                for (name, value) in try mapValues(shard, base: base, spec: spec) { try layout.write(value, at: name) }
            case .gram:
                let units = try ShardedGram.units(base: base, selection: DeltaSelection(includeEmbed: spec.includeEmbed),
                                                  models: zoo.entries.count, memory: spec.gramMemory)
                let mine = try ShardedGram.shard(units, index: task.index, of: spec.gramShards)
                let gram = try ShardedGram.partial(zoo, base: base, units: mine)
                try writer.writeDataset("gram", try .doubles(gram, shape: [models.count, models.count]), compress: false)
                try writer.labelDimensions(of: "gram", ["model", "model"])
                try layout.write(.list(mine.map { .string($0.label) }), at: "units")
                try writer.setAttribute("mvs_gram_units", .integer(units.count))
            }
            // A model rewritten while the task read it would make the shard a mixture: check before finishing.
            for model in models {
                let now = try ModelProvenance.of(model.provenance.path)
                let changes = now.changes(since: model.provenance)
                guard changes.isEmpty else {
                    throw EngineError.io(path: model.provenance.path, message: "model '\(model.name)' changed while \(task) read it (\(changes.joined(separator: ", "))); run the task again")
                }
            }
            try layout.write(.table(try ShardFile.modelsTable(models)), at: "models")
            try writer.setAttribute("mvs_version", .string(Export.version))
            try writer.setAttribute("mvs_created", .string(ISO8601DateFormatter().string(from: Date())))
            try writer.setAttribute("mvs_study", .string(json))
            try writer.setAttribute("mvs_task", .string(task.kind.rawValue))
            try writer.setAttribute("mvs_shard", .integer(task.index))
            try writer.setAttribute("mvs_shards", .integer(task.kind == .map ? spec.shards : spec.gramShards))
            try writer.setAttribute("mvs_zoo_size", .integer(zoo.entries.count))
            try writer.setAttribute("mvs_sources", .strings(models.map(\.provenance.path)))
            try writer.close()
        }
        return (task, .written)
    }

    /// The zoo positions task reads (its slice for a map shard, everything for a Gram shard), fingerprinted now.
    static func members(of task: StudyTaskID, spec: StudySpec, zoo: Zoo) throws -> (range: Range<Int>, models: [ShardModel]) {
        let range = task.kind == .map ? try Zoo.shardRange(index: task.index, count: spec.shards, total: zoo.entries.count)
                                      : 0..<zoo.entries.count
        return (range, try range.map { index in
            ShardModel(index: index, name: zoo.entries[index].name, label: zoo.entries[index].label,
                       provenance: try ModelProvenance.of(zoo.entries[index].path))
        })
    }

    /// Every task with its state: `done`, `missing`, or `stale: why`.
    public static func status(_ directory: StudyDirectory) throws -> [(task: StudyTaskID, state: String)] {
        let spec = try directory.load()
        let zoo = try Zoo.open(spec.zoo) { try ModelLoader.load($0) }
        let json = try spec.json()
        return try spec.tasks.map { task in
            let path = directory.shardPath(task)
            guard FileManager.default.fileExists(atPath: path) else { return (task, "missing") }
            let reason = staleness(of: path, study: json, task: task, models: try members(of: task, spec: spec, zoo: zoo).models)
            return (task, reason.map { "stale: \($0)" } ?? "done")
        }
    }

    /// Nil when the shard at `path` is complete for `study` and `task` and every model is as recorded; else why not.
    static func staleness(of path: String, study: String, task: StudyTaskID, models: [ShardModel]) -> String? {
        let shard: ShardFile
        do {
            shard = try ShardFile(path)
        } catch {
            return "the existing file cannot be read (\(error))"
        }
        if shard.version != Export.version { return "written by mvs \(shard.version), this is \(Export.version)" }
        if shard.study != study { return "written for different study parameters" }
        if shard.task != task { return "holds \(shard.task), not \(task)" }
        if shard.models.map(\.name) != models.map(\.name) { return "the zoo's members in this shard changed" }
        for (old, new) in zip(shard.models, models) {
            let changes = new.provenance.changes(since: old.provenance)
            if !changes.isEmpty { return "model '\(new.name)' changed (\(changes.joined(separator: ", ")))" }
        }
        return nil
    }

    /// The per-model results of a map shard, computed one model at a time (each model is read once, every result
    /// taken from it while it is open) by the same code as `vectorize` and `rank`, so the values are identical.
    static func mapValues(_ shard: Zoo, base: Model, spec: StudySpec) throws -> [(String, ExportValue)] {
        let selection = DeltaSelection(includeEmbed: spec.includeEmbed)
        var sketches: [VectorSet] = [], profiles: [[VectorSet]] = [], ranks: [Table] = [], spectra: [[(String, ExportValue)]] = []
        let statistics = spec.profiles.compactMap(DeltaStatistic.init(rawValue:))
        for index in shard.entries.indices {
            try Interruption.check()
            let one = Zoo(entries: [shard.entries[index]], source: shard.source, loader: shard.loader)
            if let dimension = spec.sketch {
                sketches.append(try Vectorize.sketch(one, base: base, dimension: dimension, seed: UInt64(spec.seed), selection: selection).unitRows())
            }
            profiles.append(try statistics.map { statistic in
                try Vectorize.profile(one, base: base, statisticName: statistic.rawValue,
                                      statistic: { try statistic.value(delta: $0, base: $1) }, selection: selection)
            })
            guard spec.rank || spec.spectra else { continue }
            var options = RankOptions()
            options.includeSpectra = spec.spectra
            let table = try Rank.table(try ModelArithmetic.delta(try one.member(at: 0), base), options: options)
            if spec.rank {
                var withModel = Table()
                try withModel.append("model", .string(Array(repeating: shard.entries[index].name, count: table.rowCount)))
                for name in table.columnNames { try withModel.append(name, try table.column(name)) }
                ranks.append(withModel)
            }
            if spec.spectra {
                let entries = try Rank.selectEntries(base, components: nil, layers: nil)
                spectra.append(try entries.map { entry in
                    guard let values = table.attachments[entry.name] else {
                        throw EngineError.unknownName(entry.name, context: "spectrum of \(shard.entries[index].name)", suggestion: nil)
                    }
                    return (entry.name, .tensor(Tensor(shape: [1] + values.shape, storage: values.storage, storedType: values.storedType)))
                })
            }
        }
        var values: [(String, ExportValue)] = []
        guard !shard.entries.isEmpty else { return values }
        if spec.sketch != nil { values.append(("sketch", .vectors(try RowConcatenation.vectors(sketches, name: "sketch")))) }
        for (position, statistic) in spec.profiles.enumerated() {
            values.append(("profile_\(statistic)", .vectors(try RowConcatenation.vectors(profiles.map { $0[position] }, name: statistic))))
        }
        if spec.rank { values.append(("rank", .table(try RowConcatenation.tables(ranks, name: "rank")))) }
        if spec.spectra {
            values.append(("spectra", try RowConcatenation.values(spectra.map { .record($0.map { (key: $0.0, value: $0.1) }) }, name: "spectra")))
        }
        return values
    }
}
