// k-means clustering: k-means++ seeding, Lloyd iterations, several seeded restarts keeping the best.

/// k-means on rows of doubles.
public enum KMeans {
    /// Clusters `points` into `k` groups; the restart with the smallest inertia wins.
    public static func cluster(_ points: [[Double]], k: Int, restarts: Int = 10, maxIterations: Int = 300,
                               seed: UInt64 = 0) throws -> [Int] {
        let n = points.count
        guard k >= 1, k <= n else {
            throw EngineError.invalidArgument("k must be between 1 and the number of vectors (\(n)), got \(k)")
        }
        guard restarts >= 1 else { throw EngineError.invalidArgument("restarts must be at least 1") }
        var random = SeededRandom(seed: seed, label: "kmeans")
        var best: (assignments: [Int], inertia: Double)?
        for _ in 0..<restarts {
            try Interruption.check()
            let result = lloyd(points, centroids: seedPlusPlus(points, k: k, random: &random), maxIterations: maxIterations)
            if result.inertia < (best?.inertia ?? .infinity) { best = result }
        }
        return canonicalOrder(best?.assignments ?? [])
    }

    /// Renumbers clusters by first appearance so results do not depend on seeding order.
    static func canonicalOrder(_ assignments: [Int]) -> [Int] {
        var mapping: [Int: Int] = [:]
        return assignments.map { cluster in
            if let mapped = mapping[cluster] { return mapped }
            mapping[cluster] = mapping.count
            return mapping.count - 1
        }
    }

    /// k-means++: each next centre drawn with probability proportional to squared distance.
    static func seedPlusPlus(_ points: [[Double]], k: Int, random: inout SeededRandom) -> [[Double]] {
        let n = points.count
        var centroids = [points[Int(random.next() % UInt64(n))]]
        var nearest = points.map { ClusterMetric.squaredEuclidean($0, centroids[0]) }
        while centroids.count < k {
            let total = nearest.reduce(0, +)
            var chosen = 0
            if total > 0 {
                var target = random.uniform() * total
                for (index, weight) in nearest.enumerated() {
                    target -= weight
                    if target <= 0 { chosen = index; break }
                    chosen = index
                }
            } else {
                chosen = Int(random.next() % UInt64(n))
            }
            centroids.append(points[chosen])
            for index in 0..<n {
                nearest[index] = min(nearest[index], ClusterMetric.squaredEuclidean(points[index], points[chosen]))
            }
        }
        return centroids
    }

    static func lloyd(_ points: [[Double]], centroids initial: [[Double]], maxIterations: Int) -> (assignments: [Int], inertia: Double) {
        var centroids = initial
        let k = centroids.count
        var assignments = [Int](repeating: -1, count: points.count)
        var inertia = 0.0
        for _ in 0..<maxIterations {
            var changed = false
            inertia = 0
            for (index, point) in points.enumerated() {
                var bestCluster = 0, bestDistance = Double.infinity
                for cluster in 0..<k {
                    let distance = ClusterMetric.squaredEuclidean(point, centroids[cluster])
                    if distance < bestDistance { bestDistance = distance; bestCluster = cluster }
                }
                inertia += bestDistance
                if assignments[index] != bestCluster { assignments[index] = bestCluster; changed = true }
            }
            if !changed { break }
            // An emptied cluster keeps its previous centre.
            let means = means(points, assignments: assignments, k: k)
            for cluster in 0..<k where assignments.contains(cluster) { centroids[cluster] = means[cluster] }
        }
        return (assignments, inertia)
    }

    /// The mean of each cluster's points (zeros for an empty cluster).
    static func means(_ points: [[Double]], assignments: [Int], k: Int) -> [[Double]] {
        let dimension = points.first?.count ?? 0
        var sums = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: k)
        var counts = [Int](repeating: 0, count: k)
        for (index, cluster) in assignments.enumerated() {
            counts[cluster] += 1
            for d in 0..<dimension { sums[cluster][d] += points[index][d] }
        }
        return (0..<k).map { cluster in counts[cluster] > 0 ? sums[cluster].map { $0 / Double(counts[cluster]) } : sums[cluster] }
    }
}
