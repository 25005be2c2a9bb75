// Agglomerative (hierarchical) clustering with ward, average or complete linkage.

/// How the distance between two merged clusters is defined.
public enum Linkage: String, Sendable {
    case ward, average, complete
}

/// Bottom-up clustering: start from singletons, merge the closest pair until `k` clusters remain.
public enum Agglomerative {
    /// Cluster labels for `points`. Ward needs the euclidean metric (as in scikit-learn).
    public static func cluster(_ points: [[Double]], k: Int, linkage: Linkage, metric: ClusterMetric) throws -> [Int] {
        if linkage == .ward && metric != .euclidean {
            throw EngineError.invalidArgument("ward linkage works with metric=\"euclidean\" only")
        }
        // Ward runs on squared distances (Lance–Williams), the others on plain distances.
        let distances = ClusterMetric.pairwise(points) { a, b in
            linkage == .ward ? ClusterMetric.squaredEuclidean(a, b) : metric.distance(a, b)
        }
        return try cluster(distances: distances, k: k, linkage: linkage)
    }

    /// Cluster labels from a precomputed symmetric distance matrix (squared euclidean for ward).
    public static func cluster(distances: [[Double]], k: Int, linkage: Linkage) throws -> [Int] {
        let n = distances.count
        guard k >= 1, k <= n else {
            throw EngineError.invalidArgument("k must be between 1 and the number of vectors (\(n)), got \(k)")
        }
        var distance = distances
        var active = Array(0..<n)
        var sizes = [Int](repeating: 1, count: n)
        var members = (0..<n).map { [$0] }
        while active.count > k {
            try Interruption.check()
            var best = (i: -1, j: -1, d: Double.infinity)
            for a in 0..<active.count {
                for b in (a + 1)..<active.count {
                    let d = distance[active[a]][active[b]]
                    if d < best.d { best = (active[a], active[b], d) }
                }
            }
            let (i, j) = (best.i, best.j)
            for other in active where other != i && other != j {
                let (ni, nj, no) = (Double(sizes[i]), Double(sizes[j]), Double(sizes[other]))
                let dio = distance[i][other], djo = distance[j][other]
                let merged: Double
                switch linkage {
                case .ward: merged = ((ni + no) * dio + (nj + no) * djo - no * best.d) / (ni + nj + no)
                case .average: merged = (ni * dio + nj * djo) / (ni + nj)
                case .complete: merged = max(dio, djo)
                }
                distance[i][other] = merged
                distance[other][i] = merged
            }
            sizes[i] += sizes[j]
            members[i] += members[j]
            active.removeAll { $0 == j }
        }
        var assignments = [Int](repeating: 0, count: n)
        for (cluster, representative) in active.enumerated() {
            for member in members[representative] { assignments[member] = cluster }
        }
        return KMeans.canonicalOrder(assignments)
    }
}
