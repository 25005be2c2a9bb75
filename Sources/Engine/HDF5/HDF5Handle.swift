// Owning wrappers for libhdf5 identifiers: one final class per handle kind, closed in deinit.
import CHDF5

/// A kind of HDF5 identifier and the function that releases it.
protocol HDF5HandleKind {
    static func close(_ id: hid_t) -> herr_t
}

enum HDF5FileKind: HDF5HandleKind { static func close(_ id: hid_t) -> herr_t { H5Fclose(id) } }
enum HDF5GroupKind: HDF5HandleKind { static func close(_ id: hid_t) -> herr_t { H5Gclose(id) } }
enum HDF5DatasetKind: HDF5HandleKind { static func close(_ id: hid_t) -> herr_t { H5Dclose(id) } }
enum HDF5DataspaceKind: HDF5HandleKind { static func close(_ id: hid_t) -> herr_t { H5Sclose(id) } }
enum HDF5DatatypeKind: HDF5HandleKind { static func close(_ id: hid_t) -> herr_t { H5Tclose(id) } }
enum HDF5AttributeKind: HDF5HandleKind { static func close(_ id: hid_t) -> herr_t { H5Aclose(id) } }
enum HDF5PropertyListKind: HDF5HandleKind { static func close(_ id: hid_t) -> herr_t { H5Pclose(id) } }
/// An object opened without knowing its kind (`H5Oopen`): a group, dataset or named datatype.
enum HDF5ObjectKind: HDF5HandleKind { static func close(_ id: hid_t) -> herr_t { H5Oclose(id) } }

/// Owns one HDF5 identifier of kind `Kind` and closes it (under the HDF5 lock) when released.
///
/// Handles never leave Engine: the public API speaks in paths, shapes and values, not `hid_t`.
final class HDF5Handle<Kind: HDF5HandleKind> {
    /// The identifier; valid until this object is released or closed.
    let id: hid_t
    private var isOpen = true

    /// Takes ownership of `id`, which the caller has checked is valid.
    private init(owning id: hid_t) { self.id = id }

    /// Wraps the result of an HDF5 call that returns a new identifier, or throws its error stack.
    static func make(_ id: hid_t, _ action: @autoclosure () -> String, path: String) throws -> HDF5Handle {
        guard id >= 0 else { throw HDF5Library.error(action(), path: path) }
        return HDF5Handle(owning: id)
    }

    /// Closes now and reports failure (a file's close is where HDF5 writes its last metadata).
    func close(_ action: @autoclosure () -> String, path: String) throws {
        try HDF5Library.locked {
            guard isOpen else { return }
            isOpen = false
            try HDF5Library.check(Kind.close(id), action(), path: path)
        }
    }

    deinit {
        if isOpen { HDF5Library.locked { _ = Kind.close(id) } }
    }
}

typealias HDF5FileHandle = HDF5Handle<HDF5FileKind>
typealias HDF5Group = HDF5Handle<HDF5GroupKind>
typealias HDF5Dataset = HDF5Handle<HDF5DatasetKind>
typealias HDF5Dataspace = HDF5Handle<HDF5DataspaceKind>
typealias HDF5Datatype = HDF5Handle<HDF5DatatypeKind>
typealias HDF5AttributeHandle = HDF5Handle<HDF5AttributeKind>
typealias HDF5PropertyList = HDF5Handle<HDF5PropertyListKind>
typealias HDF5Object = HDF5Handle<HDF5ObjectKind>
