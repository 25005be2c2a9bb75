// Clustering quality scores: silhouette, and against true labels ARI, NMI and purity (as scikit-learn).
import Foundation

/// Scores of a clustering.
public enum ClusterScores {
    /// Mean silhouette coefficient; NaN when there is one cluster or as many clusters as points.
    public static func silhouette(points: [[Double]], assignments: [Int], metric: ClusterMetric) -> Double {
        silhouette(distances: ClusterMetric.pairwise(points, metric.distance), assignments: assignments)
    }

    /// Mean silhouette coefficient from a precomputed distance matrix.
    public static func silhouette(distances: [[Double]], assignments: [Int]) -> Double {
        let n = distances.count
        let clusters = Set(assignments)
        guard clusters.count >= 2, clusters.count < n else { return .nan }
        var sizes: [Int: Int] = [:]
        for cluster in assignments { sizes[cluster, default: 0] += 1 }
        var total = 0.0
        for i in 0..<n {
            let own = assignments[i]
            // scikit-learn: a point alone in its cluster has silhouette 0.
            guard let ownSize = sizes[own], ownSize > 1 else { continue }
            var sums: [Int: Double] = [:]
            for j in 0..<n where j != i { sums[assignments[j], default: 0] += distances[i][j] }
            let a = (sums[own] ?? 0) / Double(ownSize - 1)
            var b = Double.infinity
            for (cluster, sum) in sums where cluster != own { b = min(b, sum / Double(sizes[cluster] ?? 1)) }
            let denominator = max(a, b)
            total += denominator > 0 ? (b - a) / denominator : 0
        }
        return total / Double(n)
    }

    /// The contingency table of two labelings, with row and column sums.
    private static func contingency<A: Hashable, B: Hashable>(_ a: [A], _ b: [B]) -> (table: [[Double]], rows: [Double], columns: [Double]) {
        let aKeys = Array(Set(a)), bKeys = Array(Set(b))
        let aIndex = Dictionary(uniqueKeysWithValues: aKeys.enumerated().map { ($1, $0) })
        let bIndex = Dictionary(uniqueKeysWithValues: bKeys.enumerated().map { ($1, $0) })
        var table = [[Double]](repeating: [Double](repeating: 0, count: bKeys.count), count: aKeys.count)
        for (x, y) in zip(a, b) {
            if let row = aIndex[x], let column = bIndex[y] { table[row][column] += 1 }
        }
        let rows = table.map { $0.reduce(0, +) }
        let columns = (0..<bKeys.count).map { j in table.reduce(0) { $0 + $1[j] } }
        return (table, rows, columns)
    }

    /// Adjusted Rand index (Hubert & Arabie), 1 for identical partitions, ~0 for random ones.
    public static func adjustedRandIndex<A: Hashable, B: Hashable>(_ a: [A], _ b: [B]) -> Double {
        let n = Double(a.count)
        guard n > 1 else { return 1 }
        func pairs(_ x: Double) -> Double { x * (x - 1) / 2 }
        let (table, rows, columns) = contingency(a, b)
        let index = table.joined().reduce(0) { $0 + pairs($1) }
        let rowPairs = rows.reduce(0) { $0 + pairs($1) }
        let columnPairs = columns.reduce(0) { $0 + pairs($1) }
        let expected = rowPairs * columnPairs / pairs(n)
        let maximum = (rowPairs + columnPairs) / 2
        // Both partitions trivial (all one cluster, or all singletons): scikit-learn returns 1.
        guard maximum != expected else { return 1 }
        return (index - expected) / (maximum - expected)
    }

    /// Normalised mutual information with the arithmetic-mean normalisation (scikit-learn's default).
    public static func normalizedMutualInformation<A: Hashable, B: Hashable>(_ a: [A], _ b: [B]) -> Double {
        let n = Double(a.count)
        let (table, rows, columns) = contingency(a, b)
        guard rows.count > 1 || columns.count > 1 else { return 1 }
        func entropy(_ counts: [Double]) -> Double {
            counts.reduce(0) { $1 > 0 ? $0 - ($1 / n) * log($1 / n) : $0 }
        }
        var mutual = 0.0
        for i in table.indices {
            for j in table[i].indices where table[i][j] > 0 {
                let joint = table[i][j] / n
                mutual += joint * log(joint / ((rows[i] / n) * (columns[j] / n)))
            }
        }
        let normaliser = (entropy(rows) + entropy(columns)) / 2
        return normaliser > 0 ? max(0, mutual) / normaliser : 1
    }

    /// Fraction of points whose cluster's most common label is their own label.
    public static func purity<A: Hashable, B: Hashable>(_ clusters: [A], _ labels: [B]) -> Double {
        guard !clusters.isEmpty else { return 1 }
        let (table, _, _) = contingency(clusters, labels)
        return table.reduce(0) { $0 + ($1.max() ?? 0) } / Double(clusters.count)
    }
}
