// The axis ticks of a chart, shared by both renderers so the SVG and the terminal agree.

extension Chart {
    /// Ticks for both axes aiming at about `xTarget` and `yTarget` ticks; nil for heatmaps and empty charts.
    /// Whole-number x axes (layers, indices) and histogram edges span exactly the data; other axes are
    /// rounded outwards to the nearest ticks.
    public func ticks(xTarget: Int, yTarget: Int) -> (x: Ticks, y: Ticks)? {
        if case .heatmap = marks { return nil }
        guard let bounds = dataBounds else { return nil }
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
