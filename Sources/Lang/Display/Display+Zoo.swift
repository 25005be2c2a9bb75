// Displays of zoos, vector sets and clusterings.
import Engine
import Foundation

extension Display {
    /// `48 models · labels: sentiment (12), topic (12)`.
    static func zooSummary(_ zoo: Zoo) -> String {
        "\(zoo.entries.count) models" + labelCounts(zoo.entries.map(\.label))
    }

    /// One line per member: index, name, label, path.
    static func zoo(_ zoo: Zoo) -> String {
        let nameWidth = max(4, zoo.entries.map(\.name.count).max() ?? 0)
        let labelWidth = max(5, zoo.entries.map { $0.label?.count ?? 0 }.max() ?? 0)
        var lines = ["zoo from \(zoo.source): \(zooSummary(zoo))",
                     "    #  \(pad("name", nameWidth))  \(pad("label", labelWidth))  path"]
        for (index, entry) in zoo.entries.enumerated() {
            lines.append("\(pad(String(index), 5, right: true))  \(pad(entry.name, nameWidth))  \(pad(entry.label ?? "-", labelWidth))  \(entry.path)")
        }
        return lines.joined(separator: "\n")
    }

    /// `vectors 48 × 512 · sketch · labels: sentiment (12), …`.
    static func vectorsSummary(_ vectors: VectorSet) -> String {
        let what = vectors.kind == .similarity ? "cosine similarity" : vectors.statistic
        return "vectors \(vectors.count) × \(vectors.dimension) · \(what)" + labelCounts(vectors.labels ?? [])
    }

    /// The summary, then a table of each model's name, label and first few entries under their column names
    /// (`layer.0.q` for a profile, positions for a sketch), aligned like any table.
    static func vectors(_ vectors: VectorSet) -> String {
        let shown = min(vectors.dimension, 6)
        var columns: [(String, Column)] = [("name", .string(vectors.names))]
        if let labels = vectors.labels { columns.append(("label", .string(labels))) }
        for position in 0..<shown {
            let header = vectors.columnNames.indices.contains(position) && !vectors.columnNames[position].isEmpty
                ? vectors.columnNames[position] : String(position)
            columns.append((header, .double((0..<vectors.count).map { vectors.row($0)[position] })))
        }
        guard let table = try? Table(columns: columns) else { return vectorsSummary(vectors) }
        // The grid without its "rows × columns" footer, which would count only the columns shown.
        var lines = Display.table(table, measure: nil).components(separatedBy: "\n").dropLast()
        if vectors.dimension > shown { lines.append("… \(vectors.dimension - shown) more columns") }
        return ([vectorsSummary(vectors)] + lines).joined(separator: "\n")
    }

    /// `clustering k=4 · kmeans/euclidean · ARI 0.94 · NMI 0.93 · silhouette 0.21`.
    static func clusteringSummary(_ clustering: Clustering) -> String {
        "clustering k=\(clustering.clusterCount) · \(clustering.method) · " + scores(clustering)
    }

    /// Cluster, size, majority label and purity per cluster, then the scores.
    static func clustering(_ clustering: Clustering) -> String {
        var lines: [String]
        if let majorities = clustering.majorities {
            let labelWidth = max(8, majorities.map(\.label.count).max() ?? 0)
            lines = ["cluster  size  \(pad("majority", labelWidth))  purity"]
            for (cluster, size) in clustering.sizes.enumerated() {
                lines.append("\(pad(String(cluster), 7, right: true))  \(pad(String(size), 4, right: true))  "
                             + "\(pad(majorities[cluster].label, labelWidth))  \(String(format: "%6.2f", majorities[cluster].fraction))")
            }
        } else {
            lines = ["cluster  size  members"]
            for (cluster, size) in clustering.sizes.enumerated() {
                let members = clustering.names.indices.filter { clustering.assignments[$0] == cluster }.map { clustering.names[$0] }
                let shown = members.prefix(4).joined(separator: ", ") + (members.count > 4 ? ", …" : "")
                lines.append("\(pad(String(cluster), 7, right: true))  \(pad(String(size), 4, right: true))  \(shown)")
            }
        }
        lines.append(scores(clustering))
        return lines.joined(separator: "\n")
    }

    private static func scores(_ clustering: Clustering) -> String {
        var parts: [String] = []
        if let ari = clustering.adjustedRand { parts.append("ARI \(String(format: "%.2f", ari))") }
        if let nmi = clustering.mutualInformation { parts.append("NMI \(String(format: "%.2f", nmi))") }
        parts.append("silhouette " + (clustering.silhouette.isNaN ? "n/a" : String(format: "%.2f", clustering.silhouette)))
        return parts.joined(separator: " · ")
    }

    /// ` · labels: a (3), b (2)` in order of first appearance, or nothing when there are none.
    private static func labelCounts(_ labels: [String?]) -> String {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for label in labels.compactMap({ $0 }) {
            if counts[label] == nil { order.append(label) }
            counts[label, default: 0] += 1
        }
        guard !order.isEmpty else { return "" }
        return " · labels: " + order.map { "\($0) (\(counts[$0] ?? 0))" }.joined(separator: ", ")
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        guard text.count < width else { return text }
        let padding = String(repeating: " ", count: width - text.count)
        return right ? padding + text : text + padding
    }
}
