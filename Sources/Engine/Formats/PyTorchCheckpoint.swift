// PyTorch zip checkpoints (`torch.save`): data.pkl interpreted with a whitelist, storages mapped lazily.
import Foundation

/// A storage named by a persistent id: `archive/data/<key>`, of `count` elements of `dtype`.
final class TorchStorage: Sendable {
    let key: String
    let dtype: DType
    /// Byte range of the storage's data in the file.
    let range: Range<Int>
    init(key: String, dtype: DType, range: Range<Int>) {
        self.key = key
        self.dtype = dtype
        self.range = range
    }
}

/// A tensor view of a storage (`_rebuild_tensor_v2`): offset, size and stride in elements.
final class TorchTensor: Sendable {
    let storage: TorchStorage
    let offset: Int
    let shape: [Int]
    let strides: [Int]
    init(storage: TorchStorage, offset: Int, shape: [Int], strides: [Int]) {
        self.storage = storage
        self.offset = offset
        self.shape = shape
        self.strides = strides
    }

    /// Whether the elements are contiguous row-major from `offset`.
    var isContiguous: Bool {
        var expected = 1
        for (size, stride) in zip(shape, strides).reversed() where size != 1 {
            if stride != expected { return false }
            expected *= size
        }
        return true
    }
}

/// Reads `torch.save` zip archives without executing anything: only the globals torch uses to rebuild
/// tensors (and OrderedDict) are allowed; any other global is refused by name.
public enum PyTorchCheckpoint {
    /// Storage classes torch writes in persistent ids, and the element type each holds.
    static let storageTypes: [String: DType] = [
        "FloatStorage": .f32, "DoubleStorage": .f64, "HalfStorage": .f16, "BFloat16Storage": .bf16,
        "LongStorage": .i64, "IntStorage": .i32, "ShortStorage": .i16, "CharStorage": .i8,
        "ByteStorage": .u8, "BoolStorage": .bool,
    ]

    /// The tensors of a checkpoint as lazy parameters, named by their (flattened) state-dict keys.
    public static func parameters(path: String) throws -> [Parameter] {
        try parameters(file: MappedFile(path: path))
    }

