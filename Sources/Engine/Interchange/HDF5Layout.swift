// How each value kind is laid out in HDF5 (datasets, groups, attributes); docs/hdf5.md describes the result.
import Foundation

/// Writes values into an open HDF5 file, one layout per value kind; `mvs_type` marks what import rebuilds.
struct HDF5Layout {
    let writer: HDF5Writer
    let options: Export.Options
    /// Datasets (by path) to write as virtual datasets over these sources instead of from the value's data: a
    /// merge of study shards maps its per-model rows onto the shard files this way.
    var virtualSources: [String: [HDF5VirtualSource]] = [:]

    /// Record fields and list items longer than this go to datasets, not attributes (attributes are for
    /// small metadata and HDF5 limits their size in object headers).
    static let attributeElementLimit = 1024
    static let attributeTextLimit = 16 * 1024

    /// Writes `value` at `path` (a new link).
    func write(_ value: ExportValue, at path: String) throws {
        try Interruption.check()
        switch value {
        case let .number(number): try writer.writeDataset(path, .doubles([number], shape: []), compress: false)
        case let .bool(flag): try writer.writeDataset(path, .bools([flag], shape: []), compress: false)
        case let .string(text): try writer.writeDataset(path, .strings([text], shape: []), compress: false)
        case .none: try writer.writeDataset(path, .empty(), compress: false)
        case let .tensor(tensor):
            try writeTensor(tensor, at: path)
            try writer.setAttribute("mvs_type", .string("tensor"), on: path)
        case let .list(items): try writeList(items, at: path)
        case let .record(fields): try writeRecord(fields, at: path)
        case let .table(table): try writeTable(table, at: path)
        case let .model(model): try writeModel(model, at: path)
        case let .vectors(vectors): try writeVectors(vectors, at: path)
        case let .clustering(clustering): try writeClustering(clustering, at: path)
        case let .image(image): try writer.writeImage(path, width: image.width, height: image.height, bytes: image.bytes)
        }
    }

    /// float32 as stored; integer tensors (e.g. `position_ids`) as int64; `orig_dtype` records the stored type.
    private func writeTensor(_ tensor: Tensor, at path: String) throws {
        let payload = tensor.storedType.isInteger
            ? try HDF5Payload.integers(try Export.integers(of: tensor, name: path), shape: tensor.shape)
            : try HDF5Payload.floats(tensor)
        try writeArray(path, payload)
        try writer.setAttribute("orig_dtype", .string(tensor.storedType.displayName), on: path)
    }

    /// An array dataset: virtual when `virtualSources` maps its path, else written (and compressed as asked).
    private func writeArray(_ path: String, _ payload: HDF5Payload) throws {
        if let sources = virtualSources[path] {
            try writer.writeVirtualDataset(path, payload, sources: sources)
        } else {
            try writer.writeDataset(path, payload, compress: options.compress)
        }
    }

    // MARK: Lists and records

    /// Items that fit one typed array: all numbers, all strings or all booleans (an empty list is numbers).
    static func scalarArray(_ items: [ExportValue]) -> HDF5AttributeValue? {
        var numbers: [Double] = [], texts: [String] = [], flags: [Bool] = []
        for item in items {
            switch item {
            case let .number(number): numbers.append(number)
            case let .string(text): texts.append(text)
            case let .bool(flag): flags.append(flag)
            default: return nil
            }
        }
        if numbers.count == items.count { return .numbers(numbers) }
        if texts.count == items.count { return .strings(texts) }
        if flags.count == items.count { return .bools(flags) }
        return nil
    }

    /// A list of scalars → a 1-D dataset; anything else → a group with members `0`, `1`, ….
    private func writeList(_ items: [ExportValue], at path: String) throws {
        if let array = HDF5Layout.scalarArray(items) {
            try writer.writeDataset(path, try HDF5Payload.attribute(array), compress: options.compress)
        } else {
            try writer.createGroup(path)
            for (index, item) in items.enumerated() { try write(item, at: "\(path)/\(index)") }
        }
        try writer.setAttribute("mvs_type", .string("list"), on: path)
    }

