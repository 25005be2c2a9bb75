// A directed tree (a lineage: parent → child edges) drawn as indented terminal text or a layered SVG.
import Foundation

/// A forest of named nodes with labelled parent → child edges, in the order the edges were given.
public struct TreeDiagram: Sendable {
    /// Title of the SVG.
    public var title: String
    /// Nodes without a parent, in first-seen order.
    public let roots: [String]
    /// Children of each node, in edge order.
    public let children: [String: [String]]
    /// The label of the edge into each child (e.g. its distance).
    public let edgeLabels: [String: String]

    /// A diagram from edges; throws when a node has two parents or the edges contain a cycle.
    public init(title: String, parents: [String], children: [String], edgeLabels: [String]) throws {
        var byParent: [String: [String]] = [:]
        var parentOf: [String: String] = [:]
        var labels: [String: String] = [:]
        var seen: [String] = []
        for (index, (parent, child)) in zip(parents, children).enumerated() {
            if let existing = parentOf[child] {
                throw EngineError.invalidArgument("tree: '\(child)' has two parents, '\(existing)' and '\(parent)'")
            }
            parentOf[child] = parent
            byParent[parent, default: []].append(child)
            labels[child] = index < edgeLabels.count ? edgeLabels[index] : ""
            for node in [parent, child] where !seen.contains(node) { seen.append(node) }
        }
        let roots = seen.filter { parentOf[$0] == nil }
        guard !roots.isEmpty || seen.isEmpty else { throw EngineError.invalidArgument("tree: the edges form a cycle") }
        self.title = title
        self.roots = roots
        self.children = byParent
        self.edgeLabels = labels
    }

    /// The diagram of a lineage table (`parent` and `child` columns; `distance` labels the edges), or nil
    /// when the table has no such columns.
    public static func from(_ table: Table) throws -> TreeDiagram? {
        guard case let .string(parents)? = table.columns["parent"], case let .string(children)? = table.columns["child"] else {
            return nil
        }
        var labels: [String] = []
        if case let .double(distances)? = table.columns["distance"] { labels = distances.map { String(format: "%.4g", $0) } }
        return try TreeDiagram(title: "lineage", parents: parents, children: children, edgeLabels: labels)
    }

    /// Nodes in depth-first order with their depth.
    private func walk() -> [(node: String, depth: Int, last: [Bool])] {
        var out: [(String, Int, [Bool])] = []
        func visit(_ node: String, _ depth: Int, _ last: [Bool]) {
            out.append((node, depth, last))
            guard depth < 10_000 else { return }
            let kids = children[node] ?? []
            for (index, child) in kids.enumerated() { visit(child, depth + 1, last + [index == kids.count - 1]) }
        }
        for root in roots { visit(root, 0, []) }
        return out
    }

    /// The tree as indented text with box-drawing branches (`├──`, `└──`) and each edge's label.
    public func text() -> String {
        var lines: [String] = []
        for (node, _, last) in walk() {
            var prefix = ""
            for flag in last.dropLast() { prefix += flag ? "    " : "│   " }
            if let final = last.last { prefix += final ? "└── " : "├── " }
            let label = edgeLabels[node].map { $0.isEmpty ? "" : "  (\($0))" } ?? ""
            lines.append(prefix + node + label)
        }
        return lines.joined(separator: "\n")
    }

    /// The tree as an SVG: one row per generation, leaves spread evenly, each parent centred over its
    /// children, arrows from parent to child labelled with the edge label.
    public func svg(width: Int = 720, height: Int = 450) -> String {
        let nodes = walk()
        let depth = (nodes.map(\.depth).max() ?? 0) + 1
        var x: [String: Double] = [:]
        var leaves = 0.0
        func place(_ node: String) -> Double {
            let kids = children[node] ?? []
            if kids.isEmpty {
                leaves += 1
                x[node] = leaves
                return leaves
            }
            let positions = kids.map(place)
            let centre = ((positions.first ?? 0) + (positions.last ?? 0)) / 2
            x[node] = centre
            return centre
        }
        for root in roots { _ = place(root) }
        let (w, h) = (Double(max(width, 240)), Double(max(height, 180)))
        let (left, top) = (40.0, 50.0)
        let columnWidth = (w - 2 * left) / max(leaves - 1, 1)
        let rowHeight = (h - top - 40) / Double(max(depth - 1, 1))
        func point(_ node: String, _ level: Int) -> (Double, Double) {
            let position = leaves > 1 ? left + ((x[node] ?? 1) - 1) * columnWidth : w / 2
            return (position, top + Double(level) * rowHeight)
        }
        var levels: [String: Int] = [:]
        for (node, level, _) in nodes { levels[node] = level }
        var svg = SVGBuilder()
        svg.open("svg", ["xmlns": "http://www.w3.org/2000/svg", "width": SVGRenderer.fmt(w), "height": SVGRenderer.fmt(h),
                         "viewBox": "0 0 \(SVGRenderer.fmt(w)) \(SVGRenderer.fmt(h))",
                         "font-family": "Helvetica, Arial, sans-serif", "font-size": "11"])
        svg.element("title", text: title)
        svg.empty("rect", ["width": "100%", "height": "100%", "fill": "white"])
        svg.open("defs")
        svg.open("marker", ["id": "arrow", "viewBox": "0 0 10 10", "refX": "16", "refY": "5", "markerWidth": "7",
                            "markerHeight": "7", "orient": "auto-start-reverse"])
        svg.empty("path", ["d": "M 0 0 L 10 5 L 0 10 z", "fill": "#555"])
        svg.close("marker")
        svg.close("defs")
        svg.element("text", ["x": SVGRenderer.fmt(w / 2), "y": "22", "text-anchor": "middle", "font-size": "15",
                             "font-weight": "bold"], text: title)
        for (node, level, _) in nodes {
            for child in children[node] ?? [] {
                let (x1, y1) = point(node, level), (x2, y2) = point(child, level + 1)
                svg.empty("line", ["x1": SVGRenderer.fmt(x1), "y1": SVGRenderer.fmt(y1), "x2": SVGRenderer.fmt(x2),
                                   "y2": SVGRenderer.fmt(y2), "stroke": "#555", "marker-end": "url(#arrow)"])
                if let label = edgeLabels[child], !label.isEmpty {
                    svg.element("text", ["x": SVGRenderer.fmt((x1 + x2) / 2 + 4), "y": SVGRenderer.fmt((y1 + y2) / 2),
                                         "fill": "#777", "font-size": "9"], text: label)
                }
            }
        }
        for (node, level, _) in nodes {
            let (cx, cy) = point(node, level)
            svg.empty("circle", ["cx": SVGRenderer.fmt(cx), "cy": SVGRenderer.fmt(cy), "r": "5",
                                 "fill": level == 0 ? "#d62728" : "#1f77b4"])
            svg.element("text", ["x": SVGRenderer.fmt(cx), "y": SVGRenderer.fmt(cy + 17), "text-anchor": "middle"], text: node)
        }
        svg.close("svg")
        return svg.text
    }

    /// Writes the SVG to `path`, replacing an existing file only once the new one is complete.
    public func writeSVG(to path: String, width: Int = 720, height: Int = 450) throws {
        try SVGRenderer.write(svg(width: width, height: height), to: path)
    }
}