    /// The tensors of a mapped (or in-memory) checkpoint.
    public static func parameters(file: MappedFile) throws -> [Parameter] {
        let path = file.path
        let archive = try ZipArchive(file: file)
        guard let pickleName = archive.names.first(where: { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }),
              let pickleEntry = archive.entries[pickleName] else {
            throw EngineError.malformed(path: path, message: "zip has no data.pkl: not a torch.save checkpoint")
        }
        let prefix = String(pickleName.dropLast("data.pkl".count))
        if let order = archive.entries[prefix + "byteorder"] {
            let text = String(decoding: file.bytes(try archive.dataRange(order)), as: UTF8.self)
            guard text == "little" else { throw EngineError.unsupported("\(path): \(text)-endian checkpoints are not supported") }
        }
        let range = try archive.dataRange(pickleEntry)
        let host = TorchPickleHost(path: path, archive: archive, prefix: prefix)
        guard let base = file.base else { throw EngineError.malformed(path: path, message: "empty file") }
        let found = try tensors(pickle: UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count), path: path, host: host)
        guard !found.isEmpty else { throw EngineError.malformed(path: path, message: "checkpoint holds no tensors") }
        return found.map { name, tensor in
            Parameter(name: name, shape: tensor.shape, dtype: tensor.storage.dtype) { try materialise(tensor, file: file) }
        }
    }

    /// The tensors a data.pkl names, with their flattened state-dict keys: the pickle interpreter's entry
    /// point on bytes (the pickle fuzz harness calls it without wrapping each input in a zip).
    static func tensors(pickle: UnsafeRawBufferPointer, path: String, host: PickleHost) throws -> [(String, TorchTensor)] {
        var machine = PickleMachine(bytes: pickle, path: path, host: host)
        return try machine.run { root -> [(String, TorchTensor)] in
            var found: [(String, TorchTensor)] = []
            // Each container edge costs at least one opcode byte, so a tree walk of a well-formed
            // checkpoint visits at most a few nodes per byte; a graph of shared containers (DUP, TUPLE2
            // repeated) would expand exponentially as a tree, so the walk is bounded by that budget.
            var budget = 4 * pickle.count + 64
            try collect(stateDict(root), prefix: "", depth: 0, budget: &budget, into: &found, path: path)
            return found
        }
    }

    /// The state dict inside common wrappers (`{"state_dict": …}`, `{"model": …}`), else the root itself.
    private static func stateDict(_ root: PickleValue) -> PickleValue {
        guard case let .dict(dict) = root else { return root }
        let hasTensors = dict.values.contains { if case .opaque = $0 { return true } else { return false } }
        if !hasTensors {
            for key in ["state_dict", "model_state_dict", "model", "module"] {
                if let inner = dict.get(key), case .dict = inner { return inner }
            }
        }
        return root
    }

    /// Tensors in nested dicts, lists and tuples, named by their keys joined with dots.
    private static func collect(_ value: PickleValue, prefix: String, depth: Int, budget: inout Int,
                                into found: inout [(String, TorchTensor)], path: String) throws {
        guard depth < 64 else { throw EngineError.malformed(path: path, message: "checkpoint nests containers too deeply") }
        budget -= 1
        guard budget >= 0 else {
            throw EngineError.malformed(path: path, message: "checkpoint's containers refer to one another more often than its size allows (a shared-object graph, not a state dict)")
        }
        if budget & 0xFFF == 0 { try Interruption.check() }
        func child(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }
        switch value {
        case let .opaque(object as TorchTensor):
            found.append((prefix.isEmpty ? "tensor" : prefix, object))
        case let .dict(dict):
            for (key, item) in zip(dict.keys, dict.values) { try collect(item, prefix: child(key.keyText), depth: depth + 1, budget: &budget, into: &found, path: path) }
        case let .list(list):
            for (index, item) in list.items.enumerated() { try collect(item, prefix: child(String(index)), depth: depth + 1, budget: &budget, into: &found, path: path) }
        case let .tuple(tuple):
            for (index, item) in tuple.items.enumerated() { try collect(item, prefix: child(String(index)), depth: depth + 1, budget: &budget, into: &found, path: path) }
        default:
            break
        }
    }

    /// The float32 tensor: a view of the map when contiguous float32 and aligned; otherwise gathered
    /// element by element along the strides.
    static func materialise(_ tensor: TorchTensor, file: MappedFile) throws -> Tensor {
        guard let base = file.base else { return try Tensor(shape: tensor.shape, values: []) }
        let storage = tensor.storage
        let size = storage.dtype.size
        let start = base + storage.range.lowerBound + tensor.offset * size
        if tensor.isContiguous {
            return try DType.tensor(shape: tensor.shape, dtype: storage.dtype, at: start, file: file)
        }
        let shape = tensor.shape, strides = tensor.strides
        return try Tensor.build(shape: shape, storedType: storage.dtype) { out in
            var index = [Int](repeating: 0, count: shape.count)
            var source = 0
            for position in 0..<out.count {
                storage.dtype.convert(from: start + source * size,
                                      into: UnsafeMutableBufferPointer(rebasing: out[position..<position + 1]))
                // Odometer over the dimensions, innermost fastest.
                var dimension = shape.count - 1
                while dimension >= 0 {
                    index[dimension] += 1
                    source += strides[dimension]
                    if index[dimension] < shape[dimension] { break }
                    source -= strides[dimension] * shape[dimension]
                    index[dimension] = 0
                    dimension -= 1
                }
            }
        }
    }
}

/// The globals a checkpoint may name — the allowlist and what calling each does, in one list: `global` admits
/// exactly these (plus storage types) and `call` switches over them exhaustively, so the two cannot drift apart.
enum TorchGlobal: String, CaseIterable {
    case orderedDict = "collections.OrderedDict"
    case rebuildTensor = "torch._utils._rebuild_tensor"
    case rebuildTensorV2 = "torch._utils._rebuild_tensor_v2"
    case rebuildParameter = "torch._utils._rebuild_parameter"
    case rebuildParameterWithState = "torch._utils._rebuild_parameter_with_state"
    case rebuildFromType = "torch._tensor._rebuild_from_type_v2"
    /// Named as the type argument of `_rebuild_from_type_v2`, never called.
    case parameterType = "torch.nn.parameter.Parameter"
    /// Named as the type argument of `_rebuild_from_type_v2`, never called.
    case tensorType = "torch.Tensor"
}

/// The environment data.pkl runs in: the allowlist, persistent ids and tensor rebuilding.
struct TorchPickleHost: PickleHost {
    let path: String
    let archive: ZipArchive
    let prefix: String

    private func bad(_ message: String) -> EngineError { .malformed(path: path, message: message) }

    func global(module: String, name: String) throws -> PickleValue {
        let qualified = "\(module).\(name)"
        if module == "torch", PyTorchCheckpoint.storageTypes[name] != nil { return .global(module: module, name: name) }
        guard TorchGlobal(rawValue: qualified) != nil else {
            // `torch.save(model)` pickles the model's own classes; say how to get a loadable file.
            let wholeModel = ["transformers.", "torch.nn.", "__main__"].contains { module.hasPrefix($0) }
            let hint = wholeModel ? "; it pickles a whole model object: save model.state_dict() or safetensors instead" : ""
            throw EngineError.malformed(path: path, message: "data.pkl asks for global '\(qualified)', which is refused: only torch tensor rebuilding and OrderedDict are allowed (nothing in a checkpoint is executed)\(hint)")
        }
        return .global(module: module, name: name)
    }

