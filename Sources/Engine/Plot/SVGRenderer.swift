// Draws a chart as a standalone SVG document: title, axes with ticks and labels, marks, and a legend or colour bar.
import Foundation

/// Renders charts as SVG text; a pure function of the chart and the picture size in pixels.
public enum SVGRenderer {
    /// Average advance of a 12 px sans-serif character, for laying out labels without measuring fonts.
    static let characterWidth = 7.0

    /// Text made safe inside XML or HTML elements and attribute values (notebook HTML tables use it too).
    public static func escapeMarkup(_ text: String) -> String {
        SVGBuilder.escape(text)
    }

    /// A complete SVG document of `width` × `height` pixels. Marks carry classes (`series`, `cell`,
    /// `point`, `bar`) and `<title>` tooltips with their values.
    public static func render(_ chart: Chart, width: Int = 720, height: Int = 450) -> String {
        let width = Double(max(width, 240)), height = Double(max(height, 180))
        var svg = SVGBuilder()
        svg.open("svg", ["xmlns": "http://www.w3.org/2000/svg", "width": fmt(width), "height": fmt(height),
                         "viewBox": "0 0 \(fmt(width)) \(fmt(height))", "font-family": "Helvetica, Arial, sans-serif",
                         "font-size": "12"])
        svg.element("title", text: chart.title)
        svg.empty("rect", ["width": "100%", "height": "100%", "fill": "white"])
        svg.element("text", ["class": "title", "x": fmt(width / 2), "y": "22", "text-anchor": "middle",
                             "font-size": "15", "font-weight": "bold"], text: chart.title)
        let legendWidth = legendColumnWidth(chart)
        switch chart.marks {
        case let .heatmap(heatmap):
            drawHeatmap(heatmap, chart: chart, width: width, height: height, on: &svg)
        default:
            drawAxesChart(chart, width: width, height: height, legendWidth: legendWidth, on: &svg)
        }
        svg.close("svg")
        return svg.text
    }

    // MARK: charts with numeric axes

