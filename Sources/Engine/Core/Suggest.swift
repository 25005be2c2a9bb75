// "Did you mean …?" by edit distance, used for unknown names everywhere.

/// Finds the closest known name to a misspelt one.
public enum Suggest {
    /// The candidate with the smallest edit distance, if it is close enough to be a plausible typo.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let limit = max(1, word.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(word, candidate)
            if distance <= limit, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.name
    }

    /// `; did you mean 'name'?` for the closest candidate, or "" when none is close: the tail of an error message.
    public static func hint(for word: String, in candidates: [String]) -> String {
        tail(closest(to: word, in: candidates))
    }

    /// The hint, or when nothing is close and there are at most a dozen candidates, ` (LABEL: a, b, c)`.
    public static func hint(for word: String, in candidates: [String], listing label: String) -> String {
        if let suggestion = closest(to: word, in: candidates) { return tail(suggestion) }
        guard !candidates.isEmpty, candidates.count <= 12 else { return "" }
        return " (\(label): \(candidates.joined(separator: ", ")))"
    }

    /// `; did you mean 'name'?` for a suggestion already found, "" for none: the one wording of the hint.
    public static func tail(_ suggestion: String?) -> String {
        suggestion.map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Edit distance counting insertions, deletions, substitutions and adjacent swaps (optimal string alignment).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var best = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { best = min(best, table[i - 2][j - 2] + 1) }
                table[i][j] = best
            }
        }
        return table[a.count][b.count]
    }
}