    /// The attribute form of a small scalar field, nil when it belongs in a dataset or group.
    private static func attributeForm(_ value: ExportValue) -> HDF5AttributeValue? {
        switch value {
        case let .number(number): return .number(number)
        case let .bool(flag): return .bool(flag)
        case let .string(text): return text.utf8.count <= attributeTextLimit ? .string(text) : nil
        case .none: return .empty
        case let .list(items):
            guard items.count <= attributeElementLimit, let array = scalarArray(items) else { return nil }
            if case let .strings(texts) = array, texts.reduce(0, { $0 + $1.utf8.count }) > attributeTextLimit { return nil }
            return array
        default: return nil
        }
    }

    /// A group: small scalar fields as attributes, the rest as members; `mvs_fields` keeps the field order.
    private func writeRecord(_ fields: [(key: String, value: ExportValue)], at path: String) throws {
        try writer.createGroup(path)
        try writer.setAttribute("mvs_type", .string("record"), on: path)
        try writer.setAttribute("mvs_fields", .strings(fields.map(\.key)), on: path)
        for (key, value) in fields {
            try Export.validateName(key, what: "record field")
            if let attribute = HDF5Layout.attributeForm(value) {
                try writer.setAttribute(key, attribute, on: path)
            } else {
                try write(value, at: "\(path)/\(key)")
            }
        }
    }

    // MARK: Tables

    /// A group of 1-D column datasets (float64, int64 — bool as 0/1 —, UTF-8 strings) with the order in `columns`.
    private func writeTable(_ table: Table, at path: String) throws {
        try writer.createGroup(path)
        try writer.setAttribute("mvs_type", .string("table"), on: path)
        try writer.setAttribute("columns", .strings(table.columnNames), on: path)
        for name in table.columnNames {
            try Export.validateName(name, what: "column")
            let columnPath = "\(path)/\(name)"
            try writeArray(columnPath, try HDF5Layout.payload(of: try table.column(name)))
            try writer.labelDimensions(of: columnPath, ["row"])
        }
        try writeGrid(table, at: path)
        try writeMatrices(table, at: path)
        guard !table.attachments.isEmpty else { return }
        let attachments = "\(path)/attachments"
        guard !table.columnNames.contains("attachments") else {
            throw EngineError.invalidArgument("cannot export table '\(path)': a column named 'attachments' collides with its attached results")
        }
        try writer.createGroup(attachments)
        for key in table.attachments.keys.sorted() {
            guard let tensor = table.attachments[key] else { continue }
            try Export.validateName(key, what: "table attachment")
            try writeTensor(tensor, at: "\(attachments)/\(key)")
        }
    }

    /// A column as a 1-D dataset: float64, int64 or UTF-8 strings.
    private static func payload(of column: Column) throws -> HDF5Payload {
        switch column {
        case let .double(values): return try .doubles(values, shape: [values.count])
        case let .int(values): return try .integers(values, shape: [values.count])
        case let .string(values): return try .strings(values, shape: [values.count])
        // HDF5 has no boolean type that h5py, pandas and MATLAB all read as such: masks go out as 0/1.
        case let .bool(values): return try .integers(values.map { $0 ? 1 : 0 }, shape: [values.count])
        }
    }

    /// Labels each dimension of the array at `path` and attaches the 1-D dataset `scale` (when given) as that
    /// dimension's scale: how every matrix-shaped result (vectors, grids, a table's matrices) names its axes.
    private func labelAxes(of path: String, _ axes: [(label: String, scale: String?)]) throws {
        try writer.labelDimensions(of: path, axes.map(\.label))
        for (dimension, axis) in axes.enumerated() {
            if let scale = axis.scale { try writer.attachScale(scale, to: path, dimension: dimension) }
        }
    }