    private static func drawAxesChart(_ chart: Chart, width: Double, height: Double, legendWidth: Double, on svg: inout SVGBuilder) {
        let top = 40.0, bottom = 52.0
        let plotHeight = height - top - bottom
        guard let probe = chart.ticks(xTarget: 5, yTarget: max(2, Int(plotHeight / 50)), scatterMargin: true) else {
            svg.element("text", ["x": fmt(width / 2), "y": fmt(height / 2), "text-anchor": "middle"],
                        text: "nothing to draw: no finite\(chart.y.log ? ", positive" : "") values")
            return
        }
        let labelWidth = Double(probe.y.labels.map(\.count).max() ?? 1) * characterWidth
        let left = 28 + labelWidth + 8
        // Long tick labels and legends in a narrow picture overlap rather than leave a negative plot width.
        let plotWidth = max(40, width - left - 16 - legendWidth)
        guard let xTicks = chart.ticks(xTarget: max(2, Int(plotWidth / 80)), yTarget: 1, scatterMargin: true)?.x else { return }
        let frame = Frame(left: left, top: top, width: plotWidth, height: plotHeight, x: xTicks, y: probe.y)
        svg.open("g", ["class": "axes", "stroke": "#222222", "stroke-width": "1"])
        for (value, label) in zip(frame.y.values, frame.y.labels) {
            let y = frame.py(value)
            svg.empty("line", ["class": "grid", "x1": fmt(left), "x2": fmt(left + plotWidth), "y1": fmt(y), "y2": fmt(y),
                               "stroke": "#e4e4e4"])
            svg.empty("line", ["class": "tick", "x1": fmt(left - 5), "x2": fmt(left), "y1": fmt(y), "y2": fmt(y)])
            svg.element("text", ["class": "tick-label", "x": fmt(left - 8), "y": fmt(y + 4), "text-anchor": "end",
                                 "stroke": "none", "fill": "#222222"], text: label)
        }
        for (value, label) in zip(frame.x.values, frame.x.labels) {
            let x = frame.px(value)
            svg.empty("line", ["class": "tick", "x1": fmt(x), "x2": fmt(x), "y1": fmt(top + plotHeight), "y2": fmt(top + plotHeight + 5)])
            svg.element("text", ["class": "tick-label", "x": fmt(x), "y": fmt(top + plotHeight + 18), "text-anchor": "middle",
                                 "stroke": "none", "fill": "#222222"], text: label)
        }
        svg.empty("path", ["class": "axis", "d": "M\(fmt(left)),\(fmt(top))V\(fmt(top + plotHeight))H\(fmt(left + plotWidth))", "fill": "none"])
        svg.close("g")
        svg.element("text", ["class": "x-label", "x": fmt(left + plotWidth / 2), "y": fmt(height - 12), "text-anchor": "middle"],
                    text: chart.x.label)
        svg.element("text", ["class": "y-label", "x": "0", "y": "0", "text-anchor": "middle",
                             "transform": "translate(16,\(fmt(top + plotHeight / 2))) rotate(-90)"], text: chart.y.label)
        svg.open("defs")
        svg.open("clipPath", ["id": "plot-area"])
        // Wide enough for a scatter marker (radius 8) centred on the edge.
        svg.empty("rect", ["x": fmt(left - 10), "y": fmt(top - 10), "width": fmt(plotWidth + 20), "height": fmt(plotHeight + 20)])
        svg.close("clipPath")
        svg.close("defs")
        svg.open("g", ["class": "marks", "clip-path": "url(#plot-area)"])
        switch chart.marks {
        case let .lines(series): drawLines(series, frame: frame, on: &svg)
        case let .scatter(scatter): drawScatter(scatter, frame: frame, on: &svg)
        case let .histogram(histogram): drawHistogram(histogram, frame: frame, on: &svg)
        case .heatmap: break
        }
        svg.close("g")
        drawLegend(chart, x: width - legendWidth, y: top, on: &svg)
    }

    /// The plot rectangle and the mapping from data values to pixels.
    private struct Frame {
        let left: Double, top: Double, width: Double, height: Double
        let x: Ticks, y: Ticks

        func px(_ value: Double) -> Double { left + x.position(of: value) * width }
        func py(_ value: Double) -> Double { top + (1 - y.position(of: value)) * height }
        func drawable(_ point: Point) -> Bool {
            point.x.isFinite && point.y.isFinite && (!x.log || point.x > 0) && (!y.log || point.y > 0)
        }
    }

    private static func drawLines(_ series: [Series], frame: Frame, on svg: inout SVGBuilder) {
        for (index, line) in series.enumerated() {
            let colour = ColourScale.category(index).hex
            svg.open("g", ["class": "series", "data-name": line.name])
            // A point that cannot be drawn (NaN, ≤ 0 on a log axis) breaks the line instead of joining across it.
            var runs: [[Point]] = [[]]
            for point in line.points {
                if frame.drawable(point) { runs[runs.count - 1].append(point) } else if !(runs.last?.isEmpty ?? true) { runs.append([]) }
            }
            for run in runs where !run.isEmpty {
                svg.empty("polyline", ["points": run.map { "\(fmt(frame.px($0.x))),\(fmt(frame.py($0.y)))" }.joined(separator: " "),
                                       "fill": "none", "stroke": colour, "stroke-width": "2", "stroke-linejoin": "round"])
            }
            if line.points.count <= 60 {
                for point in line.points where frame.drawable(point) {
                    svg.open("circle", ["class": "marker", "cx": fmt(frame.px(point.x)), "cy": fmt(frame.py(point.y)), "r": "3",
                                        "fill": colour])
                    svg.element("title", text: "\(line.name): \(Ticks.shortLabel(point.x)), \(Ticks.shortLabel(point.y))")
                    svg.close("circle")
                }
            }
            svg.close("g")
        }
    }

