// `merge`: several fine-tunes of one base combined per tensor — task arithmetic, TIES, DARE, breadcrumbs.
import Foundation

/// How task vectors τᵢ = θᵢ − θ_base are sparsified and combined.
public enum MergeMethod: String, Sendable, CaseIterable {
    /// Task arithmetic (Ilharco et al. 2023): θ = θ_base + λ·Σ wᵢτᵢ.
    case linear
    /// TIES (Yadav et al. 2023): trim each τᵢ to its top `density` by magnitude, elect the sign, disjoint mean.
    case ties
    /// DARE (Yu et al. 2023) then task arithmetic: drop each entry with probability 1 − density, rescale by 1/density.
    case dareLinear = "dare_linear"
    /// DARE then TIES' sign election and disjoint mean (no magnitude trim).
    case dareTies = "dare_ties"
    /// Model breadcrumbs (Davari & Belilovsky 2023): drop the largest `gamma` and the smallest entries, keeping `density`.
    case breadcrumbs
    /// Breadcrumbs masks with TIES' sign election and disjoint mean.
    case breadcrumbsTies = "breadcrumbs_ties"

    /// Whether the sign is elected and agreeing entries averaged (TIES' steps 2 and 3).
    var electsSign: Bool { self == .ties || self == .dareTies || self == .breadcrumbsTies }

    /// The density used when none is given: TIES keeps the top 20% (the paper's k = 20), DARE drops 90%
    /// (p = 0.9, the paper's usual rate), breadcrumbs keeps 90% below the top 1%; linear keeps everything.
    var defaultDensity: Double {
        switch self {
        case .linear: return 1
        case .ties: return 0.2
        case .dareLinear, .dareTies: return 0.1
        case .breadcrumbs, .breadcrumbsTies: return 0.9
        }
    }
}

/// The parameters of a merge.
public struct MergeOptions: Sendable {
    public var method: MergeMethod
    /// One weight per model (all 1 by default).
    public var weights: [Double]?
    /// Fraction of each task vector kept (method default when nil).
    public var density: Double?
    /// Breadcrumbs: fraction of the largest-magnitude entries dropped.
    public var gamma = 0.01
    /// Scale λ of the merged task vector.
    public var lambda = 1.0
    /// DARE's random drops: each (model, tensor) gets its own SplitMix64 stream from this seed.
    public var seed: UInt64 = 0

    public init(method: MergeMethod) { self.method = method }
}

/// Merges of fine-tunes over a shared base, lazily per tensor.
public enum Merge {
    /// The merged model: every floating-point base parameter becomes θ_base + λ·τ_merged, computed when read;
    /// integer parameters are the base's. Names and shapes of every model are checked here, before any read.
    public static func merge(_ models: [Model], base: Model, options: MergeOptions) throws -> Model {
        guard !models.isEmpty else { throw EngineError.invalidArgument("merge(): no models to merge") }
        let weights = options.weights ?? [Double](repeating: 1, count: models.count)
        guard weights.count == models.count else {
            throw EngineError.invalidArgument("merge(): \(weights.count) weights for \(models.count) models")
        }
        let density = options.density ?? options.method.defaultDensity
        guard density > 0, density <= 1 else { throw EngineError.invalidArgument("merge(): density must be in (0, 1], got \(density)") }
        let breadcrumbs = options.method == .breadcrumbs || options.method == .breadcrumbsTies
        guard !breadcrumbs || (options.gamma >= 0 && options.gamma + density <= 1) else {
            throw EngineError.invalidArgument("merge(): gamma + density must be at most 1, got \(options.gamma) + \(density)")
        }
        for model in models {
            for parameter in base.parameters {
                guard let other = model.parameter(raw: parameter.name) else {
                    throw EngineError.unknownName(parameter.name, context: "parameter in \(model.name) (merge needs every base parameter)", suggestion: nil)
                }
                guard other.shape == parameter.shape else {
                    throw EngineError.shapeMismatch(operation: "merge of \(model.name) over \(base.name)", lhs: other.shape, rhs: parameter.shape, name: parameter.name)
                }
            }
        }
        let step = TensorStep(method: options.method, weights: weights.map { Float($0) }, density: density,
                              gamma: options.gamma, lambda: Float(options.lambda), seed: options.seed)
        let parameters = base.parameters.map { parameter -> Parameter in
            guard !parameter.dtype.isInteger else { return parameter }
            let name = parameter.name
            let sources = models.compactMap { $0.parameter(raw: name) }
            return Parameter(name: name, shape: parameter.shape, dtype: .f32) {
                try step.apply(base: parameter.load(), models: sources.map { try $0.load() }, name: name)
            }
        }
        let name = "merge(\(options.method.rawValue), \(models.map(\.name).joined(separator: ", ")))"
        return Model(name: name, source: "computed: \(name) over \(base.name)", kind: .weights, config: base.config,
                     parameters: parameters, architecture: base.architecture, vocabulary: base.vocabulary)
    }

