// Writing a model or delta as a safetensors file (what transformers, PEFT and mergekit read), atomically.
import Foundation

/// Writes safetensors: an 8-byte little-endian header length, a JSON header, then the tensors' bytes.
public enum SafetensorsWriter {
    /// One tensor to write: its name, shape, dtype and how to get its elements.
    private struct Entry {
        let name: String
        let shape: [Int]
        let integer: Bool
        let load: () throws -> Tensor
        var byteCount: Int { (Shape.elementCount(shape) ?? 0) * (integer ? 8 : 4) }
    }

    /// Writes `model` to `path`: raw names as stored by default; float tensors as F32, integer ones as I64.
    /// With `.canonical` names, canonical matrices are written in canonical orientation under canonical names,
    /// and the parameters no canonical name covers under their raw names.
    public static func write(_ model: Model, to path: String, names: Export.ModelNames = .raw, overwrite: Bool = false) throws {
        let entries = try self.entries(of: model, names: names)
        var header: [(key: String, value: JSONValue)] = [("__metadata__", .object([
            ("format", .string("pt")), ("mvs_version", .string(Export.version)),
            ("mvs_kind", .string(model.kind.rawValue)), ("mvs_source", .string(model.source)),
            ("mvs_names", .string(names.rawValue)),
        ]))]
        var offset = 0
        for entry in entries {
            header.append((entry.name, .object([
                ("dtype", .string(entry.integer ? "I64" : "F32")),
                ("shape", .array(entry.shape.map { .number(Double($0)) })),
                ("data_offsets", .array([.number(Double(offset)), .number(Double(offset + entry.byteCount))])),
            ])))
            offset += entry.byteCount
        }
        var headerBytes = Array(JSONValue.object(header).serialized().utf8)
        // The data must start 8-byte aligned; the format allows trailing spaces in the header for that.
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }

        try Export.atomically(path, policy: .create(overwrite: overwrite, appendable: false)) { temporary, _ in
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            guard descriptor >= 0 else { throw EngineError.io(path: path, message: "cannot create: \(Export.systemError())") }
            defer { close(descriptor) }
            var length = UInt64(headerBytes.count).littleEndian
            try withUnsafeBytes(of: &length) { try Export.writeAll(descriptor, $0, path: path) }
            try headerBytes.withUnsafeBytes { try Export.writeAll(descriptor, $0, path: path) }
            try Progress.run("save \(model.name)", total: entries.count) { step in
                for (index, entry) in entries.enumerated() {
                    try Interruption.check()
                    let tensor = try entry.load()
                    guard tensor.shape == entry.shape else {
                        throw EngineError.shapeMismatch(operation: "save", lhs: entry.shape, rhs: tensor.shape, name: entry.name)
                    }
                    if entry.integer {
                        let values = try Export.integers(of: tensor, name: entry.name).map { Int64($0).littleEndian }
                        try values.withUnsafeBytes { try Export.writeAll(descriptor, $0, path: path) }
                    } else {
                        // Float32 is stored little-endian, as on every machine mvs runs on.
                        try Export.writeAll(descriptor, UnsafeRawBufferPointer(tensor.buffer), path: path)
                    }
                    step(index + 1)
                }
            }
        }
    }

    private static func entries(of model: Model, names: Export.ModelNames) throws -> [Entry] {
        let canonical = names == .canonical ? model.architecture.entries : []
        let covered = Set(canonical.map(\.rawName))
        var entries: [Entry] = []
        for entry in canonical {
            guard let parameter = model.parameter(raw: entry.rawName) else {
                throw EngineError.unknownName(entry.rawName, context: "parameter in \(model.name)", suggestion: nil)
            }
            guard let shape = entry.transform.shape(fromStored: parameter.shape) else {
                throw EngineError.unsupported("\(entry.rawName): cannot slice a \(parameter.shape.count)-D tensor as a matrix")
            }
            entries.append(Entry(name: entry.name, shape: shape,
                                 integer: parameter.dtype.isInteger, load: { try model.tensor(entry.name) }))
        }
        for parameter in model.parameters where !covered.contains(parameter.name) {
            entries.append(Entry(name: parameter.name, shape: parameter.shape, integer: parameter.dtype.isInteger, load: parameter.load))
        }
        return entries
    }
}
