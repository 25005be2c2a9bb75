// HDF5 import: any file as records of values; groups and datasets map generically unless mvs wrote them.
import Foundation

/// Reads HDF5 files back as values.
public enum Import {
    /// Reads the whole file at `path` as a record: groups become records, datasets become tensors, numbers,
    /// strings or lists, attributes become fields, and mvs's own layouts (`mvs_type`) come back as the values
    /// they were. Root `mvs_…` metadata is left out unless `metadata` is true.
    public static func hdf5(_ path: String, metadata: Bool = false) throws -> ExportValue {
        let importer = HDF5Importer(file: try HDF5File(readingAt: path))
        var root = try importer.group(at: "")
        if metadata, case let .record(fields) = root {
            let extra = try importer.file.attributes().filter { $0.name.hasPrefix("mvs_") }
            root = .record(fields + extra.map { ($0.name, HDF5Importer.value(of: $0.value)) })
        }
        return root
    }
}

/// Walks one file and rebuilds values.
struct HDF5Importer {
    let file: HDF5File

    /// The value of the object at `path`.
    func value(at path: String, type: HDF5ObjectType) throws -> ExportValue {
        try Interruption.check()
        switch type {
        case .group: return try group(at: path)
        case .dataset: return try dataset(at: path)
        case .datatype: return .string("<named datatype>")
        }
    }

    private func mvsType(_ path: String) throws -> String? {
        try file.attribute("mvs_type", of: path)?.stringValue
    }

    /// A group: an mvs layout when marked, else a record of members then attributes (an attribute whose name
    /// a member already uses is keyed `@name`).
    func group(at path: String) throws -> ExportValue {
        switch try mvsType(path) {
        case "record": return try record(at: path)
        case "list": return .list(try file.children(of: path).map { try value(at: HDF5File.join(path, $0.name), type: $0.type) })
        case "table": return .table(try table(at: path))
        case "model", "delta": return .model(try model(at: path))
        case "vectors": return .vectors(try vectors(at: path))
        case "clustering": return .clustering(try clustering(at: path))
        default:
            var fields: [(key: String, value: ExportValue)] = []
            for (name, type) in try file.children(of: path) {
                fields.append((name, try value(at: HDF5File.join(path, name), type: type)))
            }
            let members = Set(fields.map(\.key))
            for (name, attribute) in try file.attributes(of: path) where !name.hasPrefix("mvs_") {
                fields.append((members.contains(name) ? "@" + name : name, HDF5Importer.value(of: attribute)))
            }
            return .record(fields)
        }
    }

    /// A dataset: numbers as a tensor (a scalar as a number), text as a string or list, booleans likewise,
    /// HDF5's null space as `none`; `mvs_type` tells a tensor from a number and a list from a tensor.
    func dataset(at path: String) throws -> ExportValue {
        let info = try file.dataset(path)
        let type = try mvsType(path)
        if type == "tensor" || (type == nil && info.elementType.isNumeric && info.elementType != .bool && !info.shape.isEmpty) {
            return .tensor(try tensor(at: path))
        }
        // Decoded as an attribute would be: scalars stay scalars, arrays become lists.
        let value = HDF5Importer.value(of: try file.readValue(path))
        switch (type, value) {
        case ("list", .number), ("list", .string), ("list", .bool): return .list([value])
        default: return value
        }
    }

    /// A numeric dataset as a tensor; `orig_dtype` (mvs's own files) restores the stored type's name.
    func tensor(at path: String) throws -> Tensor {
        let tensor = try file.readTensor(path)
        guard let name = try file.attribute("orig_dtype", of: path)?.stringValue,
              let original = DType(rawValue: name.uppercased()), original != tensor.storedType else { return tensor }
        return Tensor(shape: tensor.shape, storage: tensor.storage, storedType: original)
    }

    /// An attribute (or decoded dataset) value as a language value: arrays become lists.
    static func value(of attribute: HDF5AttributeValue) -> ExportValue {
        switch attribute {
        case let .string(text): return .string(text)
        case let .strings(texts): return .list(texts.map { .string($0) })
        case let .integer(number): return .number(Double(number))
        case let .integers(numbers): return .list(numbers.map { .number(Double($0)) })
        case let .number(number): return .number(number)
        case let .numbers(numbers): return .list(numbers.map { .number($0) })
        case let .bool(flag): return .bool(flag)
        case let .bools(flags): return .list(flags.map { .bool($0) })
        case .empty: return .none
        case let .unsupported(name): return .string("<\(name) data is not imported>")
        }
    }

}
