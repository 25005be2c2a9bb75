// Joining a study's shard files into one HDF5 file, after checking that they form one consistent study.
import Foundation

/// Merges shard files: per-model results stacked in zoo order (virtual datasets over the shards, or a copy), the
/// partial Grams summed into `gram` and `similarity`. Refuses missing, duplicated or inconsistent shards and models
/// whose files changed after their shard was written, naming each.
public enum ShardMerge {
    /// How to merge.
    public struct Options: Sendable {
        /// Replace an existing target.
        public var overwrite: Bool
        /// Copy the data into the merged file instead of mapping it onto the shards with virtual datasets.
        public var copy: Bool
        /// Check every model's file against its recorded size, time and header hash.
        public var checkModels: Bool

        public init(overwrite: Bool = false, copy: Bool = false, checkModels: Bool = true) {
            self.overwrite = overwrite
            self.copy = copy
            self.checkModels = checkModels
        }
    }

    /// What was merged.
    public struct Summary: Sendable {
        public let models: Int
        public let mapShards: Int
        public let gramShards: Int
        public let values: [String]
    }

    /// Merges the shard files at `paths` into `target` (atomically).
    @discardableResult
    public static func merge(_ paths: [String], into target: String, options: Options = Options()) throws -> Summary {
        guard !paths.isEmpty else { throw EngineError.invalidArgument("merge needs at least one shard file") }
        let shards = try paths.map { try ShardFile($0) }
        let spec = try consistentSpec(shards)
        let maps = try complete(shards, kind: .map, count: spec.shards)
        let grams = try complete(shards, kind: .gram, count: spec.gramShards)
        let models = try zooModels(maps, zooSize: shards[0].zooSize)
        if options.checkModels { try checkUnchanged(shards) }
        for gram in grams where gram.models.map(\.provenance) != models.map(\.provenance) {
            throw EngineError.malformed(path: gram.path, message: "read different model files than the map shards (\(gram.task)); rerun it")
        }

        // Per-model values, in the order the map shards list them; empty shards hold none.
        let filled = maps.filter { !$0.models.isEmpty }
        let names = try filled.first.map { first in try first.file.children().map(\.name).filter { $0 != "models" } } ?? []
        var values: [(name: String, value: ExportValue)] = []
        var virtual: [String: [HDF5VirtualSource]] = [:]
        let directory = FilePath.deletingLastComponent(target)
        for name in names {
            let value = try RowConcatenation.values(try filled.map { try $0.value(name) }, name: name)
            values.append((name, value))
            guard !options.copy else { continue }
            for dataset in RowConcatenation.rowDatasets(of: value, at: name) {
                virtual[dataset] = try filled.map { shard in
                    HDF5VirtualSource(file: relative(shard.path, from: directory), dataset: dataset, rows: try shard.rows(of: dataset))
                }
            }
        }
        var modelsTable = try ShardFile.modelsTable(models)
        try modelsTable.append("shard", .int(maps.flatMap { shard in shard.models.map { _ in shard.task.index } }))
        values.insert(("models", .table(modelsTable)), at: 0)
        var gram: [Double]?
        if !grams.isEmpty {
            let summed = try sumGrams(grams)
            gram = summed
            let cosines = Linalg.cosines(fromGram: summed, count: models.count)
            let labels = models.allSatisfy { $0.label != nil } ? models.compactMap(\.label) : nil
            values.append(("similarity", .vectors(VectorSet(matrix: try Tensor(shape: [models.count, models.count], values: cosines),
                                                           names: models.map(\.name), labels: labels, columnNames: models.map(\.name),
                                                           statistic: "similarity", kind: .similarity))))
        }
        try Export.atomically(target, policy: .create(overwrite: options.overwrite)) { temporary, _ in
            let writer = try HDF5Writer(creating: temporary, displayPath: target)
            var layout = HDF5Layout(writer: writer, options: Export.Options())
            layout.virtualSources = virtual
            for (name, value) in values { try layout.write(value, at: name) }
            if let gram {
                // The shards hold upper triangles; the merged Gram is the full symmetric matrix.
                let count = models.count
                let full = (0..<(count * count)).map { index in gram[min(index / count, index % count) * count + max(index / count, index % count)] }
                try writer.writeDataset("gram", try .doubles(full, shape: [count, count]), compress: false)
                try writer.labelDimensions(of: "gram", ["model", "model"])
            }
            try writer.setAttribute("mvs_version", .string(Export.version))
            try writer.setAttribute("mvs_created", .string(ISO8601DateFormatter().string(from: Date())))
            try writer.setAttribute("mvs_study", .string(shards[0].study))
            try writer.setAttribute("mvs_merge", .string(options.copy ? "copy" : "virtual"))
            try writer.setAttribute("mvs_sources", .strings(models.map(\.provenance.path)))
            try writer.setAttribute("mvs_provenance", .strings(["merged from \(maps.count) map and \(grams.count) Gram shard files: "
                                                                + shards.map(\.path).joined(separator: ", ")]))
            try writer.close()
        }
        return Summary(models: models.count, mapShards: maps.count, gramShards: grams.count,
                       values: values.map(\.name) + (gram == nil ? [] : ["gram"]))
    }

