// Test support for HDF5 tests: a temporary directory per test, the Python (h5py, safetensors) peer, the model cache.
import Foundation
import Testing

/// A fresh temporary directory, removed when the value is released.
final class HDF5TempDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/mvs-hdf5-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    func file(_ name: String) -> String { path + "/" + name }

    /// Names in the directory (hidden ones included).
    func listing() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The interop Python for HDF5 and model tests, as text; `PythonOracle` (AnalysisFixtures) runs it.
enum PythonPeer {
    /// The repository root.
    static var repository: String { PythonOracle.repository.path }

    /// Runs `script` with `arguments`; returns stdout, throws (failing the test) on a non-zero exit.
    @discardableResult
    static func run(_ script: String, _ arguments: [String] = []) throws -> String {
        String(decoding: try PythonOracle.run(script, arguments), as: UTF8.self)
    }
}

/// The real-model cache (`$MVS_MODELS`, default `~/.cache/mvs/models`).
enum ModelCache {
    static var directory: String { PythonOracle.models.path }
}