    private static func drawScatter(_ scatter: Scatter, frame: Frame, on svg: inout SVGBuilder) {
        for point in scatter.points where frame.drawable(point.position) {
            let x = frame.px(point.position.x), y = frame.py(point.position.y)
            let marker = scatter.markers.indices.contains(point.marker) ? scatter.markers[point.marker] : (key: "o", meaning: "")
            svg.open("g", ["class": "point", "data-group": String(point.group)])
            svg.element("title", text: marker.meaning.isEmpty ? point.name : "\(point.name) (\(marker.meaning))")
            svg.empty("circle", ["cx": fmt(x), "cy": fmt(y), "r": "8", "fill": ColourScale.category(point.group).hex,
                                 "stroke": "white", "stroke-width": "1"])
            svg.element("text", ["x": fmt(x), "y": fmt(y + 4), "text-anchor": "middle", "font-size": "11", "font-weight": "bold",
                                 "fill": "white"], text: String(marker.key))
            svg.close("g")
        }
    }

    private static func drawHistogram(_ histogram: Histogram, frame: Frame, on svg: inout SVGBuilder) {
        let colour = ColourScale.category(0).hex
        for (index, count) in histogram.counts.enumerated() where count > 0 {
            let x0 = frame.px(histogram.edges[index]), x1 = frame.px(histogram.edges[index + 1])
            let y = frame.py(Double(count)), base = frame.py(0)
            svg.open("rect", ["class": "bar", "x": fmt(x0), "y": fmt(y), "width": fmt(max(x1 - x0 - 0.5, 0.5)),
                              "height": fmt(base - y), "fill": colour])
            svg.element("title", text: "[\(Ticks.shortLabel(histogram.edges[index])), \(Ticks.shortLabel(histogram.edges[index + 1]))): \(count)")
            svg.close("rect")
        }
    }

    // MARK: legends

    /// Room on the right for the legend of series or clusters (none for histograms).
    private static func legendColumnWidth(_ chart: Chart) -> Double {
        var texts = chart.legendNames
        if case let .scatter(scatter) = chart.marks { texts += scatter.markers.map { "\($0.key)  \($0.meaning)" } }
        if case .lines = chart.marks, texts.count < 2 { return 0 }
        guard let longest = texts.map(\.count).max() else { return 0 }
        return min(260, 40 + Double(longest) * characterWidth)
    }

    private static func drawLegend(_ chart: Chart, x: Double, y: Double, on svg: inout SVGBuilder) {
        var rowY = y + 6
        svg.open("g", ["class": "legend"])
        switch chart.marks {
        case let .lines(series) where series.count > 1:
            for (index, line) in series.enumerated() {
                svg.empty("line", ["x1": fmt(x), "x2": fmt(x + 22), "y1": fmt(rowY), "y2": fmt(rowY),
                                   "stroke": ColourScale.category(index).hex, "stroke-width": "3"])
                svg.element("text", ["x": fmt(x + 28), "y": fmt(rowY + 4)], text: line.name)
                rowY += 18
            }
        case let .scatter(scatter):
            if scatter.groups.count > 1 {
                for (index, group) in scatter.groups.enumerated() {
                    svg.empty("circle", ["cx": fmt(x + 8), "cy": fmt(rowY), "r": "6", "fill": ColourScale.category(index).hex])
                    svg.element("text", ["x": fmt(x + 20), "y": fmt(rowY + 4)], text: group)
                    rowY += 18
                }
                rowY += 8
            }
            for marker in scatter.markers {
                svg.element("text", ["x": fmt(x + 8), "y": fmt(rowY + 4), "text-anchor": "middle", "font-weight": "bold"],
                            text: String(marker.key))
                svg.element("text", ["x": fmt(x + 20), "y": fmt(rowY + 4)], text: marker.meaning)
                rowY += 18
            }
        case let .histogram(histogram):
            let total = histogram.counts.reduce(0, +)
            var text = "\(total) values, \(histogram.counts.count) bins"
            if histogram.skipped > 0 { text += ", \(histogram.skipped) NaN/inf left out" }
            svg.element("text", ["x": fmt(x - 16), "y": fmt(y - 8), "text-anchor": "end", "font-size": "11", "fill": "#555555"], text: text)
        default: break
        }
        svg.close("g")
    }

