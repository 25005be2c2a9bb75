// The axis ticks of a chart, shared by both renderers so the SVG and the terminal agree.

extension Chart {
    /// Ticks for both axes aiming at about `xTarget` and `yTarget` ticks; nil for heatmaps and empty charts.
    /// Whole-number x axes (layers, indices) and histogram edges span exactly the data; other axes are
    /// rounded outwards to the nearest ticks. With `scatterMargin`, a scatter's ranges first grow by 5% on
    /// each side so that round markers (SVG) are not cut by the axes; a terminal cell needs no margin.
    public func ticks(xTarget: Int, yTarget: Int, scatterMargin: Bool = false) -> (x: Ticks, y: Ticks)? {
        if case .heatmap = marks { return nil }
        guard var bounds = dataBounds else { return nil }
        if scatterMargin, case .scatter = marks {
            func padded(_ range: ClosedRange<Double>, log: Bool) -> ClosedRange<Double> {
                let pad = (range.upperBound - range.lowerBound) * 0.05
                return log || pad == 0 ? range : (range.lowerBound - pad)...(range.upperBound + pad)
            }
            bounds = (padded(bounds.x, log: x.log), padded(bounds.y, log: y.log))
        }
        var exactX = x.integer
        if case .histogram = marks { exactX = true }
        if exactX, bounds.x.lowerBound == bounds.x.upperBound { exactX = false }
        let xTicks = Ticks.make(bounds.x, target: xTarget, log: x.log, integer: x.integer, exact: exactX)
        let yTicks = Ticks.make(bounds.y, target: yTarget, log: y.log, integer: y.integer)
        return (xTicks, yTicks)
    }

    /// The legend names of a line chart's series or a scatter's groups, in colour order.
    public var legendNames: [String] {
        switch marks {
        case let .lines(series): return series.map(\.name)
        case let .scatter(scatter): return scatter.groups
        case .heatmap, .histogram: return []
        }
    }
}