    /// The study all shards were written for; a shard written for other parameters or by another version is named.
    private static func consistentSpec(_ shards: [ShardFile]) throws -> StudySpec {
        let first = shards[0]
        let spec = try StudySpec.parse(first.study, path: first.path)
        do {
            try spec.validate()
        } catch {
            throw EngineError.malformed(path: first.path, message: "records impossible study parameters: \(error)")
        }
        for shard in shards.dropFirst() {
            if shard.version != first.version {
                throw EngineError.malformed(path: shard.path, message: "written by mvs \(shard.version), but \(first.path) by mvs \(first.version); rerun one of them")
            }
            if shard.study != first.study {
                let other = try StudySpec.parse(shard.study, path: shard.path)
                throw EngineError.malformed(path: shard.path, message: "written for different parameters than \(first.path) (\(StudyDirectory.differences(spec, other).joined(separator: "; ")))")
            }
            if shard.zooSize != first.zooSize {
                throw EngineError.malformed(path: shard.path, message: "saw a zoo of \(shard.zooSize) models, \(first.path) one of \(first.zooSize)")
            }
        }
        return spec
    }

    /// The shards of `kind`, one per index 0..<count, in order; a missing or doubled shard is an error naming it.
    private static func complete(_ shards: [ShardFile], kind: StudyTaskID.Kind, count: Int) throws -> [ShardFile] {
        var byIndex: [Int: ShardFile] = [:]
        for shard in shards where shard.task.kind == kind {
            guard shard.shardCount == count, (0..<count).contains(shard.task.index) else {
                throw EngineError.malformed(path: shard.path, message: "is \(shard.task) of \(shard.shardCount), but the study has \(count) \(kind.rawValue) shards")
            }
            if let earlier = byIndex[shard.task.index] {
                throw EngineError.invalidArgument("\(shard.task) is given twice: \(earlier.path) and \(shard.path)")
            }
            byIndex[shard.task.index] = shard
        }
        let missing = (0..<count).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            let names = missing.map { StudyTaskID(kind: kind, index: $0) }.map { "\($0) (\($0.fileName))" }
            throw EngineError.invalidArgument("missing \(names.joined(separator: ", ")) of \(count); run those tasks first")
        }
        return (0..<count).compactMap { byIndex[$0] }
    }

    /// The zoo's models from the map shards, checked to be each position once, in order, each name once.
    private static func zooModels(_ maps: [ShardFile], zooSize: Int) throws -> [ShardModel] {
        var seen: [String: String] = [:]
        var models: [ShardModel] = []
        for shard in maps {
            let expected = try Zoo.shardRange(index: shard.task.index, count: shard.shardCount, total: zooSize)
            guard shard.models.map(\.index).elementsEqual(expected) else {
                throw EngineError.malformed(path: shard.path, message: "holds zoo positions \(shard.models.map(\.index)), \(shard.task) of \(shard.shardCount) should hold \(expected.lowerBound)..<\(expected.upperBound)")
            }
            for model in shard.models {
                if let other = seen[model.name] {
                    throw EngineError.malformed(path: shard.path, message: "model '\(model.name)' is listed twice (also in \(other)); names must be unique across the zoo")
                }
                seen[model.name] = shard.path
                models.append(model)
            }
        }
        return models
    }

    /// Every model file as its shards recorded it; the first that changed is named with its shard.
    private static func checkUnchanged(_ shards: [ShardFile]) throws {
        var current: [String: Result<ModelProvenance, Error>] = [:]
        for shard in shards {
            for model in shard.models {
                let path = model.provenance.path
                if current[path] == nil { current[path] = Result { try ModelProvenance.of(path) } }
                let changes: [String]
                switch current[path] {
                case let .success(now)?: changes = now.changes(since: model.provenance)
                case let .failure(error)?: changes = ["\(error)"]
                case nil: changes = []
                }
                guard changes.isEmpty else {
                    throw EngineError.malformed(path: path, message: "model '\(model.name)' changed after \(shard.path) was written (\(changes.joined(separator: ", "))); rerun \(shard.task) and merge again")
                }
            }
        }
    }

    /// The partial Grams added up; every unit of the plan must appear in exactly one shard.
    private static func sumGrams(_ grams: [ShardFile]) throws -> [Double] {
        var total: [Double]?
        var units: [String: String] = [:]
        var expected: Int?
        for shard in grams {
            let (values, labels) = try shard.gram()
            for label in labels {
                if let other = units[label] {
                    throw EngineError.malformed(path: shard.path, message: "Gram unit '\(label)' is also in \(other)")
                }
                units[label] = shard.path
            }
            let planned = try shard.file.attribute("mvs_gram_units")?.intValue
            if expected == nil { expected = planned }
            guard planned == expected else { throw EngineError.malformed(path: shard.path, message: "plans a different number of Gram units") }
            total = total.map { zip($0, values).map { $0 + $1 } } ?? values
        }
        guard units.count == expected else {
            throw EngineError.malformed(path: grams[0].path, message: "the Gram shards hold \(units.count) of \(expected ?? 0) planned units")
        }
        return total ?? []
    }

    /// `path` relative to `directory` when it lies inside it (so the merged file and its shards can move together),
    /// else absolute.
    static func relative(_ path: String, from directory: String) -> String {
        let absolute = ModelLoader.resolve(path, currentDirectory: nil)
        let folder = ModelLoader.resolve(directory.isEmpty ? "." : directory, currentDirectory: nil)
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }
}
