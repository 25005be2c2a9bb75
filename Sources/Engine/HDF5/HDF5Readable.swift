// Decoding one dataset or attribute: its shape, element type and values (numbers, strings, booleans).
import CHDF5

/// Values read from a dataset or attribute, flattened in row-major order.
enum HDF5Data: Equatable {
    case doubles([Double])
    case integers([Int])
    case strings([String])
    case bools([Bool])
    /// HDF5's null dataspace: no elements, not even a shape.
    case empty
    /// A type mvs does not decode.
    case unsupported(String)
}

/// A dataset or attribute opened for reading; all methods must run under `HDF5Library.locked`.
struct HDF5Readable {
    /// The stored type.
    let type: HDF5Datatype
    /// The stored dataspace.
    let space: HDF5Dataspace
    /// Reads every element into `buffer` converted to `memoryType` (`H5Dread` or `H5Aread`).
    let read: (_ memoryType: hid_t, _ buffer: UnsafeMutableRawPointer) -> herr_t
    /// File and object named in errors.
    let file: String
    let object: String

    /// Opens dataset `id` for reading.
    init(dataset: HDF5Dataset, file: String, object: String) throws {
        type = try .make(H5Dget_type(dataset.id), "cannot read the type of '\(object)'", path: file)
        space = try .make(H5Dget_space(dataset.id), "cannot read the shape of '\(object)'", path: file)
        read = { memoryType, buffer in
            H5Dread(dataset.id, memoryType, mvs_h5s_all(), mvs_h5s_all(), mvs_h5p_default(), buffer)
        }
        self.file = file
        self.object = object
    }

    /// Opens attribute `id` for reading.
    init(attribute: HDF5AttributeHandle, file: String, object: String) throws {
        type = try .make(H5Aget_type(attribute.id), "cannot read the type of attribute '\(object)'", path: file)
        space = try .make(H5Aget_space(attribute.id), "cannot read the shape of attribute '\(object)'", path: file)
        read = { memoryType, buffer in H5Aread(attribute.id, memoryType, buffer) }
        self.file = file
        self.object = object
    }

    /// Whether the dataspace is HDF5's null space (no elements at all).
    var isNull: Bool { H5Sget_simple_extent_type(space.id) == H5S_NULL }

    /// Dimensions, outermost first; empty for scalar and null spaces.
    var shape: [Int] {
        let rank = Int(H5Sget_simple_extent_ndims(space.id))
        guard rank > 0 else { return [] }
        var dims = [hsize_t](repeating: 0, count: rank)
        H5Sget_simple_extent_dims(space.id, &dims, nil)
        return dims.map { Int($0) }
    }

    /// Number of elements (0 for a null space).
    var count: Int { isNull ? 0 : Int(H5Sget_simple_extent_npoints(space.id)) }

    /// The element type as mvs classifies it.
    var elementType: HDF5ElementType { Self.classify(type.id) }

    /// Classifies an HDF5 datatype.
    static func classify(_ type: hid_t) -> HDF5ElementType {
        let size = Int(H5Tget_size(type))
        switch H5Tget_class(type) {
        case H5T_FLOAT: return .float(bytes: size)
        case H5T_INTEGER: return .integer(bytes: size, signed: H5Tget_sign(type) == H5T_SGN_2)
        case H5T_STRING: return .string(variableLength: H5Tis_variable_str(type) > 0)
        case H5T_ENUM: return isBoolEnum(type) ? .bool : .other("enum")
        case H5T_COMPOUND: return .other("compound")
        case H5T_REFERENCE: return .other("reference")
        case H5T_OPAQUE: return .other("opaque")
        case H5T_ARRAY: return .other("array")
        case H5T_VLEN: return .other("variable-length sequence")
        case H5T_BITFIELD: return .other("bitfield")
        case H5T_TIME: return .other("time")
        default: return .other("unknown type")
        }
    }

    /// h5py's boolean: a one-byte enum with exactly the members FALSE and TRUE.
    private static func isBoolEnum(_ type: hid_t) -> Bool {
        guard H5Tget_size(type) == 1, H5Tget_nmembers(type) == 2 else { return false }
        var members: [String] = []
        for index in 0..<2 {
            guard let name = H5Tget_member_name(type, UInt32(index)) else { return false }
            members.append(String(cString: name))
            H5free_memory(name)
        }
        return members == ["FALSE", "TRUE"]
    }

