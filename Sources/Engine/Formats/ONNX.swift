// Reading ONNX models: the graph's initializers (weights) and nodes, validated field by field, tensors on access.
import Foundation

/// ONNX's `TensorProto.DataType` codes, with what mvs does with each.
public enum ONNXDataType: Int, Sendable {
    case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, string = 8, bool = 9
    case float16 = 10, double = 11, uint32 = 12, uint64 = 13, complex64 = 14, complex128 = 15, bfloat16 = 16
    case float8e4m3fn = 17, float8e4m3fnuz = 18, float8e5m2 = 19, float8e5m2fnuz = 20, uint4 = 21, int4 = 22
    case float4e2m1 = 23

    /// ONNX's own name (`FLOAT16`).
    public var name: String {
        switch self {
        case .float: return "FLOAT"
        case .uint8: return "UINT8"
        case .int8: return "INT8"
        case .uint16: return "UINT16"
        case .int16: return "INT16"
        case .int32: return "INT32"
        case .int64: return "INT64"
        case .string: return "STRING"
        case .bool: return "BOOL"
        case .float16: return "FLOAT16"
        case .double: return "DOUBLE"
        case .uint32: return "UINT32"
        case .uint64: return "UINT64"
        case .complex64: return "COMPLEX64"
        case .complex128: return "COMPLEX128"
        case .bfloat16: return "BFLOAT16"
        case .float8e4m3fn: return "FLOAT8E4M3FN"
        case .float8e4m3fnuz: return "FLOAT8E4M3FNUZ"
        case .float8e5m2: return "FLOAT8E5M2"
        case .float8e5m2fnuz: return "FLOAT8E5M2FNUZ"
        case .uint4: return "UINT4"
        case .int4: return "INT4"
        case .float4e2m1: return "FLOAT4E2M1"
        }
    }

    /// The element type mvs reads it as; nil for types it refuses.
    var dtype: DType? {
        switch self {
        case .float: return .f32
        case .float16: return .f16
        case .bfloat16: return .bf16
        case .double: return .f64
        case .int64: return .i64
        case .int32: return .i32
        case .int16: return .i16
        case .bool: return .bool
        default: return nil
        }
    }

    /// Whether the type is one quantised weights are stored in (their scales live in the graph's nodes).
    var isQuantized: Bool {
        switch self {
        case .int8, .uint8, .int4, .uint4, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float4e2m1: return true
        default: return false
        }
    }

    /// The `TensorProto` field its values occupy when not in `raw_data`, and that field's wire encoding.
    var typedField: (number: Int, name: String, encoding: ProtobufWireType)? {
        switch self {
        case .float: return (4, "float_data", .fixed32)
        case .double: return (10, "double_data", .fixed64)
        case .int64: return (7, "int64_data", .varint)
        case .int32, .int16, .bool, .float16, .bfloat16: return (5, "int32_data", .varint)
        default: return nil
        }
    }
}

/// Where an initializer's values are stored.
enum ONNXTensorData: Sendable {
    /// `raw_data`: little-endian elements, contiguous in the file.
    case raw(Range<Int>)
    /// A typed repeated field (`float_data`, `int32_data`, …) of the `TensorProto` lying in `message`, decoded
    /// on access; `packed` is its byte range when it is one packed run of fixed-width values (viewable in place).
    case typed(message: Range<Int>, field: Int, encoding: ProtobufWireType, packed: Range<Int>?)
}

/// One initializer (a weight) of an ONNX graph.
public struct ONNXInitializer: Sendable {
    /// The name as stored (`backbone.embeddings.cls_token`, or an exporter's `onnx::MatMul_1966`).
    public let name: String
    /// The dims.
    public let shape: [Int]
    /// The stored element type.
    public let dataType: ONNXDataType
    let data: ONNXTensorData

    /// Elements in the tensor.
    public var count: Int { Shape.elementCount(shape) ?? 0 }
}

/// One node of an ONNX graph: what the naming of anonymous initializers needs.
public struct ONNXNode: Sendable {
    /// The node's name (PyTorch: its module scope and op, `/backbone/encoder/layer.0/attention/attention/key/MatMul`).
    public let name: String
    /// The operator (`MatMul`, `Add`, `Conv`, …).
    public let opType: String
    /// Input value names, in order (empty strings for omitted optional inputs).
    public let inputs: [String]
}

