// Charts built from tables, tensors and vector sets: which kind, which series, cells, bins and points.
import Foundation
import Testing
@testable import Engine

/// Layers 0–2 × q, k with erank = 10·layer + (q: 1, k: 2) and srank = erank / 10, plus an embedding row.
private func rankTable(stacks: Bool = false) throws -> Table {
    var table = Table()
    if stacks { try table.append("stack", .string(["", "enc", "enc", "enc", "enc", "dec", "dec"])) }
    try table.append("layer", .int([-1, 0, 0, 1, 1, 2, 2]))
    try table.append("component", .string(["embed", "q", "k", "q", "k", "q", "k"]))
    try table.append("erank", .double([7, 1, 2, 11, 12, 21, 22]))
    try table.append("srank", .double([0.7, 0.1, 0.2, 1.1, 1.2, 2.1, 2.2]))
    return table
}

@Test func rankTableIsOneSeriesPerComponentWithoutTheEmbedding() throws {
    let chart = try Chart.from(rankTable())
    guard case let .lines(series) = chart.marks else { Issue.record("expected lines"); return }
    #expect(series.map(\.name) == ["q", "k"])
    #expect(series[0].points == [Point(x: 0, y: 1), Point(x: 1, y: 11), Point(x: 2, y: 21)])
    #expect(chart.y.label == "erank" && chart.x.label == "layer" && chart.x.integer)
    let srank = try Chart.from(rankTable(), options: ChartOptions(measure: "srank", log: true))
    guard case let .lines(sranks) = srank.marks else { Issue.record("expected lines"); return }
    #expect(sranks[1].points.map(\.y) == [0.2, 1.2, 2.2])
    #expect(srank.y.log)
}

@Test func unknownMeasureSuggestsTheClosestColumn() throws {
    #expect(throws: EngineError.unknownName("ernak", context: "numeric column", suggestion: "erank")) {
        try Chart.from(rankTable(), options: ChartOptions(measure: "ernak"))
    }
    var plain = Table()
    try plain.append("name", .string(["a"]))
    #expect(throws: EngineError.self) { try Chart.from(plain) }
    #expect(throws: EngineError.self) { try ChartOptions.kind(named: "heat") }
    #expect(throws: EngineError.self) { try Chart.from(rankTable(), options: ChartOptions(kind: .histogram)) }
}

@Test func stacksPrefixSeriesAndHeatmapRows() throws {
    let lines = try Chart.from(rankTable(stacks: true))
    #expect(lines.legendNames == ["enc.q", "enc.k", "dec.q", "dec.k"])
    let heatmap = try Chart.from(rankTable(stacks: true), options: ChartOptions(kind: .heatmap))
    guard case let .heatmap(grid) = heatmap.marks else { Issue.record("expected a heatmap"); return }
    #expect(grid.rows == ["dec.2", "enc.0", "enc.1"])
    #expect(grid.columns == ["q", "k"])
}

@Test func oneMeasureTableIsAHeatmapWithMissingCells() throws {
    var table = Table()
    try table.append("layer", .int([0, 0, 1]))
    try table.append("component", .string(["q", "k", "k"]))
    try table.append("rel", .double([0.1, 0.2, 0.4]))
    let chart = try Chart.from(table)
    guard case let .heatmap(grid) = chart.marks else { Issue.record("expected a heatmap"); return }
    #expect(grid.rows == ["0", "1"] && grid.columns == ["q", "k"])
    #expect(grid.values[0] == [0.1, 0.2])
    #expect(grid.values[1][0].isNaN && grid.values[1][1] == 0.4)
    #expect(grid.range! == (0.1, 0.4))
}

/// A constant tensor of large values (FuzzHDF5's finding): ±0.5 around 1e20 is below a double's precision, so the bin
/// width was 0 and the bin index 0 / 0 trapped. The value is widened relatively and lands in one bin.
@Test func histogramOfOneLargeValueDrawsOneBin() throws {
    for value: Float in [1e20, -3e38, 5] {
        let chart = try Chart.from(try Tensor(shape: [3], values: [value, value, value]), options: ChartOptions(bins: 4))
        guard case let .histogram(histogram) = chart.marks else { Issue.record("expected a histogram"); return }
        #expect(histogram.counts.reduce(0, +) == 3 && histogram.counts.filter { $0 > 0 }.count == 1, "\(value): \(histogram.counts)")
        #expect(histogram.edges.first! < Double(value) && Double(value) < histogram.edges.last!)
    }
}