    /// One tensor's merge, from the base tensor and each model's tensor.
    struct TensorStep: Sendable {
        let method: MergeMethod
        let weights: [Float]
        let density: Double
        let gamma: Double
        let lambda: Float
        let seed: UInt64

        func apply(base: Tensor, models: [Tensor], name: String) throws -> Tensor {
            let count = base.count
            var tasks: [[Float]] = []
            for (index, model) in models.enumerated() {
                guard model.count == count else {
                    throw EngineError.shapeMismatch(operation: "merge", lhs: model.shape, rhs: base.shape, name: name)
                }
                var task = [Float](unsafeUninitializedCapacity: count) { out, initialized in
                    for i in 0..<count { out[i] = model.buffer[i] - base.buffer[i] }
                    initialized = count
                }
                sparsify(&task, model: index, name: name)
                tasks.append(task)
            }
            var merged = [Float](repeating: 0, count: count)
            if method.electsSign {
                for i in 0..<count {
                    var mass: Float = 0
                    for (task, weight) in zip(tasks, weights) { mass += weight * task[i] }
                    // sgn(0) = 0: where the elected sign is 0 no entry agrees, and the merged entry stays 0.
                    let sign: Float = mass > 0 ? 1 : (mass < 0 ? -1 : 0)
                    var sum: Float = 0, total: Float = 0
                    for (task, weight) in zip(tasks, weights) where sign != 0 && (task[i] > 0 ? 1 : (task[i] < 0 ? -1 : 0)) == sign {
                        sum += weight * task[i]
                        total += weight
                    }
                    merged[i] = total != 0 ? sum / total : 0
                }
            } else {
                for (task, weight) in zip(tasks, weights) { for i in 0..<count { merged[i] += weight * task[i] } }
            }
            return try Tensor.build(shape: base.shape) { out in
                for i in 0..<count { out[i] = base.buffer[i] + lambda * merged[i] }
            }
        }

        /// Zeroes the entries the method drops (and rescales DARE's survivors).
        private func sparsify(_ task: inout [Float], model: Int, name: String) {
            let count = task.count
            switch method {
            case .linear:
                return
            case .ties:
                keepByMagnitudeRank(&task, from: 0, count: Int(density * Double(count)))
            case .breadcrumbs, .breadcrumbsTies:
                keepByMagnitudeRank(&task, from: Int(gamma * Double(count)), count: Int(density * Double(count)))
            case .dareLinear, .dareTies:
                var random = SeededRandom(seed: seed &+ UInt64(model), label: name)
                let scale = Float(1 / density)
                for i in 0..<count { task[i] = random.uniform() < density ? task[i] * scale : 0 }
            }
        }

        /// Keeps the entries ranked `from ..< from + count` by descending magnitude (ties: lower index first,
        /// as a stable sort would rank them) and zeroes the rest.
        private func keepByMagnitudeRank(_ task: inout [Float], from start: Int, count: Int) {
            let order = task.indices.sorted { a, b in
                let (x, y) = (abs(task[a]), abs(task[b]))
                return x != y ? x > y : a < b
            }
            var keep = [Bool](repeating: false, count: task.count)
            for index in order[min(start, order.count)..<min(start + count, order.count)] { keep[index] = true }
            for i in task.indices where !keep[i] { task[i] = 0 }
        }
    }
}
