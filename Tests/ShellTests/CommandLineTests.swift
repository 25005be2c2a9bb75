// The mvs binary from the command line: -c, scripts with args, piped stdin, flags and exit statuses.
import Foundation
import Testing

@Suite struct CommandLineTests {
    @Test func commandPrintsSeven() throws {
        let result = try MVS.run(["-c", "print(1 + 2 * 3)"])
        #expect(result.stdout == "7\n")
        #expect(result.stderr == "")
        #expect(result.status == 0)
    }

    @Test(arguments: [
        (["-c", "x = (1 +"], Int32(65)),
        (["-c", "1 / 0"], Int32(70)),
        (["-c", "exit(3)"], Int32(3)),
        (["--bogus"], Int32(64)),
        (["-c"], Int32(64)),
        (["/nonexistent/script.mvs"], Int32(74)),
    ])
    func exitStatuses(arguments: [String], status: Int32) throws {
        #expect(try MVS.run(arguments).status == status)
    }

    @Test func usageErrorSuggestsAFlag() throws {
        let result = try MVS.run(["--verison"])
        #expect(result.stderr.contains("unknown option '--verison'; did you mean '--version'?"))
    }

    @Test func versionAndHelp() throws {
        #expect(try MVS.run(["--version"]).stdout == "mvs 0.1.0\n")
        let help = try MVS.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("usage: mvs"))
        #expect(help.stdout.contains("-c CODE"))
    }

    @Test func pipedStdinRunsAsAScriptWithoutPromptOrEcho() throws {
        let result = try MVS.run([], input: "x = 2\nx * 21\nprint(x * 21)\n")
        #expect(result.stdout == "42\n")
        #expect(result.status == 0)
    }

    @Test func scriptSeesArgsAndRunsThroughItsShebang() throws {
        let directory = try MVS.temporaryDirectory()
        let script = directory.appendingPathComponent("show-args.mvs")
        try "#!/usr/bin/env mvs\nprint(args, len(args))\n".write(to: script, atomically: true, encoding: .utf8)
        let result = try MVS.run([script.path, "one", "two words"])
        #expect(result.stdout == "[\"one\", \"two words\"] 2\n")

        // Executed directly: the kernel runs `/usr/bin/env mvs FILE`, so mvs must be on PATH.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let binDirectory = URL(fileURLWithPath: MVS.binary).deletingLastPathComponent().path
        let path = binDirectory + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        // Another test's fork may briefly hold the freshly written file open ("text file busy"): retry.
        var direct: RunResult?
        for _ in 0..<20 where direct == nil {
            direct = try? MVS.run(["x"], environment: ["PATH": path], executable: script.path)
            if direct == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(direct?.stdout == "[\"x\"] 1\n")
    }

    @Test func runtimeErrorNamesFileLineAndColumnWithACaret() throws {
        let directory = try MVS.temporaryDirectory()
        let script = directory.appendingPathComponent("bad.mvs")
        try "print(\"before\")\ny = 1 + nrom(2)\nprint(\"after\")\n".write(to: script, atomically: true, encoding: .utf8)
        let result = try MVS.run([script.path])
        #expect(result.status == 70)
        #expect(result.stdout == "before\n")
        #expect(result.stderr == """
        \(script.path):2:9: error: unknown name 'nrom'; did you mean 'norm'?
        y = 1 + nrom(2)
                ^~~~

        """)
    }

    @Test func parseErrorsAreReportedBeforeAnythingRuns() throws {
        let result = try MVS.run(["-c", "print(1)\nx = [1, 2\n"])
        #expect(result.status == 65)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("<-c>:2:10: error: unexpected end of input; '[' opened at 2:5 is not closed"))
    }

    @Test func ctrlCStopsARunningScriptWithStatus130() throws {
        let start = Date()
        let result = try MVS.run(["-c", "n = 0\nwhile true { n += 1 }"], interruptAfter: 0.5)
        #expect(result.status == 130)
        #expect(result.stderr.contains("interrupted"))
        #expect(Date().timeIntervalSince(start) < 5)
    }
}
