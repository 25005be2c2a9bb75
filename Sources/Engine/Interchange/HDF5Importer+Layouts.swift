// Rebuilding mvs's own layouts on import: records, tables, models and deltas (lazily read), vectors.
import Foundation

extension HDF5Importer {
    /// A record in its original field order (`mvs_fields`): each field an attribute or a member.
    func record(at path: String) throws -> ExportValue {
        let order = try file.attribute("mvs_fields", of: path)?.stringsValue ?? []
        let members = Dictionary(try file.children(of: path).map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
        var fields: [(key: String, value: ExportValue)] = []
        for key in order {
            if let type = members[key] {
                fields.append((key, try value(at: HDF5File.join(path, key), type: type)))
            } else if let attribute = try file.attribute(key, of: path) {
                fields.append((key, HDF5Importer.value(of: attribute)))
            }
        }
        return .record(fields)
    }

    /// A table from its column datasets, in the order of the `columns` attribute.
    func table(at path: String) throws -> Table {
        var table = Table()
        for name in try file.attribute("columns", of: path)?.stringsValue ?? [] {
            try table.append(name, try column(at: HDF5File.join(path, name), what: "table column"))
        }
        let attachments = HDF5File.join(path, "attachments")
        if file.objectType(attachments) == .group {
            for (name, type) in try file.children(of: attachments) where type == .dataset {
                table.attachments[name] = try tensor(at: HDF5File.join(attachments, name))
            }
        }
        for name in try file.attribute("matrices", of: path)?.stringsValue ?? [] {
            let dataset = HDF5File.join(path, name)
            guard let axes = try file.attribute("axes", of: dataset)?.stringsValue, axes.count == 2 else {
                throw EngineError.malformed(path: file.path, message: "table matrix '\(dataset)' does not name its two axes")
            }
            let labels = try axes.map { MatrixAxis($0, try column(at: HDF5File.join(HDF5File.join(path, "axes"), $0), what: "matrix axis")) }
            do {
                table.matrices[name] = try LabelledMatrix(try tensor(at: dataset), rows: labels[0], columns: labels[1])
            } catch let error as EngineError {
                // The shape check names no file; this is the file's fault, so say which.
                throw EngineError.malformed(path: file.path, message: "table matrix '\(dataset)' does not fit its axes: \(error)")
            }
        }
        return table
    }

    /// A 1-D dataset as a table column (booleans as 0/1, as export writes masks).
    private func column(at path: String, what: String) throws -> Column {
        switch try file.readData(path) {
        case let .doubles(values): return .double(values)
        case let .integers(values): return .int(values)
        case let .strings(values): return .string(values)
        case let .bools(values): return .int(values.map { $0 ? 1 : 0 })
        case .empty, .unsupported:
            throw EngineError.malformed(path: file.path, message: "\(what) '\(path)' is not numbers or text")
        }
    }

    /// A model or delta whose parameters read lazily from this file. With canonical names the schema maps each
    /// canonical name onto its own dataset (already in canonical orientation); with raw names it is inferred again.
    func model(at path: String) throws -> Model {
        let file = self.file
        let attribute = { (name: String) throws -> HDF5AttributeValue? in try file.attribute(name, of: path) }
        let prefix = HDF5File.normalize(path)
        let vocabularyPath = prefix + "/mvs_vocabulary"
        let datasets = try file.datasets().filter { $0.path.hasPrefix(prefix + "/") && $0.path != vocabularyPath }
        var parameters: [Parameter] = []
        var entries: [CanonicalEntry] = []
        for info in datasets {
            let name = String(info.path.dropFirst(prefix.count + 1))
            let stored = try file.attribute("orig_dtype", of: info.path)?.stringValue.flatMap { DType(rawValue: $0.uppercased()) }
            let datasetPath = info.path
            parameters.append(Parameter(name: name, shape: info.shape, dtype: stored ?? info.elementType.dtype ?? .f32) {
                try file.readTensor(datasetPath)
            })
            if let component = try file.attribute("component", of: info.path)?.stringValue {
                entries.append(CanonicalEntry(name: name, stack: try file.attribute("stack", of: info.path)?.stringValue,
                                              layer: try file.attribute("layer", of: info.path)?.intValue,
                                              component: component, rawName: name, transform: .identity))
            }
        }
        let config = try attribute("config")?.stringValue.map { try JSONValue.parse(Data($0.utf8), path: "\(self.file.path):\(path)@config") }
        let number = { (key: String) throws -> Int in try attribute(key)?.intValue ?? 0 }
        let architecture = try attribute("names")?.stringValue == Export.ModelNames.raw.rawValue ? nil : Architecture(
            family: try attribute("family")?.stringValue ?? "unknown", layers: try number("layers"), width: try number("width"),
            feedForward: try number("feed_forward"), heads: try number("heads"), keyValueHeads: try number("kv_heads"),
            entries: entries)
        let vocabulary = file.contains(vocabularyPath) ? VocabularySource {
            guard case let .strings(tokens) = try file.readData(vocabularyPath) else {
                throw EngineError.malformed(path: file.path, message: "'\(vocabularyPath)' does not hold token strings")
            }
            return tokens
        } : nil
        return Model(name: try attribute("name")?.stringValue ?? prefix, source: try attribute("source")?.stringValue ?? self.file.path,
                     kind: try attribute("mvs_type")?.stringValue == "delta" ? .delta : .weights, config: config,
                     parameters: parameters, architecture: architecture, vocabulary: vocabulary,
                     onlyInLeft: try attribute("only_in_left")?.stringsValue ?? [],
                     onlyInRight: try attribute("only_in_right")?.stringsValue ?? [])
    }

    /// Vectors: the matrix with its names, labels and column names.
    func vectors(at path: String) throws -> VectorSet {
        let strings = { (name: String) throws -> [String]? in
            guard file.contains(HDF5File.join(path, name)), case let .strings(values) = try file.readData(HDF5File.join(path, name)) else { return nil }
            return values
        }
        let matrix = try file.readTensor(HDF5File.join(path, "matrix"))
        let names = try strings("names") ?? [], labels = try strings("labels"), columns = try strings("columns") ?? []
        // Every verb and display indexes names and labels by row, column names by column: the counts must agree.
        guard matrix.ndim == 2, names.count == matrix.shape[0], labels.map({ $0.count == matrix.shape[0] }) ?? true,
              columns.isEmpty || columns.count == matrix.shape[1] else {
            throw EngineError.malformed(path: file.path, message: "vectors '\(path)' hold a \(Shape.describe(matrix.shape)) matrix with "
                + "\(names.count) names, \(labels?.count ?? 0) labels and \(columns.count) column names "
                + "(expected a 2-D matrix, a name and a label for each row, a column name for each column)")
        }
        let kind = try file.attribute("kind", of: path)?.stringValue.flatMap(VectorKind.init(rawValue:)) ?? .features
        guard kind != .similarity || matrix.shape[0] == matrix.shape[1] else {
            throw EngineError.malformed(path: file.path, message: "vectors '\(path)' are a similarity matrix but \(Shape.describe(matrix.shape)), not square")
        }
        return VectorSet(matrix: matrix, names: names, labels: labels, columnNames: columns,
                         statistic: try file.attribute("statistic", of: path)?.stringValue ?? "", kind: kind)
    }
}
