// `mvs --kernel-protocol`: the machine interface for front-ends such as the Jupyter kernel — JSON lines
// on stdin and stdout, one session for the life of the process. docs/kernel.md specifies it.
import Engine
import Foundation
import Lang

/// Serves one front-end: reads requests line by line, runs cells in one session, answers with JSON messages.
final class KernelProtocol {
    /// The protocol's version, announced in the `ready` message; raised when a message changes meaning.
    static let version = 1

    private let channel: KernelChannel
    private let session: Session
    private var diagnostics: [Diagnostic] = []

    init() {
        channel = KernelChannel()
        let channel = self.channel
        session = Session(output: { text in channel.send(["type": "stream", "name": "stdout", "text": text + "\n"]) },
                          report: { _ in })
        session.report = { [unowned self] diagnostic in diagnostics.append(diagnostic) }
        session.interpreter.define("args", .list([]))
        session.interpreter.display = { bundle in channel.send(["type": "display", "data": bundle.data]) }
        Progress.reporter = KernelProgress(channel: channel)
    }

    /// Answers requests until `shutdown`, the end of input, or `exit()` in a cell; returns the exit status.
    func run() -> Int32 {
        channel.send(["type": "ready", "protocol": KernelProtocol.version, "mvs": Version.current,
                      "banner": REPL.banner, "language": ["name": "mvs", "version": Version.current, "file_extension": ".mvs",
                                                          "mimetype": "text/x-mvs"]])
        let input = LineReader(fileDescriptor: STDIN_FILENO)
        while let line = input.next() {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            guard let data = line.data(using: .utf8), let request = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                channel.current = NSNull()
                channel.send(["type": "reply", "status": "error", "message": "not a JSON object: \(line.prefix(80))"])
                continue
            }
            channel.current = request["id"] ?? NSNull()
            let code = request["code"] as? String ?? ""
            let cursor = request["cursor"] as? Int ?? code.unicodeScalars.count
            switch request["type"] as? String {
            case "execute":
                if let status = execute(code, count: request["count"] as? Int) { return status }
            case "complete":
                channel.send(complete(code, cursor: cursor))
            case "inspect":
                channel.send(inspect(code, cursor: cursor))
            case "is_complete":
                channel.send(["type": "reply", "status": isComplete(code)])
            case "shutdown":
                channel.send(["type": "reply", "status": "ok"])
                return 0
            case let other:
                channel.send(["type": "reply", "status": "error",
                              "message": "unknown request type '\(other ?? "none")' (execute, complete, inspect, is_complete, shutdown)"])
            }
        }
        return 0
    }

    /// Runs a cell; output streams as it happens, then one reply. Returns an exit status when `exit()` ran.
    private func execute(_ code: String, count: Int?) -> Int32? {
        diagnostics = []
        Interruption.reset()
        let name = count.map { "<cell:\($0)>" } ?? "<cell>"
        let outcome = session.run(Source(name: name, text: code)) { [channel] value in
            channel.send(["type": "result", "data": Display.bundle(value, echo: true).data])
        }
        var reply: [String: Any] = ["type": "reply", "status": "ok"]
        if let errorName = KernelProtocol.errorName(outcome) {
            // An interrupt has no useful caret: say where it stopped, as the REPL does.
            let rendered = outcome == .interrupted
                ? diagnostics.map { "interrupted at \($0.range.description); variables are kept" }
                : diagnostics.map { $0.render(color: false) }
            reply = ["type": "reply", "status": "error", "name": errorName,
                     "message": diagnostics.first.map { $0.message } ?? errorName, "rendered": rendered.joined(separator: "\n")]
        }
        if case let .exit(status) = outcome {
            reply["exit"] = Int(status)
            channel.send(reply)
            return status
        }
        channel.send(reply)
        return nil
    }

    /// The error name a front-end shows for an outcome; nil when the cell succeeded.
    private static func errorName(_ outcome: Session.Outcome) -> String? {
        switch outcome {
        case .success, .exit: return nil
        case .incomplete, .parseError: return "SyntaxError"
        case .runtimeError: return "RuntimeError"
        case .ioError: return "IOError"
        case .interrupted: return "Interrupted"
        }
    }

    /// Completion of the word before the cursor, or of a file name inside a string (cursor and answer in
    /// Unicode scalars, as Jupyter counts).
    private func complete(_ code: String, cursor: Int) -> [String: Any] {
        let scalars = Array(code.unicodeScalars)
        let end = min(max(cursor, 0), scalars.count)
        if let opening = KernelProtocol.openString(in: scalars, before: end) {
            let typed = String(String.UnicodeScalarView(scalars[(opening + 1)..<end]))
            return ["type": "reply", "status": "ok", "matches": Completion.paths(for: typed), "cursor_start": opening + 1, "cursor_end": end]
        }
        var start = end
        while start > 0, KernelProtocol.isWordScalar(scalars[start - 1]) || scalars[start - 1] == "." { start -= 1 }
        var lineStart = start
        while lineStart > 0, scalars[lineStart - 1] != "\n" { lineStart -= 1 }
        let word = String(String.UnicodeScalarView(scalars[start..<end]))
        let before = String(String.UnicodeScalarView(scalars[lineStart..<start]))
        let matches = Completion.candidates(for: word, before: before, commands: [], interpreter: session.interpreter)
        return ["type": "reply", "status": "ok", "matches": matches, "cursor_start": start, "cursor_end": end]
    }

    /// Help for the name under the cursor, or for the function whose call the cursor is in: a builtin's or
    /// keyword's help from the registry, or a variable's full display.
    private func inspect(_ code: String, cursor: Int) -> [String: Any] {
        let scalars = Array(code.unicodeScalars)
        let position = min(max(cursor, 0), scalars.count)
        var names = [KernelProtocol.word(in: scalars, around: position)]
        // The innermost call still open before the cursor: `rank(base, |` asks about rank.
        var depth = 0
        var index = position
        while index > 0 {
            index -= 1
            if scalars[index] == ")" { depth += 1 }
            if scalars[index] == "(" {
                if depth == 0 {
                    var end = index
                    while end > 0, scalars[end - 1] == " " { end -= 1 }
                    names.append(KernelProtocol.word(in: scalars, around: end))
                    break
                }
                depth -= 1
            }
        }
        for name in names where !name.isEmpty {
            if let help = Help.topic(name) {
                return ["type": "reply", "status": "ok", "found": true, "name": name, "data": ["text/plain": help]]
            }
            if let value = session.interpreter.value(of: name) {
                let text = "\(name): \(value.typeName)\n\(Display.full(value))"
                return ["type": "reply", "status": "ok", "found": true, "name": name, "data": ["text/plain": text]]
            }
        }
        return ["type": "reply", "status": "ok", "found": false]
    }

    /// `complete`, `incomplete` (the parser stopped inside a bracket, block or string) or `invalid`.
    private func isComplete(_ code: String) -> String {
        switch ParseResult.parse(Source(name: "<cell>", text: code)) {
        case .complete: return "complete"
        case .incomplete: return "incomplete"
        case .failed: return "invalid"
        }
    }

    /// Where the string literal open at `end` started (its quote), if the cursor is inside one on its line.
    private static func openString(in scalars: [Unicode.Scalar], before end: Int) -> Int? {
        var lineStart = end
        while lineStart > 0, scalars[lineStart - 1] != "\n" { lineStart -= 1 }
        var opening: Int?
        var index = lineStart
        while index < end {
            let scalar = scalars[index]
            if opening != nil, scalar == "\\" {
                index += 2
                continue
            }
            if scalar == "\"" { opening = opening == nil ? index : nil }
            if opening == nil, scalar == "#" { return nil }
            index += 1
        }
        return opening
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
    }

    /// The identifier that `position` is in or just after.
    private static func word(in scalars: [Unicode.Scalar], around position: Int) -> String {
        var start = position, end = position
        while start > 0, isWordScalar(scalars[start - 1]) { start -= 1 }
        while end < scalars.count, isWordScalar(scalars[end]) { end += 1 }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }
}