    /// Reads every element as float32 into `buffer` (HDF5 converts integers, doubles and halves).
    func readFloats(into buffer: UnsafeMutableBufferPointer<Float>) throws {
        guard elementType.isNumeric, elementType != .bool else {
            throw EngineError.unsupported("\(file): '\(object)' holds \(elementType), not numbers")
        }
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        try HDF5Library.check(read(mvs_h5t_native_float(), base), "cannot read '\(object)'", path: file)
    }

    /// Reads and decodes every element.
    func data() throws -> HDF5Data {
        if isNull { return .empty }
        let count = self.count
        switch elementType {
        case .float:
            var values = [Double](repeating: 0, count: count)
            try readNumbers(&values, as: mvs_h5t_native_double())
            return .doubles(values)
        case let .integer(bytes, signed):
            // uint64 beyond Int64 would not survive exact conversion; read those as doubles.
            if bytes == 8 && !signed {
                var values = [Double](repeating: 0, count: count)
                try readNumbers(&values, as: mvs_h5t_native_double())
                return .doubles(values)
            }
            var values = [Int64](repeating: 0, count: count)
            try readNumbers(&values, as: mvs_h5t_native_int64())
            return .integers(values.map { Int($0) })
        case .bool:
            var values = [Int8](repeating: 0, count: count)
            try readNumbers(&values, as: type.id)
            return .bools(values.map { $0 != 0 })
        case let .string(variableLength):
            return .strings(try variableLength ? readVariableStrings(count) : readFixedStrings(count))
        case let .other(name):
            return .unsupported(name)
        }
    }

    private func readNumbers<Element>(_ values: inout [Element], as memoryType: hid_t) throws {
        guard !values.isEmpty else { return }
        let status = values.withUnsafeMutableBytes { bytes in read(memoryType, bytes.baseAddress!) }
        try HDF5Library.check(status, "cannot read '\(object)'", path: file)
    }

    /// Variable-length strings: HDF5 allocates each one; mvs copies and frees them with `H5free_memory`.
    private func readVariableStrings(_ count: Int) throws -> [String] {
        guard count > 0 else { return [] }
        let memoryType = try HDF5Datatype.make(H5Tcopy(mvs_h5t_c_s1()), "cannot make a string type", path: file)
        H5Tset_size(memoryType.id, mvs_h5t_variable())
        H5Tset_cset(memoryType.id, H5Tget_cset(type.id))
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        let status = pointers.withUnsafeMutableBytes { bytes in read(memoryType.id, bytes.baseAddress!) }
        defer { for pointer in pointers where pointer != nil { H5free_memory(pointer) } }
        try HDF5Library.check(status, "cannot read the strings of '\(object)'", path: file)
        return pointers.map { pointer in pointer.map { String(cString: $0) } ?? "" }
    }

    /// Fixed-length strings (numpy `S` arrays): null- or space-padded, decoded as UTF-8.
    private func readFixedStrings(_ count: Int) throws -> [String] {
        let size = Int(H5Tget_size(type.id))
        guard count > 0, size > 0 else { return [String](repeating: "", count: count) }
        var bytes = [UInt8](repeating: 0, count: count * size)
        let status = bytes.withUnsafeMutableBytes { raw in read(type.id, raw.baseAddress!) }
        try HDF5Library.check(status, "cannot read the strings of '\(object)'", path: file)
        let spacePadded = H5Tget_strpad(type.id) == H5T_STR_SPACEPAD
        return (0..<count).map { index in
            var slice = bytes[(index * size)..<((index + 1) * size)]
            if let end = slice.firstIndex(of: 0) { slice = slice[..<end] }
            if spacePadded { while slice.last == 0x20 { slice = slice.dropLast() } }
            return String(decoding: slice, as: UTF8.self)
        }
    }

    /// Decodes an attribute-sized value: scalars stay scalars, 1-element arrays stay arrays.
    func attributeValue() throws -> HDF5AttributeValue {
        let scalar = !isNull && shape.isEmpty
        switch try data() {
        case let .doubles(values): return scalar ? .number(values[0]) : .numbers(values)
        case let .integers(values): return scalar ? .integer(values[0]) : .integers(values)
        case let .strings(values): return scalar ? .string(values[0]) : .strings(values)
        case let .bools(values): return scalar ? .bool(values[0]) : .bools(values)
        case .empty: return .empty
        case let .unsupported(name): return .unsupported(name)
        }
    }
}
