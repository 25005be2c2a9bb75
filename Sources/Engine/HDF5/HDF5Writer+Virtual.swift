// Virtual datasets: one dataset in the file whose rows are read, by HDF5 itself, from datasets in other files.
import CHDF5

/// A run of rows of a virtual dataset: the whole dataset `dataset` of `file`, whose first axis has `rows` entries.
struct HDF5VirtualSource: Equatable {
    /// The source file: relative paths are taken from the virtual file's own directory (HDF5's rule).
    let file: String
    /// The dataset inside it.
    let dataset: String
    /// Its first-axis length; the trailing axes equal the virtual dataset's.
    let rows: Int
}

extension HDF5Writer {
    /// Writes at `path` a dataset of `payload`'s type and shape whose rows are the `sources` stacked in order (their
    /// rows must add up to the payload's first axis). Readers (h5py, pandas through h5py, MATLAB, mvs) see one
    /// ordinary dataset; the data stay in the source files, which must stay where they are.
    func writeVirtualDataset(_ path: String, _ payload: HDF5Payload, sources: [HDF5VirtualSource]) throws {
        guard let shape = payload.shape, let total = shape.first, sources.reduce(0, { $0 + $1.rows }) == total else {
            throw EngineError.invalidArgument("\(displayPath): the virtual rows of '\(path)' do not add up to its shape")
        }
        let id = try reader().handle.id
        try HDF5Library.locked {
            let absolute = HDF5File.absolute(path)
            let virtualSpace = try payload.dataspace()
            let creation = try HDF5PropertyList.make(H5Pcreate(mvs_h5p_dataset_create()), "cannot make dataset properties", path: displayPath)
            let trailing = shape.dropFirst().map { hsize_t($0) }
            var offset = 0
            for source in sources where source.rows > 0 {
                let sourceShape = [hsize_t(source.rows)] + trailing
                let sourceSpace = try HDF5Dataspace.make(H5Screate_simple(Int32(sourceShape.count), sourceShape, nil),
                                                         "cannot make a dataspace", path: displayPath)
                let start = [hsize_t(offset)] + trailing.map { _ in hsize_t(0) }
                try HDF5Library.check(H5Sselect_hyperslab(virtualSpace.id, H5S_SELECT_SET, start, nil, sourceShape, nil),
                                      "cannot select rows \(offset)… of '\(absolute)'", path: displayPath)
                try HDF5Library.check(H5Pset_virtual(creation.id, virtualSpace.id, source.file, HDF5File.absolute(source.dataset), sourceSpace.id),
                                      "cannot map '\(absolute)' onto \(source.file)", path: displayPath)
                offset += source.rows
            }
            let link = try HDF5Writer.linkProperties()
            _ = try HDF5Dataset.make(H5Dcreate2(id, absolute, payload.fileType.id, virtualSpace.id, link.id, creation.id, mvs_h5p_default()),
                                     "cannot create virtual dataset '\(absolute)'", path: displayPath)
        }
    }
}