/// An opened ONNX model: its initializers and nodes, everything else in the file left unread.
public struct ONNXFile: Sendable {
    /// Graphs nested in node attributes (If, Loop, Scan bodies) deeper than this are refused: protobuf's own
    /// parsers stop at 100 levels of messages, and a graph level is three (graph, node, attribute).
    static let maximumGraphDepth = 32

    /// `ir_version`.
    public let irVersion: Int
    /// `producer_name` and `producer_version` (`pytorch 2.7.0`).
    public let producer: String
    /// The default-domain opset version (0 when none is declared).
    public let opset: Int
    /// The main graph's initializers, in file order.
    public let initializers: [ONNXInitializer]
    /// The main graph's nodes, in file order.
    public let nodes: [ONNXNode]
    let file: MappedFile

    /// Path of the file (for messages).
    public var path: String { file.path }

    /// Opens and validates `path` (memory-mapped; tensor data is not read).
    public init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    /// Validates a mapped (or in-memory) file: every field of the model, graph, nodes and initializers read is
    /// bounds-checked, every initializer's data matches its dims and type.
    public init(file: MappedFile) throws {
        self.file = file
        var cursor = ProtobufCursor(file: file, range: 0..<file.size, context: "", fieldNames: ONNXFile.modelFields)
        var irVersion = 0, opset = 0
        var producerName = "", producerVersion = ""
        var graph: ProtobufCursor?
        while !cursor.atEnd {
            let field = try cursor.next()
            switch field.number {
            case 1:
                irVersion = Int(truncatingIfNeeded: try cursor.integer(field, name: "ir_version"))
            case 2:
                producerName = try cursor.text(field, name: "producer_name")
            case 3:
                producerVersion = try cursor.text(field, name: "producer_version")
            case 7:
                let message = try cursor.message(field, name: "graph", context: "graph", fieldNames: ONNXFile.graphFields)
                guard graph == nil else { throw cursor.malformed("the model holds two graphs") }
                graph = message
            case 8:
                if let version = try ONNXFile.defaultOpset(cursor.message(field, name: "opset_import", context: "opset_import")) {
                    opset = version
                }
            default:
                break
            }
        }
        guard let graph else {
            throw EngineError.malformed(path: file.path, message: "not an ONNX model: no graph (field 7) in \(file.size) bytes")
        }
        self.irVersion = irVersion
        self.opset = opset
        producer = [producerName, producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        var nodes: [ONNXNode] = []
        var initializers: [ONNXInitializer] = []
        try ONNXFile.readGraph(graph, depth: 0, nodes: &nodes, initializers: &initializers)
        var seen = Set<String>()
        for initializer in initializers where !seen.insert(initializer.name).inserted {
            throw EngineError.malformed(path: file.path, message: "graph: two initializers are named '\(initializer.name)'")
        }
        self.nodes = nodes
        self.initializers = initializers
    }

    /// The version of an `OperatorSetIdProto` for the default domain (`""` or `ai.onnx`), nil for other domains.
    private static func defaultOpset(_ message: ProtobufCursor) throws -> Int? {
        var cursor = message
        var domain = "", version = 0
        while !cursor.atEnd {
            let field = try cursor.next()
            if field.number == 1, field.wireType == .lengthDelimited { domain = cursor.string(field) }
            if field.number == 2, field.wireType == .varint { version = Int(truncatingIfNeeded: field.scalar) }
        }
        return domain.isEmpty || domain == "ai.onnx" ? version : nil
    }

    /// ModelProto's fields by number (onnx.proto), for messages about a broken one.
    static let modelFields = [1: "ir_version", 2: "producer_name", 3: "producer_version", 4: "domain", 5: "model_version",
                              6: "doc_string", 7: "graph", 8: "opset_import", 14: "metadata_props", 20: "training_info",
                              25: "functions"]
    /// GraphProto's fields by number (onnx.proto).
    static let graphFields = [1: "node", 2: "name", 5: "initializer", 10: "doc_string", 11: "input", 12: "output",
                              13: "value_info", 14: "quantization_annotation", 15: "sparse_initializer"]

    /// Reads a `GraphProto`: nodes and initializers of the main graph (depth 0); a nested graph is only walked,
    /// to validate it and bound its depth.
    private static func readGraph(_ message: ProtobufCursor, depth: Int, nodes: inout [ONNXNode],
                                  initializers: inout [ONNXInitializer]) throws {
        guard depth <= maximumGraphDepth else {
            throw message.malformed("graphs nested more than \(maximumGraphDepth) deep in node attributes")
        }
        var cursor = message
        var nodeIndex = 0, initializerIndex = 0
        while !cursor.atEnd {
            let field = try cursor.next()
            switch field.number {
            case 1:
                let node = try readNode(cursor.message(field, name: "node", context: "\(message.context).node \(nodeIndex)"), depth: depth)
                if depth == 0 { nodes.append(node) }
                nodeIndex += 1
            case 5 where depth == 0:
                let name = scanName(try cursor.message(field, name: "initializer", context: ""))
                let context = "\(message.context).initializer \(initializerIndex)" + (name.map { " '\($0)'" } ?? "")
                initializers.append(try readTensor(cursor.nested(field, context: context)))
                initializerIndex += 1
            case 15 where depth == 0:
                try cursor.expect(field, .lengthDelimited, name: "sparse_initializer")
                throw cursor.malformed("sparse initializers (field 15) are not supported; store the weight densely")
            default:
                break
            }
        }
    }

    /// Reads a `NodeProto` (name, op_type, inputs) and walks the graphs in its attributes.
    private static func readNode(_ message: ProtobufCursor, depth: Int) throws -> ONNXNode {
        var cursor = message
        var name = "", opType = "", inputs: [String] = []
        var attributes: [ProtobufField] = []
        while !cursor.atEnd {
            let field = try cursor.next()
            switch field.number {
            case 1:
                inputs.append(try cursor.text(field, name: "input"))
            case 3:
                name = try cursor.text(field, name: "name")
            case 4:
                opType = try cursor.text(field, name: "op_type")
            case 5:
                try cursor.expect(field, .lengthDelimited, name: "attribute")
                attributes.append(field)
            default:
                break
            }
        }
        let context = message.context + (name.isEmpty ? "" : " '\(name)'")
        for (index, attribute) in attributes.enumerated() {
            var inner = cursor.nested(attribute, context: "\(context).attribute \(index)")
            while !inner.atEnd {
                let field = try inner.next()
                // AttributeProto: g (6) is one graph, graphs (11) a list of them (If, Loop and Scan bodies).
                guard field.number == 6 || field.number == 11 else { continue }
                var ignoredNodes: [ONNXNode] = [], ignoredInitializers: [ONNXInitializer] = []
                // Named by node and depth only: a path through every level would grow with the nesting.
                try readGraph(inner.message(field, name: field.number == 6 ? "g" : "graphs",
                                            context: "graph nested \(depth + 1) deep (in node '\(name)')", fieldNames: graphFields),
                              depth: depth + 1,
                              nodes: &ignoredNodes, initializers: &ignoredInitializers)
            }
        }
        return ONNXNode(name: name, opType: opType, inputs: inputs)
    }

    /// The `name` (field 8) of a `TensorProto`, when it can be found before anything malformed.
    private static func scanName(_ message: ProtobufCursor) -> String? {
        var cursor = message
        var name: String?
        while !cursor.atEnd, let field = try? cursor.next() {
            if field.number == 8, field.wireType == .lengthDelimited { name = cursor.string(field) }
        }
        return name
    }

    /// Reads and validates a `TensorProto` (an initializer).
    private static func readTensor(_ message: ProtobufCursor) throws -> ONNXInitializer {
        var cursor = message
        var shape: [Int] = []
        var typeCode: UInt64 = 0
        var name = ""
        var raw: Range<Int>?
        var external = false
        var location: String?
        var typedFields: [ProtobufField] = []
        while !cursor.atEnd {
            let field = try cursor.next()
            switch field.number {
            case 1:  // dims: int64, packed or not
                if field.wireType == .lengthDelimited {
                    var packed = cursor.nested(field, context: cursor.context)
                    while !packed.atEnd { shape.append(try dimension(packed.varint(field: "dims"), cursor)) }
                } else {
                    shape.append(try dimension(cursor.integer(field, name: "dims"), cursor))
                }
            case 2:
                typeCode = try cursor.integer(field, name: "data_type")
            case 3:
                throw cursor.malformed("segmented tensors (field 3, segment) are not supported")
            case 8:
                name = try cursor.text(field, name: "name")
            case 9:
                try cursor.expect(field, .lengthDelimited, name: "raw_data")
                raw = field.payload
            case 13:
                location = try externalLocation(cursor.message(field, name: "external_data", context: "\(cursor.context).external_data"))
                    ?? location
                external = true
            case 14:
                if try cursor.integer(field, name: "data_location") == 1 { external = true }
            case 4, 5, 6, 7, 10, 11:
                typedFields.append(field)
            default:
                break
            }
        }
        guard let dataType = ONNXDataType(rawValue: Int(clamping: typeCode)) else {
            throw cursor.malformed("data_type \(typeCode) is not an ONNX tensor type")
        }
        if external {
            throw cursor.malformed("the data is stored in an external file\(location.map { " ('\($0)')" } ?? ""), which mvs does not read; save the model with its weights inside (onnx.save(model, path, save_as_external_data=False))")
        }
        guard !dataType.isQuantized else {
            throw cursor.malformed("stored as \(dataType.name), a quantised type (its scales and zero points live in the graph's nodes), which mvs does not read; load the float model")
        }
        guard let dtype = dataType.dtype else {
            throw cursor.malformed("stored as \(dataType.name), which mvs does not read (it reads FLOAT, FLOAT16, BFLOAT16, DOUBLE and the signed integer and BOOL types)")
        }
        guard let count = Shape.elementCount(shape) else {
            throw cursor.malformed("dims \(Shape.describe(shape)) overflow or have a dimension above 2³²")
        }
        let data: ONNXTensorData
        if let raw {
            if let stray = typedFields.first {
                throw cursor.malformed("holds both raw_data and typed data (field \(stray.number))")
            }
            let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.size)
            guard !overflow, bytes == raw.count else {
                throw cursor.malformed("dims \(Shape.describe(shape)) of \(dataType.name) need \(overflow ? "too many" : String(bytes)) bytes, raw_data holds \(raw.count)")
            }
            data = .raw(raw)
        } else {
            data = try typedData(dataType, shape: shape, fields: typedFields, message: message, cursor: cursor)
        }
        return ONNXInitializer(name: name, shape: shape, dataType: dataType, data: data)
    }

