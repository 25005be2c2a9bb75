// Line charts of any table (x column against y column, a line per value of the by columns), and labelled
// heat maps of model vectors.

extension Chart {
    /// One line per distinct value of the `by` columns (one line without them) through the points (x, y) of
    /// its rows, sorted by x: `plot(group(…), x="layer", y="erank", by="task")`.
    public static func lines(_ table: Table, x: String, y: String, by: [String], title: String?, log: Bool) throws -> Chart {
        func numbers(_ name: String) throws -> [Double] {
            let column = try table.column(name)
            guard let values = column.doubles else {
                throw EngineError.invalidArgument("plot: column '\(name)' holds \(column.kindName); x and y must be number columns")
            }
            return values
        }
        let xs = try numbers(x), ys = try numbers(y)
        let keys = try by.map { try table.column($0) }
        var names: [String] = []
        var points: [String: [Point]] = [:]
        for row in 0..<table.rowCount {
            let name = keys.isEmpty ? y : keys.map { $0.keyText(at: row) }.joined(separator: " ")
            if points[name] == nil { names.append(name) }
            points[name, default: []].append(Point(x: xs[row], y: ys[row]))
        }
        let integer = xs.allSatisfy { $0.rounded() == $0 }
        let series = names.map { Series(name: $0, points: (points[$0] ?? []).sorted { $0.x < $1.x }) }
        let grouping = by.isEmpty ? "" : " by \(by.joined(separator: ", "))"
        return Chart(title: title ?? "\(y) against \(x)\(grouping)", x: Axis(label: x, integer: integer),
                     y: Axis(label: y, log: log), marks: .lines(series))
    }

    /// Model vectors as a heat map: a row per model (its name), a column per vector entry, labelled
    /// `layer.L.component` for a profile (a sketch's columns are its coordinates).
    public static func heatmap(vectors: VectorSet, title: String?) -> Chart {
        let (rows, columns) = (vectors.count, vectors.dimension)
        let xLabel = vectors.kind == .similarity ? "model" : (vectors.columnNames.first?.contains("layer.") == true ? "layer.L.component" : "column")
        return heatmap(vectors.matrix.buffer, rows: rows, columns: columns, title: title ?? "\(vectors.statistic) of \(rows) models",
                       labels: (vectors.names, vectors.columnNames, xLabel, "model", vectors.statistic))
    }
}