    // MARK: heatmaps

    private static func drawHeatmap(_ heatmap: Heatmap, chart: Chart, width: Double, height: Double, on svg: inout SVGBuilder) {
        guard let colours = heatmap.colours else {
            svg.element("text", ["x": fmt(width / 2), "y": fmt(height / 2), "text-anchor": "middle"], text: "nothing to draw: no finite values")
            return
        }
        let rowLabelWidth = Double(heatmap.rows.map(\.count).max() ?? 1) * characterWidth
        let left = 28 + rowLabelWidth + 8, top = 40.0
        let gridWidth = max(40, width - left - 110)
        let columns = heatmap.columns.count, rows = heatmap.rows.count
        let cellWidth = gridWidth / Double(max(columns, 1))
        let longestColumn = Double(heatmap.columns.map(\.count).max() ?? 1) * characterWidth + 6
        // Column labels wider than their cells (`layer.3.ff1` over a profile) stand upright under the grid.
        let upright = longestColumn > cellWidth * 2
        let labelSpace = upright ? min(longestColumn + 8, height / 3) : 16
        let gridHeight = height - top - 40 - labelSpace
        let cellHeight = gridHeight / Double(max(rows, 1))
        // Tooltips on every cell of a large matrix would triple the file for little use.
        let tooltips = rows * columns <= 1024
        svg.open("g", ["class": "cells", "shape-rendering": "crispEdges"])
        for row in 0..<rows {
            for column in 0..<columns {
                let value = heatmap.values[row][column]
                let attributes = ["x": fmt(left + Double(column) * cellWidth), "y": fmt(top + Double(row) * cellHeight),
                                  "width": fmt(cellWidth + 0.3), "height": fmt(cellHeight + 0.3)]
                guard value.isFinite else {
                    svg.empty("rect", attributes.merging(["class": "missing", "fill": "#f0f0f0"]) { $1 })
                    continue
                }
                let cell = attributes.merging(["class": "cell", "fill": colours.colour(of: value).hex]) { $1 }
                guard tooltips else { svg.empty("rect", cell); continue }
                svg.open("rect", cell)
                svg.element("title", text: "\(chart.y.label) \(heatmap.rows[row]), \(chart.x.label) \(heatmap.columns[column]): \(Ticks.shortLabel(value))")
                svg.close("rect")
            }
        }
        svg.close("g")
        // Label every k-th row and column so labels never overlap.
        let rowStep = max(1, Int((16 / cellHeight).rounded(.up)))
        let columnStep = max(1, Int(((upright ? 14 : longestColumn) / cellWidth).rounded(.up)))
        svg.open("g", ["class": "labels", "fill": "#222222"])
        for row in stride(from: 0, to: rows, by: rowStep) {
            svg.element("text", ["x": fmt(left - 6), "y": fmt(top + (Double(row) + 0.5) * cellHeight + 4), "text-anchor": "end"],
                        text: heatmap.rows[row])
        }
        for column in stride(from: 0, to: columns, by: columnStep) {
            let x = left + (Double(column) + 0.5) * cellWidth
            if upright {
                svg.element("text", ["x": "0", "y": "0", "text-anchor": "end",
                                     "transform": "translate(\(fmt(x + 4)),\(fmt(top + gridHeight + 6))) rotate(-90)"], text: heatmap.columns[column])
            } else {
                svg.element("text", ["x": fmt(x), "y": fmt(top + gridHeight + 16), "text-anchor": "middle"], text: heatmap.columns[column])
            }
        }
        svg.close("g")
        svg.element("text", ["class": "x-label", "x": fmt(left + gridWidth / 2), "y": fmt(height - 12), "text-anchor": "middle"],
                    text: chart.x.label)
        svg.element("text", ["class": "y-label", "x": "0", "y": "0", "text-anchor": "middle",
                             "transform": "translate(16,\(fmt(top + gridHeight / 2))) rotate(-90)"], text: chart.y.label)
        drawColourBar(colours, label: heatmap.scaleLabel, x: width - 80, top: top, height: gridHeight, on: &svg)
    }