    /// Each of the table's matrices as a 2-D float32 dataset `PATH/NAME`, its dimensions labelled with the
    /// axis names and given the dimension scales `PATH/axes/AXIS` (shared by matrices with the same axis):
    /// `f["a/similarity"][()]` is the matrix, `f["a/similarity"].dims[0][0]` its row labels. The attribute
    /// `matrices` lists them, and each matrix's attribute `axes` names its two axes, for import.
    private func writeMatrices(_ table: Table, at path: String) throws {
        guard !table.matrices.isEmpty else { return }
        let names = table.matrices.keys.sorted()
        let taken = Set(table.columnNames).union(["attachments", "grid", "axes"])
        if let clash = names.first(where: taken.contains) ?? (table.columnNames.contains("axes") ? "axes" : nil) {
            throw EngineError.invalidArgument("cannot export table '\(path)': its matrix '\(clash)' collides with a column or with 'attachments', 'grid' or 'axes'")
        }
        let axesGroup = "\(path)/axes"
        try writer.createGroup(axesGroup)
        var written: [String: Column] = [:]
        for name in names {
            guard let matrix = table.matrices[name] else { continue }
            try Export.validateName(name, what: "matrix")
            for axis in [matrix.rows, matrix.columns] {
                try Export.validateName(axis.name, what: "matrix axis")
                if let earlier = written[axis.name] {
                    guard earlier == axis.labels else {
                        throw EngineError.invalidArgument("cannot export table '\(path)': its matrices label the axis '\(axis.name)' differently")
                    }
                    continue
                }
                try writer.writeDataset("\(axesGroup)/\(axis.name)", try HDF5Layout.payload(of: axis.labels), compress: false)
                written[axis.name] = axis.labels
            }
            let dataset = "\(path)/\(name)"
            try writeArray(dataset, try .floats(matrix.values))
            try labelAxes(of: dataset, [(matrix.rows.name, "\(axesGroup)/\(matrix.rows.name)"),
                                        (matrix.columns.name, "\(axesGroup)/\(matrix.columns.name)")])
            try writer.setAttribute("axes", .strings([matrix.rows.name, matrix.columns.name]), on: dataset)
        }
        try writer.setAttribute("matrices", .strings(names), on: path)
    }

    /// For a layer × component table (int `layer`, string `component`, each pair once), every numeric measure
    /// also as a layers × components matrix under `grid/`, with `grid/layer` and `grid/component` attached as
    /// dimension scales: a heat map in MATLAB, Julia or HDFView without reshaping. Missing cells are NaN.
    private func writeGrid(_ table: Table, at path: String) throws {
        guard !table.columnNames.contains("grid"), case let .int(layers)? = table.columns["layer"],
              case let .string(components)? = table.columns["component"] else { return }
        let layerAxis = Array(Set(layers)).sorted()
        var componentAxis: [String] = []
        for component in components where !componentAxis.contains(component) { componentAxis.append(component) }
        var cells: [Int: Int] = [:]  // row → flat cell index
        var used = Set<Int>()
        for row in 0..<table.rowCount {
            guard let layer = layerAxis.firstIndex(of: layers[row]),
                  let component = componentAxis.firstIndex(of: components[row]) else { return }
            let cell = layer * componentAxis.count + component
            // A pair seen twice (e.g. encoder and decoder layers) has no single cell: no grid then.
            guard used.insert(cell).inserted else { return }
            cells[row] = cell
        }
        let grid = "\(path)/grid"
        try writer.createGroup(grid)
        try writer.writeDataset("\(grid)/layer", try .integers(layerAxis, shape: [layerAxis.count]), compress: false)
        try writer.writeDataset("\(grid)/component", try .strings(componentAxis, shape: [componentAxis.count]), compress: false)
        for name in table.columnNames where name != "layer" && name != "component" {
            let values: [Double]
            switch table.columns[name] {
            case let .double(numbers)?: values = numbers
            case let .int(numbers)?: values = numbers.map(Double.init)
            default: continue
            }
            var matrix = [Double](repeating: .nan, count: layerAxis.count * componentAxis.count)
            for (row, cell) in cells { matrix[cell] = values[row] }
            let dataset = "\(grid)/\(name)"
            try writer.writeDataset(dataset, try .doubles(matrix, shape: [layerAxis.count, componentAxis.count]), compress: false)
            try labelAxes(of: dataset, [("layer", "\(grid)/layer"), ("component", "\(grid)/component")])
        }
    }

