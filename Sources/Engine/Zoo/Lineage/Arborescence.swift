// Minimum spanning arborescence of a complete weighted digraph (Chu–Liu/Edmonds), any node as root.

/// Chu–Liu/Edmonds: the directed spanning tree of least total weight.
public enum Arborescence {
    /// One directed edge, with the index of the edge it stands for in the original graph.
    private struct Edge {
        var from: Int
        var to: Int
        var weight: Double
        let id: Int
    }

    /// The parent of every node in the minimum spanning arborescence of the complete digraph `weights`
    /// (`weights[i][j]` is the cost of i → j; non-finite entries are absent edges), with the root chosen to
    /// minimise the total too; the root's parent is nil. Nil when no spanning arborescence exists.
    ///
    /// A virtual root with an edge of cost M (more than any tree costs) to every node is added, and the
    /// arborescence rooted there is found: it uses exactly one M edge, whose head is the best real root.
    public static func minimum(_ weights: [[Double]]) -> [Int?]? {
        let count = weights.count
        guard count > 0 else { return [] }
        var edges: [Edge] = []
        var total = 0.0
        for i in 0..<count {
            for j in 0..<count where i != j && weights[i][j].isFinite {
                edges.append(Edge(from: i, to: j, weight: weights[i][j], id: edges.count))
                total += abs(weights[i][j])
            }
        }
        let virtualRoot = count
        let big = total * 2 + 1
        for j in 0..<count { edges.append(Edge(from: virtualRoot, to: j, weight: big, id: edges.count)) }
        let original = edges
        guard let chosen = solve(nodes: count + 1, root: virtualRoot, edges: edges) else { return nil }
        var parents = [Int?](repeating: nil, count: count)
        var roots = 0
        for id in chosen {
            let edge = original[id]
            if edge.from == virtualRoot { roots += 1 } else { parents[edge.to] = edge.from }
        }
        return roots == 1 ? parents : nil
    }

    /// The ids of the edges of the minimum arborescence rooted at `root`, or nil when some node is unreachable.
    private static func solve(nodes: Int, root: Int, edges: [Edge]) -> [Int]? {
        // 1. The cheapest edge entering each node.
        var best = [Int?](repeating: nil, count: nodes)
        for (index, edge) in edges.enumerated() where edge.to != root && edge.from != edge.to {
            if let current = best[edge.to], edges[current].weight <= edge.weight { continue }
            best[edge.to] = index
        }
        for node in 0..<nodes where node != root && best[node] == nil { return nil }
        // 2. Cycles among those edges.
        var component = [Int](repeating: -1, count: nodes)
        var visited = [Int](repeating: -1, count: nodes)
        var components = 0
        var cycles: [[Int]] = []
        for start in 0..<nodes {
            var node = start
            while node != root, visited[node] == -1, component[node] == -1 {
                visited[node] = start
                guard let index = best[node] else { break }
                node = edges[index].from
            }
            if node != root, visited[node] == start, component[node] == -1 {
                var cycle: [Int] = []
                var member = node
                repeat {
                    component[member] = components
                    cycle.append(member)
                    guard let index = best[member] else { break }
                    member = edges[index].from
                } while member != node
                cycles.append(cycle)
                components += 1
            }
        }
        if cycles.isEmpty { return (0..<nodes).compactMap { $0 == root ? nil : best[$0].map { edges[$0].id } } }
        // 3. Contract each cycle into one node; an edge entering a cycle costs what it saves over the cycle edge.
        for node in 0..<nodes where component[node] == -1 {
            component[node] = components
            components += 1
        }
        var contracted: [Edge] = []
        var levelIndex: [Int: Int] = [:]  // id → index in `edges`, to expand the answer
        for (index, edge) in edges.enumerated() {
            let (from, to) = (component[edge.from], component[edge.to])
            guard from != to else { continue }
            var weight = edge.weight
            if edge.to != root, let entering = best[edge.to] { weight -= edges[entering].weight }
            contracted.append(Edge(from: from, to: to, weight: weight, id: edge.id))
            levelIndex[edge.id] = index
        }
        guard let chosen = solve(nodes: components, root: component[root], edges: contracted) else { return nil }
        // 4. Expand: keep every cycle edge except the one into the node the chosen entering edge reaches.
        var result = Set(chosen)
        var entered = Set<Int>()
        for id in chosen { if let index = levelIndex[id] { entered.insert(edges[index].to) } }
        for cycle in cycles {
            for member in cycle where !entered.contains(member) {
                if let index = best[member] { result.insert(edges[index].id) }
            }
        }
        return Array(result)
    }
}
