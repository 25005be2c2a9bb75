// Reading safetensors files: a fully validated header, then lazy tensors viewing a memory map.
import Foundation

/// One tensor described by a validated safetensors header.
struct SafetensorsEntry: Sendable {
    let name: String
    let dtype: DType
    let shape: [Int]
    /// Byte range relative to the start of the data area.
    let range: Range<Int>
}

/// Reads single safetensors files (sharded checkpoints go through `CheckpointIndex`, whatever their shards' format).
public enum Safetensors {
    /// Headers larger than this are refused (the reference implementation's limit is 100 MB).
    static let maximumHeaderLength = 100_000_000

    /// The lazily loaded parameters of one `.safetensors` file, in data order; nothing but the header is read.
    public static func parameters(path: String) throws -> [Parameter] {
        try parameters(file: MappedFile(path: path))
    }

    /// The lazily loaded parameters of a mapped (or in-memory) safetensors file.
    public static func parameters(file: MappedFile) throws -> [Parameter] {
        let (entries, dataStart) = try header(of: file)
        return entries.map { entry in
            let bytes = dataStart + entry.range.lowerBound ..< dataStart + entry.range.upperBound
            return Parameter(name: entry.name, shape: entry.shape, dtype: entry.dtype, releasePages: { file.releasePages(bytes) }) {
                // The map outlives every tensor viewing it: TensorStorage keeps `file` alive.
                guard let base = file.base else { return try Tensor(shape: entry.shape, values: []) }
                return try DType.tensor(shape: entry.shape, dtype: entry.dtype,
                                        at: base + dataStart + entry.range.lowerBound, file: file)
            }
        }
    }

    /// The header's length prefix and JSON, after checking the length against the file.
    static func headerJSON(of file: MappedFile) throws -> (json: JSONValue, dataStart: Int) {
        let path = file.path
        guard file.size >= 8 else {
            throw EngineError.malformed(path: path, message: "not a safetensors file: \(file.size) bytes, too short for the 8-byte header length")
        }
        let prefix = file.bytes(0..<8)
        let length = prefix.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= UInt64(file.size - 8) else {
            throw EngineError.malformed(path: path, message: "safetensors header length \(length) runs past the end of the file (\(file.size) bytes)")
        }
        guard length <= UInt64(maximumHeaderLength) else {
            throw EngineError.malformed(path: path, message: "safetensors header length \(length) exceeds the \(maximumHeaderLength)-byte limit")
        }
        guard length >= 2 else {
            throw EngineError.malformed(path: path, message: "safetensors header length \(length) is too short for a JSON object")
        }
        let headerBytes = file.bytes(8..<8 + Int(length))
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw EngineError.malformed(path: path, message: "safetensors header does not start with '{' (not a safetensors file?)")
        }
        // The format pads the header with trailing spaces to align the data; JSON allows them.
        let json = try JSONValue.parse(Data(headerBytes), path: path)
        return (json, 8 + Int(length))
    }

    /// Validates the whole header before anything in it is trusted.
    static func header(of file: MappedFile) throws -> (entries: [SafetensorsEntry], dataStart: Int) {
        let path = file.path
        let (json, dataStart) = try headerJSON(of: file)
        guard case let .object(members) = json else {
            throw EngineError.malformed(path: path, message: "safetensors header is not a JSON object")
        }
        let dataSize = file.size - dataStart
        var entries: [SafetensorsEntry] = []
        var names = Set<String>()
        for (name, value) in members {
            guard names.insert(name).inserted else {
                throw EngineError.malformed(path: path, message: "tensor '\(name)' appears twice in the header")
            }
            if name == "__metadata__" {
                guard case let .object(metadata) = value, metadata.allSatisfy({ $0.value.stringValue != nil }) else {
                    throw EngineError.malformed(path: path, message: "__metadata__ must be an object of strings")
                }
                continue
            }
            entries.append(try entry(name: name, value, dataSize: dataSize, path: path))
        }
        let ordered = entries.sorted { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        for (previous, next) in zip(ordered, ordered.dropFirst()) where next.range.lowerBound < previous.range.upperBound {
            throw EngineError.malformed(path: path, message: "tensors '\(previous.name)' and '\(next.name)' overlap in the data area")
        }
        return (ordered, dataStart)
    }

    private static func entry(name: String, _ value: JSONValue, dataSize: Int, path: String) throws -> SafetensorsEntry {
        func bad(_ message: String) -> EngineError { .malformed(path: path, message: "tensor '\(name)': \(message)") }
        guard case .object = value else { throw bad("header entry is not an object") }
        guard let dtypeName = value["dtype"]?.stringValue else { throw bad("missing 'dtype'") }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw bad("unknown dtype '\(dtypeName)' (known: \(DType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let dims = value["shape"]?.arrayValue else { throw bad("missing 'shape' array") }
        var shape: [Int] = []
        for (position, dim) in dims.enumerated() {
            guard let size = dim.intValue, size >= 0 else { throw bad("shape dimension \(position) is not a non-negative integer") }
            shape.append(size)
        }
        guard let offsets = value["data_offsets"]?.arrayValue, offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue else {
            throw bad("'data_offsets' must be two integers")
        }
        guard begin >= 0, begin <= end else { throw bad("data_offsets [\(begin), \(end)] are not an ordered pair of byte offsets") }
        guard end <= dataSize else {
            throw bad("data_offsets [\(begin), \(end)] run past the end of the data area (\(dataSize) bytes)")
        }
        guard let elements = Shape.elementCount(shape) else { throw bad("shape \(Shape.describe(shape)) overflows or has a dimension above 2³²") }
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.size)
        guard !overflow, bytes == end - begin else {
            throw bad("shape \(Shape.describe(shape)) of \(dtypeName) needs \(overflow ? "too many" : String(bytes)) bytes but data_offsets give \(end - begin)")
        }
        return SafetensorsEntry(name: name, dtype: dtype, shape: shape, range: begin..<end)
    }
}
