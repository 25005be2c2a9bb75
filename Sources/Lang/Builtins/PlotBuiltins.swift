// The plot builtin: a chart from a value, drawn as terminal text or written as an SVG file.
import Engine
import Foundation

enum PlotBuiltins {
    static let all: [Builtin] = [
        Builtin(name: "plot",
                parameters: [.required("value"), .optional("clustering", "none"), .optional("file", "none"), .optional("kind", "auto"), .optional("measure", "erank"),
                             .optional("title", "auto"), .optional("width", "terminal"), .optional("height", "terminal"),
                             .optional("log", "false"), .optional("bins", "auto"), .optional("x", "none"), .optional("y", "none"),
                             .optional("by", "none"), .optional("name", "none")],
                group: "plot",
                summary: "draw a table (x=, y=, by= columns as lines; a rank table by layer; a ww table's alpha, or one ESD with name=), matrix, spectrum, histogram or vectors (PCA, or kind=\"heatmap\"); file=\"x.svg\" writes SVG",
                example: "plot(rank(base), measure=\"erank\")") { arguments in
            if case let .table(table)? = arguments.value("value"), let tree = try TreeDiagram.from(table) {
                return try PlotBuiltins.draw(tree, arguments)
            }
            let chart = try PlotBuiltins.chart(arguments)
            if arguments.has("file") {
                let path = FilePath.expandingTilde(try arguments.string("file"))
                let (width, height) = try svgSize(arguments)
                try chart.writeSVG(to: path, width: width, height: height)
                arguments.context.write("wrote \(path) (\(chart.title))")
                return .none
            }
            if let display = arguments.context.display {
                let (width, height) = try svgSize(arguments)
                display(MIMEBundle(svg: SVGRenderer.render(chart, width: width, height: height), text: "plot: \(chart.title)"))
                return .none
            }
            let terminal = arguments.context.terminal
            // Not a terminal: a fixed size, so piped and golden output does not depend on the caller's window.
            let width = try arguments.int("width", default: terminal.map { min($0.width, 100) } ?? 80)
            let height = try arguments.int("height", default: terminal.map { min(max($0.height - 4, 12), 30) } ?? 24)
            guard (24...1_000).contains(width), (8...1_000).contains(height) else {
                throw ArgumentError("plot(): width must be 24–1000 columns and height 8–1000 lines, got \(width)×\(height)")
            }
            arguments.context.write(TextRenderer.render(chart, width: width, height: height, colour: terminal?.colour ?? false,
                                                        trueColour: terminal?.trueColour ?? false))
            return .none
        },
    ]

    /// A lineage table's tree: indented text, or an SVG with file=.
    private static func draw(_ tree: TreeDiagram, _ arguments: Arguments) throws -> Value {
        var tree = tree
        if arguments.has("title") { tree.title = try arguments.string("title") }
        guard arguments.has("file") else {
            if let display = arguments.context.display {
                let (width, height) = try svgSize(arguments)
                display(MIMEBundle(svg: tree.svg(width: width, height: height), text: tree.text()))
            } else {
                arguments.context.write(tree.text())
            }
            return .none
        }
        let path = FilePath.expandingTilde(try arguments.string("file"))
        let (width, height) = try svgSize(arguments)
        try tree.writeSVG(to: path, width: width, height: height)
        arguments.context.write("wrote \(path) (\(tree.title))")
        return .none
    }

    /// The SVG size from width= and height= in pixels (720 × 450 by default), checked.
    private static func svgSize(_ arguments: Arguments) throws -> (width: Int, height: Int) {
        let width = try arguments.int("width", default: 720), height = try arguments.int("height", default: 450)
        guard (240...10_000).contains(width), (180...10_000).contains(height) else {
            throw ArgumentError("plot(): an SVG's width must be 240–10000 and height 180–10000 pixels, got \(width)×\(height)")
        }
        return (width, height)
    }

    /// The chart the arguments ask for.
    static func chart(_ arguments: Arguments) throws -> Chart {
        var options = ChartOptions()
        if arguments.has("kind") { options.kind = try ChartOptions.kind(named: arguments.string("kind")) }
        if arguments.has("measure") { options.measure = try arguments.string("measure") }
        if arguments.has("title") { options.title = try arguments.string("title") }
        options.log = try arguments.bool("log", default: false)
        if arguments.has("bins") { options.bins = try arguments.int("bins") }
        if arguments.has("name") { options.name = try arguments.string("name") }
        let value = try arguments.given("value")
        var clustering: Clustering?
        if arguments.has("clustering") {
            guard case let .clustering(given)? = arguments.value("clustering") else {
                throw ArgumentError("plot(): 'clustering' must be a clustering (from cluster(v, …)), got \(arguments.value("clustering")?.typeName ?? "none")")
            }
            guard case .vectors = value else { throw ArgumentError("plot(): a clustering colours vectors: plot(v, c)") }
            clustering = given
        }
        switch value {
        case let .table(table) where arguments.has("x") || arguments.has("y") || arguments.has("by"):
            if let kind = options.kind, kind != .lines { throw ArgumentError("plot(): x=, y= and by= draw lines, not kind \"\(kind.rawValue)\"") }
            let x = try arguments.string("x", default: "layer")
            let y = try arguments.has("y") ? arguments.string("y") : (options.measure ?? table.columnNames.first { $0 != x && table.columns[$0]?.doubles != nil } ?? x)
            return try Chart.lines(table, x: x, y: y, by: arguments.has("by") ? try AnalysisBuiltins.strings(arguments, "by") : [],
                                   title: options.title, log: options.log)
        case let .table(table): return try Chart.from(table, options: options)
        case let .tensor(tensor): return try Chart.from(tensor, options: options)
        case let .vectors(vectors):
            if options.kind == .heatmap { return Chart.heatmap(vectors: vectors, title: options.title) }
            if let kind = options.kind, kind != .scatter {
                throw ArgumentError("plot(): vectors draw as kind \"scatter\" (PCA) or \"heatmap\", not \"\(kind.rawValue)\"")
            }
            return try Chart.scatter(vectors: vectors, clustering: clustering, title: options.title)
        case .clustering:
            throw ArgumentError("plot(): a clustering has no coordinates of its own; pass the vectors it came from: plot(v, c)")
        default:
            throw ArgumentError("plot() draws tables (rank, delta profiles), tensors and vectors, not a \(value.typeName)")
        }
    }
}