@Test func histogramCountsEveryFiniteValueOnce() throws {
    // 0…9 in 5 bins of width 1.8: [0,1.8) 0 1, [1.8,3.6) 2 3, …, and 9 (the maximum) in the last bin.
    let values: [Float] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, .nan, .infinity]
    let chart = try Chart.from(try Tensor(shape: [12], values: values), options: ChartOptions(bins: 5))
    guard case let .histogram(histogram) = chart.marks else { Issue.record("expected a histogram"); return }
    #expect(histogram.counts == [2, 2, 2, 2, 2])
    #expect(histogram.skipped == 2)
    #expect(histogram.edges.count == 6 && histogram.edges.first == 0 && histogram.edges.last == 9)
    #expect(abs(histogram.edges[1] - 1.8) < 1e-12)
    // √n bins, at least 10.
    let many = try Chart.from(try Tensor(shape: [400], values: (0..<400).map(Float.init)))
    guard case let .histogram(twenty) = many.marks else { Issue.record("expected a histogram"); return }
    #expect(twenty.counts.count == 20 && twenty.counts.allSatisfy { $0 == 20 })
    #expect(throws: EngineError.self) { try Chart.from(try Tensor(shape: [1], values: [.nan])) }
}

@Test func spectrumIsIndexAgainstValueOnALogAxis() throws {
    let chart = try Chart.from(try Tensor(shape: [3], values: [9, 3, 0]), options: ChartOptions(kind: .spectrum))
    guard case let .lines(series) = chart.marks else { Issue.record("expected lines"); return }
    #expect(series[0].points == [Point(x: 1, y: 9), Point(x: 2, y: 3), Point(x: 3, y: 0)])
    #expect(chart.y.log)
    // The zero cannot be drawn on a log axis and does not stretch the bounds.
    #expect(chart.dataBounds?.y == 3...9)
}

@Test func largeMatrixHeatmapIsBlockMeans() throws {
    // 200 × 3: blocks of ceil(200/96) = 3 rows, so 67 row blocks; row block 0 holds rows 0–2 of value row + column.
    let matrix = try Tensor.build(shape: [200, 3]) { out in
        for row in 0..<200 { for column in 0..<3 { out[row * 3 + column] = Float(row + column) } }
    }
    let chart = try Chart.from(matrix)
    guard case let .heatmap(grid) = chart.marks else { Issue.record("expected a heatmap"); return }
    #expect(grid.rows.count == 67 && grid.columns == ["0", "1", "2"])
    #expect(grid.values[0][2] == 3)        // mean of 2, 3, 4
    #expect(grid.values[66] == [198.5, 199.5, 200.5])  // the last block holds rows 198 and 199
    #expect(grid.rows[1] == "3")
    #expect(chart.title.contains("3×1 blocks"))
    #expect(throws: EngineError.self) { try Chart.from(try Tensor(shape: [2, 2, 2], values: Array(repeating: 0, count: 8)), options: ChartOptions(kind: .heatmap)) }
}