    /// A dimension, which must be a non-negative int64.
    private static func dimension(_ value: UInt64, _ cursor: ProtobufCursor) throws -> Int {
        let signed = Int64(bitPattern: value)
        guard signed >= 0, let dimension = Int(exactly: signed) else { throw cursor.malformed("dims holds the negative dimension \(signed)") }
        return dimension
    }

    /// The `location` value of an `external_data` key/value entry.
    private static func externalLocation(_ message: ProtobufCursor) throws -> String? {
        var cursor = message
        var key = "", value = ""
        while !cursor.atEnd {
            let field = try cursor.next()
            if field.number == 1, field.wireType == .lengthDelimited { key = cursor.string(field) }
            if field.number == 2, field.wireType == .lengthDelimited { value = cursor.string(field) }
        }
        return key == "location" ? value : nil
    }

    /// Checks the typed fields of a tensor without `raw_data`: only the one its type uses, holding `count` values.
    private static func typedData(_ type: ONNXDataType, shape: [Int], fields: [ProtobufField], message: ProtobufCursor,
                                  cursor: ProtobufCursor) throws -> ONNXTensorData {
        guard let typed = type.typedField else { throw cursor.malformed("\(type.name) data must be in raw_data") }
        if let stray = fields.first(where: { $0.number != typed.number }) {
            throw cursor.malformed("\(type.name) data belongs in \(typed.name) (field \(typed.number)), found field \(stray.number)")
        }
        let count = Shape.elementCount(shape) ?? 0
        var values = 0
        for field in fields {
            switch (field.wireType, typed.encoding) {
            case (.lengthDelimited, .fixed32), (.lengthDelimited, .fixed64):
                let size = typed.encoding == .fixed32 ? 4 : 8
                guard field.payload.count % size == 0 else {
                    throw cursor.malformed("\(typed.name): packed run of \(field.payload.count) bytes is not a whole number of \(size)-byte values")
                }
                values += field.payload.count / size
            case (.lengthDelimited, .varint):
                var packed = cursor.nested(field, context: cursor.context)
                while !packed.atEnd { _ = try packed.varint(field: typed.name); values += 1 }
            case (typed.encoding, _):
                values += 1
            default:
                throw cursor.malformed("\(typed.name) (field \(typed.number)) has wire type \(field.wireType.rawValue)")
            }
        }
        guard values == count else {
            throw cursor.malformed("dims \(Shape.describe(shape)) need \(count) values, \(typed.name) holds \(values)")
        }
        let packed = fields.count == 1 && fields[0].wireType == .lengthDelimited && typed.encoding != .varint ? fields[0].payload : nil
        return .typed(message: message.position..<message.end, field: typed.number, encoding: typed.encoding, packed: packed)
    }

