// `lineage`: which model was fine-tuned from which (MoTHer, Horwitz et al., ICLR 2025), as a directed tree.
import Foundation

/// The pairwise distance `lineage` places edges by.
public enum LineageDistance: String, Sendable, CaseIterable {
    /// MoTHer's ℓFT (their code): the largest entry of |Wᵢ − Wⱼ| over every matrix, each matrix's difference
    /// divided by that matrix's value range (max − min) in the zoo's first model.
    case linf
    /// MoTHer's ℓLoRA: the sum over matrices of the numerical rank of Wᵢ − Wⱼ.
    case rank
    /// The Euclidean distance of the selected weights.
    case l2
}

/// What `lineage` measures.
public struct LineageOptions: Sendable {
    public var distance: LineageDistance = .linf
    /// λ of MoTHer's prior M = D + λ·mean(D)·K (0.3 in their experiments).
    public var lambda = 0.3
    /// MoTHer's default is that kurtosis falls from parent to child (fine-tuning); `reverse` says it rises.
    public var reverse = false
    /// Components whose square per-layer matrices are read (all square ones when nil).
    public var components: [String]?

    public init() {}
}

/// MoTHer: distances place the edges, weight kurtosis orients them, a minimum directed spanning tree decides.
public enum Lineage {
    /// The recovered tree as a table of edges (`parent`, `child`, `distance`, `kurtosis_parent`,
    /// `kurtosis_child`, `score`), one per non-root model, in the models' order of the child; the root is the
    /// one model that is never a child. Models are read one matrix at a time (all of them, that matrix).
    public static func tree(_ models: [Model], names: [String], options: LineageOptions = LineageOptions()) throws -> Table {
        let count = models.count
        guard count >= 2 else { throw EngineError.invalidArgument("lineage(): needs at least two models, got \(count)") }
        let entries = try squareEntries(models[0], components: options.components)
        var distance = [Double](repeating: 0, count: count * count)
        var kurtosis = [Double](repeating: 0, count: count)
        try Progress.run("lineage", total: entries.count) { step in
            for (position, entry) in entries.enumerated() {
                try Interruption.check()
                let tensors = try models.map { model -> Tensor in
                    let tensor: Tensor
                    do { tensor = try model.tensor(entry.name) } catch EngineError.unknownName {
                        throw EngineError.unknownName(entry.name, context: "canonical matrix in \(model.name) (present in \(models[0].name))", suggestion: nil)
                    }
                    guard tensor.shape == entry.shape else {
                        throw EngineError.shapeMismatch(operation: "lineage of \(model.name) and \(models[0].name)", lhs: tensor.shape, rhs: entry.shape, name: entry.name)
                    }
                    return tensor
                }
                // Fisher's excess kurtosis with biased moments, as scipy.stats.kurtosis (MoTHer's calc_ku) computes it.
                for (index, tensor) in tensors.enumerated() {
                    kurtosis[index] += try DeltaStatistic.kurtosis.value(delta: tensor, base: tensor)
                }
                let range = valueRange(tensors[0])
                for i in 0..<count {
                    for j in (i + 1)..<count {
                        let d = try pairDistance(tensors[i], tensors[j], options.distance, range: range, name: entry.name)
                        switch options.distance {
                        case .linf: distance[i * count + j] = max(distance[i * count + j], d)
                        case .rank, .l2: distance[i * count + j] += d
                        }
                    }
                }
                step(position + 1)
            }
        }
        for i in 0..<count {
            for j in (i + 1)..<count {
                if options.distance == .l2 { distance[i * count + j] = distance[i * count + j].squareRoot() }
                distance[j * count + i] = distance[i * count + j]
            }
        }
        let scores = prior(distance: distance, kurtosis: kurtosis, count: count, options: options)
        guard let parents = Arborescence.minimum(scores) else {
            throw EngineError.numerical("lineage(): no spanning tree over the distances (are some distances not finite?)")
        }
        var rows: [(parent: Int, child: Int)] = []
        for (child, parent) in parents.enumerated() { if let parent { rows.append((parent, child)) } }
        var table = Table()
        try table.append("parent", .string(rows.map { names[$0.parent] }))
        try table.append("child", .string(rows.map { names[$0.child] }))
        try table.append("distance", .double(rows.map { distance[$0.parent * count + $0.child] }))
        try table.append("kurtosis_parent", .double(rows.map { kurtosis[$0.parent] }))
        try table.append("kurtosis_child", .double(rows.map { kurtosis[$0.child] }))
        try table.append("score", .double(rows.map { scores[$0.parent][$0.child] }))
        return table
    }

    /// MoTHer's prior M[i][j] = D[i][j] + λ·mean(D)·K[i][j] for the edge i → j (parent i), with K = 1 when the
    /// child's kurtosis exceeds the parent's (or falls below it, with `reverse`); the diagonal is excluded.
    static func prior(distance: [Double], kurtosis: [Double], count: Int, options: LineageOptions) -> [[Double]] {
        let mean = distance.reduce(0, +) / Double(count * count)  // over all N² entries, diagonal zeros included
        return (0..<count).map { i in
            (0..<count).map { j in
                guard i != j else { return .infinity }
                let wrongWay = options.reverse ? kurtosis[j] < kurtosis[i] : kurtosis[j] > kurtosis[i]
                return distance[i * count + j] + (wrongWay ? options.lambda * mean : 0)
            }
        }
    }

    /// The square per-layer canonical matrices (MoTHer reads square layers only), with their shapes.
    static func squareEntries(_ model: Model, components: [String]?) throws -> [(name: String, shape: [Int])] {
        let selected = try Rank.selectEntries(model, components: components, layers: nil)
        let square = selected.compactMap { entry -> (name: String, shape: [Int])? in
            guard let stored = model.parameter(raw: entry.rawName)?.shape,
                  let shape = entry.transform.shape(fromStored: stored), shape.count == 2 else { return nil }
            return shape[0] == shape[1] ? (entry.name, shape) : nil
        }
        guard !square.isEmpty else {
            throw EngineError.unsupported("lineage(): \(model.name) has no square layer matrices among the selected components")
        }
        return square
    }

    /// The distance of two matrices under one measure (before combining over matrices).
    static func pairDistance(_ a: Tensor, _ b: Tensor, _ measure: LineageDistance, range: Double, name: String) throws -> Double {
        switch measure {
        case .linf:
            var largest: Float = 0
            for (x, y) in zip(a.buffer, b.buffer) { largest = max(largest, abs(x - y)) }
            return range > 0 ? Double(largest) / range : Double(largest)
        case .l2:
            var sum = 0.0
            for (x, y) in zip(a.buffer, b.buffer) { sum += Double(x - y) * Double(x - y) }
            return sum
        case .rank:
            return Double(try Spectrum(of: TensorMath.apply(.subtract, a, b, name: name), name: name).numericalRank())
        }
    }

    /// max − min of a matrix's entries.
    private static func valueRange(_ tensor: Tensor) -> Double {
        guard let low = tensor.buffer.min(), let high = tensor.buffer.max() else { return 0 }
        return Double(high) - Double(low)
    }
}
