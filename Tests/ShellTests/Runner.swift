// Runs the real mvs binary ($MVS_BIN, else <repo>/.build/debug/mvs) with arguments, stdin and environment.
import Foundation

/// What one run of mvs produced.
struct RunResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum MVS {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["MVS_BIN"], !path.isEmpty { return path }
        return repository.appendingPathComponent(".build/debug/mvs").path
    }

    /// A fresh temporary directory for one test.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mvs-shell-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `mvs arguments…` with `input` on stdin; HOME points at an empty directory so no init file is read.
    static func run(_ arguments: [String], input: String = "", environment: [String: String] = [:],
                    executable: String? = nil, interruptAfter: TimeInterval? = nil) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = try temporaryDirectory().path
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        if let interruptAfter {
            Thread.sleep(forTimeInterval: interruptAfter)
            process.interrupt()
        }
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                         stderr: String(decoding: err, as: UTF8.self))
    }
}
