// Views of a vector set: PCA projection, nearest neighbours by cosine, column standardisation.
import Foundation

/// Operations on the rows of a vector set.
public enum VectorAnalysis {
    /// The first `components` principal-component scores of each row (rows × components).
    public static func pca(_ rows: [[Double]], components: Int) throws -> [[Double]] {
        try principalComponents(rows, components: components).scores
    }

    /// The scores of `pca`, with the fraction of the total variance each component explains (as
    /// scikit-learn's `explained_variance_ratio_`).
    public static func principalComponents(_ rows: [[Double]], components: Int) throws -> (scores: [[Double]], explained: [Double]) {
        let n = rows.count, dimension = rows.first?.count ?? 0
        guard components >= 1, components <= min(n, dimension) else {
            throw EngineError.invalidArgument("pca needs 1 ≤ components ≤ min(rows, columns) = \(min(n, dimension)), got \(components)")
        }
        let means = (0..<dimension).map { d in rows.reduce(0) { $0 + $1[d] } / Double(n) }
        let centred = rows.map { row in (0..<dimension).map { row[$0] - means[$0] } }
        // Eigenvectors of the n × n Gram matrix give the scores directly: score_k = u_k · √λ_k.
        var gram = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                var dot = 0.0
                for d in 0..<dimension { dot += centred[i][d] * centred[j][d] }
                gram[i * n + j] = dot
                gram[j * n + i] = dot
            }
        }
        let eigenvalues = try Linalg.symmetricEigen(&gram, n: n, label: "pca")
        // dsyev sorts eigenvalues ascending; take the largest, and fix each sign so the largest |entry| is positive.
        var scores = [[Double]](repeating: [Double](repeating: 0, count: components), count: n)
        for component in 0..<components {
            let column = n - 1 - component
            let scale = max(eigenvalues[column], 0).squareRoot()
            var vector = (0..<n).map { gram[$0 * n + column] }
            if let largest = vector.max(by: { abs($0) < abs($1) }), largest < 0 { vector = vector.map { -$0 } }
            for row in 0..<n { scores[row][component] = vector[row] * scale }
        }
        let total = eigenvalues.reduce(0) { $0 + max($1, 0) }
        let explained = (0..<components).map { total > 0 ? max(eigenvalues[n - 1 - $0], 0) / total : 0 }
        return (scores, explained)
    }

    /// The `k` rows most similar to row `index` by cosine, most similar first (excluding itself).
    public static func neighbors(_ rows: [[Double]], of index: Int, k: Int) throws -> [(row: Int, cosine: Double)] {
        guard rows.indices.contains(index) else {
            throw EngineError.invalidArgument("row \(index) out of range (0..<\(rows.count))")
        }
        let similarities = rows.indices.filter { $0 != index }.map { ($0, 1 - ClusterMetric.cosine.distance(rows[index], rows[$0])) }
        return Array(similarities.sorted { $0.1 > $1.1 }.prefix(max(0, k)))
    }

    /// Columns scaled to zero mean and unit variance (constant columns become zero).
    public static func standardized(_ rows: [[Double]]) -> [[Double]] {
        guard let dimension = rows.first?.count, !rows.isEmpty else { return rows }
        let n = Double(rows.count)
        var result = rows
        for d in 0..<dimension {
            let mean = rows.reduce(0) { $0 + $1[d] } / n
            let variance = rows.reduce(0) { $0 + ($1[d] - mean) * ($1[d] - mean) } / n
            let deviation = variance.squareRoot()
            for row in result.indices { result[row][d] = deviation > 0 ? (rows[row][d] - mean) / deviation : 0 }
        }
        return result
    }
}
