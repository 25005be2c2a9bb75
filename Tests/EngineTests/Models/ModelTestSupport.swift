// Support for model tests: the fixture scripts and comparing canonical tensors with numpy's readings.
import Foundation
import Testing
@testable import Engine

/// The Python scripts under Tests/Fixtures/models that write fixtures and compute reference readings.
enum ModelFixtures {
    static let directory = PythonPeer.repository + "/Tests/Fixtures/models"

    /// Runs `script` (a file in the fixtures directory) with arguments; returns its parsed JSON output.
    static func json(_ script: String, _ arguments: [String]) throws -> JSONValue {
        let runner = "import runpy, sys; sys.argv = sys.argv[1:]; sys.path.insert(0, '\(directory)'); runpy.run_path(sys.argv[0], run_name='__main__')"
        let output = try PythonPeer.run(runner, [directory + "/" + script] + arguments)
        return try JSONValue.parse(Data(output.utf8), path: script)
    }

    /// Runs `script` into a fresh directory kept for the whole test process (and removed when it exits);
    /// returns the directory and the script's JSON output.
    static func generate(_ script: String) throws -> (directory: String, output: JSONValue) {
        let directory = FileManager.default.temporaryDirectory.path + "/mvs-model-fixtures-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        FixtureCleanup.register(directory)
        return (directory, try json(script, [directory]))
    }

    /// Whether the real-model cache holds `relative` (tests on real models are skipped without it).
    static func hasRealModel(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: ModelCache.directory + "/" + relative)
    }
}

/// Removes the shared fixture directories at process exit (suite-wide fixtures live in statics, which are
/// never deinitialised).
enum FixtureCleanup {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var directories: [String] = []
    nonisolated(unsafe) private static var installed = false

    static func register(_ directory: String) {
        lock.lock()
        defer { lock.unlock() }
        directories.append(directory)
        if !installed {
            installed = true
            atexit { FixtureCleanup.removeAll() }
        }
    }

    private static func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
    }
}

/// Compares every canonical matrix of a model with a reference `{name: {shape, sum, norm, samples}}`.
enum CanonicalCheck {
    static func compare(_ model: Model, with reference: JSONValue, exactNames: Bool = true,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard case let .object(expected) = reference else {
            Issue.record("reference is not an object", sourceLocation: sourceLocation)
            return
        }
        if exactNames {
            #expect(model.architecture.entries.map(\.name).sorted() == expected.map(\.key).sorted(),
                    "canonical names of \(model.name)", sourceLocation: sourceLocation)
        }
        for (name, facts) in expected {
            let tensor = try model.tensor(name)
            let shape = facts["shape"]?.arrayValue?.compactMap(\.intValue) ?? []
            #expect(tensor.shape == shape, "\(model.name) \(name) shape", sourceLocation: sourceLocation)
            guard tensor.shape == shape else { continue }
            let values = tensor.buffer
            let columns = shape.count == 2 ? shape[1] : max(values.count, 1)
            var sum = 0.0, squares = 0.0
            for value in values { sum += Double(value); squares += Double(value) * Double(value) }
            let norm = facts["norm"]?.doubleValue ?? .nan
            // Sums of float32 values in float64: differences come only from summation order.
            let sumTolerance = 1e-9 * Double(values.count) * max(norm, 1)
            #expect(abs(sum - (facts["sum"]?.doubleValue ?? .nan)) <= sumTolerance, "\(model.name) \(name) sum", sourceLocation: sourceLocation)
            #expect(abs(squares.squareRoot() - norm) <= 1e-9 * max(norm, 1) * 10, "\(model.name) \(name) norm", sourceLocation: sourceLocation)
            for sample in facts["samples"]?.arrayValue ?? [] {
                let items = sample.arrayValue ?? []
                guard items.count == 3, let row = items[0].intValue, let column = items[1].intValue,
                      let value = items[2].doubleValue else { continue }
                // Element values are float32 numbers read from the same bytes: they must be identical.
                #expect(Double(values[row * columns + column]) == value, "\(model.name) \(name)[\(row), \(column)]",
                        sourceLocation: sourceLocation)
            }
        }
    }
}

extension Architecture {
    /// Layers, width, feed-forward width and heads, for compact expectations.
    var dimensions: [Int] { [layers, width, feedForward, heads] }
}
