// Charts from tables with `layer` and `component` columns: one line per component, or a layer × component heatmap.

extension Chart {
    /// A chart of a layer × component table (a rank table, a delta profile). Rows without a layer
    /// (layer < 0, such as the embedding) are left out. By default a table with one measure column is
    /// a heatmap and a table with several is a line chart of `measure` (default `erank`).
    /// A `ww` table draws α as a heatmap, and the ESD of one matrix with `name` (or kind `esd`).
    public static func from(_ table: Table, options: ChartOptions = ChartOptions()) throws -> Chart {
        let heavyTail = table.columns["alpha"] != nil && table.columns["xmin"] != nil
        if options.kind == .esd || options.name != nil {
            guard let name = options.name else {
                throw EngineError.invalidArgument("plot: kind \"esd\" draws one matrix of a ww table: say which with name=\"layer.3.q\"")
            }
            return try esd(table, name: name, options: options)
        }
        guard table.columns["layer"] != nil, case let .string(components)? = table.columns["component"] else {
            throw EngineError.invalidArgument(
                "plot needs a table with 'layer' and 'component' columns (such as rank(m)); this one has \(table.columnNames.joined(separator: ", "))")
        }
        guard let layers = try numbers(table.column("layer")) else {
            throw EngineError.invalidArgument("plot: the table's 'layer' column must hold numbers")
        }
        let stacks: [String]
        if case let .string(values)? = table.columns["stack"] { stacks = values } else { stacks = Array(repeating: "", count: table.rowCount) }
        let measures = table.columnNames.filter { !["layer", "component", "stack"].contains($0) && (try? numbers(table.column($0))) != nil }
        guard !measures.isEmpty else { throw EngineError.invalidArgument("plot: the table has no numeric column to draw") }
        let measure = options.measure ?? (measures.contains("erank") ? "erank" : heavyTail ? "alpha" : measures[0])
        guard measures.contains(measure), let values = try numbers(table.column(measure)) else {
            throw EngineError.unknownName(measure, context: "numeric column", suggestion: Suggest.closest(to: measure, in: measures))
        }
        let rows = (0..<table.rowCount).filter { layers[$0] >= 0 }.map { index in
            (stack: stacks[index], component: components[index], layer: layers[index], value: values[index])
        }
        let kind = options.kind ?? (measures.count == 1 || heavyTail ? .heatmap : .lines)
        switch kind {
        case .lines:
            var names: [String] = []
            var points: [String: [Point]] = [:]
            for row in rows {
                let name = row.stack.isEmpty ? row.component : "\(row.stack).\(row.component)"
                if points[name] == nil { names.append(name) }
                points[name, default: []].append(Point(x: row.layer, y: row.value))
            }
            let series = names.map { Series(name: $0, points: (points[$0] ?? []).sorted { $0.x < $1.x }) }
            return Chart(title: options.title ?? "\(measure) by layer", x: Axis(label: "layer", integer: true),
                         y: Axis(label: measure, log: options.log), marks: .lines(series))
        case .heatmap:
            var rowKeys: [String] = [], columnKeys: [String] = []
            var cells: [String: Double] = [:]
            for row in rows.sorted(by: { ($0.stack, $0.layer) < ($1.stack, $1.layer) }) {
                let rowKey = row.stack.isEmpty ? layerLabel(row.layer) : "\(row.stack).\(layerLabel(row.layer))"
                if !rowKeys.contains(rowKey) { rowKeys.append(rowKey) }
                cells["\(rowKey)|\(row.component)"] = row.value
            }
            for row in rows where !columnKeys.contains(row.component) { columnKeys.append(row.component) }
            let grid = rowKeys.map { rowKey in columnKeys.map { cells["\(rowKey)|\($0)"] ?? .nan } }
            return Chart(title: options.title ?? "\(measure) by layer and component",
                         x: Axis(label: "component"), y: Axis(label: "layer"),
                         marks: .heatmap(Heatmap(rows: rowKeys, columns: columnKeys, values: grid, scaleLabel: measure)))
        case .scatter, .histogram, .spectrum, .esd:
            throw EngineError.invalidArgument("plot: a table draws as kind \"lines\" or \"heatmap\", not \"\(kind.rawValue)\"")
        }
    }

    /// Layers are whole numbers; label them without a decimal point.
    private static func layerLabel(_ layer: Double) -> String {
        layer.rounded() == layer && abs(layer) < 1e15 ? String(Int64(layer)) : "\(layer)"
    }

    /// A numeric column as doubles, nil for text.
    static func numbers(_ column: Column) -> [Double]? {
        switch column {
        case let .double(values): return values
        case let .int(values): return values.map(Double.init)
        case .string, .bool: return nil
        }
    }
}
