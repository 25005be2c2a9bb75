// Tests for the minimum spanning arborescence (Chu–Liu/Edmonds) against hand cases and brute force.
import Testing
@testable import Engine

@Suite struct ArborescenceTests {
    @Test func aCycleOfCheapestEdgesIsBrokenAtTheRightPlace() throws {
        // Cheapest entering edges b ← c and c ← b form a cycle; the best tree is a → b → c (10 + 1), not any
        // tree rooted in the cycle (1 + 20).
        let inf = Double.infinity
        let weights: [[Double]] = [[inf, 10, 12], [20, inf, 1], [20, 1, inf]]
        #expect(Arborescence.minimum(weights) == [nil, 0, 1])
    }

    @Test func matchesBruteForceOnRandomGraphs() throws {
        var random = SeededRandom(seed: 42)
        for _ in 0..<40 {
            let count = 5
            let weights = (0..<count).map { i in
                (0..<count).map { j in i == j ? Double.infinity : Double(Int(random.uniform() * 20)) }
            }
            guard let parents = Arborescence.minimum(weights) else {
                Issue.record("no arborescence on a complete graph")
                continue
            }
            #expect(isTree(parents))
            #expect(cost(parents, weights) == bruteForce(weights))
        }
    }

    /// The cost of the cheapest parent assignment that forms a tree, by enumerating all of them.
    private func bruteForce(_ weights: [[Double]]) -> Double {
        let count = weights.count
        var best = Double.infinity
        var choice = [Int](repeating: 0, count: count)  // 0 = root, k = parent k − 1
        func visit(_ node: Int) {
            if node == count {
                let parents = choice.map { $0 == 0 ? nil : $0 - 1 } as [Int?]
                if isTree(parents) { best = min(best, cost(parents, weights)) }
                return
            }
            for option in 0...count where option - 1 != node {
                choice[node] = option
                visit(node + 1)
            }
        }
        visit(0)
        return best
    }

    private func cost(_ parents: [Int?], _ weights: [[Double]]) -> Double {
        parents.enumerated().reduce(0) { total, pair in pair.element.map { total + weights[$0][pair.offset] } ?? total }
    }

    /// One root and every node reaches it without a cycle.
    private func isTree(_ parents: [Int?]) -> Bool {
        guard parents.filter({ $0 == nil }).count == 1 else { return false }
        for start in parents.indices {
            var node = start, steps = 0
            while let parent = parents[node] {
                node = parent
                steps += 1
                if steps > parents.count { return false }
            }
        }
        return true
    }
}
