// The chart model: a pure description of a picture (marks, axes, legend) that the renderers draw.

/// A picture to draw: a title, two axes and one kind of marks. Renderers turn it into SVG or terminal text.
public struct Chart: Sendable, Equatable {
    /// Shown above the plot.
    public var title: String
    /// The horizontal axis.
    public var x: Axis
    /// The vertical axis.
    public var y: Axis
    /// What is drawn.
    public var marks: Marks

    /// The kinds of chart `plot` can draw.
    public enum Kind: String, Sendable, CaseIterable {
        case lines, heatmap, scatter, histogram, spectrum, esd
    }
}

/// One axis: its label, and whether it is logarithmic or counts whole numbers.
public struct Axis: Sendable, Equatable {
    /// The axis title (`layer`, `erank`).
    public var label: String
    /// Base-10 logarithmic scale (only positive values are drawn).
    public var log = false
    /// Ticks fall on whole numbers only (layers, indices).
    public var integer = false
}

/// The marks of a chart; each case carries the data its legend describes.
public enum Marks: Sendable, Equatable {
    /// One polyline per series (rank against layer, a spectrum).
    case lines([Series])
    /// A grid of coloured cells (layer × component, a matrix).
    case heatmap(Heatmap)
    /// Points coloured by group with a marker letter each (a PCA of model vectors).
    case scatter(Scatter)
    /// Counts in equal-width bins.
    case histogram(Histogram)
}

/// A point in data coordinates.
public struct Point: Sendable, Equatable {
    public var x: Double
    public var y: Double
}

/// A named polyline; its colour and marker follow from its position among the chart's series.
public struct Series: Sendable, Equatable {
    /// Legend name (`q`, `ff1`).
    public var name: String
    /// Points in drawing order.
    public var points: [Point]
}

/// A matrix of values drawn as coloured cells; row 0 is drawn at the top.
public struct Heatmap: Sendable, Equatable {
    /// Row labels, top to bottom.
    public var rows: [String]
    /// Column labels, left to right.
    public var columns: [String]
    /// values[row][column]; NaN marks a missing cell.
    public var values: [[Double]]
    /// What the colour means (`rel`, `value`).
    public var scaleLabel: String

    /// The smallest and largest finite values, nil when there are none.
    public var range: (lower: Double, upper: Double)? {
        let finite = values.joined().filter(\.isFinite)
        guard let lower = finite.min(), let upper = finite.max() else { return nil }
        return (lower, upper)
    }

    /// How values map to colours; compute it once per drawing (it scans every cell).
    public var colours: HeatmapColours? {
        guard let range else { return nil }
        return HeatmapColours(range: range)
    }
}

/// The colour mapping of a heatmap: sequential low to high for values of one sign; for values of both
/// signs, diverging over ± the largest magnitude so that zero is the neutral middle and equal magnitudes
/// get equally strong colours.
public struct HeatmapColours: Sendable, Equatable {
    /// Whether values have both signs.
    public let diverging: Bool
    /// The values the colours span (lower, upper).
    public let lower: Double
    public let upper: Double

    /// The mapping for data spanning `range`.
    public init(range: (lower: Double, upper: Double)) {
        diverging = range.lower < 0 && range.upper > 0
        let magnitude = max(-range.lower, range.upper)
        lower = diverging ? -magnitude : range.lower
        upper = diverging ? magnitude : range.upper
    }

    /// The colour at fraction `t` of the span.
    public func colour(at t: Double) -> RGB {
        diverging ? ColourScale.diverging(t) : ColourScale.sequential(t)
    }

    /// The colour of a value.
    public func colour(of value: Double) -> RGB {
        colour(at: ColourScale.fraction(value, lower: lower, upper: upper))
    }
}

/// Points in groups (clusters); each point also carries a one-character marker (its label's key).
public struct Scatter: Sendable, Equatable {
    /// One drawn point.
    public struct Mark: Sendable, Equatable {
        public var position: Point
        /// The row's name (model name), shown as a tooltip in SVG.
        public var name: String
        /// Index into `groups`: the colour.
        public var group: Int
        /// A one-character marker (index into `markers`).
        public var marker: Int
    }

    /// The points.
    public var points: [Mark]
    /// Legend text per group (`cluster 0 · 12 · sentiment 100%`).
    public var groups: [String]
    /// Marker key and what it stands for (`s` → `sentiment`), in legend order.
    public var markers: [(key: Character, meaning: String)]

    public static func == (lhs: Scatter, rhs: Scatter) -> Bool {
        lhs.points == rhs.points && lhs.groups == rhs.groups
            && lhs.markers.map(\.key) == rhs.markers.map(\.key) && lhs.markers.map(\.meaning) == rhs.markers.map(\.meaning)
    }
}

/// Counts of values in equal-width bins.
public struct Histogram: Sendable, Equatable {
    /// Bin edges, one more than `counts`, increasing.
    public var edges: [Double]
    /// Values per bin.
    public var counts: [Int]
    /// Values left out because they are NaN or infinite.
    public var skipped: Int
}

extension Chart {
    /// The data range shown along x and y (before ticks round it outwards); nil when nothing can be drawn.
    public var dataBounds: (x: ClosedRange<Double>, y: ClosedRange<Double>)? {
        let points: [Point]
        switch marks {
        case let .lines(series): points = series.flatMap(\.points)
        case let .scatter(scatter): points = scatter.points.map(\.position)
        case let .histogram(histogram):
            guard let first = histogram.edges.first, let last = histogram.edges.last else { return nil }
            return (first...last, 0...Double(max(histogram.counts.max() ?? 0, 1)))
        case let .heatmap(heatmap):
            return (0...Double(heatmap.columns.count), 0...Double(heatmap.rows.count))
        }
        let drawable = points.filter { $0.x.isFinite && $0.y.isFinite && (!x.log || $0.x > 0) && (!y.log || $0.y > 0) }
        guard let first = drawable.first else { return nil }
        var bounds = (x: first.x...first.x, y: first.y...first.y)
        for point in drawable.dropFirst() {
            bounds.x = min(bounds.x.lowerBound, point.x)...max(bounds.x.upperBound, point.x)
            bounds.y = min(bounds.y.lowerBound, point.y)...max(bounds.y.upperBound, point.y)
        }
        return bounds
    }
}
