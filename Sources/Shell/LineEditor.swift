// Line editing with GNU readline in callback mode (so Ctrl-C at the prompt can clear the line),
// a capped history file appended as you go, and tab completion.
import CReadline
import Engine
import Foundation

/// Reads lines from a terminal with readline.
final class LineEditor {
    /// What one read produced.
    enum Input: Equatable {
        case line(String)
        /// Ctrl-C at the prompt.
        case interrupted
        /// Ctrl-D on an empty line.
        case end
    }

    private let historyPath: String?
    private let historyLimit: Int32 = 2000
    private var lastEntry: String?

    /// `complete(prefix, lineBeforeWord)` lists candidates for a word; strings get file completion.
    init(historyPath: String?, complete: @escaping (String, String) -> [String]) {
        self.historyPath = historyPath
        LineEditor.completer = complete
        mvs_rl_set_readline_name("mvs")
        mvs_rl_set_catch_signals(0)
        // No '.' (dot-commands, attributes, file names) and no '/' (paths) among word breaks.
        mvs_rl_set_word_break_characters(LineEditor.wordBreaks)
        // Inside quotes the whole text after the quote is the word (paths may hold '-' or spaces),
        // and readline closes the quote itself after a completed file name.
        mvs_rl_set_completer_quote_characters(LineEditor.quotes)
        mvs_rl_set_completion(LineEditor.attemptCompletion)
        using_history()
        stifle_history(historyLimit)
        if let historyPath {
            if !FileManager.default.fileExists(atPath: historyPath) {
                _ = FileManager.default.createFile(atPath: historyPath, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            read_history(historyPath)
            history_truncate_file(historyPath, historyLimit)
        }
    }

    /// Adds a line to the history and appends it to the history file at once.
    func remember(_ line: String) {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty, line != lastEntry else { return }
        lastEntry = line
        add_history(line)
        if let historyPath { append_history(1, historyPath) }
    }

    /// Reads one line, showing `prompt`.
    func read(prompt: String) -> Input {
        LineEditor.received = nil
        // A Ctrl-C that stopped the previous command must not also cancel this prompt.
        Interruption.reset()
        // SIGINT stays blocked except inside ppoll, which unblocks it atomically: a Ctrl-C can then
        // only arrive while waiting (waking it) or be pending for the next wait — never slip between
        // the flag check and the wait.
        var interrupt = sigset_t(), waiting = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_BLOCK, &interrupt, &waiting)
        defer { pthread_sigmask(SIG_SETMASK, &waiting, nil) }
        sigdelset(&waiting, SIGINT)
        rl_callback_handler_install(prompt, LineEditor.lineHandler)
        while LineEditor.received == nil {
            if Interruption.isRequested {
                Interruption.reset()
                // Throw the half-typed line away and start a fresh prompt, as bash and Python do.
                FileHandle.standardOutput.write(Data("^C\n".utf8))
                rl_free_line_state()
                rl_callback_sigcleanup()
                rl_cleanup_after_signal()
                rl_callback_handler_remove()
                return .interrupted
            }
            if mvs_wait_readable(STDIN_FILENO, &waiting) < 0 {
                guard errno == EINTR else { rl_callback_handler_remove(); return .end }
                continue
            }
            rl_callback_read_char()
        }
        return LineEditor.received ?? .end
    }

    /// Trims the history file to its cap (at exit).
    func close() {
        if let historyPath { history_truncate_file(historyPath, historyLimit) }
    }

    // Readline calls plain C function pointers, so the state they reach is static; unchecked because
    // readline runs only on the REPL's thread, inside rl_callback_read_char.
    nonisolated(unsafe) private static var received: Input?
    nonisolated(unsafe) private static var completer: ((String, String) -> [String])?
    nonisolated(unsafe) private static var candidates: [String] = []
    nonisolated(unsafe) private static var candidateIndex = 0
    // Unchecked: written once, never mutated, read by readline on the REPL's thread.
    nonisolated(unsafe) private static let wordBreaks = permanent(" \t\n\"'`()[]{},;=+-*<>|:!%")
    nonisolated(unsafe) private static let quotes = permanent("\"'")

    /// A C string that lives as long as the process (readline keeps the pointer).
    private static func permanent(_ text: String) -> UnsafePointer<CChar> {
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: text.utf8.count + 1)
        text.withCString { pointer.initialize(from: $0, count: text.utf8.count + 1) }
        return UnsafePointer(pointer)
    }

    private static let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { line in
        if let line {
            received = .line(String(cString: line))
            free(line)
        } else {
            received = .end
            FileHandle.standardOutput.write(Data("\n".utf8))
        }
        // Remove the handler now, or readline redraws the prompt before we have run the line.
        rl_callback_handler_remove()
    }

    private static let attemptCompletion: @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, start, _ in
        mvs_rl_set_attempted_completion_over(1)
        guard let text else { return nil }
        let lineBytes = Array(String(cString: mvs_rl_line_buffer()).utf8)
        let before = String(decoding: lineBytes.prefix(Int(start)), as: UTF8.self)
        if LineEditor.insideString(before) {
            mvs_rl_set_filename_completion_desired(1)
            mvs_rl_set_completion_append_character(0)
            return mvs_rl_completion_matches(text, rl_filename_completion_function)
        }
        mvs_rl_set_completion_append_character(0)
        candidates = completer?(String(cString: text), before) ?? []
        candidateIndex = 0
        return mvs_rl_completion_matches(text, LineEditor.generator)
    }

    private static let generator: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, state in
        if state == 0 { candidateIndex = 0 }
        guard candidateIndex < candidates.count else { return nil }
        defer { candidateIndex += 1 }
        return strdup(candidates[candidateIndex])
    }

    /// Whether the text before the word leaves a string open (an odd number of unescaped quotes).
    static func insideString(_ text: String) -> Bool {
        var open: Character?
        var escaped = false
        for character in text {
            if escaped { escaped = false; continue }
            if character == "\\" { escaped = true; continue }
            if let quote = open {
                if character == quote { open = nil }
            } else if character == "\"" || character == "'" {
                open = character
            } else if character == "#" {
                return false
            }
        }
        return open != nil
    }
}
