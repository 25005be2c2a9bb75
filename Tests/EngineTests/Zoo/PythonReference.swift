// Runs an independent Python (numpy, scikit-learn) computation for a test and returns its JSON output.
import Foundation
@testable import Engine

enum PythonReference {
    /// The venv interpreter: $MVS_PYTHON, else <repo>/.venv/bin/python.
    static var interpreter: String {
        if let path = ProcessInfo.processInfo.environment["MVS_PYTHON"], !path.isEmpty { return path }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return repo.appendingPathComponent(".venv/bin/python").path
    }

    /// Runs `script` with `input` (JSON) on stdin; the script prints JSON, which is parsed and returned.
    static func run(_ script: String, input: String) throws -> JSONValue {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: interpreter)
        process.arguments = ["-c", script]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input.data(using: .utf8)!)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw EngineError.io(path: "python", message: String(decoding: errors, as: UTF8.self))
        }
        return try JSONValue.parse(output, path: "python output")
    }

    /// JSON text for a matrix of doubles.
    static func json(_ rows: [[Double]]) -> String {
        "[" + rows.map { "[" + $0.map { "\($0)" }.joined(separator: ",") + "]" }.joined(separator: ",") + "]"
    }

    /// Numbers of a JSON array.
    static func numbers(_ value: JSONValue?) -> [Double] { value?.arrayValue?.compactMap(\.doubleValue) ?? [] }
}
