// A model zoo: a list of fine-tuned models with names and labels, opened one at a time when used.
import Foundation

/// One member of a zoo: where it is, what it is called, and its (optional) label.
public struct ZooEntry: Sendable, Equatable {
    /// Path of the model (file or directory).
    public let path: String
    /// Display name.
    public let name: String
    /// Task or dataset label, when known.
    public let label: String?

    public init(path: String, name: String, label: String?) {
        self.path = path
        self.name = name
        self.label = label
    }
}

/// A lazy list of models: entries are known up front, models are loaded on use and not kept.
public struct Zoo: Sendable {
    /// Members in manifest order.
    public let entries: [ZooEntry]
    /// Where the zoo came from (manifest or directory).
    public let source: String
    /// Opens one model; called each time a member is used, so memory stays at a few models.
    public let loader: @Sendable (String) throws -> Model

    public init(entries: [ZooEntry], source: String, loader: @escaping @Sendable (String) throws -> Model) {
        self.entries = entries
        self.source = source
        self.loader = loader
    }

    /// Opens member `index`, named as the zoo names it.
    public func model(at index: Int) throws -> Model {
        let model = try loader(entries[index].path)
        return Model(name: entries[index].name, source: model.source, kind: model.kind, config: model.config,
                     parameters: model.parameters, architecture: model.architecture, vocabulary: model.vocabulary,
                     onlyInLeft: model.onlyInLeft, onlyInRight: model.onlyInRight)
    }

    /// Opens member `index` like `model(at:)`, but a failure names the member and its path.
    public func member(at index: Int) throws -> Model {
        do {
            return try model(at: index)
        } catch EngineError.interrupted {
            throw EngineError.interrupted
        } catch {
            throw EngineError.io(path: entries[index].path, message: "cannot load zoo member '\(entries[index].name)': \(error)")
        }
    }

    /// Labels in order, or nil when any member has none.
    public var labels: [String]? {
        let labels = entries.compactMap(\.label)
        return labels.count == entries.count ? labels : nil
    }

    /// Reads a manifest CSV (`path` column required, `name` and `label` optional; paths relative to the
    /// manifest) or, for a directory, takes every subdirectory (or model file) inside it, sorted by name.
    public static func open(_ location: String, loader: @escaping @Sendable (String) throws -> Model) throws -> Zoo {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: location, isDirectory: &isDirectory) else {
            throw EngineError.io(path: location, message: "no such file or directory" + Suggest.hint(forPath: location))
        }
        if isDirectory.boolValue { return try fromDirectory(location, loader: loader) }
        return try fromManifest(location, loader: loader)
    }

    private static func fromManifest(_ path: String, loader: @escaping @Sendable (String) throws -> Model) throws -> Zoo {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw EngineError.io(path: path, message: "cannot read the manifest as UTF-8 text")
        }
        let rows = try CSVReader.parse(text, path: path)
        guard let header = rows.first else { throw EngineError.malformed(path: path, message: "empty manifest") }
        let columns = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let pathColumn = columns.firstIndex(of: "path") else {
            throw EngineError.malformed(path: path, message: "the manifest has no 'path' column (columns: \(columns.joined(separator: ", ")))")
        }
        let nameColumn = columns.firstIndex(of: "name")
        let labelColumn = columns.firstIndex(of: "label")
        let folder = FilePath.deletingLastComponent(path)
        var entries: [ZooEntry] = []
        for (offset, row) in rows.dropFirst().enumerated() {
            guard row.count == columns.count else {
                throw EngineError.malformed(path: path, message: "line \(offset + 2): \(row.count) fields, the header has \(columns.count)")
            }
            let relative = row[pathColumn].trimmingCharacters(in: .whitespaces)
            guard !relative.isEmpty else { throw EngineError.malformed(path: path, message: "line \(offset + 2): empty path") }
            let full = relative.hasPrefix("/") ? relative : (folder.isEmpty ? relative : "\(folder)/\(relative)")
            let name = nameColumn.map { row[$0] }.flatMap { $0.isEmpty ? nil : $0 } ?? FilePath.lastComponent(relative)
            let label = labelColumn.map { row[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            entries.append(ZooEntry(path: full, name: name, label: label))
        }
        return Zoo(entries: entries, source: path, loader: loader)
    }

    private static func fromDirectory(_ path: String, loader: @escaping @Sendable (String) throws -> Model) throws -> Zoo {
        let items = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        let entries = items.filter { !$0.hasPrefix(".") }.compactMap { item -> ZooEntry? in
            let full = "\(path)/\(item)"
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory),
                  isDirectory.boolValue || item.hasSuffix(".safetensors") else { return nil }
            return ZooEntry(path: full, name: item, label: nil)
        }
        return Zoo(entries: entries, source: path, loader: loader)
    }
}
