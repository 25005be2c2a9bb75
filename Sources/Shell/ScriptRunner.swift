// Running a script (file, `-c` code or piped stdin): no prompt, no echo, stop at the first error.
import Foundation
import Engine
import Lang

/// Runs non-interactive input.
enum ScriptRunner {
    /// Why a script file could not be read, and the exit status that says so.
    struct ReadFailure: Error {
        let message: String
        let status: Int32
    }

    /// Runs a file (`-` is standard input) with `args` bound; returns the exit status.
    static func runFile(_ path: String, arguments: [String]) -> Int32 {
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            return run(Source(name: "<stdin>", text: String(decoding: data, as: UTF8.self)), arguments: arguments)
        }
        do {
            return run(Source(name: path, text: try read(path)), arguments: arguments)
        } catch {
            Terminal.err(error.message)
            return error.status
        }
    }

    /// The text of a script file (the shell's `.read` and init file use it too).
    static func read(_ path: String) throws(ReadFailure) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let reason = exists ? (isDirectory.boolValue ? "is a directory" : "permission denied") : "no such file"
            throw ReadFailure(message: "mvs: cannot read '\(path)': \(reason)", status: 74)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ReadFailure(message: "mvs: '\(path)' is not UTF-8 text", status: 65)
        }
        return text
    }

    /// Runs a source with `args` bound; returns the exit status.
    static func run(_ source: Source, arguments: [String]) -> Int32 {
        let session = Session(output: Terminal.out, report: Terminal.report)
        session.interpreter.define("args", .list(arguments.map { .string($0) }))
        session.interpreter.terminal = Terminal.output
        return session.run(source).exitStatus
    }
}
