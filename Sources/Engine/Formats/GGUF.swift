// Reading GGUF files (llama.cpp's format, v2 and v3): a fully validated header, metadata and lazy tensors.
import Foundation

/// One tensor described by a validated GGUF header.
public struct GGUFTensorInfo: Sendable {
    /// The name as stored (`blk.0.attn_q.weight`).
    public let name: String
    /// Row-major shape, outermost first (GGUF stores dimensions innermost first; this is their reverse).
    public let shape: [Int]
    /// The stored GGML type.
    public let type: GGUFTensorType
    /// Byte range inside the file.
    public let range: Range<Int>

    /// Elements in the tensor.
    public var count: Int { Shape.elementCount(shape) ?? 0 }
}

/// GGUF metadata: key/value pairs in file order, with typed access.
public struct GGUFMetadata: Sendable {
    /// Every pair, in file order.
    public let entries: [(key: String, value: GGUFValue)]
    private let index: [String: Int]

    init(entries: [(key: String, value: GGUFValue)]) {
        self.entries = entries
        var index: [String: Int] = [:]
        for (position, entry) in entries.enumerated() { index[entry.key] = position }
        self.index = index
    }

    /// The value stored under `key`.
    public subscript(key: String) -> GGUFValue? { index[key].map { entries[$0].value } }

    /// `general.architecture` (`llama`, `gemma3`, …).
    public var architecture: String? { self["general.architecture"]?.stringValue }

    /// An architecture-scoped value: `value(arch: "block_count")` reads `llama.block_count`.
    public func value(arch key: String) -> GGUFValue? { architecture.flatMap { self["\($0).\(key)"] } }
}

/// An opened GGUF file: its metadata and tensor infos, with tensors read (and dequantised) on access.
public struct GGUFFile: Sendable {
    /// GGUF magic, `GGUF` read as a little-endian uint32.
    static let magic: [UInt8] = Array("GGUF".utf8)
    /// Alignment of the data section when `general.alignment` is absent.
    static let defaultAlignment = 32

    /// Format version (2 or 3).
    public let version: Int
    /// The key/value metadata.
    public let metadata: GGUFMetadata
    /// Tensor infos in header order.
    public let tensors: [GGUFTensorInfo]
    /// `general.alignment` (or 32).
    public let alignment: Int
    /// Offset of the data section.
    public let dataStart: Int
    let file: MappedFile

    /// The file's path.
    public var path: String { file.path }

    /// Maps and validates `path`; nothing but the header is read.
    public init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    init(file: MappedFile) throws {
        self.file = file
        guard let base = file.base, file.size >= 24 else {
            throw EngineError.malformed(path: file.path, message: "not a GGUF file: \(file.size) bytes, too short for the 24-byte header")
        }
        var cursor = GGUFCursor(base: base, position: 0, end: file.size, file: file)
        guard file.bytes(0..<4) == GGUFFile.magic else {
            throw cursor.malformed("not a GGUF file (magic is not 'GGUF')")
        }
        cursor.position = 4
        let version = try cursor.integer(UInt32.self, field: "version")
        guard version == 2 || version == 3 else {
            let hint = version.byteSwapped <= 3 ? " (a big-endian file? only little-endian GGUF is read)" : version == 1 ? " (GGUF v1 is obsolete)" : ""
            throw cursor.malformed("GGUF version \(version) is not supported (only 2 and 3)\(hint)")
        }
        self.version = Int(version)
        let tensorCount = try cursor.count(field: "tensor count")
        let keyCount = try cursor.count(field: "metadata key/value count")
        // A key/value pair takes at least 13 bytes (key length, type, one byte); a tensor info at least 24.
        guard keyCount <= cursor.remaining / 13 else {
            throw cursor.malformed("metadata key/value count \(keyCount) cannot fit in the \(cursor.remaining) bytes left in the file")
        }
        guard tensorCount <= cursor.remaining / 24 else {
            throw cursor.malformed("tensor count \(tensorCount) cannot fit in the \(cursor.remaining) bytes left in the file")
        }
        metadata = try GGUFFile.readMetadata(&cursor, count: keyCount)
        alignment = try GGUFFile.alignment(metadata, cursor: cursor)
        var infos: [(name: String, dims: [Int], type: GGUFTensorType, offset: Int)] = []
        infos.reserveCapacity(tensorCount)
        var names = Set<String>()
        for index in 0..<tensorCount {
            let info = try GGUFFile.readTensorInfo(&cursor, index: index)
            guard names.insert(info.name).inserted else { throw cursor.malformed("tensor '\(info.name)' appears twice") }
            infos.append(info)
        }
        let (padded, overflow) = cursor.position.addingReportingOverflow(alignment - 1)
        let start = overflow ? Int.max : padded / alignment * alignment
        guard start <= file.size else {
            throw cursor.malformed("the data section would start at \(start), past the end of the file (\(file.size) bytes)")
        }
        dataStart = start
        let alignment = self.alignment
        let tensors = try infos.map { try GGUFFile.validate($0, dataStart: start, alignment: alignment, file: file) }
        self.tensors = tensors
        let ordered = tensors.sorted { $0.range.lowerBound < $1.range.lowerBound }
        for (previous, next) in zip(ordered, ordered.dropFirst()) where next.range.lowerBound < previous.range.upperBound {
            throw cursor.malformed("tensors '\(previous.name)' and '\(next.name)' overlap in the data section")
        }
    }

