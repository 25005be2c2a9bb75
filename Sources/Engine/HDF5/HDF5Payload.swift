// Values encoded for libhdf5: a file type, a memory type, a dataspace shape and the bytes to write.
import CHDF5
import Foundation

/// Data ready to be written as a dataset or attribute; frees what it allocated when released.
///
/// Every type is an owned copy (`H5Tcopy`), so predefined types are never closed by mistake. Payloads are built
/// outside the writer, so every libhdf5 call here takes the HDF5 lock itself.
final class HDF5Payload {
    /// How the elements are stored in the file.
    let fileType: HDF5Datatype
    /// How the elements lie in `pointer`.
    let memoryType: HDF5Datatype
    /// Dimensions; `[]` for a scalar, nil for HDF5's null dataspace (h5py's `Empty`).
    let shape: [Int]?
    /// The first element (nil when there are none).
    let pointer: UnsafeRawPointer?
    /// Bytes per stored element, for chunk sizing.
    let elementSize: Int
    private let owner: AnyObject?
    private let release: () -> Void

    private init(fileType: HDF5Datatype, memoryType: HDF5Datatype, shape: [Int]?, pointer: UnsafeRawPointer?,
                 elementSize: Int, owner: AnyObject? = nil, release: @escaping () -> Void = {}) {
        self.fileType = fileType
        self.memoryType = memoryType
        self.shape = shape
        self.pointer = pointer
        self.elementSize = elementSize
        self.owner = owner
        self.release = release
    }

    deinit { release() }

    private static func copy(_ type: @autoclosure () -> hid_t) throws -> HDF5Datatype {
        try HDF5Library.locked { try .make(H5Tcopy(type()), "cannot copy an HDF5 type", path: "") }
    }

    /// Copies `values` into memory this payload owns.
    private static func owned<Element>(_ values: [Element], fileType: @autoclosure () -> hid_t,
                                       memoryType: @autoclosure () -> hid_t, shape: [Int]?,
                                       elementSize: Int) throws -> HDF5Payload {
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: max(1, values.count * MemoryLayout<Element>.stride),
                                                     alignment: MemoryLayout<Element>.alignment)
        values.withUnsafeBytes { source in
            if let base = source.baseAddress { bytes.copyMemory(from: base, byteCount: source.count) }
        }
        return HDF5Payload(fileType: try copy(fileType()), memoryType: try copy(memoryType()), shape: shape,
                           pointer: UnsafeRawPointer(bytes), elementSize: elementSize, release: { bytes.deallocate() })
    }

    /// A float32 tensor, written from its own storage without a copy.
    static func floats(_ tensor: Tensor) throws -> HDF5Payload {
        HDF5Payload(fileType: try copy(mvs_h5t_ieee_f32le()), memoryType: try copy(mvs_h5t_native_float()),
                    shape: tensor.shape, pointer: UnsafeRawPointer(tensor.storage.pointer), elementSize: 4,
                    owner: tensor.storage)
    }

    /// Doubles of a shape (scalar when `shape` is empty).
    static func doubles(_ values: [Double], shape: [Int]) throws -> HDF5Payload {
        try owned(values, fileType: mvs_h5t_ieee_f64le(), memoryType: mvs_h5t_native_double(), shape: shape, elementSize: 8)
    }

    /// 64-bit integers of a shape.
    static func integers(_ values: [Int], shape: [Int]) throws -> HDF5Payload {
        try owned(values.map(Int64.init), fileType: mvs_h5t_std_i64le(), memoryType: mvs_h5t_native_int64(),
                  shape: shape, elementSize: 8)
    }

    /// Booleans as h5py stores them: an int8 enum {FALSE = 0, TRUE = 1}, which numpy reads as `bool`.
    static func bools(_ values: [Bool], shape: [Int]) throws -> HDF5Payload {
        let type = try HDF5Library.locked { () throws -> HDF5Datatype in
            let type = try HDF5Datatype.make(H5Tenum_create(mvs_h5t_native_int8()), "cannot make a boolean type", path: "")
            var no: Int8 = 0, yes: Int8 = 1
            H5Tenum_insert(type.id, "FALSE", &no)
            H5Tenum_insert(type.id, "TRUE", &yes)
            return type
        }
        return try owned(values.map { $0 ? Int8(1) : 0 }, fileType: type.id, memoryType: type.id, shape: shape, elementSize: 1)
    }

    /// Variable-length UTF-8 strings, h5py's `str` (its `string_dtype()`).
    static func strings(_ values: [String], shape: [Int]) throws -> HDF5Payload {
        let type = try copy(mvs_h5t_c_s1())
        HDF5Library.locked {
            H5Tset_size(type.id, mvs_h5t_variable())
            H5Tset_cset(type.id, H5T_CSET_UTF8)
            H5Tset_strpad(type.id, H5T_STR_NULLTERM)
        }
        // HDF5 reads a char* per element; each is a strdup that `release` frees.
        let pointers = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: max(1, values.count))
        for (index, value) in values.enumerated() { pointers[index] = strdup(value) }
        let count = values.count
        return HDF5Payload(fileType: type, memoryType: type, shape: shape, pointer: UnsafeRawPointer(pointers),
                           elementSize: MemoryLayout<UnsafeMutablePointer<CChar>?>.stride, release: {
            for index in 0..<count { free(pointers[index]) }
            pointers.deallocate()
        })
    }

    /// No data at all (HDF5's null dataspace), how mvs stores `none`.
    static func empty() throws -> HDF5Payload {
        HDF5Payload(fileType: try copy(mvs_h5t_native_int8()), memoryType: try copy(mvs_h5t_native_int8()),
                    shape: nil, pointer: nil, elementSize: 1)
    }

    /// An attribute value, with scalars as scalars and arrays as 1-D.
    static func attribute(_ value: HDF5AttributeValue) throws -> HDF5Payload {
        switch value {
        case let .string(text): return try strings([text], shape: [])
        case let .strings(texts): return try strings(texts, shape: [texts.count])
        case let .integer(number): return try integers([number], shape: [])
        case let .integers(numbers): return try integers(numbers, shape: [numbers.count])
        case let .number(number): return try doubles([number], shape: [])
        case let .numbers(numbers): return try doubles(numbers, shape: [numbers.count])
        case let .bool(flag): return try bools([flag], shape: [])
        case let .bools(flags): return try bools(flags, shape: [flags.count])
        case .empty: return try empty()
        case let .unsupported(name): throw EngineError.unsupported("cannot write an attribute of type \(name)")
        }
    }

    /// A dataspace for `shape` (scalar, simple or null).
    func dataspace() throws -> HDF5Dataspace {
        try HDF5Library.locked {
            guard let shape else { return try .make(H5Screate(H5S_NULL), "cannot make a dataspace", path: "") }
            if shape.isEmpty { return try .make(H5Screate(H5S_SCALAR), "cannot make a dataspace", path: "") }
            let dims = shape.map { hsize_t($0) }
            return try .make(H5Screate_simple(Int32(dims.count), dims, nil), "cannot make a dataspace", path: "")
        }
    }

    /// Number of elements.
    var count: Int { shape.map { Shape.elementCount($0) ?? 0 } ?? 0 }
}
