// Test fixtures for the analysis tests: seeded random tensors and small synthetic BERT-like models.
import Foundation
@testable import Engine

/// A small deterministic generator (SplitMix64), so fixtures are identical on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal sample (Box–Muller).
    mutating func normal() -> Float {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let v = Double.random(in: 0..<1, using: &self)
        return Float((-2 * Foundation.log(u)).squareRoot() * cos(2 * Double.pi * v))
    }
}

enum Fixtures {
    /// A tensor of seeded standard normal values.
    static func random(_ shape: [Int], seed: UInt64, scale: Float = 1) throws -> Tensor {
        var generator = SeededGenerator(seed: seed)
        let count = shape.reduce(1, *)
        return try Tensor(shape: shape, values: (0..<count).map { _ in generator.normal() * scale })
    }

    /// A model holding `tensors` under their raw names, in order.
    static func model(_ name: String, _ tensors: [(String, Tensor)], config: JSONValue? = nil) -> Model {
        let parameters = tensors.map { entry in
            Parameter(name: entry.0, shape: entry.1.shape, dtype: .f32) { entry.1 }
        }
        return Model(name: name, source: "test", config: config, parameters: parameters)
    }

    /// A BERT-shaped model (raw PyTorch names, out × in weights) with seeded random weights.
    static func bert(name: String = "bert", layers: Int = 2, width: Int = 8, feedForward: Int = 16, vocab: Int = 20,
                     seed: UInt64 = 1, extra: [(String, Tensor)] = []) throws -> Model {
        var tensors: [(String, Tensor)] = [("embeddings.word_embeddings.weight", try random([vocab, width], seed: seed))]
        var next = seed &* 1000
        for layer in 0..<layers {
            let prefix = "encoder.layer.\(layer)."
            let shapes: [(String, [Int])] = [
                ("attention.self.query.weight", [width, width]), ("attention.self.key.weight", [width, width]),
                ("attention.self.value.weight", [width, width]), ("attention.output.dense.weight", [width, width]),
                ("intermediate.dense.weight", [feedForward, width]), ("output.dense.weight", [width, feedForward]),
            ]
            for (raw, shape) in shapes {
                next &+= 1
                tensors.append((prefix + raw, try random(shape, seed: next)))
            }
        }
        return model(name, tensors + extra)
    }
}

/// Independent computations in Python (numpy), run as a subprocess of the test.
enum PythonOracle {
    /// The repository root (tests live in `Tests/EngineTests`).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `$MVS_PYTHON`, else the repository's `.venv/bin/python`.
    static var interpreter: String {
        ProcessInfo.processInfo.environment["MVS_PYTHON"] ?? repository.appendingPathComponent(".venv/bin/python").path
    }

    /// `$MVS_MODELS`, else `~/.cache/mvs/models`.
    static var models: URL {
        if let path = ProcessInfo.processInfo.environment["MVS_MODELS"] { return URL(fileURLWithPath: path) }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/mvs/models")
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `script` with `arguments`; returns its standard output, throws with its stderr on failure.
    static func run(_ script: String, _ arguments: [String] = []) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: interpreter)
        process.arguments = ["-c", script] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting, or a full pipe would block the child forever.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "python exited \(process.terminationStatus): \(errorText)")
        }
        return data
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mvs-analysis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A float32 tensor from a raw little-endian file Python wrote.
    static func rawTensor(_ url: URL, shape: [Int]) throws -> Tensor {
        let data = try Data(contentsOf: url)
        let values = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return try Tensor(shape: shape, values: values)
    }
}