    func persistent(_ id: PickleValue) throws -> PickleValue {
        // ('storage', torch.FloatStorage, key, location, numel)
        guard let items = id.tupleItems, items.count >= 5, case .string("storage") = items[0],
              case let .global(_, typeName) = items[1], case let .string(key) = items[2],
              case let .int(count) = items[4] else {
            throw bad("data.pkl has a persistent id that is not a ('storage', type, key, location, numel) tuple")
        }
        guard let dtype = PyTorchCheckpoint.storageTypes[typeName] else { throw bad("unknown storage type torch.\(typeName)") }
        guard let entry = archive.entries["\(prefix)data/\(key)"] else { throw bad("storage '\(key)' is missing: no entry \(prefix)data/\(key)") }
        let range = try archive.dataRange(entry)
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.size)
        guard count >= 0, !overflow, bytes <= range.count else {
            throw bad("storage '\(key)' claims \(count) \(dtype.displayName) elements but holds \(range.count) bytes")
        }
        return .opaque(TorchStorage(key: key, dtype: dtype, range: range.lowerBound..<range.lowerBound + bytes))
    }

    func call(_ callable: PickleValue, _ arguments: [PickleValue]) throws -> PickleValue {
        guard case let .global(module, name) = callable else { throw bad("data.pkl calls a \(callable.kind), not a global") }
        switch TorchGlobal(rawValue: "\(module).\(name)") {
        case .orderedDict:
            return .dict(PickleDict())
        case .rebuildTensor, .rebuildTensorV2:
            return try rebuildTensor(arguments)
        case .rebuildParameter, .rebuildParameterWithState:
            guard let data = arguments.first else { throw bad("_rebuild_parameter without data") }
            return data
        case .rebuildFromType:
            // (function, type, arguments, state): apply the (already allowed) function to its arguments.
            guard arguments.count >= 3, let inner = arguments[2].tupleItems else { throw bad("_rebuild_from_type_v2 with unexpected arguments") }
            return try call(arguments[0], inner)
        case .parameterType, .tensorType, nil:
            // nil: a storage type, admitted as a global because persistent ids name it, but never callable.
            throw bad("data.pkl calls '\(module).\(name)', which cannot be called")
        }
    }

    /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, …)`, checked to stay inside the storage.
    private func rebuildTensor(_ arguments: [PickleValue]) throws -> PickleValue {
        guard arguments.count >= 4, case let .opaque(object) = arguments[0], let storage = object as? TorchStorage,
              case let .int(offset) = arguments[1], let sizeItems = arguments[2].tupleItems,
              let strideItems = arguments[3].tupleItems else {
            throw bad("_rebuild_tensor_v2 called with unexpected arguments")
        }
        let shape = try sizeItems.map { item -> Int in
            guard case let .int(value) = item, value >= 0 else { throw bad("tensor in storage '\(storage.key)' has an invalid size") }
            return value
        }
        let strides = try strideItems.map { item -> Int in
            guard case let .int(value) = item, value >= 0 else { throw bad("tensor in storage '\(storage.key)' has an invalid stride") }
            return value
        }
        guard shape.count == strides.count, offset >= 0 else {
            throw bad("tensor in storage '\(storage.key)' has mismatched size \(shape) and stride \(strides)")
        }
        guard let count = Shape.elementCount(shape) else {
            throw bad("tensor in storage '\(storage.key)' has size \(shape), which overflows or has a dimension above 2³²")
        }
        let available = storage.range.count / storage.dtype.size
        // Zero or overlapping strides could make a tiny storage claim any number of elements.
        guard count <= available else {
            throw bad("tensor \(Shape.describe(shape)) has \(count) elements but its storage '\(storage.key)' holds \(available) (overlapping strides are not supported)")
        }
        if count > 0 {
            var last = offset
            for (size, stride) in zip(shape, strides) {
                let (step, overflow) = (size - 1).multipliedReportingOverflow(by: stride)
                let (sum, overflowSum) = last.addingReportingOverflow(step)
                guard !overflow, !overflowSum else { throw bad("tensor in storage '\(storage.key)' has strides that overflow") }
                last = sum
            }
            guard last < available else {
                throw bad("tensor \(Shape.describe(shape)) at offset \(offset) with stride \(strides) reaches element \(last) of storage '\(storage.key)', which has \(available)")
            }
        }
        return .opaque(TorchTensor(storage: storage, offset: offset, shape: shape, strides: strides))
    }
}