/// The protocol's output: one JSON object per line on the file descriptor that was stdout. Stray writes to
/// stdout (a library printing) go to stderr instead, so they can never corrupt the protocol.
final class KernelChannel: @unchecked Sendable {  // unchecked: `current` and every write are guarded by `lock`
    private let lock = NSLock()
    private let output: FileHandle
    private var currentID: Any = NSNull()

    init() {
        let descriptor = dup(STDOUT_FILENO)
        dup2(STDERR_FILENO, STDOUT_FILENO)
        output = FileHandle(fileDescriptor: descriptor >= 0 ? descriptor : STDOUT_FILENO, closeOnDealloc: false)
    }

    /// The id of the request being answered, stamped on every message (progress comes from worker threads).
    var current: Any {
        get { lock.withLock { currentID } }
        set { lock.withLock { currentID = newValue } }
    }

    /// Writes one message, with the current request's id.
    func send(_ message: [String: Any]) {
        lock.withLock {
            var message = message
            message["id"] = currentID
            // Every value put in a message is a string, number, bool, array, dictionary or NSNull.
            guard let data = try? JSONSerialization.data(withJSONObject: message, options: [.withoutEscapingSlashes]) else { return }
            output.write(data + Data("\n".utf8))
        }
    }
}

/// Lines from a file descriptor, read with `read(2)` so that a SIGINT arriving between cells (EINTR)
/// is retried rather than taken for the end of input.
final class LineReader {
    private let descriptor: Int32
    private var buffer = Data()
    private var ended = false

    init(fileDescriptor: Int32) {
        descriptor = fileDescriptor
    }

    /// The next line without its newline; nil at the end of input.
    func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = Data(buffer[(newline + 1)...])
                return String(decoding: line, as: UTF8.self)
            }
            if ended {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = Data() }
                return String(decoding: buffer, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
            } else if count < 0, errno == EINTR {
                continue
            } else {
                ended = true
            }
        }
    }
}
