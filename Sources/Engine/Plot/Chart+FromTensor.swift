// Charts from tensors: a histogram of values, a spectrum on a log scale, a matrix as a heatmap, rows as a PCA scatter.
import Foundation

extension Chart {
    /// Heatmaps of larger matrices are block means on at most this many cells per side, so SVGs stay small.
    public static let maxHeatmapSide = 96

    /// A chart of a tensor: a 1-D tensor is a histogram (a spectrum on a log scale with `log` or kind
    /// `spectrum`, a line with kind `lines`), a matrix is a heatmap (kind `scatter`: its rows' PCA).
    public static func from(_ tensor: Tensor, options: ChartOptions = ChartOptions()) throws -> Chart {
        let kind = options.kind ?? (tensor.ndim == 2 ? .heatmap : (options.log ? .spectrum : .histogram))
        switch kind {
        case .histogram:
            return try histogram(tensor.buffer, bins: options.bins, title: options.title)
        case .spectrum, .lines:
            guard tensor.ndim == 1 else {
                throw EngineError.invalidArgument("plot: kind \"\(kind.rawValue)\" needs a 1-D tensor, got \(Shape.describe(tensor.shape))")
            }
            let points = tensor.buffer.enumerated().map { Point(x: Double($0.offset + 1), y: Double($0.element)) }
            let spectrum = kind == .spectrum
            return Chart(title: options.title ?? (spectrum ? "spectrum (\(tensor.count) values)" : "\(tensor.count) values"),
                         x: Axis(label: spectrum ? "index" : "position", integer: true),
                         y: Axis(label: spectrum ? "singular value" : "value", log: spectrum || options.log),
                         marks: .lines([Series(name: spectrum ? "σ" : "value", points: points)]))
        case .heatmap:
            guard let (rows, columns) = tensor.matrixShape else {
                throw EngineError.invalidArgument("plot: a heatmap needs a 2-D tensor, got \(Shape.describe(tensor.shape))")
            }
            return heatmap(tensor.buffer, rows: rows, columns: columns, title: options.title)
        case .esd:
            throw EngineError.invalidArgument("plot: kind \"esd\" draws a matrix of a ww table: plot(ww(m), name=\"layer.3.q\")")
        case .scatter:
            guard let (rows, columns) = tensor.matrixShape else {
                throw EngineError.invalidArgument("plot: a scatter needs a 2-D tensor of row vectors, got \(Shape.describe(tensor.shape))")
            }
            let vectors = VectorSet(matrix: tensor, names: (0..<rows).map { "row \($0)" }, labels: nil,
                                    columnNames: Array(repeating: "", count: columns), statistic: "tensor")
            var chart = try scatter(vectors: vectors, clustering: nil)
            if let title = options.title { chart.title = title }
            return chart
        }
    }

    /// A histogram of the finite values in equal-width bins (about √n bins, 10 to 50, unless `bins` is given).
    public static func histogram(_ values: UnsafeBufferPointer<Float>, bins: Int?, title: String?) throws -> Chart {
        var lower = Double.infinity, upper = -Double.infinity, finite = 0
        for value in values where value.isFinite {
            lower = min(lower, Double(value))
            upper = max(upper, Double(value))
            finite += 1
        }
        guard finite > 0 else { throw EngineError.invalidArgument("plot: no finite values to draw a histogram of") }
        if let bins, !(1...10_000).contains(bins) {
            throw EngineError.invalidArgument("plot: bins must be between 1 and 10000, got \(bins)")
        }
        let count = bins ?? min(50, max(10, Int(Double(finite).squareRoot().rounded(.up))))
        if upper == lower {
            // One value widened into a bin: relatively for large magnitudes, where ±0.5 is below a double's
            // precision and would leave a zero bin width (and 0 / 0 as a bin index).
            let pad = max(0.5, abs(lower) * 1e-6)
            lower -= pad
            upper += pad
        }
        let width = (upper - lower) / Double(count)
        var counts = [Int](repeating: 0, count: count)
        for (index, value) in values.enumerated() where value.isFinite {
            if index % 1_000_000 == 0 { try Interruption.check() }
            counts[min(Int((Double(value) - lower) / width), count - 1)] += 1
        }
        let edges = (0...count).map { $0 == count ? upper : lower + Double($0) * width }
        return Chart(title: title ?? "histogram of \(finite) values", x: Axis(label: "value"), y: Axis(label: "count", integer: true),
                     marks: .histogram(Histogram(edges: edges, counts: counts, skipped: values.count - finite)))
    }

    /// A matrix as a heatmap; larger than `maxHeatmapSide` on a side, as means over equal blocks.
    static func heatmap(_ values: UnsafeBufferPointer<Float>, rows: Int, columns: Int, title: String?,
                        labels: (rows: [String], columns: [String], x: String, y: String, scale: String)? = nil) -> Chart {
        let rowBlocks = blocks(rows), columnBlocks = blocks(columns)
        let grid = rowBlocks.map { rowRange in
            columnBlocks.map { columnRange -> Double in
                var sum = 0.0, count = 0
                for row in rowRange {
                    for column in columnRange where values[row * columns + column].isFinite {
                        sum += Double(values[row * columns + column])
                        count += 1
                    }
                }
                return count > 0 ? sum / Double(count) : .nan
            }
        }
        var name = "\(rows)×\(columns) matrix"
        if rowBlocks.count < rows || columnBlocks.count < columns {
            name += ", means of \(rowBlocks[0].count)×\(columnBlocks[0].count) blocks"
        }
        // A block of several rows or columns is labelled by its first.
        func label(_ names: [String]?, _ block: Range<Int>) -> String {
            guard let names, names.indices.contains(block.lowerBound) else { return String(block.lowerBound) }
            return block.count > 1 ? names[block.lowerBound] + "…" : names[block.lowerBound]
        }
        return Chart(title: title ?? name, x: Axis(label: labels?.x ?? "column"), y: Axis(label: labels?.y ?? "row"),
                     marks: .heatmap(Heatmap(rows: rowBlocks.map { label(labels?.rows, $0) },
                                             columns: columnBlocks.map { label(labels?.columns, $0) },
                                             values: grid, scaleLabel: labels?.scale ?? "value")))
    }

    /// Splits 0..<n into at most `maxHeatmapSide` contiguous blocks of equal size (the last may be shorter).
    private static func blocks(_ n: Int) -> [Range<Int>] {
        let size = max(1, (n + maxHeatmapSide - 1) / maxHeatmapSide)
        return stride(from: 0, to: n, by: size).map { $0..<min($0 + size, n) }
    }
}
