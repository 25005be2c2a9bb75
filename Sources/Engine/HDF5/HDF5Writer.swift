// Writing HDF5: groups that keep creation order, datasets (chunked, gzip + shuffle), attributes, dimension scales.
import CHDF5
import Foundation

/// An HDF5 file open for writing (new, or an existing file to add to). Every method takes the HDF5 lock.
final class HDF5Writer {
    /// Chunks are kept at or under 1 MiB (h5py's guidance: 64 KiB–1 MiB), halving the largest axis until they fit.
    static let chunkLimit = 1 << 20
    /// gzip level h5py uses by default.
    static let gzipLevel: UInt32 = 4

    /// The path named in messages: the export's target, not its temporary file.
    let displayPath: String
    private var file: HDF5FileHandle?

    /// Creates a new file at `path` (which must not exist). `inMemory` keeps it in memory only (libhdf5's core driver
    /// without a backing store): nothing touches the disk and closing discards it, so the HDF5 fuzz harness builds
    /// millions of files without a scratch file each.
    init(creating path: String, displayPath: String, inMemory: Bool = false) throws {
        self.displayPath = displayPath
        file = try HDF5Library.locked {
            let creation = try HDF5Writer.groupProperties(mvs_h5p_file_create())
            let access = try HDF5Writer.accessProperties()
            if inMemory {
                _ = try HDF5Library.check(H5Pset_fapl_core(access.id, 1 << 16, false), "cannot keep the file in memory", path: displayPath)
            }
            return try .make(H5Fcreate(path, mvs_h5f_acc_excl(), creation.id, access.id), "cannot create the file", path: displayPath)
        }
    }

    /// Opens an existing file at `path` to add to it.
    init(appendingTo path: String, displayPath: String) throws {
        self.displayPath = displayPath
        file = try HDF5Library.locked {
            guard H5Fis_hdf5(path) > 0 else {
                throw EngineError.malformed(path: displayPath, message: "not an HDF5 file; cannot add to it")
            }
            let access = try HDF5Writer.accessProperties()
            return try .make(H5Fopen(path, mvs_h5f_acc_rdwr(), access.id), "cannot open the file to add to it", path: displayPath)
        }
    }

    /// Group (or file) creation properties that track and index link and attribute creation order, so readers
    /// list members in the order mvs wrote them.
    private static func groupProperties(_ propertyClass: hid_t) throws -> HDF5PropertyList {
        let list = try HDF5PropertyList.make(H5Pcreate(propertyClass), "cannot make group properties", path: "")
        let order = UInt32(H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED)
        H5Pset_link_creation_order(list.id, order)
        H5Pset_attr_creation_order(list.id, order)
        return list
    }

    /// File access: closing the file closes every object still open in it, so close really ends the file.
    private static func accessProperties() throws -> HDF5PropertyList {
        let list = try HDF5PropertyList.make(H5Pcreate(mvs_h5p_file_access()), "cannot make file properties", path: "")
        H5Pset_fclose_degree(list.id, H5F_CLOSE_STRONG)
        return list
    }

    /// The open file's id (throws once closed).
    func fileID() throws -> hid_t {
        guard let file else { throw EngineError.io(path: displayPath, message: "the file is already closed") }
        return file.id
    }

    /// A reader over the same open file (for checks while appending).
    func reader() throws -> HDF5File {
        guard let file else { throw EngineError.io(path: displayPath, message: "the file is already closed") }
        return HDF5File(handle: file, path: displayPath)
    }

    // MARK: Structure

    /// Whether a link exists at `path` (every parent included).
    func exists(_ path: String) throws -> Bool {
        let reader = try reader()
        return HDF5Library.locked { reader.exists(path) }
    }

    /// Removes the link at `path` (space is not reclaimed, as with h5py's `del`).
    func delete(_ path: String) throws {
        let id = try fileID()
        try HDF5Library.locked {
            try HDF5Library.check(H5Ldelete(id, HDF5File.absolute(path), mvs_h5p_default()),
                                  "cannot remove '\(HDF5File.absolute(path))'", path: displayPath)
        }
    }

    /// Creates a group that keeps creation order; missing parents are created too.
    func createGroup(_ path: String) throws {
        let id = try fileID()
        try HDF5Library.locked {
            let link = try HDF5Writer.linkProperties()
            let properties = try HDF5Writer.groupProperties(mvs_h5p_group_create())
            _ = try HDF5Group.make(H5Gcreate2(id, HDF5File.absolute(path), link.id, properties.id, mvs_h5p_default()),
                                   "cannot create group '\(HDF5File.absolute(path))'", path: displayPath)
        }
    }

    /// Link creation that makes missing intermediate groups (parameter names with slashes become nested groups).
    static func linkProperties() throws -> HDF5PropertyList {
        let list = try HDF5PropertyList.make(H5Pcreate(mvs_h5p_link_create()), "cannot make link properties", path: "")
        H5Pset_create_intermediate_group(list.id, 1)
        return list
    }

    // MARK: Data