    // MARK: Models

    /// A group with one dataset per parameter; see `Export.ModelNames` for which names are used.
    private func writeModel(_ model: Model, at path: String) throws {
        try writer.createGroup(path)
        try writer.setAttribute("mvs_type", .string(model.kind == .delta ? "delta" : "model"), on: path)
        try writer.setAttribute("name", .string(model.name), on: path)
        try writer.setAttribute("source", .string(model.source), on: path)
        try writer.setAttribute("family", .string(model.architecture.family), on: path)
        try writer.setAttribute("names", .string(options.modelNames.rawValue), on: path)
        let architecture = model.architecture
        for (key, number) in [("layers", architecture.layers), ("width", architecture.width),
                              ("feed_forward", architecture.feedForward), ("heads", architecture.heads),
                              ("kv_heads", architecture.keyValueHeads)] {
            try writer.setAttribute(key, .integer(number), on: path)
        }
        if let config = model.config { try writer.setAttribute("config", .string(config.serialized()), on: path) }
        if model.kind == .delta {
            try writer.setAttribute("only_in_left", .strings(model.onlyInLeft), on: path)
            try writer.setAttribute("only_in_right", .strings(model.onlyInRight), on: path)
        }

        // The vocabulary travels with the weights (projections need it after import). A vocabulary file that
        // cannot be read does not stop the weights from being written; the reason is kept instead.
        if let vocabulary = model.vocabulary {
            do {
                let tokens = try vocabulary.tokens()
                try writer.writeDataset("\(path)/mvs_vocabulary", try .strings(tokens, shape: [tokens.count]), compress: options.compress)
            } catch EngineError.interrupted {
                throw EngineError.interrupted
            } catch {
                try writer.setAttribute("vocabulary_error", .string(String(describing: error)), on: path)
            }
        }

        let canonical = options.modelNames == .canonical ? architecture.entries : []
        let covered = Set(canonical.map(\.rawName))
        let raw = model.parameters.filter { !covered.contains($0.name) }
        try Progress.run("export \(model.name)", total: canonical.count + raw.count) { step in
            var done = 0
            for entry in canonical {
                try Interruption.check()
                let dataset = "\(path)/\(entry.name)"
                let tensor = try model.tensor(entry.name)
                try writeTensor(tensor, at: dataset)
                try writer.setAttribute("raw_name", .string(entry.rawName), on: dataset)
                if let layer = entry.layer { try writer.setAttribute("layer", .integer(layer), on: dataset) }
                try writer.setAttribute("component", .string(entry.component), on: dataset)
                if let stack = entry.stack { try writer.setAttribute("stack", .string(stack), on: dataset) }
                if let original = model.parameter(raw: entry.rawName) {
                    try writer.setAttribute("orig_dtype", .string(original.dtype.displayName), on: dataset)
                }
                try writer.setAttribute("transform", .string(entry.transform.description), on: dataset)
                if tensor.ndim == 2 { try writer.labelDimensions(of: dataset, ["in", "out"]) }
                done += 1
                step(done)
            }
            for parameter in raw {
                try Interruption.check()
                // ONNX names anonymous weights by their node (`/model/…/Add:1`): the leading `/` is the graph's root.
                let relative = parameter.name.hasPrefix("/") ? String(parameter.name.dropFirst()) : parameter.name
                try HDF5Layout.validateParameterName(relative)
                let dataset = "\(path)/\(relative)"
                try writeTensor(try parameter.load(), at: dataset)
                try writer.setAttribute("raw_name", .string(parameter.name), on: dataset)
                try writer.setAttribute("orig_dtype", .string(parameter.dtype.displayName), on: dataset)
                done += 1
                step(done)
            }
        }
    }

