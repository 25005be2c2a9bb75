// SVG output parses as XML (Foundation's XMLParser) and carries the expected series, cells, points and bars.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Engine

/// Element counts by name and by class, plus the text of elements by class, from parsing an SVG document.
private final class SVGSummary: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    var classes: [String: Int] = [:]
    var texts: [String: [String]] = [:]
    var rootAttributes: [String: String] = [:]
    private var openClasses: [String?] = []
    private var text = ""

    static func parse(_ svg: String) throws -> SVGSummary {
        let summary = SVGSummary()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = summary
        guard parser.parse() else {
            throw EngineError.malformed(path: "svg", message: parser.parserError.map { "\($0)" } ?? "does not parse")
        }
        return summary
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == "svg" { rootAttributes = attributes }
        elements[name, default: 0] += 1
        if let type = attributes["class"] { classes[type, default: 0] += 1 }
        openClasses.append(attributes["class"])
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if let type = openClasses.popLast() ?? nil { texts[type, default: []].append(text) }
        text = ""
    }
}

private func rankChart() throws -> Chart {
    var table = Table()
    let components = ["q", "k", "v", "o", "ff1", "ff2"]
    try table.append("layer", .int((0..<4).flatMap { layer in components.map { _ in layer } }))
    try table.append("component", .string((0..<4).flatMap { _ in components }))
    try table.append("erank", .double((0..<24).map { Double(30 - $0) }))
    try table.append("srank", .double((0..<24).map { Double($0) }))
    return try Chart.from(table)
}

@Test func lineChartSVGHasSeriesAxesTicksAndLegend() throws {
    let svg = SVGRenderer.render(try rankChart(), width: 720, height: 450)
    let summary = try SVGSummary.parse(svg)
    #expect(summary.rootAttributes["xmlns"] == "http://www.w3.org/2000/svg")
    #expect(summary.rootAttributes["viewBox"] == "0 0 720 450")
    #expect(summary.classes["series"] == 6)
    #expect(summary.elements["polyline"] == 6)
    #expect(summary.classes["marker"] == 24)
    #expect(summary.texts["title"] == ["erank by layer"])
    #expect(summary.texts["x-label"] == ["layer"] && summary.texts["y-label"] == ["erank"])
    // x ticks at layers 0–3; y from 7 to 30 over ~7 ticks (358 px / 50): raw step 3.3 → 5, so 5…30.
    #expect(summary.texts["tick-label"]?.prefix(6) == ["5", "10", "15", "20", "25", "30"])
    #expect(summary.texts["tick-label"]?.suffix(4) == ["0", "1", "2", "3"])
    #expect(summary.classes["legend"] == 1)
    #expect(svg.contains(">ff2</text>"))
}

@Test func heatmapSVGHasOneCellPerValueAndAColourBar() throws {
    var table = Table()
    try table.append("layer", .int([0, 0, 0, 1, 1]))
    try table.append("component", .string(["q", "k", "v", "q", "k"]))
    try table.append("rel", .double([0.1, 0.2, 0.3, 0.4, 0.5]))
    let svg = SVGRenderer.render(try Chart.from(table))
    let summary = try SVGSummary.parse(svg)
    #expect(summary.classes["cell"] == 5)
    #expect(summary.classes["missing"] == 1)
    #expect(summary.classes["colour-scale"] == 1)
    #expect(summary.elements["stop"] == 9)
    // The lowest value is the first viridis colour, the highest the last.
    #expect(svg.contains("fill=\"#440154\"") && svg.contains("fill=\"#fde725\""))
}