    private static func readMetadata(_ cursor: inout GGUFCursor, count: Int) throws -> GGUFMetadata {
        var entries: [(key: String, value: GGUFValue)] = []
        entries.reserveCapacity(count)
        var keys = Set<String>()
        for index in 0..<count {
            let key = try cursor.string(field: "metadata key \(index)")
            guard keys.insert(key).inserted else { throw cursor.malformed("metadata key '\(key)' appears twice") }
            let type = try cursor.valueType(field: "metadata '\(key)' type")
            entries.append((key, try cursor.value(of: type, field: "metadata '\(key)'")))
        }
        return GGUFMetadata(entries: entries)
    }

    /// `general.alignment`: a non-zero power of two held in a uint32, or 32 when absent.
    private static func alignment(_ metadata: GGUFMetadata, cursor: GGUFCursor) throws -> Int {
        guard let value = metadata["general.alignment"] else { return defaultAlignment }
        guard case let .uint32(alignment) = value, alignment > 0, alignment & (alignment - 1) == 0 else {
            throw cursor.malformed("metadata 'general.alignment' must be a power of two stored as UINT32, found \(value.type.name) \(value)")
        }
        return Int(alignment)
    }

    private static func readTensorInfo(_ cursor: inout GGUFCursor, index: Int) throws -> (name: String, dims: [Int], type: GGUFTensorType, offset: Int) {
        let name = try cursor.string(field: "tensor \(index) name")
        let field = "tensor '\(name)'"
        let dimensionCount = try cursor.integer(UInt32.self, field: "\(field) dimension count")
        // ggml's GGML_MAX_DIMS.
        guard dimensionCount <= 4 else { throw cursor.malformed("\(field): \(dimensionCount) dimensions (at most 4)") }
        var dims: [Int] = []
        for axis in 0..<Int(dimensionCount) {
            let size = try cursor.integer(UInt64.self, field: "\(field) dimension \(axis)")
            guard let dim = Int(exactly: size) else { throw cursor.malformed("\(field): dimension \(axis) is \(size), too large") }
            dims.append(dim)
        }
        let typeID = try cursor.integer(UInt32.self, field: "\(field) type")
        guard let type = GGUFTensorType(rawValue: typeID) else {
            throw cursor.malformed("\(field): unknown tensor type id \(typeID)")
        }
        let offset = try cursor.integer(UInt64.self, field: "\(field) offset")
        guard let start = Int(exactly: offset) else { throw cursor.malformed("\(field): offset \(offset) is too large") }
        return (name, dims, type, start)
    }

    /// The tensor's element count and bytes checked against its type and the data section.
    private static func validate(_ info: (name: String, dims: [Int], type: GGUFTensorType, offset: Int),
                                 dataStart: Int, alignment: Int, file: MappedFile) throws -> GGUFTensorInfo {
        func bad(_ message: String) -> EngineError { .malformed(path: file.path, message: "tensor '\(info.name)': \(message)") }
        let shape = Array(info.dims.reversed())
        guard let elements = Shape.elementCount(shape) else { throw bad("dimensions \(Shape.describe(shape)) overflow") }
        guard let bytes = info.type.byteCount(elements: elements, rowLength: info.dims.first ?? 1) else {
            throw bad("\(info.type.name) needs rows that are a multiple of \(info.type.blockSize) elements, shape is \(Shape.describe(shape))")
        }
        guard info.offset % alignment == 0 else { throw bad("offset \(info.offset) is not a multiple of the alignment \(alignment)") }
        let dataSize = file.size - dataStart
        guard info.offset <= dataSize, bytes <= dataSize - info.offset else {
            throw bad("\(bytes) bytes at offset \(info.offset) run past the end of the data section (\(dataSize) bytes)")
        }
        let start = dataStart + info.offset
        return GGUFTensorInfo(name: info.name, shape: shape, type: info.type, range: start..<start + bytes)
    }

    /// The tensor as float32, dequantised from its stored type; an unsupported type is refused by name.
    public func tensor(_ info: GGUFTensorInfo) throws -> Tensor {
        guard let base = file.base else { return try Tensor(shape: info.shape, values: []) }
        let source = base + info.range.lowerBound
        if let dtype = info.type.elementType {
            return try DType.tensor(shape: info.shape, dtype: dtype, at: source, file: file)
        }
        guard info.type.isSupported else {
            throw EngineError.unsupported("\(file.path): tensor '\(info.name)' is stored as \(info.type.name), which mvs does not dequantise (supported: \(GGUFTensorType.supportedNames))")
        }
        return try Tensor.build(shape: info.shape, storedType: .f32) { out in
            GGUFDequantize.run(info.type, from: source, blocks: info.count / info.type.blockSize, into: out)
        }
    }

    /// The tensor named `name`.
    public func tensor(named name: String) throws -> Tensor {
        guard let info = tensors.first(where: { $0.name == name }) else {
            throw EngineError.unknownName(name, context: "tensor in \(path)", suggestion: Suggest.closest(to: name, in: tensors.map(\.name)))
        }
        return try tensor(info)
    }
}
