// Draws a chart as terminal text of a given size: Unicode braille, blocks and ANSI colour, or plain ASCII.

/// Renders charts as lines of text. A pure function of the chart, the size and the colour flag: Engine
/// knows nothing about terminals, the caller says how big the picture may be and whether colour is allowed.
public enum TextRenderer {
    /// Markers for line series without colour: the first free letter or digit of each series' name, so the
    /// marker `o` is component o and `q` is q, not whatever came third.
    static func seriesMarkers(_ series: [Series]) -> [Character] {
        // A lone line (a spectrum) has no legend to match: a plain star.
        guard series.count > 1 else { return series.map { _ in "*" } }
        var taken = Set<Character>()
        return series.map { line in
            let marker = Chart.markerKey(for: line.name.split(separator: ".").last.map(String.init) ?? line.name, taken: taken)
            taken.insert(marker)
            return marker
        }
    }

    /// The drawing characters of one mode.
    struct Glyphs {
        let vertical: Character, yTick: Character, horizontal: Character, xTick: Character, corner: Character
        let full: Character

        static let unicode = Glyphs(vertical: "│", yTick: "┤", horizontal: "─", xTick: "┬", corner: "└", full: "█")
        static let ascii = Glyphs(vertical: "|", yTick: "+", horizontal: "-", xTick: "+", corner: "+", full: "#")
    }

    /// The chart as `height` lines at most, each at most `width` columns. With `colour`: braille lines,
    /// block bars and cells, box-drawing axes and xterm-256 colour escapes; without: ASCII characters only
    /// (series told apart by marker characters, heatmap cells by shade characters). `trueColour` sends 24-bit
    /// colours (for terminals that announce `COLORTERM=truecolor`) instead of the nearest of 256.
    public static func render(_ chart: Chart, width: Int, height: Int, colour: Bool, trueColour: Bool = false) -> String {
        let width = max(width, 24), height = max(height, 8)
        let legend = legendEntries(chart, colour: colour)
        let legendLines = wrap(legend, width: width)
        let titleLines = chart.title.isEmpty ? 0 : 1
        let bodyHeight = max(height - titleLines - legendLines.count, 7)
        var body: TextCanvas
        switch chart.marks {
        case let .heatmap(heatmap): body = heatmapBody(heatmap, chart: chart, width: width, height: bodyHeight, colour: colour)
        default: body = axesBody(chart, width: width, height: bodyHeight, colour: colour)
        }
        var canvas = TextCanvas(width: width, height: titleLines + body.height + legendLines.count)
        if titleLines == 1 { canvas.write(chart.title, row: 0, column: 0) }
        for row in 0..<body.height {
            for column in 0..<width {
                let cell = body.cells[row][column]
                canvas.set(row: titleLines + row, column: column, cell.character, colour: cell.colour)
            }
        }
        for (index, line) in legendLines.enumerated() {
            var column = 0
            for (text, entryColour) in line {
                canvas.write(text, row: titleLines + body.height + index, column: column, colour: entryColour)
                column += text.count
            }
        }
        return canvas.lines(colour: colour, trueColour: trueColour).joined(separator: "\n")
    }

    // MARK: charts with numeric axes

