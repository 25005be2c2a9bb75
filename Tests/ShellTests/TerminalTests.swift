// The REPL driven through a real pseudo-terminal (tmux): history, completion, continuation, Ctrl-C, Ctrl-D.
import Foundation
import Testing

/// One mvs REPL inside a private tmux server.
final class TmuxSession {
    private let socket = "mvs-test-\(UUID().uuidString.prefix(8))"

    init(environment: [String: String], arguments: [String] = ["--no-init"]) throws {
        let assignments = environment.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let flags = arguments.map { "'\($0)'" }.joined(separator: " ")
        try tmux(["new-session", "-d", "-s", "t", "-x", "120", "-y", "50", "env \(assignments) '\(MVS.binary)' \(flags)"])
    }

    deinit { try? tmux(["kill-server"]) }

    /// Runs `tmux -L socket arguments…` with posix_spawn and waitpid. Foundation's Process is not used:
    /// it never noticed the exit of the tmux client that daemonises the server, and hung.
    @discardableResult
    private func tmux(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Nothing else of the test process may reach tmux: its server outlives this call and would keep every
        // inherited descriptor open — among them HDF5 files other tests are writing in parallel, whose
        // flock then outlives their close (their next open failed "Resource temporarily unavailable").
        try closeInheritedDescriptors(&actions)
        // Test runners may call us on threads with signals blocked; tmux and the mvs inside it would
        // inherit that mask (and miss SIGCHLD or Ctrl-C), so the child starts with an empty mask.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = (["tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, "tmux", &actions, &attributes, argv, environ) == 0 else {
            throw CocoaError(.fileNoSuchFile)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return ((status >> 8) & 0xff, output)
    }

    /// Adds "close every descriptor from 3 up" to `actions`: glibc's posix_spawn_file_actions_addclosefrom_np
    /// (2.34+, Debian 12 has 2.36), looked up because Swift's Glibc module does not export it.
    private func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) throws {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np"),
              unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3) == 0 else {
            throw CocoaError(.featureUnsupported)
        }
    }

    /// Types text literally (no key names, `;` is not special).
    func type(_ text: String) throws { try tmux(["send-keys", "-t", "t", "-l", text]) }

    /// Presses named keys (`Enter`, `Up`, `Tab`, `C-c`, `C-d`).
    func press(_ keys: String...) throws { try tmux(["send-keys", "-t", "t"] + keys) }

    var screen: String { (try? tmux(["capture-pane", "-p", "-t", "t", "-S", "-200"]).output) ?? "" }

    var isRunning: Bool { ((try? tmux(["has-session", "-t", "t"]).status) ?? 1) == 0 }

    /// Waits (up to `timeout` seconds) until `condition(screen)` holds.
    @discardableResult
    func wait(timeout: TimeInterval = 5, until condition: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(screen) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition(screen)
    }

    /// Types a line, presses Enter and waits for the next prompt, so nothing is typed ahead (the
    /// terminal would echo type-ahead into the middle of the output).
    func enter(_ line: String) throws {
        let prompts = screen.components(separatedBy: "\n").filter { $0.hasPrefix("mvs>") }.count
        try type(line)
        try press("Enter")
        wait { $0.components(separatedBy: "\n").filter { $0.hasPrefix("mvs>") }.count > prompts }
    }

    /// Lines of the screen that are exactly `line`.
    func count(_ line: String) -> Int {
        screen.components(separatedBy: "\n").filter { $0.trimmingCharacters(in: .whitespaces) == line }.count
    }
}

