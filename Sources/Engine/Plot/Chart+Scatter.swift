// Model vectors as a 2-D PCA scatter: colour by cluster, a marker letter per true label.

extension Chart {
    /// The first two principal components of the vectors, coloured by `clustering` (one group when nil),
    /// each point marked by the first free letter of its label (by its cluster number when unlabelled).
    public static func scatter(vectors: VectorSet, clustering: Clustering?, title: String? = nil) throws -> Chart {
        guard vectors.count >= 2, vectors.dimension >= 2 else {
            throw EngineError.invalidArgument("plot: a PCA scatter needs at least 2 vectors of dimension ≥ 2, got \(vectors.count) of \(vectors.dimension)")
        }
        if let clustering, clustering.assignments.count != vectors.count {
            throw EngineError.invalidArgument("plot: the clustering has \(clustering.assignments.count) rows, the vectors \(vectors.count)")
        }
        let (scores, explained) = try VectorAnalysis.principalComponents(vectors.rows, components: 2)
        let assignments = clustering?.assignments ?? Array(repeating: 0, count: vectors.count)
        let groupCount = clustering?.clusterCount ?? 1
        let sizes = (0..<groupCount).map { group in assignments.filter { $0 == group }.count }
        let majorities = clustering?.majorities
        let groups = (0..<groupCount).map { group -> String in
            guard clustering != nil else { return "\(vectors.count) vectors" }
            var text = "cluster \(group) (\(sizes[group]))"
            if let majority = majorities?[group], sizes[group] > 0 {
                text += ": \(majority.label) \(Int((majority.fraction * 100).rounded()))%"
            }
            return text
        }
        let labels = vectors.labels ?? clustering?.labels
        var markers: [(key: Character, meaning: String)] = []
        let markerOfRow: [Int]
        if let labels {
            var index: [String: Int] = [:]
            markerOfRow = labels.map { label in
                if let known = index[label] { return known }
                markers.append((markerKey(for: label, taken: Set(markers.map(\.key))), label))
                index[label] = markers.count - 1
                return markers.count - 1
            }
        } else {
            markers = (0..<groupCount).map { (groupKey($0), groupCount > 1 ? "cluster \($0)" : "vector") }
            markerOfRow = assignments
        }
        let points = (0..<vectors.count).map { row in
            Scatter.Mark(position: Point(x: scores[row][0], y: scores[row][1]), name: vectors.names[row],
                         group: assignments[row], marker: markerOfRow[row])
        }
        let what = clustering.map { "\(vectors.count) vectors, \($0.clusterCount) clusters (\($0.method))" } ?? "\(vectors.count) vectors"
        return Chart(title: title ?? "PCA of \(what)", x: Axis(label: "PC1 (\(percent(explained[0])) of variance)"), y: Axis(label: "PC2 (\(percent(explained[1])))"),
                     marks: .scatter(Scatter(points: points, groups: groups, markers: markers)))
    }

    /// The one-character key of group `index`: 0–9, then a–z, then `+`.
    public static func groupKey(_ index: Int) -> Character {
        let keys = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        return index >= 0 && index < keys.count ? keys[index] : "+"
    }

    /// A fraction as a percentage with one decimal (`62.3%`).
    private static func percent(_ fraction: Double) -> String {
        let tenths = (fraction * 1000).rounded()
        return "\(Int(tenths) / 10).\(Int(tenths) % 10)%"
    }

    /// The first letter or digit of `label` not already taken (lowercase), else any free letter.
    static func markerKey(for label: String, taken: Set<Character>) -> Character {
        let candidates = label.lowercased().filter { $0.isLetter || $0.isNumber } + "abcdefghijklmnopqrstuvwxyz0123456789"
        return candidates.first { !taken.contains($0) && $0.isASCII } ?? "?"
    }
}
