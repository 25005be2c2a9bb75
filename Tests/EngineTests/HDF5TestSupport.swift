// Test support for HDF5 tests: a temporary directory per test and the Python (h5py, safetensors) peer.
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

/// Runs the interop Python (`$MVS_PYTHON`, else the repository's `.venv`) with a script and arguments.
enum PythonPeer {
    static let repository: String = {
        // Tests/EngineTests/HDF5TestSupport.swift → repository root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    static var executable: String {
        if let configured = ProcessInfo.processInfo.environment["MVS_PYTHON"], !configured.isEmpty { return configured }
        return repository + "/.venv/bin/python"
    }

    /// Runs `script` with `arguments`; returns stdout, fails the test (by throwing) on a non-zero exit.
    @discardableResult
    static func run(_ script: String, _ arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-c", script] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stdout = String(decoding: outData, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw PythonFailure(message: "python exited \(process.terminationStatus): \(String(decoding: errData, as: UTF8.self))")
        }
        return stdout
    }

    struct PythonFailure: Error, CustomStringConvertible { let message: String; var description: String { message } }
}

/// The real-model cache (`$MVS_MODELS`, default `~/.cache/mvs/models`).
enum ModelCache {
    static var directory: String {
        ProcessInfo.processInfo.environment["MVS_MODELS"] ?? (NSHomeDirectory() + "/.cache/mvs/models")
    }
}
