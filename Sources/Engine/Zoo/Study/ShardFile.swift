// Reading a study shard file: what study and task wrote it, and the provenance of every model it read.
import Foundation

/// One model as a shard recorded it.
public struct ShardModel: Equatable, Sendable {
    /// Position in the zoo.
    public let index: Int
    /// Name in the zoo.
    public let name: String
    /// Label, when the zoo has one.
    public let label: String?
    /// Fingerprint when the shard read it.
    public let provenance: ModelProvenance
}

/// A shard file's metadata (root attributes and its `models` table); the values stay in the file until asked for.
public struct ShardFile {
    /// Path on disk.
    public let path: String
    /// The study's parameters as canonical JSON.
    public let study: String
    /// The mvs version that wrote it.
    public let version: String
    /// Map or Gram, and which shard.
    public let task: StudyTaskID
    /// Shards of that kind in the study.
    public let shardCount: Int
    /// Models in the whole zoo.
    public let zooSize: Int
    /// Every model the task read, in zoo order.
    public let models: [ShardModel]
    let file: HDF5File

    /// Opens and checks the metadata; anything missing names the file and the attribute.
    public init(_ path: String) throws {
        let file = try HDF5File(readingAt: path)
        self.file = file
        self.path = path
        func attribute(_ name: String) throws -> HDF5AttributeValue {
            guard let value = try file.attribute(name) else {
                throw EngineError.malformed(path: path, message: "not a study shard: no '\(name)' attribute")
            }
            return value
        }
        func integer(_ name: String) throws -> Int {
            guard let value = try attribute(name).intValue else { throw EngineError.malformed(path: path, message: "'\(name)' is not an integer") }
            return value
        }
        func text(_ name: String) throws -> String {
            guard let value = try attribute(name).stringValue else { throw EngineError.malformed(path: path, message: "'\(name)' is not text") }
            return value
        }
        study = try text("mvs_study")
        version = try text("mvs_version")
        guard let kind = StudyTaskID.Kind(rawValue: try text("mvs_task")) else {
            throw EngineError.malformed(path: path, message: "unknown task kind in 'mvs_task'")
        }
        task = StudyTaskID(kind: kind, index: try integer("mvs_shard"))
        shardCount = try integer("mvs_shards")
        zooSize = try integer("mvs_zoo_size")
        let table = try HDF5Importer(file: file).table(at: "models")
        func column<T>(_ name: String, _ extract: (Column) -> [T]?) throws -> [T] {
            guard let column = table.columns[name], let values = extract(column), values.count == table.rowCount else {
                throw EngineError.malformed(path: path, message: "the models table lacks the column '\(name)'")
            }
            return values
        }
        let ints = { (column: Column) -> [Int]? in if case let .int(values) = column { values } else { nil } }
        let strings = { (column: Column) -> [String]? in if case let .string(values) = column { values } else { nil } }
        let (indices, names, labels) = (try column("index", ints), try column("name", strings), try column("label", strings))
        let (paths, sizes, times, hashes) = (try column("path", strings), try column("size", ints),
                                             try column("mtime_ns", ints), try column("header_sha256", strings))
        models = (0..<table.rowCount).map { row in
            ShardModel(index: indices[row], name: names[row], label: labels[row].isEmpty ? nil : labels[row],
                       provenance: ModelProvenance(path: paths[row], size: sizes[row], modified: times[row], headerHash: hashes[row]))
        }
    }

    /// The models table a shard writes for `models`.
    static func modelsTable(_ models: [ShardModel]) throws -> Table {
        var table = Table()
        try table.append("index", .int(models.map(\.index)))
        try table.append("name", .string(models.map(\.name)))
        try table.append("label", .string(models.map { $0.label ?? "" }))
        try table.append("path", .string(models.map(\.provenance.path)))
        try table.append("size", .int(models.map(\.provenance.size)))
        try table.append("mtime_ns", .int(models.map(\.provenance.modified)))
        try table.append("header_sha256", .string(models.map(\.provenance.headerHash)))
        return table
    }

    /// Models whose files changed since the shard read them, each with what changed (a vanished file too).
    public func changedModels() -> [(model: ShardModel, changes: [String])] {
        models.compactMap { model in
            do {
                let now = try ModelProvenance.of(model.provenance.path)
                let changes = now.changes(since: model.provenance)
                return changes.isEmpty ? nil : (model, changes)
            } catch {
                return (model, ["\(error)"])
            }
        }
    }

    /// The top-level value `name` (as `import` reads it).
    func value(_ name: String) throws -> ExportValue {
        guard let type = file.objectType(name) else {
            throw EngineError.malformed(path: path, message: "the shard has no '\(name)'")
        }
        return try HDF5Importer(file: file).value(at: name, type: type)
    }

    /// The first-axis length of the dataset at `path`.
    func rows(of path: String) throws -> Int { try file.dataset(path).shape.first ?? 0 }

    /// The Gram shard's partial Gram and unit labels.
    func gram() throws -> (values: [Double], units: [String]) {
        let (cells, overflow) = zooSize.multipliedReportingOverflow(by: zooSize)
        guard !overflow, case let .doubles(values) = try file.readData("gram"), values.count == cells else {
            throw EngineError.malformed(path: path, message: "'gram' is not a \(zooSize) × \(zooSize) float64 matrix")
        }
        switch try file.readData("units") {
        case let .strings(units): return (values, units)
        case let .doubles(none) where none.isEmpty: return (values, [])  // an empty list is written as numbers
        default: throw EngineError.malformed(path: path, message: "'units' is not a list of strings")
        }
    }
}
