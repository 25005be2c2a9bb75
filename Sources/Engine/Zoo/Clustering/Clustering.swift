// The result of clustering a set of vectors: labels, centroids and scores.

/// Labels (one per row), centroids and quality scores of a clustering.
public struct Clustering: Sendable {
    /// Cluster index per row, 0-based, in row order.
    public let assignments: [Int]
    /// Number of clusters.
    public let clusterCount: Int
    /// Centroids (clusters × dim), in the space that was clustered.
    public let centroids: [[Double]]
    /// Row names.
    public let names: [String]
    /// True labels, when known.
    public let labels: [String]?
    /// Method description (`kmeans`, `agglomerative/ward/euclidean`).
    public let method: String
    /// Silhouette score (NaN when undefined: one cluster or every point its own).
    public let silhouette: Double
    /// Adjusted Rand index against the labels, when known.
    public let adjustedRand: Double?
    /// Normalised mutual information against the labels, when known.
    public let mutualInformation: Double?
    /// Purity against the labels, when known.
    public let purity: Double?
    /// Within-cluster sum of squares (k-means inertia).
    public let inertia: Double

    /// Cluster sizes by index.
    public var sizes: [Int] {
        var sizes = [Int](repeating: 0, count: clusterCount)
        for cluster in assignments { sizes[cluster] += 1 }
        return sizes
    }

    /// The most common true label of each cluster and the fraction of members that carry it.
    public var majorities: [(label: String, fraction: Double)]? {
        guard let labels else { return nil }
        return (0..<clusterCount).map { cluster in
            var counts: [String: Int] = [:]
            var members = 0
            for (row, assigned) in assignments.enumerated() where assigned == cluster {
                counts[labels[row], default: 0] += 1
                members += 1
            }
            let best = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
            return (best?.key ?? "", members > 0 ? Double(best?.value ?? 0) / Double(members) : 0)
        }
    }

    /// Builds the result and its scores from assignments.
    init(assignments: [Int], clusterCount: Int, points: [[Double]], names: [String], labels: [String]?,
         method: String, distances: [[Double]]) {
        self.assignments = assignments
        self.clusterCount = clusterCount
        self.names = names
        self.labels = labels
        self.method = method
        let centroids = KMeans.means(points, assignments: assignments, k: clusterCount)
        self.centroids = centroids
        var inertia = 0.0
        for (row, cluster) in assignments.enumerated() { inertia += ClusterMetric.squaredEuclidean(points[row], centroids[cluster]) }
        self.inertia = inertia
        silhouette = ClusterScores.silhouette(distances: distances, assignments: assignments)
        if let labels {
            adjustedRand = ClusterScores.adjustedRandIndex(assignments, labels)
            mutualInformation = ClusterScores.normalizedMutualInformation(assignments, labels)
            purity = ClusterScores.purity(assignments, labels)
        } else {
            adjustedRand = nil
            mutualInformation = nil
            purity = nil
        }
    }
}

/// Distances between vectors.
public enum ClusterMetric: String, Sendable {
    case euclidean, cosine

    /// The distance between two vectors.
    func distance(_ a: [Double], _ b: [Double]) -> Double {
        switch self {
        case .euclidean: return ClusterMetric.squaredEuclidean(a, b).squareRoot()
        case .cosine:
            var dot = 0.0, aa = 0.0, bb = 0.0
            for i in a.indices { dot += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i] }
            let denominator = (aa * bb).squareRoot()
            return denominator > 0 ? 1 - dot / denominator : 1
        }
    }

    /// The symmetric matrix of `distance` between every pair of rows.
    static func pairwise(_ points: [[Double]], _ distance: ([Double], [Double]) -> Double) -> [[Double]] {
        let n = points.count
        var result = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                let d = distance(points[i], points[j])
                result[i][j] = d
                result[j][i] = d
            }
        }
        return result
    }

    static func squaredEuclidean(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { let d = a[i] - b[i]; sum += d * d }
        return sum
    }
}
