// The `cluster` verb on a vector set: choose the method, cluster, and score.

/// Clustering options as the language exposes them.
public struct ClusterOptions: Sendable {
    public var k: Int
    /// `kmeans` or `agglomerative`.
    public var method: String = "kmeans"
    public var linkage: Linkage = .ward
    public var metric: ClusterMetric = .euclidean
    /// z-score the columns first.
    public var normalize: Bool = false
    public var seed: UInt64 = 0
    public var restarts: Int = 10

    public init(k: Int) { self.k = k }
}

extension Clustering {
    /// Clusters the rows of `vectors`; a similarity matrix is clustered agglomeratively on 1 − similarity.
    public static func of(_ vectors: VectorSet, options: ClusterOptions) throws -> Clustering {
        if vectors.kind == .similarity { return try ofSimilarity(vectors, options: options) }
        var points = vectors.rows
        if options.normalize { points = VectorAnalysis.standardized(points) }
        let assignments: [Int]
        let method: String
        switch options.method {
        case "kmeans":
            if options.metric == .cosine {
                // Spherical k-means: unit rows make squared euclidean distance 2·(1 − cosine).
                points = points.map { row in
                    let length = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    return length > 0 ? row.map { $0 / length } : row
                }
            }
            assignments = try KMeans.cluster(points, k: options.k, restarts: options.restarts, seed: options.seed)
            method = "kmeans/\(options.metric.rawValue)"
        case "agglomerative":
            assignments = try Agglomerative.cluster(points, k: options.k, linkage: options.linkage, metric: options.metric)
            method = "agglomerative/\(options.linkage.rawValue)/\(options.metric.rawValue)"
        default:
            throw EngineError.invalidArgument("unknown method '\(options.method)'; use \"kmeans\" or \"agglomerative\"")
        }
        return Clustering(assignments: assignments, clusterCount: Set(assignments).count, points: points,
                          names: vectors.names, labels: vectors.labels, method: method,
                          distances: ClusterMetric.pairwise(points, options.metric.distance))
    }

    private static func ofSimilarity(_ vectors: VectorSet, options: ClusterOptions) throws -> Clustering {
        guard options.method == "agglomerative" else {
            throw EngineError.invalidArgument("a similarity matrix is clustered with method=\"agglomerative\" (on 1 − cosine), not \"\(options.method)\"")
        }
        guard options.linkage != .ward else {
            throw EngineError.invalidArgument("ward linkage needs feature vectors; use linkage=\"average\" or \"complete\" on a similarity matrix")
        }
        let rows = vectors.rows
        guard rows.count == vectors.dimension else {
            throw EngineError.invalidArgument("a similarity matrix must be square, got \(rows.count) × \(vectors.dimension)")
        }
        let distances = rows.map { row in row.map { max(0, 1 - $0) } }
        let assignments = try Agglomerative.cluster(distances: distances, k: options.k, linkage: options.linkage)
        return Clustering(assignments: assignments, clusterCount: Set(assignments).count, points: rows,
                          names: vectors.names, labels: vectors.labels,
                          method: "agglomerative/\(options.linkage.rawValue)/1-cosine", distances: distances)
    }
}
