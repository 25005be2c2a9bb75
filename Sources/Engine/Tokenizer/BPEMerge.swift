// The BPE merge loop shared by the byte-level and SentencePiece tokenizers: lowest-ranked adjacent pair first.
import Foundation

/// Merges a word's symbols the way Hugging Face `tokenizers` does: of all adjacent pairs that have a merge,
/// the one with the lowest rank is merged first, the leftmost on ties, one pair at a time (so a pair made by a
/// merge can go before a second occurrence of the pair just merged).
enum BPEMerge {
    /// A merge's priority (lower first) and the symbol it makes.
    struct Merge {
        let rank: Rank
        let result: Int
    }

    /// Ranks compare field by field: a merge list's index for byte-level BPE; for SentencePiece the implied
    /// merge order (token priority, then left and right lengths, then vocabulary order).
    struct Rank: Comparable {
        let fields: (Double, Int, Int, Int)

        init(_ primary: Double, _ second: Int = 0, _ third: Int = 0, _ fourth: Int = 0) { fields = (primary, second, third, fourth) }

        static func < (a: Rank, b: Rank) -> Bool { a.fields < b.fields }
        static func == (a: Rank, b: Rank) -> Bool { a.fields == b.fields }
    }

    /// Merges `symbols` (ids) while `merge(left, right)` has a merge for some adjacent pair.
    static func apply(_ symbols: [Int], merge: (Int, Int) -> Merge?) -> [Int] {
        guard symbols.count > 1 else { return symbols }
        var value = symbols
        var next = Array(1...symbols.count), previous = Array(-1..<(symbols.count - 1))
        var alive = [Bool](repeating: true, count: symbols.count)
        var queue = Heap()
        for index in 0..<(symbols.count - 1) {
            if let found = merge(value[index], value[index + 1]) { queue.push(.init(rank: found.rank, position: index, result: found.result)) }
        }
        while let top = queue.pop() {
            let position = top.position
            // Entries go stale when either symbol has since been merged into something else.
            guard alive[position], next[position] < value.count else { continue }
            let right = next[position]
            guard let current = merge(value[position], value[right]), current.result == top.result else { continue }
            value[position] = current.result
            alive[right] = false
            next[position] = next[right]
            if next[right] < value.count { previous[next[right]] = position }
            if previous[position] >= 0, let found = merge(value[previous[position]], value[position]) {
                queue.push(.init(rank: found.rank, position: previous[position], result: found.result))
            }
            if next[position] < value.count, let found = merge(value[position], value[next[position]]) {
                queue.push(.init(rank: found.rank, position: position, result: found.result))
            }
        }
        return value.indices.filter { alive[$0] }.map { value[$0] }
    }

    /// A binary min-heap of candidate merges ordered by rank, then position.
    private struct Heap {
        struct Entry {
            let rank: Rank
            let position: Int
            let result: Int

            func precedes(_ other: Entry) -> Bool { rank != other.rank ? rank < other.rank : position < other.position }
        }

        private var entries: [Entry] = []

        mutating func push(_ entry: Entry) {
            entries.append(entry)
            var child = entries.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard entries[child].precedes(entries[parent]) else { break }
                entries.swapAt(child, parent)
                child = parent
            }
        }

        mutating func pop() -> Entry? {
            guard let first = entries.first else { return nil }
            let last = entries.removeLast()
            guard !entries.isEmpty else { return first }
            entries[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var best = parent
                if left < entries.count, entries[left].precedes(entries[best]) { best = left }
                if right < entries.count, entries[right].precedes(entries[best]) { best = right }
                guard best != parent else { break }
                entries.swapAt(parent, best)
                parent = best
            }
            return first
        }
    }
}
