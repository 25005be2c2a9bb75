// Running a script (file, `-c` code or piped stdin): no prompt, no echo, stop at the first error.
import Foundation
import Engine
import Lang

/// Runs non-interactive input.
enum ScriptRunner {
    /// Runs a file (`-` is standard input) with `args` bound; returns the exit status.
    static func runFile(_ path: String, arguments: [String]) -> Int32 {
        let text: String
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            text = String(decoding: data, as: UTF8.self)
        } else {
            guard let data = FileManager.default.contents(atPath: path) else {
                var isDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                Terminal.err("mvs: cannot read '\(path)': \(exists ? (isDirectory.boolValue ? "is a directory" : "permission denied") : "no such file")")
                return 74
            }
            guard let decoded = String(data: data, encoding: .utf8) else {
                Terminal.err("mvs: '\(path)' is not UTF-8 text")
                return 65
            }
            text = decoded
        }
        return run(Source(name: path == "-" ? "<stdin>" : path, text: text), arguments: arguments)
    }

    /// Runs a source with `args` bound; returns the exit status.
    static func run(_ source: Source, arguments: [String]) -> Int32 {
        let session = Session(output: Terminal.out, report: Terminal.report)
        session.interpreter.define("args", .list(arguments.map { .string($0) }))
        session.interpreter.terminal = Terminal.output
        return session.run(source).exitStatus
    }
}
