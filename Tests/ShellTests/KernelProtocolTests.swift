// `mvs --kernel-protocol`: JSON lines in, one reply per request out, rich output for tables and plots.
import Foundation
import Testing

@Suite struct KernelProtocolTests {
    /// Runs requests (one JSON object per line) and returns every message mvs wrote, parsed.
    private func session(_ requests: [[String: Any]], extraLines: [String] = []) throws -> [[String: Any]] {
        let lines = try requests.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) } + extraLines
        let result = try MVS.run(["--kernel-protocol"], input: lines.joined(separator: "\n") + "\n")
        #expect(result.status == 0)
        return try result.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func aCellStreamsItsOutputThenOneReply() throws {
        let messages = try session([["id": 1, "type": "execute", "code": "print(\"hi\")\nx = 6 * 7\nx\nx;", "count": 3]])
        #expect(messages.first?["type"] as? String == "ready")
        #expect(messages.count == 4)
        #expect(messages[1]["type"] as? String == "stream" && messages[1]["text"] as? String == "hi\n")
        #expect((messages[2]["data"] as? [String: String]) == ["text/plain": "42"])
        #expect(messages[3]["type"] as? String == "reply" && messages[3]["status"] as? String == "ok" && messages[3]["id"] as? Int == 1)
    }

    @Test func errorsCarryNameMessageAndTheRenderedCaret() throws {
        let messages = try session([["id": "a", "type": "execute", "code": "y = 1 +\n", "count": 2],
                                    ["id": "b", "type": "execute", "code": "nrom(2)", "count": 3]])
        let syntax = messages[1], runtime = messages[2]
        #expect(syntax["name"] as? String == "SyntaxError" && syntax["id"] as? String == "a")
        #expect(runtime["name"] as? String == "RuntimeError")
        #expect(runtime["message"] as? String == "unknown name 'nrom'; did you mean 'norm'?")
        #expect(runtime["rendered"] as? String == "<cell:3>:1:1: error: unknown name 'nrom'; did you mean 'norm'?\nnrom(2)\n^~~~")
    }

    @Test func completionInspectionAndCompleteness() throws {
        let messages = try session([
            ["id": 1, "type": "complete", "code": "x = clu", "cursor": 7],
            ["id": 2, "type": "inspect", "code": "norm(", "cursor": 5],
            ["id": 3, "type": "is_complete", "code": "for x in [1] {"],
            ["id": 4, "type": "is_complete", "code": "1 + * 2"],
            ["id": 5, "type": "is_complete", "code": "f(1)"],
        ], extraLines: ["not json"])
        #expect(messages[1]["matches"] as? [String] == ["cluster"])
        #expect(messages[1]["cursor_start"] as? Int == 4 && messages[1]["cursor_end"] as? Int == 7)
        let help = try #require((messages[2]["data"] as? [String: String])?["text/plain"])
        #expect(help.hasPrefix("norm("))
        #expect(messages[3...5].map { $0["status"] as? String } == ["incomplete", "invalid", "complete"])
        #expect(messages[6]["status"] as? String == "error" && (messages[6]["message"] as? String)?.hasPrefix("not a JSON object") == true)
    }

    @Test func tablesCarryHTMLAndPlotsSVG() throws {
        let messages = try session([["id": 1, "type": "execute",
                                     "code": "t = table(layer=[0, 1], component=[\"q\", \"q\"], erank=[2.5, 1.25])\nt\nplot(t)"]])
        let table = try #require(messages[1]["data"] as? [String: String])
        // Four significant digits of the largest value (2.5), as the terminal shows it: 2.500 and 1.250.
        #expect(table["text/html"]?.contains("<td style=\"text-align: right\">2.500</td>") == true)
        #expect(table["text/plain"]?.contains("1.250") == true)
        let picture = try #require(messages[2]["data"] as? [String: String])
        #expect(messages[2]["type"] as? String == "display" && picture["image/svg+xml"]?.contains("<svg ") == true)
    }
}
