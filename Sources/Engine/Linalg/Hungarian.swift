// Optimal one-to-one assignment (the Hungarian algorithm, in its shortest-augmenting-path form).
import Foundation

/// Maximum-weight matching of rows to columns of a score matrix.
public enum Hungarian {
    /// The assignment maximising the total score of a rows × columns matrix (row-major).
    ///
    /// `result[i]` is the column matched to row i. When rows ≤ columns every row is matched; otherwise every
    /// column is, and the unmatched rows get nil. O(n²·m) with row and column potentials (Kuhn–Munkres as
    /// successive shortest paths, after Jonker–Volgenant); scores must be finite.
    public static func maximise(_ scores: [Double], rows: Int, columns: Int) throws -> [Int?] {
        guard scores.count == rows * columns else {
            throw EngineError.invalidArgument("\(scores.count) scores cannot fill a \(rows)×\(columns) matrix")
        }
        guard scores.allSatisfy(\.isFinite) else { throw EngineError.numerical("matching needs finite scores") }
        guard rows > 0, columns > 0 else { return Array(repeating: nil, count: rows) }
        if rows > columns {
            // Solve the transpose (the algorithm needs rows ≤ columns) and invert the answer.
            var transposed = [Double](repeating: 0, count: scores.count)
            for row in 0..<rows { for column in 0..<columns { transposed[column * rows + row] = scores[row * columns + column] } }
            let byColumn = try maximise(transposed, rows: columns, columns: rows)
            var result = [Int?](repeating: nil, count: rows)
            for (column, row) in byColumn.enumerated() { if let row { result[row] = column } }
            return result
        }
        return try minimiseCost(scores, rows: rows, columns: columns, sign: -1)
    }

    /// Successive shortest augmenting paths on cost = sign·score, 1-based with a virtual row/column 0.
    private static func minimiseCost(_ scores: [Double], rows n: Int, columns m: Int, sign: Double) throws -> [Int?] {
        var rowPotential = [Double](repeating: 0, count: n + 1)
        var columnPotential = [Double](repeating: 0, count: m + 1)
        var rowOfColumn = [Int](repeating: 0, count: m + 1)     // 0 = column free
        var previous = [Int](repeating: 0, count: m + 1)
        var minimum = [Double](repeating: 0, count: m + 1)
        var used = [Bool](repeating: false, count: m + 1)
        for row in stride(from: 1, through: n, by: 1) {
            try Interruption.check()
            rowOfColumn[0] = row
            var column = 0
            for j in 0...m { minimum[j] = .infinity; used[j] = false }
            repeat {
                used[column] = true
                let current = rowOfColumn[column]
                var delta = Double.infinity, next = 0
                let base = (current - 1) * m
                for j in 1...m where !used[j] {
                    let reduced = sign * scores[base + j - 1] - rowPotential[current] - columnPotential[j]
                    if reduced < minimum[j] { minimum[j] = reduced; previous[j] = column }
                    if minimum[j] < delta { delta = minimum[j]; next = j }
                }
                for j in 0...m {
                    if used[j] {
                        rowPotential[rowOfColumn[j]] += delta
                        columnPotential[j] -= delta
                    } else {
                        minimum[j] -= delta
                    }
                }
                column = next
            } while rowOfColumn[column] != 0
            // Flip the augmenting path back to the root.
            repeat {
                let before = previous[column]
                rowOfColumn[column] = rowOfColumn[before]
                column = before
            } while column != 0
        }
        var result = [Int?](repeating: nil, count: n)
        for j in 1...m where rowOfColumn[j] != 0 { result[rowOfColumn[j] - 1] = j - 1 }
        return result
    }
}
