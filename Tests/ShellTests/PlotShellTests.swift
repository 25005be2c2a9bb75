// plot through the mvs binary: plain fixed-size text into a pipe; the terminal's width and colour in a tmux pane.
import Foundation
import Testing

@Suite struct PlotShellTests {
    @Test func pipedPlotIsPlainTextAtTheDefaultSize() throws {
        let result = try MVS.run(["-c", "plot(randn([1000], seed=1))"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.first == "histogram of 1000 values")
        // Not a terminal: 80 × 24 whatever the caller's window, and ASCII only.
        #expect(lines.count == 24)
        #expect(lines.allSatisfy { $0.count <= 80 } && lines.contains { $0.count > 70 })
        #expect(result.stdout.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func fileOptionWritesSVGAndPrintsOneLine() throws {
        let directory = try MVS.temporaryDirectory()
        let path = directory.appendingPathComponent("h.svg").path
        let result = try MVS.run(["-c", "plot(randn([100], seed=1), file=\"\(path)\", title=\"noise\")"])
        #expect(result.stdout == "wrote \(path) (noise)\n")
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    }
}

@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")))
struct PlotTerminalTests {
    /// Plots a spectrum in a 120 × 50 pane and returns the screen once the chart's x label is drawn.
    private func screen(environment: [String: String]) throws -> String {
        let directory = try MVS.temporaryDirectory()
        let session = try TmuxSession(environment: ["HOME": directory.path, "TERM": "xterm"].merging(environment) { $1 })
        #expect(session.wait { $0.contains("mvs>") })
        try session.enter("plot(tensor([100, 30, 10, 3, 1, 0.3]), log=true)")
        #expect(session.wait { $0.contains("index") })
        return session.screen
    }

    @Test func colourTerminalGetsBrailleAtItsWidth() throws {
        let screen = try screen(environment: ["NO_COLOR": ""])
        #expect(screen.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
        // A 120-column pane: the chart is 100 columns (the cap). Tick labels are at most "100" (3 columns), so the
        // plot area is 100 − 4 − 1 = 95 columns and the axis line is the corner plus 95.
        let axis = screen.split(separator: "\n").first { $0.contains("└") }
        #expect(axis.map { $0.trimmingCharacters(in: .whitespaces).count } == 96)
    }

    @Test func noColorGetsASCII() throws {
        let screen = try screen(environment: ["NO_COLOR": "1"])
        let chart = screen.components(separatedBy: "spectrum (6 values)").last ?? ""
        #expect(!chart.isEmpty && chart.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(chart.contains("+-"))
    }
}
