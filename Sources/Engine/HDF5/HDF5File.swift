// Reading any HDF5 file: walk its groups, describe its datasets, read tensors and attributes.
import CHDF5
import Foundation

/// An HDF5 file opened read-only (Keras `tf_model.h5`, h5py outputs, files mvs exported).
///
/// Paths are written like h5py's: `group/sub/dataset`, with or without a leading slash; `""` or `"/"` is the
/// root group. Every call takes the process-wide HDF5 lock, so one file may be shared across threads.
public final class HDF5File: @unchecked Sendable {  // unchecked: every use of the handle takes the process-wide HDF5 lock
    /// The file's path on disk (for messages).
    public let path: String
    let handle: HDF5FileHandle

    /// Opens `path` read-only; throws when it is missing or not an HDF5 file.
    public convenience init(readingAt path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EngineError.io(path: path, message: "no such file" + Suggest.hint(forPath: path))
        }
        if isDirectory.boolValue { throw EngineError.io(path: path, message: "is a directory, not an HDF5 file") }
        let handle = try HDF5Library.locked { () throws -> HDF5FileHandle in
            guard H5Fis_hdf5(path) > 0 else {
                throw EngineError.malformed(path: path, message: "not an HDF5 file (no HDF5 signature)")
            }
            return try .make(H5Fopen(path, mvs_h5f_acc_rdonly(), mvs_h5p_default()), "cannot open", path: path)
        }
        self.init(handle: handle, path: path)
    }

    /// Wraps an already open file (the export writer reuses the reading code on its own file).
    init(handle: HDF5FileHandle, path: String) {
        self.handle = handle
        self.path = path
    }

    /// The file's size in bytes as libhdf5 sees it (also for a file kept in memory); 0 when it cannot say.
    var byteSize: Int {
        HDF5Library.locked {
            var size: hsize_t = 0
            return H5Fget_filesize(handle.id, &size) < 0 ? 0 : Int(clamping: size)
        }
    }

    /// `"/a/b/"` → `"a/b"`.
    static func normalize(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }

    /// The absolute HDF5 path for a normalised one.
    static func absolute(_ path: String) -> String { "/" + normalize(path) }

    /// `name` inside `group` (`""` is the root group).
    static func join(_ group: String, _ name: String) -> String { group.isEmpty ? name : group + "/" + name }

    // MARK: Walking

    /// The links directly inside a group, in creation order when the file tracks it, else by name.
    public func children(of group: String = "") throws -> [(name: String, type: HDF5ObjectType)] {
        try HDF5Library.locked {
            let handle = try openGroup(group)
            return try childLinks(of: handle, groupPath: HDF5File.normalize(group))
        }
    }

    /// Every dataset in the file, depth first in link order, with its shape and element type.
    public func datasets() throws -> [HDF5DatasetInfo] {
        try HDF5Library.locked {
            var found: [HDF5DatasetInfo] = []
            try collectDatasets(in: "", depth: 0, into: &found)
            return found
        }
    }

    /// The paths of every dataset in the file (`bert/…/kernel:0`).
    public func datasetPaths() throws -> [String] { try datasets().map(\.path) }

    /// The shape and element type of the dataset at `path`.
    public func dataset(_ path: String) throws -> HDF5DatasetInfo {
        try HDF5Library.locked {
            let readable = try openReadable(path)
            return HDF5DatasetInfo(path: HDF5File.normalize(path), shape: readable.shape, elementType: readable.elementType)
        }
    }

    /// Whether an object (group or dataset) exists at `path`.
    public func contains(_ path: String) -> Bool {
        HDF5Library.locked { exists(path) }
    }

    /// The type of the object at `path`, nil when there is none.
    public func objectType(_ path: String) -> HDF5ObjectType? {
        HDF5Library.locked {
            guard exists(path), let object = try? openObject(path) else { return nil }
            return HDF5File.type(of: object.id)
        }
    }

    // MARK: Reading data

    /// The dataset at `path` as a float32 tensor of its shape (integers and doubles converted).
    public func readTensor(_ path: String) throws -> Tensor {
        try HDF5Library.locked {
            let readable = try openReadable(path)
            guard let dtype = readable.elementType.dtype, readable.elementType != .bool else {
                throw EngineError.unsupported("\(self.path): '\(HDF5File.normalize(path))' holds \(readable.elementType), not numbers")
            }
            return try Tensor.build(shape: readable.shape, storedType: dtype) { buffer in
                try readable.readFloats(into: buffer)
            }
        }
    }

    /// The dataset at `path` decoded as an attribute would be (numbers, strings, booleans; used by import).
    public func readValue(_ path: String) throws -> HDF5AttributeValue {
        try HDF5Library.locked { try openReadable(path).attributeValue() }
    }

    /// Every element of the dataset at `path`, decoded (used by import for table columns and vocabularies).
    func readData(_ path: String) throws -> HDF5Data {
        try HDF5Library.locked { try openReadable(path).data() }
    }

    // MARK: Attributes

    /// Names of the attributes of the object at `path`, in creation order when tracked, else by name.
    public func attributeNames(of path: String = "") throws -> [String] {
        try HDF5Library.locked { try attributeNames(of: openObject(path)) }
    }

    /// The attribute `name` of the object at `path` (the root by default), nil when absent.
    public func attribute(_ name: String, of path: String = "") throws -> HDF5AttributeValue? {
        try HDF5Library.locked {
            let object = try openObject(path)
            guard H5Aexists(object.id, name) > 0 else { return nil }
            let objectName = "\(HDF5File.absolute(path))@\(name)"
            let attribute = try HDF5AttributeHandle.make(H5Aopen(object.id, name, mvs_h5p_default()),
                                                          "cannot open attribute '\(objectName)'", path: self.path)
            return try HDF5Readable(attribute: attribute, file: self.path, object: objectName).attributeValue()
        }
    }

    /// Every attribute of the object at `path`, in order.
    public func attributes(of path: String = "") throws -> [(name: String, value: HDF5AttributeValue)] {
        try HDF5Library.locked {
            try attributeNames(of: openObject(path)).compactMap { name in
                try attribute(name, of: path).map { (name, $0) }
            }
        }
    }

    // MARK: Internals (callers hold the lock)

    func exists(_ path: String) -> Bool {
        var prefix = ""
        for component in HDF5File.normalize(path).split(separator: "/") {
            prefix += "/" + component
            guard H5Lexists(handle.id, prefix, mvs_h5p_default()) > 0 else { return false }
        }
        return true
    }

    /// Throws `unknownName` with a suggestion when nothing is at `path`.
    private func requireExists(_ path: String) throws {
        guard !exists(path) else { return }
        let candidates = (try? datasets().map(\.path)) ?? []
        throw EngineError.unknownName(HDF5File.normalize(path), context: "object in \(self.path)",
                                      suggestion: Suggest.closest(to: HDF5File.normalize(path), in: candidates))
    }

    func openObject(_ path: String) throws -> HDF5Object {
        try requireExists(path)
        return try .make(H5Oopen(handle.id, HDF5File.absolute(path), mvs_h5p_default()),
                         "cannot open '\(HDF5File.absolute(path))'", path: self.path)
    }

    func openGroup(_ path: String) throws -> HDF5Group {
        try requireExists(path)
        return try .make(H5Gopen2(handle.id, HDF5File.absolute(path), mvs_h5p_default()),
                         "'\(HDF5File.absolute(path))' is not a group", path: self.path)
    }

    func openReadable(_ path: String) throws -> HDF5Readable {
        try requireExists(path)
        let dataset = try HDF5Dataset.make(H5Dopen2(handle.id, HDF5File.absolute(path), mvs_h5p_default()),
                                           "'\(HDF5File.absolute(path))' is not a dataset", path: self.path)
        return try HDF5Readable(dataset: dataset, file: self.path, object: HDF5File.absolute(path))
    }

    static func type(of object: hid_t) -> HDF5ObjectType? {
        switch H5Iget_type(object) {
        case H5I_GROUP: return .group
        case H5I_DATASET: return .dataset
        case H5I_DATATYPE: return .datatype
        default: return nil
        }
    }

    /// Link names of a group; dangling soft or external links are skipped.
    func childLinks(of group: HDF5Group, groupPath: String) throws -> [(name: String, type: HDF5ObjectType)] {
        var info = H5G_info_t()
        try HDF5Library.check(H5Gget_info(group.id, &info), "cannot list '\(HDF5File.absolute(groupPath))'", path: path)
        let count = Int(info.nlinks)
        guard count > 0 else { return [] }
        // Creation order is only available when the group tracks it (mvs's groups do; h5py's by default not).
        let order = H5Lget_name_by_idx(group.id, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, 0, nil, 0, mvs_h5p_default()) >= 0
            ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME
        var result: [(name: String, type: HDF5ObjectType)] = []
        for index in 0..<count {
            let length = H5Lget_name_by_idx(group.id, ".", order, H5_ITER_INC, hsize_t(index), nil, 0, mvs_h5p_default())
            try HDF5Library.check(length, "cannot list '\(HDF5File.absolute(groupPath))'", path: path)
            var bytes = [CChar](repeating: 0, count: Int(length) + 1)
            H5Lget_name_by_idx(group.id, ".", order, H5_ITER_INC, hsize_t(index), &bytes, bytes.count, mvs_h5p_default())
            let name = HDF5File.string(fromTerminated: bytes)
            let object = H5Oopen(group.id, name, mvs_h5p_default())
            guard object >= 0 else { continue }
            let type = HDF5File.type(of: object)
            H5Oclose(object)
            if let type { result.append((name, type)) }
        }
        return result
    }

    private func collectDatasets(in groupPath: String, depth: Int, into found: inout [HDF5DatasetInfo]) throws {
        // Hard links can make cycles; no real file nests this deep.
        guard depth < 64 else { return }
        let group = try openGroup(groupPath)
        for (name, type) in try childLinks(of: group, groupPath: groupPath) {
            let childPath = groupPath.isEmpty ? name : groupPath + "/" + name
            switch type {
            case .group: try collectDatasets(in: childPath, depth: depth + 1, into: &found)
            case .dataset:
                let readable = try openReadable(childPath)
                found.append(HDF5DatasetInfo(path: childPath, shape: readable.shape, elementType: readable.elementType))
            case .datatype: break
            }
        }
    }

    /// A name HDF5 wrote into a NUL-terminated buffer (`String(cString:)` on arrays is deprecated).
    private static func string(fromTerminated bytes: [CChar]) -> String {
        String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func attributeNames(of object: HDF5Object) throws -> [String] {
        // Creation order is only available when the object tracks it; listing ends at the first index that fails
        // (this avoids H5Aget_num_attrs and H5Oget_info, whose names differ between HDF5 versions).
        let order = H5Aget_name_by_idx(object.id, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, 0, nil, 0, mvs_h5p_default()) >= 0
            ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME
        var names: [String] = []
        while true {
            let index = hsize_t(names.count)
            let length = H5Aget_name_by_idx(object.id, ".", order, H5_ITER_INC, index, nil, 0, mvs_h5p_default())
            guard length >= 0 else { return names }
            var bytes = [CChar](repeating: 0, count: Int(length) + 1)
            H5Aget_name_by_idx(object.id, ".", order, H5_ITER_INC, index, &bytes, bytes.count, mvs_h5p_default())
            names.append(HDF5File.string(fromTerminated: bytes))
        }
    }
}
