// Terminal text: sizes are respected for every kind, ASCII only without colour, braille/blocks and escapes with.
import Testing
@testable import Engine

/// One chart of each kind.
private func charts() throws -> [Chart] {
    var rank = Table()
    try rank.append("layer", .int([0, 0, 1, 1, 2, 2]))
    try rank.append("component", .string(["q", "ff1", "q", "ff1", "q", "ff1"]))
    try rank.append("erank", .double([5, 9, 4, 8, 2, 9]))
    try rank.append("srank", .double([1, 2, 3, 4, 5, 6]))
    let lines = try Chart.from(rank)
    let heatmap = try Chart.from(rank, options: ChartOptions(kind: .heatmap))
    let matrix = try Chart.from(try Tensor.build(shape: [300, 500]) { out in
        for index in 0..<out.count { out[index] = Float(index % 7) }
    })
    let values = try Tensor(shape: [500], values: (0..<500).map { Float(($0 * 37) % 101) / 10 })
    let histogram = try Chart.from(values)
    let spectrum = try Chart.from(values, options: ChartOptions(log: true))
    let vectors = VectorSet(matrix: try Tensor(shape: [6, 3], values: [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 2, 0, 1]),
                            names: (0..<6).map { "m\($0)" }, labels: ["a", "b", "a", "b", "a", "b"], columnNames: [], statistic: "t")
    let scatter = try Chart.scatter(vectors: vectors, clustering: try Clustering.of(vectors, options: ClusterOptions(k: 2)))
    return [lines, heatmap, matrix, histogram, spectrum, scatter]
}

/// The text as a terminal shows it: escapes removed.
private func visible(_ text: String) -> String {
    var result = "", inEscape = false
    for character in text {
        if character == "\u{1B}" { inEscape = true; continue }
        if inEscape { if character == "m" { inEscape = false }; continue }
        result.append(character)
    }
    return result
}

@Test(arguments: [24, 40, 57, 80, 133])
func everyKindFitsTheWidthAndHeight(width: Int) throws {
    for chart in try charts() {
        for height in [16, 23, 40] {
            for colour in [false, true] {
                let lines = visible(TextRenderer.render(chart, width: width, height: height, colour: colour))
                    .split(separator: "\n", omittingEmptySubsequences: false)
                #expect(lines.count <= height, "\(chart.title) at \(width)×\(height)")
                #expect(lines.allSatisfy { $0.count <= width }, "\(chart.title) at \(width)×\(height)")
            }
        }
    }
}

@Test func withoutColourTheTextIsPlainASCII() throws {
    for chart in try charts() {
        // The title is the chart's own text (a matrix title says 300×500); everything drawn is ASCII.
        let drawn = TextRenderer.render(chart, width: 72, height: 20, colour: false).split(separator: "\n").dropFirst()
        #expect(drawn.allSatisfy { $0.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 } }, "\(chart.title)")
    }
}

@Test func withColourLinesAreBrailleAndCellsAreBlocks() throws {
    let all = try charts()
    let lines = TextRenderer.render(all[0], width: 60, height: 16, colour: true)
    #expect(lines.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
    // The two series' colours (Tableau blue and orange) as xterm-256 entries.
    #expect(lines.contains("\u{1B}[38;5;\(ColourScale.category(0).ansi256)m"))
    #expect(lines.contains("\u{1B}[38;5;\(ColourScale.category(1).ansi256)m"))
    #expect(lines.contains("┤") && lines.contains("└"))
    // Heatmap of 3 layers × 2 components at 60 columns: cells 8 wide and 2 high, so 3·2·8·2 = 96 blocks, plus 9 in the legend.
    let heatmap = visible(TextRenderer.render(all[1], width: 60, height: 16, colour: true))
    #expect(heatmap.filter { $0 == "█" }.count == 96 + 9)
}

@Test func lowestAndHighestHeatmapCellsGetTheEndShades() throws {
    var table = Table()
    try table.append("layer", .int([0, 1]))
    try table.append("component", .string(["q", "q"]))
    try table.append("rel", .double([-3, 7]))
    let text = TextRenderer.render(try Chart.from(table), width: 30, height: 12, colour: false)
    let rows = text.split(separator: "\n").map(String.init)
    #expect(rows.contains { $0.hasPrefix("0 ") && $0.dropFirst(2).allSatisfy { $0 == "." } })
    #expect(rows.contains { $0.hasPrefix("1 ") && $0.dropFirst(2).allSatisfy { $0 == "@" } })
    #expect(rows.last == "rel -3 .:-=+*#%@ 7")
}

@Test func longLabelsInNarrowPicturesDoNotBreakTheLayout() throws {
    // Values near 1 that differ in the twelfth decimal give 14-character tick labels and the series names are
    // 60 characters: the text stays within 24 columns. In a 240-pixel SVG the legend (260 px) and, for the
    // heatmap, a 42-character row label would leave a negative plot width; it is kept at 40 px instead.
    var table = Table()
    try table.append("layer", .int([0, 1]))
    try table.append("component", .string([String(repeating: "c", count: 60), String(repeating: "c", count: 60)]))
    try table.append("erank", .double([1, 1 + 3e-12]))
    try table.append("srank", .double([1, 2]))
    let chart = try Chart.from(table)
    for colour in [false, true] {
        let text = visible(TextRenderer.render(chart, width: 24, height: 10, colour: colour))
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 24 })
    }
    var heatmap = Table()
    try heatmap.append("stack", .string([String(repeating: "s", count: 40)]))
    try heatmap.append("layer", .int([0]))
    try heatmap.append("component", .string(["q"]))
    try heatmap.append("rel", .double([1]))
    let svg = SVGRenderer.render(try Chart.from(heatmap), width: 240, height: 180)
    #expect(!svg.contains("width=\"-"))
    let lines = SVGRenderer.render(chart, width: 240, height: 180)
    #expect(!lines.contains("width=\"-"))
}

@Test func trueColourSendsTheExactColours() throws {
    var table = Table()
    try table.append("layer", .int([0, 1]))
    try table.append("component", .string(["q", "q"]))
    try table.append("rel", .double([0, 1]))
    let chart = try Chart.from(table)
    let exact = TextRenderer.render(chart, width: 30, height: 12, colour: true, trueColour: true)
    // The lowest cell is viridis' first stop (0x44, 0x01, 0x54), the highest its last (0xfd, 0xe7, 0x25).
    #expect(exact.contains("\u{1B}[38;2;68;1;84m") && exact.contains("\u{1B}[38;2;253;231;37m"))
    #expect(!exact.contains("\u{1B}[38;5;"))
    #expect(visible(exact) == visible(TextRenderer.render(chart, width: 30, height: 12, colour: true)))
}