    /// Raw names become paths inside the model group, so a `/` makes nested groups (Keras names such as
    /// `bert/encoder/…/kernel:0` read back by the same string in h5py); empty or dot components cannot.
    private static func validateParameterName(_ name: String) throws {
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            throw EngineError.invalidArgument("cannot export parameter '\(name)': empty, '.' or '..' path components are not valid in HDF5")
        }
    }

    // MARK: Vectors and clusterings

    /// `matrix` (models × features) with `names` and `columns` attached as its dimension scales, and `labels`.
    private func writeVectors(_ vectors: VectorSet, at path: String) throws {
        try writer.createGroup(path)
        try writer.setAttribute("mvs_type", .string("vectors"), on: path)
        try writer.setAttribute("statistic", .string(vectors.statistic), on: path)
        try writer.setAttribute("kind", .string(vectors.kind.rawValue), on: path)
        let matrix = "\(path)/matrix"
        try writeArray(matrix, try .floats(vectors.matrix))
        let names = "\(path)/names", columns = "\(path)/columns"
        try writer.writeDataset(names, try .strings(vectors.names, shape: [vectors.names.count]), compress: false)
        if let labels = vectors.labels {
            try writer.writeDataset("\(path)/labels", try .strings(labels, shape: [labels.count]), compress: false)
        }
        if !vectors.columnNames.isEmpty {
            try writer.writeDataset(columns, try .strings(vectors.columnNames, shape: [vectors.columnNames.count]), compress: false)
        }
        if vectors.matrix.ndim == 2 {
            try labelAxes(of: matrix, [("model", vectors.names.count == vectors.count ? names : nil),
                                       (vectors.kind == .similarity ? "model" : "feature",
                                        !vectors.columnNames.isEmpty && vectors.columnNames.count == vectors.dimension ? columns : nil)])
        }
    }

    /// `labels` (cluster per row), `names` (its dimension scale), `centroids`, `sizes`, true labels when known,
    /// and the scores as attributes.
    private func writeClustering(_ clustering: Clustering, at path: String) throws {
        try writer.createGroup(path)
        try writer.setAttribute("mvs_type", .string("clustering"), on: path)
        try writer.setAttribute("method", .string(clustering.method), on: path)
        try writer.setAttribute("k", .integer(clustering.clusterCount), on: path)
        try writer.setAttribute("silhouette", .number(clustering.silhouette), on: path)
        try writer.setAttribute("inertia", .number(clustering.inertia), on: path)
        for (key, score) in [("ari", clustering.adjustedRand), ("nmi", clustering.mutualInformation), ("purity", clustering.purity)] {
            if let score { try writer.setAttribute(key, .number(score), on: path) }
        }
        let labels = "\(path)/labels"
        try writer.writeDataset(labels, try .integers(clustering.assignments, shape: [clustering.assignments.count]), compress: false)
        let names = "\(path)/names"
        try writer.writeDataset(names, try .strings(clustering.names, shape: [clustering.names.count]), compress: false)
        if clustering.names.count == clustering.assignments.count { try writer.attachScale(names, to: labels, dimension: 0) }
        if let truth = clustering.labels {
            try writer.writeDataset("\(path)/true_labels", try .strings(truth, shape: [truth.count]), compress: false)
        }
        let dimension = clustering.centroids.first?.count ?? 0
        try writer.writeDataset("\(path)/centroids", try .doubles(clustering.centroids.flatMap { $0 },
                                                                  shape: [clustering.centroids.count, dimension]),
                                compress: options.compress)
        try writer.writeDataset("\(path)/sizes", try .integers(clustering.sizes, shape: [clustering.clusterCount]), compress: false)
    }
}