    /// Lines, scatter and histogram: y label, plot area with ticked axes, x tick labels, x label.
    private static func axesBody(_ chart: Chart, width: Int, height: Int, colour: Bool) -> TextCanvas {
        let glyphs = colour ? Glyphs.unicode : Glyphs.ascii
        let plotHeight = height - 4
        var canvas = TextCanvas(width: width, height: height)
        // Decades are easy to read at every other row; linear ticks want about three rows apart.
        guard let probe = chart.ticks(xTarget: 5, yTarget: max(2, plotHeight / (chart.y.log ? 2 : 3))) else {
            canvas.write("(nothing to draw: no finite\(chart.y.log ? ", positive" : "") values)", row: 1, column: 0)
            return canvas
        }
        let yTicks = probe.y
        let labelWidth = yTicks.labels.map(\.count).max() ?? 1
        // Absurdly long tick labels are cut at the edge rather than leave no room to plot.
        let left = labelWidth + 1, plotWidth = max(4, width - left - 1)
        guard let xTicks = chart.ticks(xTarget: max(2, plotWidth / 8), yTarget: 1)?.x else { return canvas }
        let top = 1, axisRow = top + plotHeight
        canvas.write(chart.y.label, row: 0, column: 0)
        // Axes first, so marks that reach the edges are drawn over them.
        for row in top..<axisRow { canvas.set(row: row, column: labelWidth, glyphs.vertical) }
        canvas.set(row: axisRow, column: labelWidth, glyphs.corner)
        for column in left..<(left + plotWidth) { canvas.set(row: axisRow, column: column, glyphs.horizontal) }
        let frame = PlotFrame(left: left, top: top, width: plotWidth, height: plotHeight, x: xTicks, y: yTicks)
        var labelled = Set<Int>()
        for (value, label) in zip(yTicks.values, yTicks.labels) {
            let row = frame.row(value, subdivisions: 1)
            // Two ticks on one row (a short plot): keep the first rather than print one label over another.
            guard row >= 0, row < plotHeight, labelled.insert(row).inserted else { continue }
            canvas.write(String(repeating: " ", count: labelWidth - label.count) + label, row: top + row, column: 0)
            canvas.set(row: top + row, column: labelWidth, glyphs.yTick)
        }
        for (value, label) in zip(xTicks.values, xTicks.labels) {
            let column = frame.column(value, subdivisions: 1)
            guard column >= 0, column < plotWidth else { continue }
            canvas.set(row: axisRow, column: left + column, glyphs.xTick)
            place(label, centredAt: left + column, row: axisRow + 1, on: &canvas)
        }
        let xLabel = chart.x.label
        canvas.write(xLabel, row: axisRow + 2, column: max(left, left + (plotWidth - xLabel.count) / 2))
        switch chart.marks {
        case let .lines(series): drawLines(series, frame: frame, on: &canvas, colour: colour)
        case let .scatter(scatter): drawScatter(scatter, frame: frame, on: &canvas, colour: colour)
        case let .histogram(histogram): drawHistogram(histogram, frame: frame, on: &canvas, glyphs: glyphs, colour: colour)
        case .heatmap: break
        }
        return canvas
    }

    /// The plot area of an axes body and the mapping from data values to cells (or sub-cell dots).
    private struct PlotFrame {
        let left: Int, top: Int, width: Int, height: Int
        let x: Ticks, y: Ticks

        /// The column (in units of 1/`subdivisions` cell) of `value`; 0 at the domain start.
        func column(_ value: Double, subdivisions: Int) -> Int {
            Int((x.position(of: value) * Double(width * subdivisions - 1)).rounded())
        }

        /// The row from the top (in units of 1/`subdivisions` cell) of `value`.
        func row(_ value: Double, subdivisions: Int) -> Int {
            Int(((1 - y.position(of: value)) * Double(height * subdivisions - 1)).rounded())
        }

        /// Whether a point can be drawn on these axes (finite, positive on log axes).
        func drawable(_ point: Point) -> Bool {
            point.x.isFinite && point.y.isFinite && (!x.log || point.x > 0) && (!y.log || point.y > 0)
        }
    }

    /// Series as braille polylines in colour, or as marker characters along each segment without.
    private static func drawLines(_ series: [Series], frame: PlotFrame, on canvas: inout TextCanvas, colour: Bool) {
        let subX = colour ? 2 : 1, subY = colour ? 4 : 1
        var braille = BrailleLayer(columns: frame.width, rows: frame.height)
        let markers = seriesMarkers(series)
        for (index, line) in series.enumerated() {
            let paint = ColourScale.category(index)
            let marker = markers[index]
            var previous: (Int, Int)?
            for point in line.points {
                guard frame.drawable(point) else { previous = nil; continue }
                let dot = (frame.column(point.x, subdivisions: subX), frame.row(point.y, subdivisions: subY))
                for (x, y) in segment(from: previous ?? dot, to: dot) {
                    if colour {
                        braille.set(x: x, y: y, colour: paint)
                    } else if x >= 0, x < frame.width, y >= 0, y < frame.height {
                        canvas.set(row: frame.top + y, column: frame.left + x, marker)
                    }
                }
                previous = dot
            }
        }
        if colour { braille.draw(on: &canvas, top: frame.top, left: frame.left) }
    }

    /// The grid positions on the straight segment between two positions, both ends included.
    private static func segment(from start: (Int, Int), to end: (Int, Int)) -> [(Int, Int)] {
        let steps = max(abs(end.0 - start.0), abs(end.1 - start.1))
        guard steps > 0 else { return [end] }
        return (0...steps).map { step in
            let t = Double(step) / Double(steps)
            // Rounding the offset, not the position, keeps mirrored segments mirror images.
            return (start.0 + Int((t * Double(end.0 - start.0)).rounded()),
                    start.1 + Int((t * Double(end.1 - start.1)).rounded()))
        }
    }