    /// A vertical gradient from the lowest (bottom) to the highest value (top), with ticks and the scale's name;
    /// for values of both signs it spans ± the largest magnitude with zero in the middle.
    private static func drawColourBar(_ colours: HeatmapColours, label: String, x: Double, top: Double, height: Double,
                                      on svg: inout SVGBuilder) {
        let range = (lower: colours.lower, upper: colours.upper)
        svg.open("defs")
        svg.open("linearGradient", ["id": "colour-scale", "x1": "0", "y1": "1", "x2": "0", "y2": "0"])
        for stop in 0...8 {
            svg.empty("stop", ["offset": fmt(Double(stop) / 8), "stop-color": colours.colour(at: Double(stop) / 8).hex])
        }
        svg.close("linearGradient")
        svg.close("defs")
        svg.open("g", ["class": "colour-scale"])
        svg.element("text", ["x": fmt(x), "y": fmt(top - 8)], text: label)
        svg.empty("rect", ["x": fmt(x), "y": fmt(top), "width": "16", "height": fmt(height), "fill": "url(#colour-scale)",
                           "stroke": "#222222", "stroke-width": "0.5"])
        let ticks = range.upper > range.lower
            ? Ticks.linear(range.lower...range.upper, target: 5, exact: true)
            : Ticks(values: [range.lower], labels: [Ticks.shortLabel(range.lower)], domain: range.lower...range.upper, log: false)
        for (value, text) in zip(ticks.values, ticks.labels) {
            let y = top + (1 - ColourScale.fraction(value, lower: range.lower, upper: range.upper)) * height
            svg.empty("line", ["x1": fmt(x + 16), "x2": fmt(x + 20), "y1": fmt(y), "y2": fmt(y), "stroke": "#222222"])
            svg.element("text", ["x": fmt(x + 23), "y": fmt(y + 4), "font-size": "11"], text: text)
        }
        svg.close("g")
    }

    /// Pixel coordinates with at most two decimals and no trailing zeros.
    static func fmt(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if abs(rounded) < 1e15, rounded == rounded.rounded() { return String(Int(rounded)) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}

/// Accumulates SVG text with escaped attributes and content, indenting nested elements.
struct SVGBuilder {
    private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var depth = 0

    mutating func open(_ name: String, _ attributes: [String: String] = [:]) {
        line("<\(name)\(render(attributes))>")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        line("</\(name)>")
    }

    mutating func empty(_ name: String, _ attributes: [String: String]) {
        line("<\(name)\(render(attributes))/>")
    }

    mutating func element(_ name: String, _ attributes: [String: String] = [:], text content: String) {
        line("<\(name)\(render(attributes))>\(SVGBuilder.escape(content))</\(name)>")
    }

    private mutating func line(_ content: String) {
        text += String(repeating: "  ", count: max(depth, 0)) + content + "\n"
    }

    /// Attributes in a fixed order (sorted by name) so output is reproducible.
    private func render(_ attributes: [String: String]) -> String {
        attributes.sorted { $0.key < $1.key }.map { " \($0.key)=\"\(SVGBuilder.escape($0.value))\"" }.joined()
    }

    /// Escapes the five XML special characters and drops control characters.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            // XML 1.0 forbids most control characters even when escaped; a title could carry one.
            case let control where control.asciiValue.map({ $0 < 0x20 && $0 != 0x09 && $0 != 0x0A }) ?? false: continue
            default: result.append(character)
            }
        }
        return result
    }
}
