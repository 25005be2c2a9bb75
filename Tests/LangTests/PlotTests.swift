// The plot builtin: terminal text against hand-derived golden files, SVG files written atomically, errors.
import Foundation
import Testing
import Engine
@testable import Lang

/// A context that records output and pretends (or not) to be a terminal.
private final class PlotContext: CallContext {
    var written: [String] = []
    let terminal: TerminalInfo?
    init(terminal: TerminalInfo? = nil) { self.terminal = terminal }
    func call(_ function: Function, _ arguments: [Value]) throws -> Value { .none }
    var sourceText: String { "" }
    func write(_ text: String) { written.append(text) }
}

private func plot(_ value: Value, _ keywords: [String: Value] = [:], terminal: TerminalInfo? = nil) throws -> String {
    let builtin = try #require(BuiltinRegistry.byName["plot"])
    let context = PlotContext(terminal: terminal)
    _ = try builtin.call(Arguments(callee: "plot", parameterNames: builtin.parameters.map(\.name),
                                   positional: [value], keywords: keywords, context: context))
    return context.written.joined(separator: "\n")
}

/// The expected text of `Golden/plot/NAME.txt` (derived by hand; see the comments in each test).
private func golden(_ name: String) throws -> String {
    let root = try #require(Bundle.module.url(forResource: "Golden", withExtension: nil))
    let text = try String(contentsOf: root.appendingPathComponent("plot/\(name).txt"), encoding: .utf8)
    return text.hasSuffix("\n") ? String(text.dropLast()) : text
}

/// A rank-like table: layers 0–3 of q (erank 10, 8, 6, 4) and ff1 (4, 6, 8, 10), an embedding row, and srank.
private func rankTable() throws -> Table {
    var table = Table()
    try table.append("layer", .int([-1, 0, 0, 1, 1, 2, 2, 3, 3]))
    try table.append("component", .string(["embed", "q", "ff1", "q", "ff1", "q", "ff1", "q", "ff1"]))
    try table.append("erank", .double([99, 10, 4, 8, 6, 6, 8, 4, 10]))
    try table.append("srank", .double([1, 2, 3, 4, 5, 6, 7, 8, 9]))
    return table
}

private let size: [String: Value] = ["width": .number(40), "height": .number(14)]

// Rows at round((1 − v/10)·7), columns at round(layer/3·35); lines stepped cell by cell between points.
@Test func rankTableDrawsOneLinePerComponent() throws {
    #expect(try plot(.table(rankTable()), size) == golden("rank-lines"))
}

// Shades are the nine bands of t = v/9 (`.` lowest, `@` highest); layer 2 has no `v` row, so that cell is blank.
@Test func layerComponentTableDrawsAHeatmap() throws {
    var table = Table()
    try table.append("layer", .int([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2]))
    try table.append("component", .string(["q", "k", "v", "o", "q", "k", "v", "o", "q", "k", "o"]))
    try table.append("rel", .double([0, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 9, 8.5, 0.5]))
    #expect(try plot(.table(table), size) == golden("rel-heatmap"))
}

// Bins of width 0.75 over [0, 3] hold 1, 2, 3, 4 values; bar tops at the rows the y ticks give those counts.
@Test func vectorDrawsAHistogram() throws {
    let tensor = try Tensor(shape: [10], values: [0, 1, 1, 2, 2, 2, 3, 3, 3, 3])
    #expect(try plot(.tensor(tensor), ["width": .number(40), "height": .number(12), "bins": .number(4)]) == golden("histogram"))
}

// Decades 0.1…100 over 7 rows: 100 at row 0, 10 at 2, 1 at 4, 0.1 at 6.
@Test func logVectorDrawsASpectrum() throws {
    let tensor = try Tensor(shape: [4], values: [100, 10, 1, 0.1])
    #expect(try plot(.tensor(tensor), ["width": .number(40), "height": .number(12), "log": .bool(true)]) == golden("spectrum"))
}