    /// Points as one character each: the label's marker in the cluster's colour, or the cluster key without colour.
    private static func drawScatter(_ scatter: Scatter, frame: PlotFrame, on canvas: inout TextCanvas, colour: Bool) {
        for point in scatter.points where frame.drawable(point.position) {
            let column = frame.column(point.position.x, subdivisions: 1), row = frame.row(point.position.y, subdivisions: 1)
            canvas.set(row: frame.top + row, column: frame.left + column, scatterCharacter(point, scatter, colour: colour),
                       colour: colour ? ColourScale.category(point.group) : nil)
        }
    }

    /// What a scatter point shows: in colour the label marker; without colour the cluster key when there are clusters.
    private static func scatterCharacter(_ point: Scatter.Mark, _ scatter: Scatter, colour: Bool) -> Character {
        if !colour, scatter.groups.count > 1 { return Chart.groupKey(point.group) }
        return scatter.markers.indices.contains(point.marker) ? scatter.markers[point.marker].key : "o"
    }

    /// Bars: eighth blocks in colour, whole `#` cells without.
    private static func drawHistogram(_ histogram: Histogram, frame: PlotFrame, on canvas: inout TextCanvas,
                                      glyphs: Glyphs, colour: Bool) {
        // More bins than columns: add neighbours together so each bar is at least one column.
        let group = max(1, (histogram.counts.count + frame.width - 1) / frame.width)
        let bars = stride(from: 0, to: histogram.counts.count, by: group).map { histogram.counts[$0..<min($0 + group, histogram.counts.count)].reduce(0, +) }
        let eighths: [Character] = Array("▁▂▃▄▅▆▇")
        let paint = colour ? ColourScale.category(0) : nil
        let subdivisions = colour ? 8 : 1
        for (index, count) in bars.enumerated() where count > 0 {
            let first = index * frame.width / bars.count, last = (index + 1) * frame.width / bars.count
            // The bar's top sits where the y ticks put its count; the bottom row is the zero line.
            let units = frame.height * subdivisions - frame.row(Double(count), subdivisions: subdivisions)
            for column in first..<max(last, first + 1) {
                for level in 0..<frame.height {
                    let filled = units - level * subdivisions
                    guard filled > 0 else { break }
                    let character = filled >= subdivisions ? glyphs.full : eighths[filled - 1]
                    canvas.set(row: frame.top + frame.height - 1 - level, column: frame.left + column, character, colour: paint)
                }
            }
        }
    }

    // MARK: heatmaps

    /// A heatmap: row labels, cells (shade characters, or coloured blocks), column labels, x label.
    private static func heatmapBody(_ heatmap: Heatmap, chart: Chart, width: Int, height: Int, colour: Bool) -> TextCanvas {
        let labelWidth = max(heatmap.rows.map(\.count).max() ?? 1, 1)
        let left = labelWidth + 1
        let available = (width: width - left - 1, height: height - 3)
        let rowGroups = groups(heatmap.rows.count, limit: available.height)
        let columnGroups = groups(heatmap.columns.count, limit: available.width)
        let cellWidth = max(1, min(available.width / max(columnGroups.count, 1), 8))
        let cellHeight = max(1, min(available.height / max(rowGroups.count, 1), cellWidth / 4))
        var canvas = TextCanvas(width: width, height: 3 + rowGroups.count * cellHeight)
        canvas.write(chart.y.label, row: 0, column: 0)
        guard let range = heatmap.range, let colours = heatmap.colours else {
            canvas.write("(nothing to draw: no finite values)", row: 1, column: 0)
            return canvas
        }
        for (rowIndex, rows) in rowGroups.enumerated() {
            let label = heatmap.rows[rows.lowerBound]
            let top = 1 + rowIndex * cellHeight
            canvas.write(String(repeating: " ", count: labelWidth - label.count) + label, row: top, column: 0)
            for (columnIndex, columns) in columnGroups.enumerated() {
                let cells = rows.flatMap { row in columns.map { heatmap.values[row][$0] } }.filter(\.isFinite)
                guard !cells.isEmpty else { continue }
                let mean = cells.reduce(0, +) / Double(cells.count)
                let character = colour ? Glyphs.unicode.full : ColourScale.shade(ColourScale.fraction(mean, lower: range.lower, upper: range.upper))
                for dy in 0..<cellHeight {
                    for dx in 0..<cellWidth {
                        canvas.set(row: top + dy, column: left + columnIndex * cellWidth + dx, character,
                                   colour: colour ? colours.colour(of: mean) : nil)
                    }
                }
            }
        }
        let labelRow = 1 + rowGroups.count * cellHeight
        for (columnIndex, columns) in columnGroups.enumerated() {
            place(heatmap.columns[columns.lowerBound], centredAt: left + columnIndex * cellWidth + (cellWidth - 1) / 2,
                  row: labelRow, on: &canvas)
        }
        let gridWidth = columnGroups.count * cellWidth
        canvas.write(chart.x.label, row: labelRow + 1, column: left + max(0, (gridWidth - chart.x.label.count) / 2))
        return canvas
    }

