// Rich output for notebook front-ends: tables as HTML with the terminal's cells, `show` and `plot` as MIME bundles.
import Foundation
import Testing
import Engine
@testable import Lang

/// A context that shows rich output, as the kernel protocol does, and records it.
private final class NotebookContext: CallContext {
    var written: [String] = []
    var bundles: [MIMEBundle] = []
    func call(_ function: Function, _ arguments: [Value]) throws -> Value { .none }
    var sourceText: String { "" }
    func write(_ text: String) { written.append(text) }
    var display: ((MIMEBundle) -> Void)? { { [unowned self] bundle in bundles.append(bundle) } }
}

private func call(_ name: String, _ positional: [Value], _ keywords: [String: Value] = [:], in context: NotebookContext) throws {
    let builtin = try #require(BuiltinRegistry.byName[name])
    _ = try builtin.call(Arguments(callee: name, parameterNames: builtin.parameters.map(\.name),
                                   positional: positional, keywords: keywords, context: context))
}

@Suite struct RichDisplayTests {
    // The cells of AnalysisBuiltinsTests' long display (260.84 → "260.8" at one decimal, 0.000012 → "0.0000"),
    // numbers right, text left, written out by hand as HTML.
    @Test func tableHTMLHasTheTerminalsCellsAndAlignment() throws {
        let table = try DisplayFixtures.longTable(component: "f<1")
        let right = "style=\"text-align: right\"", left = "style=\"text-align: left\""
        let expected = """
        <table class="mvs-table">
        <thead><tr><th \(right)>layer</th><th \(left)>component</th><th \(right)>erank</th><th \(right)>fro</th></tr></thead>
        <tbody>
        <tr><td \(right)>0</td><td \(left)>q</td><td \(right)>260.8</td><td \(right)>0.0000</td></tr>
        <tr><td \(right)>10</td><td \(left)>f&lt;1</td><td \(right)>3.5</td><td \(right)>0.5000</td></tr>
        </tbody></table>
        <p>2 rows × 4 columns</p>
        """
        let bundle = Display.bundle(.table(table), echo: true)
        #expect(bundle.data["text/html"] == expected)
        #expect(bundle.data["text/plain"] == Display.echo(.table(table)))
    }

    @Test func gridHTMLLabelsRowsByLayer() throws {
        let table = try DisplayFixtures.gridTable()
        let html = try #require(Display.bundle(.table(table), measure: "erank").data["text/html"])
        let right = "style=\"text-align: right\""
        #expect(html.contains("<tr><th \(right)>0</th><td \(right)>260.8</td><td \(right)>341.0</td></tr>"))
        #expect(html.contains("<tr><th \(right)>1</th><td \(right)>255.1</td><td \(right)>339.4</td></tr>"))
    }

    @Test func longTablesElideTheSameRowsInHTML() throws {
        var table = Table()
        try table.append("index", .int(Array(0..<101)))
        let html = try #require(Display.bundle(.table(table)).data["text/html"])
        #expect(html.contains("<td colspan=\"1\" style=\"text-align: center\">… 51 more rows …</td>"))
        #expect(html.components(separatedBy: "<tr>").count - 1 == 1 + 40 + 1 + 10)
    }

    @Test func showAndPlotGoToTheFrontEndInsteadOfText() throws {
        let context = NotebookContext()
        var table = Table()
        try table.append("layer", .int([0, 1, 2]))
        try table.append("component", .string(["q", "q", "q"]))
        try table.append("erank", .double([3, 2, 1]))
        try call("show", [.table(table)], in: context)
        try call("plot", [.table(table)], ["width": .number(400), "height": .number(300)], in: context)
        #expect(context.written.isEmpty)
        #expect(context.bundles.count == 2)
        #expect(context.bundles[0].data["text/html"]?.hasPrefix("<table") == true)
        let svg = try #require(context.bundles[1].data["image/svg+xml"])
        #expect(svg.contains("<svg ") && svg.contains("width=\"400\"") && svg.contains("height=\"300\""))
        #expect(context.bundles[1].data["text/plain"]?.hasPrefix("plot: ") == true)
    }
}