@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")))
struct TerminalTests {
    @Test func historyCompletionContinuationInterruptAndQuit() throws {
        let directory = try MVS.temporaryDirectory()
        let history = directory.appendingPathComponent("history").path
        let environment = ["HOME": directory.path, "MVS_HISTORY": history, "TERM": "xterm"]
        let session = try TmuxSession(environment: environment)
        #expect(session.wait { $0.contains("mvs 0.1.0 — model vector shell. .help for help, Ctrl-D to quit.") })

        // A bare expression echoes; Up recalls it.
        try session.type("x = 41")
        try session.press("Enter")
        try session.type("x + 1")
        try session.press("Enter")
        #expect(session.wait { _ in session.count("42") == 1 })
        try session.press("Up")
        try session.press("Enter")
        #expect(session.wait { _ in session.count("42") == 2 }, "Up did not recall 'x + 1':\n\(session.screen)")

        // Tab completes a builtin name.
        try session.type("transp")
        try session.press("Tab")
        #expect(session.wait { $0.contains("mvs> transpose") }, "no completion:\n\(session.screen)")
        try session.type("(tensor([[1, 2]])).shape")
        try session.press("Enter")
        #expect(session.wait { _ in session.count("[2, 1]") == 1 })

        // Tab completes attributes after a dot, and file paths inside a string.
        try session.type("r = {alpha: 7}")
        try session.press("Enter")
        try session.type("r.al")
        try session.press("Tab")
        #expect(session.wait { $0.contains("mvs> r.alpha") }, "no attribute completion:\n\(session.screen)")
        try session.press("Enter")
        #expect(session.wait { _ in session.count("7") == 1 })
        try "".write(toFile: directory.appendingPathComponent("weights-file.txt").path, atomically: true, encoding: .utf8)
        try session.type("len(\"\(directory.path)/weig")
        try session.press("Tab")
        #expect(session.wait { $0.contains("weights-file.txt\"") }, "no path completion:\n\(session.screen)")
        try session.type(")")
        try session.press("Enter")
        #expect(session.wait { _ in session.count(String(directory.path.count + 17)) == 1 })

        // An open bracket asks for more with the continuation prompt.
        try session.type("[10,")
        try session.press("Enter")
        #expect(session.wait { $0.contains("\n...") })
        try session.type("20]")
        try session.press("Enter")
        #expect(session.wait { _ in session.count("[10, 20]") == 1 })

        // Ctrl-C stops a busy loop; every variable is kept.
        try session.type("while true { }")
        try session.press("Enter")
        Thread.sleep(forTimeInterval: 0.3)
        let interrupted = Date()
        try session.press("C-c")
        #expect(session.wait { $0.contains("interrupted") }, "loop not interrupted:\n\(session.screen)")
        #expect(Date().timeIntervalSince(interrupted) < 1)
        try session.type("x * 2")
        try session.press("Enter")
        #expect(session.wait { _ in session.count("82") == 1 }, "variables lost:\n\(session.screen)")

        // Ctrl-C at the prompt throws the line away.
        try session.type("this is not run")
        // Only once the line editor holds the text: a Ctrl-C that overtakes it (a loaded machine) leaves the
        // text unread in the terminal, and it would prefix the next line.
        #expect(session.wait { $0.contains("mvs> this is not run") })
        try session.press("C-c")
        try session.type("print(\"from history\")")
        try session.press("Enter")
        #expect(session.wait { _ in session.count("from history") == 1 })
        #expect(!session.screen.contains("unknown name 'this'"))

        // Ctrl-D quits.
        try session.press("C-d")
        #expect(session.wait { _ in !session.isRunning })

        // The history was saved as we went and is read back by the next session.
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        #expect(saved.contains("x + 1\n"))
        #expect(!saved.contains("this is not run"))
        let next = try TmuxSession(environment: environment)
        #expect(next.wait { $0.contains("mvs>") })
        try next.press("Up")
        try next.press("Enter")
        #expect(next.wait { _ in next.count("from history") == 1 }, "history not reloaded:\n\(next.screen)")
        try next.press("C-d")
    }

    @Test func tmuxInheritsNoDescriptorSoFileLocksEndWithTheirClose() throws {
        // HDF5 flocks the files it opens, without close-on-exec. A descriptor inherited by the long-lived tmux
        // server kept a test's exclusive lock alive after the test closed the file.
        let directory = try MVS.temporaryDirectory()
        let path = directory.appendingPathComponent("locked.h5").path
        let descriptor = open(path, O_RDWR | O_CREAT, 0o600)
        #expect(descriptor >= 0 && flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        let session = try TmuxSession(environment: ["HOME": directory.path, "TERM": "xterm"])
        #expect(session.wait { $0.contains("mvs>") })
        close(descriptor)
        let again = open(path, O_RDONLY)
        defer { close(again) }
        #expect(flock(again, LOCK_SH | LOCK_NB) == 0, "the lock outlived its close: \(String(cString: strerror(errno)))")
        try session.press("C-d")
    }

    @Test func initFileDotCommandsAndTimer() throws {
        let directory = try MVS.temporaryDirectory()
        try "from_init = 99\n".write(toFile: directory.appendingPathComponent(".mvsrc").path, atomically: true, encoding: .utf8)
        let script = directory.appendingPathComponent("part.mvs").path
        try "from_read = from_init + 1\n".write(toFile: script, atomically: true, encoding: .utf8)
        let environment = ["HOME": directory.path, "MVS_HISTORY": directory.appendingPathComponent("h").path, "TERM": "xterm"]

        let session = try TmuxSession(environment: environment, arguments: [])
        #expect(session.wait { $0.contains("mvs>") })
        for line in [".read \(script)", ".vars", ".timer on", "from_read * 2", ".timer off", ".nope", ".help if"] {
            try session.enter(line)
        }
        #expect(session.wait { $0.contains("from_read  number    100") }, "init file or .read not run:\n\(session.screen)")
        #expect(session.wait { $0.contains("200\ntime: ") && $0.contains(" s wall, ") }, "no timer:\n\(session.screen)")
        #expect(session.wait { $0.contains("unknown command '.nope'") })
        #expect(session.wait { $0.contains("if (keyword)") })
        try session.type(".quit")
        try session.press("Enter")
        #expect(session.wait { _ in !session.isRunning })

        // --no-init skips the init file.
        let plain = try TmuxSession(environment: environment)
        try plain.type("from_init")
        try plain.press("Enter")
        #expect(plain.wait { $0.contains("unknown name 'from_init'") })
        try plain.press("C-d")
    }
}