    /// Splits 0..<count into at most `limit` contiguous groups of equal size (the last may be shorter).
    private static func groups(_ count: Int, limit: Int) -> [Range<Int>] {
        let size = max(1, (count + max(limit, 1) - 1) / max(limit, 1))
        return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }

    // MARK: labels and legends

    /// Writes `label` centred on `column` (kept inside the canvas) unless it would touch text already there.
    private static func place(_ label: String, centredAt column: Int, row: Int, on canvas: inout TextCanvas) {
        let start = min(max(0, column - (label.count - 1) / 2), max(0, canvas.width - label.count))
        guard canvas.isBlank(row: row, columns: max(0, start - 1)..<min(canvas.width, start + label.count + 1)) else { return }
        canvas.write(label, row: row, column: start)
    }

    /// Legend entries: each a list of (text, colour) pieces kept together on one line.
    private static func legendEntries(_ chart: Chart, colour: Bool) -> [[(String, RGB?)]] {
        switch chart.marks {
        case let .lines(series):
            guard series.count > 1 else { return [] }
            let markers = seriesMarkers(series)
            return series.enumerated().map { index, line in
                colour ? [("━━", ColourScale.category(index)), (" " + line.name, nil)]
                       : [("\(markers[index]) \(line.name)", nil)]
            }
        case let .scatter(scatter):
            if colour {
                let groups: [[(String, RGB?)]] = scatter.groups.count > 1
                    ? scatter.groups.enumerated().map { [("●", ColourScale.category($0.offset)), (" " + $0.element, nil)] } : []
                return groups + scatter.markers.map { [("\($0.key) \($0.meaning)", nil)] }
            }
            if scatter.groups.count > 1 {
                return scatter.groups.enumerated().map { [("\(Chart.groupKey($0.offset)) \($0.element)", nil)] }
            }
            return scatter.markers.map { [("\($0.key) \($0.meaning)", nil)] }
        case let .heatmap(heatmap):
            // Shades band the data range; colours span HeatmapColours (symmetric about zero for signed data).
            guard let data = heatmap.range, let colours = heatmap.colours else { return [] }
            let range = colour ? (lower: colours.lower, upper: colours.upper) : data
            let ramp: [(String, RGB?)] = colour
                ? (0..<9).map { (String(Glyphs.unicode.full), colours.colour(at: Double($0) / 8)) }
                : [(String(ColourScale.shades), nil)]
            var entry: [(String, RGB?)] = [("\(heatmap.scaleLabel) \(Ticks.shortLabel(range.lower)) ", nil)]
            entry += ramp
            entry.append((" \(Ticks.shortLabel(range.upper))", nil))
            let missing = heatmap.values.joined().contains { !$0.isFinite }
            return [entry] + (missing ? [[("blank: missing", nil)]] : [])
        case let .histogram(histogram):
            let total = histogram.counts.reduce(0, +)
            let width = histogram.edges.count > 1 ? histogram.edges[1] - histogram.edges[0] : 0
            var text = "\(total) values in \(histogram.counts.count) bins of width \(Ticks.shortLabel(width))"
            if histogram.skipped > 0 { text += "; \(histogram.skipped) NaN or infinite left out" }
            return [[(text, nil)]]
        }
    }

    /// Packs entries into lines of at most `width` columns, two spaces apart; an entry too long for a line is cut.
    private static func wrap(_ entries: [[(String, RGB?)]], width: Int) -> [[(String, RGB?)]] {
        var lines: [[(String, RGB?)]] = []
        var current: [(String, RGB?)] = [], used = 0
        for entry in entries {
            let length = entry.reduce(0) { $0 + $1.0.count }
            if used > 0, used + 2 + length > width {
                lines.append(current)
                current = []
                used = 0
            }
            if used > 0 {
                current.append(("  ", nil))
                used += 2
            }
            for (text, colour) in entry where used < width {
                let piece = String(text.prefix(width - used))
                current.append((piece, colour))
                used += piece.count
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