@Test func scatterGroupsByClusterAndMarksByLabel() throws {
    var random = SeededRandom(seed: 7)
    let tasks = ["sentiment", "summary", "nli"]
    var values: [Float] = [], labels: [String] = []
    for row in 0..<12 {
        for column in 0..<5 { values.append(Float((column == row % 3 ? 4.0 : 0.0) + random.gaussian() * 0.1)) }
        labels.append(tasks[row % 3])
    }
    let vectors = VectorSet(matrix: try Tensor(shape: [12, 5], values: values), names: (0..<12).map { "m\($0)" },
                            labels: labels, columnNames: [], statistic: "test")
    let clustering = try Clustering.of(vectors, options: ClusterOptions(k: 3))
    let chart = try Chart.scatter(vectors: vectors, clustering: clustering)
    guard case let .scatter(scatter) = chart.marks else { Issue.record("expected a scatter"); return }
    #expect(scatter.points.count == 12)
    #expect(scatter.groups.count == 3 && scatter.groups.allSatisfy { $0.hasSuffix("100%") })
    // "summary" cannot take s (sentiment has it), so it takes its next letter, u.
    #expect(scatter.markers.map(\.key) == ["s", "u", "n"])
    #expect(scatter.points.map(\.marker) == (0..<12).map { $0 % 3 })
    // PCA scores are centred.
    #expect(abs(scatter.points.map(\.position.x).reduce(0, +)) < 1e-9)
    let wrong = VectorSet(matrix: try Tensor(shape: [2, 5], values: Array(values[0..<10])), names: ["a", "b"], labels: nil,
                          columnNames: [], statistic: "test")
    #expect(throws: EngineError.self) { try Chart.scatter(vectors: wrong, clustering: clustering) }
    let unclustered = try Chart.scatter(vectors: wrong, clustering: nil)
    guard case let .scatter(single) = unclustered.marks else { Issue.record("expected a scatter"); return }
    #expect(single.groups == ["2 vectors"] && single.markers.map(\.key) == ["0"])
}

/// A two-row ww table: layer 0 q with α = 3, xmin = 2, xmax = 8, 4 of 10 eigenvalues in the tail, λ₊ = 1.5;
/// its eigenvalues 0.5, 0.6, …, 1.0, 2, 4, 6, 8 are attached under its name.
private func heavyTailTable() throws -> Table {
    var table = Table()
    try table.append("layer", .int([-1, 0]))
    try table.append("component", .string(["embed", "q"]))
    try table.append("name", .string(["embed", "layer.0.q"]))
    try table.append("alpha", .double([4, 3]))
    try table.append("xmin", .double([1, 2]))
    try table.append("xmax", .double([5, 8]))
    try table.append("num_pl_spikes", .int([3, 4]))
    try table.append("bulk_max", .double([1, 1.5]))
    try table.append("warning", .string(["", ""]))
    table.attachments["layer.0.q"] = try Tensor(shape: [10], values: [8, 6, 4, 2, 1, 0.9, 0.8, 0.7, 0.6, 0.5])
    return table
}

@Test func aWWTableDrawsAlphaAsAHeatmapWithoutModelLevelRows() throws {
    let chart = try Chart.from(heavyTailTable())
    guard case let .heatmap(heatmap) = chart.marks else { Issue.record("expected a heatmap"); return }
    #expect(heatmap.scaleLabel == "alpha")
    #expect(heatmap.rows == ["0"] && heatmap.columns == ["q"] && heatmap.values == [[3]])
}

@Test func theESDOverlaysThePowerLawXminAndTheBulkEdge() throws {
    let chart = try Chart.from(heavyTailTable(), options: ChartOptions(name: "layer.0.q"))
    #expect(chart.x.log && chart.y.log)
    guard case let .lines(series) = chart.marks else { Issue.record("expected lines"); return }
    #expect(series.map(\.name) == ["ESD", "power law α=3", "xmin=2", "MP edge λ₊=1.5"])
    // All ten eigenvalues are above xmin/100, spread over 10 log-spaced bins from 0.5 to 8.
    let density = series[0].points
    #expect(density.count >= 5 && density.allSatisfy { $0.x >= 0.5 && $0.x <= 8 && $0.y > 0 })
    // The power law starts at (xmin, (4/10)·(α − 1)/xmin) = (2, 0.4) and ends at xmax with slope −α.
    let law = series[1].points
    #expect(abs(law[0].x - 2) < 1e-12 && abs(law[0].y - 0.4) < 1e-12)
    #expect(abs(law[law.count - 1].x - 8) < 1e-9 && abs(law[law.count - 1].y - 0.4 * pow(4, -3)) < 1e-12)
    #expect(series[2].points.allSatisfy { $0.x == 2 } && series[3].points.allSatisfy { $0.x == 1.5 })
    #expect(throws: EngineError.unknownName("layer.0.qq", context: "matrix in the ww table", suggestion: "layer.0.q")) {
        try Chart.from(heavyTailTable(), options: ChartOptions(name: "layer.0.qq"))
    }
    #expect(throws: EngineError.self) { try Chart.from(heavyTailTable(), options: ChartOptions(name: "embed")) }
}