// Rows (3,0,0), (−1,3,0), (−1,−1,0), (−1,−2,0) are centred with orthogonal axes of variance 14 (y) and 12 (x),
// so PC1 = (0, 3, −1, −2) and PC2 = (3, −1, −1, −1), explaining 14/26 = 53.8% and 12/26 = 46.2% of the
// variance; without colour each point is its cluster's digit.
@Test func vectorsWithClusteringDrawAPCAScatter() throws {
    let rows: [[Double]] = [[3, 0, 0], [-1, 3, 0], [-1, -1, 0], [-1, -2, 0]]
    let vectors = VectorSet(matrix: try Tensor(shape: [4, 3], values: rows.joined().map(Float.init)),
                            names: ["m0", "m1", "m2", "m3"], labels: ["a", "b", "a", "a"], columnNames: ["x", "y", "z"],
                            statistic: "test")
    // k-means finds {m1} against the rest (within-cluster squares 12.67, the least of all splits) and numbers
    // clusters by first appearance.
    let clustering = try Clustering.of(vectors, options: ClusterOptions(k: 2))
    #expect(clustering.assignments == [0, 1, 0, 0])
    let text = try plot(.vectors(vectors), ["clustering": .clustering(clustering), "title": .string("PCA of 4 vectors, 2 clusters (test)"),
                                            "width": .number(40), "height": .number(14)])
    #expect(text == (try golden("scatter")))
    #expect(throws: ArgumentError.self) { try plot(.clustering(clustering)) }
    #expect(throws: ArgumentError.self) { try plot(.vectors(vectors), ["kind": .string("histogram")]) }
    #expect(throws: ArgumentError.self) { try plot(.tensor(vectors.matrix), ["clustering": .clustering(clustering)]) }
}

@Test func measureAndKindOverrideTheDefaults() throws {
    let text = try plot(.table(rankTable()), ["measure": .string("srank"), "kind": .string("heatmap")])
    #expect(text.hasPrefix("srank by layer and component\n"))
    #expect(throws: EngineError.self) { try plot(.table(rankTable()), ["measure": .string("erank2")]) }
    #expect(throws: EngineError.self) { try plot(.table(rankTable()), ["kind": .string("heatmpa")]) }
    #expect(throws: ArgumentError.self) { try plot(.string("x")) }
}

@Test func terminalSizeAndColourComeFromTheContext() throws {
    let tensor = try Tensor(shape: [4], values: [100, 10, 1, 0.1])
    let coloured = try plot(.tensor(tensor), ["log": .bool(true)], terminal: TerminalInfo(width: 60, height: 20, colour: true))
    #expect(coloured.contains("\u{1B}[38;5;"))
    #expect(coloured.unicodeScalars.contains { (0x2800...0x28FF).contains($0.value) })
    let exact = try plot(.tensor(tensor), ["log": .bool(true)], terminal: TerminalInfo(width: 60, height: 20, colour: true, trueColour: true))
    #expect(exact.contains("\u{1B}[38;2;") && !exact.contains("\u{1B}[38;5;"))
    let plain = try plot(.tensor(tensor), ["log": .bool(true)], terminal: TerminalInfo(width: 60, height: 20, colour: false))
    #expect(plain.unicodeScalars.allSatisfy { $0.isASCII })
    let lines = plain.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count <= 20 && lines.allSatisfy { $0.count <= 60 })
    #expect(lines.contains { $0.count > 50 })
}

@Test func fileWritesAnSVGAtomicallyAndSaysSo() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mvs-plot-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("rank.svg").path
    let confirmation = try plot(.table(rankTable()), ["file": .string(path), "title": .string("R & D <1>")])
    #expect(confirmation == "wrote \(path) (R & D <1>)")
    let svg = try String(contentsOfFile: path, encoding: .utf8)
    #expect(svg.hasPrefix("<?xml") && svg.contains("R &amp; D &lt;1&gt;"))
    // Plotting again replaces the file and leaves no temporary behind.
    _ = try plot(.table(rankTable()), ["file": .string(path), "measure": .string("srank")])
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["rank.svg"])
    #expect(try String(contentsOfFile: path, encoding: .utf8).contains("srank by layer"))
    #expect(throws: EngineError.self) { try plot(.table(rankTable()), ["file": .string(directory.path + "/missing/x.svg")]) }
}
