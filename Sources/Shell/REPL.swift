// The interactive shell: prompt, continuation lines, echo and `ans`, dot-commands, init file, timer.
import Engine
import Foundation
import Lang

/// The read–eval–print loop on a terminal.
final class REPL {
    static let banner = "mvs \(Version.current) — model vector shell. .help for help, Ctrl-D to quit."
    static let prompt = "mvs> "
    static let continuation = "...  "

    /// Dot-commands with their one-line help.
    static let commands: [(name: String, usage: String, summary: String)] = [
        (".help", ".help [PATTERN]", "builtins and commands; details of one builtin; or a search"),
        (".vars", ".vars", "variables and their values"),
        (".timer", ".timer on|off", "show wall and CPU time after each command"),
        (".read", ".read FILE", "run a script file in this session"),
        (".quit", ".quit", "leave (Ctrl-D too)"),
    ]

    private let session: Session
    private let loadInit: Bool
    private var timer = false
    private var inputNumber = 0
    private var editor: LineEditor?

    init(loadInit: Bool) {
        self.loadInit = loadInit
        session = Session(output: Terminal.out) { diagnostic in
            // The terminal has echoed ^C; a caret under the whole command would say nothing more.
            if diagnostic.message == "interrupted" {
                Terminal.err("\ninterrupted at \(diagnostic.range.description); variables are kept")
            } else {
                Terminal.report(diagnostic)
            }
        }
        session.interpreter.define("args", .list([]))
    }

    /// Runs until Ctrl-D, `.quit` or `exit()`; returns the exit status.
    func run() -> Int32 {
        Terminal.out(REPL.banner)
        if loadInit, let path = REPL.initFile() {
            if case let .exit(status) = runFile(path) { return status }
        }
        let editor = LineEditor(historyPath: REPL.historyFile()) { [weak self] word, before in
            self?.completions(for: word, before: before) ?? []
        }
        self.editor = editor
        defer { editor.close() }
        var buffer = ""
        while true {
            let input = editor.read(prompt: buffer.isEmpty ? REPL.prompt : REPL.continuation)
            switch input {
            case .end:
                if buffer.isEmpty { return 0 }
                // Ctrl-D inside an open construct: show what is missing and start over.
                _ = execute(buffer)
                buffer = ""
            case .interrupted:
                buffer = ""
            case let .line(line):
                editor.remember(line)
                if buffer.isEmpty, let status = dotCommand(line) {
                    if status >= 0 { return status }
                    continue
                }
                buffer += buffer.isEmpty ? line : "\n" + line
                if buffer.trimmingCharacters(in: .whitespaces).isEmpty { buffer = ""; continue }
                let outcome = execute(buffer, allowIncomplete: true)
                if outcome == .incomplete { continue }
                buffer = ""
                if case let .exit(status) = outcome { return status }
            }
        }
    }

    /// Runs one complete input; times it when the timer is on.
    private func execute(_ text: String, allowIncomplete: Bool = false) -> Session.Outcome {
        let source = Source(name: "<stdin:\(inputNumber + 1)>", text: text)
        Interruption.reset()
        session.interpreter.terminal = Terminal.output
        let wallStart = Date()
        let cpuStart = clock()
        let outcome = session.run(source, allowIncomplete: allowIncomplete) { value in
            Terminal.out(Display.echo(value))
        }
        if outcome == .incomplete, allowIncomplete { return outcome }
        inputNumber += 1
        if timer {
            let wall = Date().timeIntervalSince(wallStart)
            let cpu = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
            Terminal.out(String(format: "time: %.3f s wall, %.3f s cpu", wall, cpu))
        }
        return outcome
    }

    private func runFile(_ path: String) -> Session.Outcome {
        let text: String
        do {
            text = try ScriptRunner.read(FilePath.expandingTilde(path))
        } catch {
            Terminal.err(error.message)
            return error.status == 65 ? .parseError : .ioError
        }
        Interruption.reset()
        return session.run(Source(name: path, text: text))
    }

    /// Handles a dot-command line: nil when the line is not one, -1 to go on, else an exit status.
    private func dotCommand(_ line: String) -> Int32? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("."), trimmed.dropFirst().first?.isLetter == true else { return nil }
        let parts = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
        switch parts[0] {
        case ".help":
            if argument == nil {
                Terminal.out("Commands (on their own line):")
                for command in REPL.commands {
                    Terminal.out("  \(command.usage.padding(toLength: 16, withPad: " ", startingAt: 0)) \(command.summary)")
                }
                Terminal.out("")
            }
            Terminal.out(Help.text(for: argument))
        case ".vars":
            let variables = session.interpreter.variables
            let width = variables.map { $0.name.count }.max() ?? 0
            for (name, value) in variables {
                // Long values (a 1536-item list) are cut to the rest of the line.
                let room = max((Terminal.output?.width ?? 100) - width - 12, 20)
                Terminal.out("\(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(value.typeName.padding(toLength: 8, withPad: " ", startingAt: 0))  \(Display.line(value, width: room))")
            }
        case ".timer":
            switch argument {
            case "on": timer = true
            case "off": timer = false
            default: Terminal.err("usage: .timer on|off (the timer is \(timer ? "on" : "off"))")
            }
        case ".read":
            guard let argument, !argument.isEmpty else {
                Terminal.err("usage: .read FILE")
                return -1
            }
            let path = argument.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            if case let .exit(status) = runFile(path) { return status }
        case ".quit", ".exit":
            return 0
        default:
            Terminal.err("unknown command '\(parts[0])'" + Suggest.hint(for: parts[0], in: REPL.commands.map(\.name)) + " (.help lists commands)")
        }
        return -1
    }

    /// Completion candidates: dot-commands at the start of a line, else variables, builtins and keywords.
    private func completions(for word: String, before: String) -> [String] {
        Completion.candidates(for: word, before: before, commands: REPL.commands.map(\.name), interpreter: session.interpreter)
    }

    /// `$MVS_HISTORY`, else `$XDG_STATE_HOME/mvs/history`, else `~/.mvs_history`.
    static func historyFile() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["MVS_HISTORY"], !path.isEmpty { return path }
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
            let directory = state + "/mvs"
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return directory + "/history"
        }
        return NSHomeDirectory() + "/.mvs_history"
    }

    /// `~/.mvsrc`, else `$XDG_CONFIG_HOME/mvs/init.mvs` (default `~/.config`), when it exists.
    static func initFile() -> String? {
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"] ?? NSHomeDirectory()
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
        return [home + "/.mvsrc", config + "/mvs/init.mvs"].first { FileManager.default.fileExists(atPath: $0) }
    }
}