    /// The initializer's values as float32: a view of the map for aligned FLOAT data, a converted copy otherwise.
    public func tensor(_ initializer: ONNXInitializer) throws -> Tensor {
        guard let dtype = initializer.dataType.dtype else {
            throw EngineError.unsupported("\(path): initializer '\(initializer.name)' is \(initializer.dataType.name), which mvs does not read")
        }
        guard let base = file.base, initializer.count > 0 else { return try Tensor(shape: initializer.shape, values: []) }
        switch initializer.data {
        case let .raw(range):
            return try DType.tensor(shape: initializer.shape, dtype: dtype, at: base + range.lowerBound, file: file)
        case let .typed(_, _, _, packed?):
            return try DType.tensor(shape: initializer.shape, dtype: dtype, at: base + packed.lowerBound, file: file)
        case let .typed(message, number, encoding, nil):
            var cursor = ProtobufCursor(file: file, range: message, context: "initializer '\(initializer.name)'")
            return try Tensor.build(shape: initializer.shape, storedType: dtype) { out in
                var index = 0
                func store(_ bits: UInt64) {
                    guard index < out.count else { return }
                    out[index] = ONNXFile.element(bits, type: initializer.dataType)
                    index += 1
                }
                while !cursor.atEnd {
                    let field = try cursor.next()
                    guard field.number == number else { continue }
                    if field.wireType != .lengthDelimited { store(field.scalar); continue }
                    var packed = cursor.nested(field, context: cursor.context)
                    while !packed.atEnd {
                        switch encoding {
                        case .varint: store(try packed.varint(field: "values"))
                        case .fixed32, .fixed64:
                            let size = encoding == .fixed32 ? 4 : 8
                            var bits: UInt64 = 0
                            for offset in 0..<size { bits |= UInt64(base.load(fromByteOffset: packed.position + offset, as: UInt8.self)) << (8 * UInt64(offset)) }
                            packed.position += size
                            store(bits)
                        case .lengthDelimited: return
                        }
                    }
                }
            }
        }
    }

    /// One value of a typed field as float32: fixed32/fixed64 bits of FLOAT/DOUBLE, or a varint holding an
    /// integer, a bool, or (FLOAT16, BFLOAT16) the 16 bits of the value.
    static func element(_ bits: UInt64, type: ONNXDataType) -> Float {
        switch type {
        case .float: return Float(bitPattern: UInt32(truncatingIfNeeded: bits))
        case .double: return Float(Double(bitPattern: bits))
        case .float16: return DType.halfToFloat(UInt16(truncatingIfNeeded: bits))
        case .bfloat16: return Float(bitPattern: UInt32(UInt16(truncatingIfNeeded: bits)) << 16)
        case .int64: return Float(Int64(bitPattern: bits))
        case .bool: return bits == 0 ? 0 : 1
        default: return Float(Int32(truncatingIfNeeded: bits))
        }
    }
}