@Test func scatterSVGHasOnePointPerVector() throws {
    var random = SeededRandom(seed: 11)
    let vectors = VectorSet(matrix: try Tensor(shape: [9, 4], values: (0..<36).map { _ in Float(random.gaussian()) }),
                            names: (0..<9).map { "model <\($0)>" }, labels: (0..<9).map { $0 < 5 ? "a&b" : "c" },
                            columnNames: [], statistic: "test")
    let clustering = try Clustering.of(vectors, options: ClusterOptions(k: 2))
    let svg = SVGRenderer.render(try Chart.scatter(vectors: vectors, clustering: clustering))
    let summary = try SVGSummary.parse(svg)
    #expect(summary.classes["point"] == 9)
    // The axes carry the share of variance each component explains (exact values in LangTests' PCA scatter).
    #expect(summary.texts["x-label"]?.first?.hasPrefix("PC1 (") == true && summary.texts["y-label"]?.first?.hasPrefix("PC2 (") == true)
    #expect(svg.contains("model &lt;0&gt; (a&amp;b)"))
}

@Test func histogramSVGHasABarPerNonEmptyBin() throws {
    let values: [Float] = [0, 0, 1, 3, 3, 3]
    let svg = SVGRenderer.render(try Chart.from(try Tensor(shape: [6], values: values), options: ChartOptions(bins: 3)))
    let summary = try SVGSummary.parse(svg)
    // Bins [0,1), [1,2), [2,3]: counts 2, 1, 3 — all non-empty.
    #expect(summary.classes["bar"] == 3)
    let empty = SVGRenderer.render(try Chart.from(try Tensor(shape: [6], values: values), options: ChartOptions(bins: 6)))
    // Six bins of 0.5: 0 0 | | 1 | | | 3 3 3 → three non-empty.
    #expect(try SVGSummary.parse(empty).classes["bar"] == 3)
}

@Test func titlesWithMarkupAndControlCharactersStillParse() throws {
    var chart = try rankChart()
    chart.title = "a < b & \"c\" \u{1B}[1m"
    let summary = try SVGSummary.parse(SVGRenderer.render(chart))
    #expect(summary.texts["title"] == ["a < b & \"c\" [1m"])
}

@Test func emptyChartSaysSoInsteadOfFailing() throws {
    let chart = try Chart.from(try Tensor(shape: [2], values: [0, -1]), options: ChartOptions(kind: .spectrum))
    let svg = SVGRenderer.render(chart)
    #expect(svg.contains("nothing to draw"))
    _ = try SVGSummary.parse(svg)
    #expect(TextRenderer.render(chart, width: 40, height: 10, colour: false).contains("nothing to draw"))
}

@Test func signedHeatmapDivergesFromAWhiteZero() throws {
    // −1, 0, 0.5: colours span ±1, so 0 is the middle stop (#f7f7f7), −1 the bluest, 0.5 halfway to red:
    // 0.75 of the way along nine stops is stop 6 exactly (#f4a582).
    let matrix = try Tensor(shape: [1, 3], values: [-1, 0, 0.5])
    let chart = try Chart.from(matrix)
    guard case let .heatmap(heatmap) = chart.marks else { Issue.record("expected a heatmap"); return }
    let colours = try #require(heatmap.colours)
    #expect(colours.diverging && colours.lower == -1 && colours.upper == 1)
    let svg = SVGRenderer.render(chart)
    #expect(svg.contains("fill=\"#2166ac\"") && svg.contains("fill=\"#f7f7f7\"") && svg.contains("fill=\"#f4a582\""))
    // The colour bar's ticks are symmetric: −1 … 1 in steps of 0.5.
    let summary = try SVGSummary.parse(svg)
    #expect(summary.classes["cell"] == 3)
    #expect(svg.contains(">-1.0</text>") && svg.contains(">1.0</text>"))
    // Values of one sign keep the sequential scale.
    let positive = try Chart.from(try Tensor(shape: [1, 2], values: [1, 2]))
    guard case let .heatmap(sequential) = positive.marks else { Issue.record("expected a heatmap"); return }
    let one = try #require(sequential.colours)
    #expect(!one.diverging && one.colour(of: 1) == ColourScale.sequential(0) && one.colour(of: 2) == ColourScale.sequential(1))
}