    /// Writes `payload` as a dataset at `path`; `compress` nil means "when larger than the chunk limit".
    func writeDataset(_ path: String, _ payload: HDF5Payload, compress: Bool?) throws {
        let id = try fileID()
        try HDF5Library.locked {
            let absolute = HDF5File.absolute(path)
            let space = try payload.dataspace()
            let creation = try HDF5PropertyList.make(H5Pcreate(mvs_h5p_dataset_create()), "cannot make dataset properties", path: displayPath)
            if let shape = payload.shape, !shape.isEmpty, payload.count > 0,
               compress ?? (payload.count * payload.elementSize > HDF5Writer.chunkLimit) {
                let chunk = HDF5Writer.chunkShape(shape, elementSize: payload.elementSize).map { hsize_t($0) }
                H5Pset_chunk(creation.id, Int32(chunk.count), chunk)
                // Shuffle before deflate groups the bytes of each float, which roughly doubles gzip's gain on weights.
                H5Pset_shuffle(creation.id)
                H5Pset_deflate(creation.id, HDF5Writer.gzipLevel)
            }
            let link = try HDF5Writer.linkProperties()
            let dataset = try HDF5Dataset.make(H5Dcreate2(id, absolute, payload.fileType.id, space.id, link.id, creation.id, mvs_h5p_default()),
                                               "cannot create dataset '\(absolute)'", path: displayPath)
            if let pointer = payload.pointer, payload.count > 0 {
                try HDF5Library.check(H5Dwrite(dataset.id, payload.memoryType.id, mvs_h5s_all(), mvs_h5s_all(), mvs_h5p_default(), pointer),
                                      "cannot write dataset '\(absolute)'", path: displayPath)
            }
        }
    }

    /// Chunk dimensions: the whole shape, halving its largest axis until a chunk fits the limit.
    static func chunkShape(_ shape: [Int], elementSize: Int) -> [Int] {
        var chunk = shape.map { max($0, 1) }
        while (Shape.elementCount(chunk) ?? Int.max) * elementSize > chunkLimit,
              let largest = chunk.indices.max(by: { chunk[$0] < chunk[$1] }), chunk[largest] > 1 {
            chunk[largest] = (chunk[largest] + 1) / 2
        }
        return chunk
    }

    // MARK: Attributes

    /// Sets (or replaces) attribute `name` on the object at `path`.
    func setAttribute(_ name: String, _ value: HDF5AttributeValue, on path: String = "") throws {
        let reader = try reader()
        try HDF5Library.locked {
            let object = try reader.openObject(path)
            let objectName = "\(HDF5File.absolute(path))@\(name)"
            if H5Aexists(object.id, name) > 0 {
                try HDF5Library.check(H5Adelete(object.id, name), "cannot replace attribute '\(objectName)'", path: displayPath)
            }
            let payload = try HDF5Payload.attribute(value)
            let space = try payload.dataspace()
            let attribute = try HDF5AttributeHandle.make(
                H5Acreate2(object.id, name, payload.fileType.id, space.id, mvs_h5p_default(), mvs_h5p_default()),
                "cannot create attribute '\(objectName)'", path: displayPath)
            if let pointer = payload.pointer, payload.count > 0 {
                try HDF5Library.check(H5Awrite(attribute.id, payload.memoryType.id, pointer),
                                      "cannot write attribute '\(objectName)'", path: displayPath)
            }
        }
    }

    // MARK: Dimension scales

    /// Names the axes of the dataset at `path` (h5py: `dset.dims[i].label`).
    func labelDimensions(of path: String, _ labels: [String]) throws {
        let id = try fileID()
        try HDF5Library.locked {
            let absolute = HDF5File.absolute(path)
            let dataset = try HDF5Dataset.make(H5Dopen2(id, absolute, mvs_h5p_default()), "cannot open '\(absolute)'", path: displayPath)
            for (index, label) in labels.enumerated() {
                try HDF5Library.check(H5DSset_label(dataset.id, UInt32(index), label),
                                      "cannot label dimension \(index) of '\(absolute)'", path: displayPath)
            }
        }
    }

    /// Makes the 1-D dataset at `scale` a dimension scale and attaches it to axis `dimension` of `path`.
    func attachScale(_ scale: String, to path: String, dimension: Int) throws {
        let id = try fileID()
        try HDF5Library.locked {
            let scaleDataset = try HDF5Dataset.make(H5Dopen2(id, HDF5File.absolute(scale), mvs_h5p_default()),
                                                    "cannot open '\(HDF5File.absolute(scale))'", path: displayPath)
            let dataset = try HDF5Dataset.make(H5Dopen2(id, HDF5File.absolute(path), mvs_h5p_default()),
                                               "cannot open '\(HDF5File.absolute(path))'", path: displayPath)
            if H5DSis_scale(scaleDataset.id) <= 0 {
                let name = scale.split(separator: "/").last.map(String.init) ?? scale
                try HDF5Library.check(H5DSset_scale(scaleDataset.id, name), "cannot make '\(scale)' a dimension scale", path: displayPath)
            }
            try HDF5Library.check(H5DSattach_scale(dataset.id, scaleDataset.id, UInt32(dimension)),
                                  "cannot attach '\(scale)' to axis \(dimension) of '\(path)'", path: displayPath)
        }
    }

    // MARK: Finishing

    /// Flushes and closes the file; only a file closed without error is complete.
    func close() throws {
        guard let open = file else { return }
        file = nil
        try HDF5Library.locked {
            try HDF5Library.check(H5Fflush(open.id, H5F_SCOPE_GLOBAL), "cannot flush the file", path: displayPath)
        }
        // The strong close degree makes this close every object still open in the file too.
        try open.close("cannot close the file", path: displayPath)
    }
}
