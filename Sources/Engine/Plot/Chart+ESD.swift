// The ESD of one matrix of a ww table on log–log axes, with its fitted power law, xmin and the MP bulk edge.
import Foundation

extension Chart {
    /// The empirical spectral density of row `name` of a `ww` table (its eigenvalues attached under that name)
    /// as WeightWatcher draws it: the density of λ > xmin/100 over log-spaced bins, the fitted power law
    /// (n_tail/n)·(α − 1)/xmin·(λ/xmin)^−α over [xmin, xmax] (scaled so it overlays the whole ESD), and
    /// vertical lines at xmin and at the Marchenko–Pastur bulk edge λ₊.
    public static func esd(_ table: Table, name: String, options: ChartOptions = ChartOptions()) throws -> Chart {
        guard case let .string(names)? = table.columns["name"], table.columns["alpha"] != nil else {
            throw EngineError.invalidArgument("plot: an ESD needs a ww table (name, alpha, xmin … columns); this one has \(table.columnNames.joined(separator: ", "))")
        }
        guard let row = names.firstIndex(of: name) else {
            throw EngineError.unknownName(name, context: "matrix in the ww table", suggestion: Suggest.closest(to: name, in: names))
        }
        guard let attached = table.attachments[name] else {
            throw EngineError.invalidArgument("plot: the ww table holds no eigenvalues for '\(name)' (made with spectra=false?)")
        }
        func number(_ column: String) throws -> Double {
            guard let values = try numbers(table.column(column)) else {
                throw EngineError.invalidArgument("plot: column '\(column)' is not numeric")
            }
            return values[row]
        }
        let alpha = try number("alpha"), xmin = try number("xmin"), xmax = try number("xmax")
        let tail = try number("num_pl_spikes"), bulkMax = try number("bulk_max")
        let all = attached.buffer.map(Double.init).filter(\.isFinite)
        // WeightWatcher draws λ > xmin/100 (0.4 % of λmax when the fit failed): the near-zero end is noise.
        let floor = xmin > 0 ? xmin / 100 : 0.004 * (all.max() ?? 0)
        let lambdas = all.filter { $0 > floor && $0 > 0 }
        guard let low = lambdas.min(), let high = lambdas.max(), high > low else {
            throw EngineError.invalidArgument("plot: '\(name)' has fewer than two distinct positive eigenvalues to draw")
        }
        // Density over log-spaced bins: count / (n · width), drawn at each bin's geometric centre.
        let bins = options.bins ?? min(max(Int(Double(lambdas.count).squareRoot()), 10), 60)
        let (logLow, logHigh) = (Foundation.log10(low), Foundation.log10(high))
        let edges = (0...bins).map { Foundation.pow(10, logLow + (logHigh - logLow) * Double($0) / Double(bins)) }
        var counts = [Int](repeating: 0, count: bins)
        for lambda in lambdas {
            let position = Int(((Foundation.log10(lambda) - logLow) / (logHigh - logLow) * Double(bins)).rounded(.down))
            counts[min(max(position, 0), bins - 1)] += 1
        }
        let total = Double(lambdas.count)
        let density = (0..<bins).compactMap { index -> Point? in
            guard counts[index] > 0 else { return nil }
            return Point(x: (edges[index] * edges[index + 1]).squareRoot(), y: Double(counts[index]) / (total * (edges[index + 1] - edges[index])))
        }
        var series = [Series(name: "ESD", points: density)]
        let heights = density.map(\.y)
        let bottom = heights.min() ?? 1, top = heights.max() ?? 1
        func vertical(_ label: String, at x: Double) -> Series {
            Series(name: label, points: [Point(x: x, y: bottom), Point(x: x, y: top)])
        }
        if alpha > 1, xmin > 0, xmax > xmin {
            let scale = tail / total * (alpha - 1) / xmin
            let law = (0...24).map { step -> Point in
                let x = xmin * Foundation.pow(xmax / xmin, Double(step) / 24)
                return Point(x: x, y: scale * Foundation.pow(x / xmin, -alpha))
            }
            series.append(Series(name: "power law α=\(format(alpha))", points: law))
            series.append(vertical("xmin=\(format(xmin))", at: xmin))
        }
        if bulkMax > 0 { series.append(vertical("MP edge λ₊=\(format(bulkMax))", at: bulkMax)) }
        return Chart(title: options.title ?? "ESD of \(name)", x: Axis(label: "eigenvalue λ", log: true),
                     y: Axis(label: "density", log: true), marks: .lines(series))
    }

    /// Four significant digits for legend text.
    private static func format(_ value: Double) -> String {
        String(format: "%.4g", value)
    }
}
