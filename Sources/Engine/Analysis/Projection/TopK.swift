// A running top-k selection: the k largest (score, id) pairs seen so far, kept sorted.

/// The `capacity` largest scores offered so far with their ids, largest first.
///
/// Insertion is O(k) but rare once the selection is full: most offers fail the single comparison
/// against `threshold`, which is what makes a scan over a whole vocabulary block cheap.
struct TopK {
    let capacity: Int
    private(set) var scores: [Float] = []
    private(set) var ids: [Int] = []

    init(capacity: Int) {
        self.capacity = capacity
        scores.reserveCapacity(capacity + 1)
        ids.reserveCapacity(capacity + 1)
    }

    /// The score a new entry must beat (−∞ until the selection is full).
    var threshold: Float { scores.count < capacity ? -.infinity : scores[scores.count - 1] }

    /// Offers one entry; kept when it is among the `capacity` largest so far (earlier ids win ties).
    @inline(__always)
    mutating func offer(_ score: Float, _ id: Int) {
        guard capacity > 0, score > threshold, !score.isNaN else { return }
        var position = scores.count
        while position > 0, scores[position - 1] < score { position -= 1 }
        scores.insert(score, at: position)
        ids.insert(id, at: position)
        if scores.count > capacity {
            scores.removeLast()
            ids.removeLast()
        }
    }

    /// Offers every entry of another selection (merging per-worker results).
    mutating func merge(_ other: TopK) {
        for (score, id) in zip(other.scores, other.ids) { offer(score, id) }
    }

    /// Offers `count` scores whose ids are `firstID`, `firstID + 1`, …; `sign` −1 selects the smallest.
    mutating func scan(_ values: UnsafePointer<Float>, count: Int, firstID: Int, sign: Float) {
        var bar = threshold
        for offset in 0..<count {
            let score = sign * values[offset]
            if score > bar {
                offer(score, firstID + offset)
                bar = threshold
            }
        }
    }
}
