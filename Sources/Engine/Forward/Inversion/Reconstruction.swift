// Input reconstruction: from noise, optimise input embeddings until a layer's output matches the true input's.
import Foundation

/// The distance minimised between the candidate's and the true input's hidden states.
public enum ReconstructionLoss: String, Sendable {
    /// Mean squared difference.
    case l2
    /// Mean absolute difference.
    case l1
}

/// Settings of a reconstruction run.
public struct ReconstructionOptions: Sendable {
    /// Adam steps.
    public var steps = 300
    /// Adam's learning rate.
    public var learningRate: Float = 0.01
    /// Seed of the starting noise.
    public var seed: UInt64 = 0
    /// Distance between hidden states.
    public var loss = ReconstructionLoss.l2

    public init() {}
}

/// How well one layer's output gave back its input.
public struct ReconstructionResult: Sendable {
    /// Hidden state matched: 0 = embedding output, l = output of layer l − 1.
    public let layer: Int
    /// The true token ids and the recovered ones (nearest embedding by cosine).
    public let trueIds: [Int]
    public let recoveredIds: [Int]
    /// Per position: cosine between the optimised and the true input embedding.
    public let cosines: [Double]
    /// Per position: ‖h(candidate) − h(true)‖ / ‖h(true)‖ at the matched layer.
    public let errors: [Double]
    /// The loss at the last step.
    public let finalLoss: Double
    /// The optimised input embeddings, tokens × d.
    public let inputs: [Float]

    /// Whether every token was recovered.
    public var exactMatch: Bool { trueIds == recoveredIds }
    /// Fraction of positions recovered.
    public var tokenAccuracy: Double {
        Double(zip(trueIds, recoveredIds).filter { $0 == $1 }.count) / Double(max(trueIds.count, 1))
    }
    /// Mean of `cosines`.
    public var meanCosine: Double { cosines.reduce(0, +) / Double(max(cosines.count, 1)) }
}

/// Gradient descent on the input embeddings to match a layer's output.
public enum Reconstruction {
    /// Reconstructs `ids` from hidden state `layer`; `report(k)` is called after step k (1-based).
    public static func run(_ weights: DifferentiableWeights, ids: [Int], layer: Int, options: ReconstructionOptions,
                           report: (Int) -> Void = { _ in }) throws -> ReconstructionResult {
        try run(weights.model, ids: ids, layer: layer, options: options, report: report)
    }

    /// The same on any model with an input backward pass.
    static func run(_ weights: some InputDifferentiable, ids: [Int], layer: Int, options: ReconstructionOptions,
                    report: (Int) -> Void = { _ in }) throws -> ReconstructionResult {
        guard options.steps > 0 else { throw EngineError.invalidArgument("steps must be positive, got \(options.steps)") }
        guard options.learningRate > 0, options.learningRate.isFinite else {
            throw EngineError.invalidArgument("the learning rate must be positive, got \(options.learningRate)")
        }
        guard layer >= 0, layer <= weights.layerCount else {
            throw EngineError.invalidArgument("layer \(layer) is outside 0…\(weights.layerCount) (0 = embedding output)")
        }
        let truth = try weights.embeddings(of: ids)
        let t = ids.count
        let target = try weights.state(weights.run(inputs: truth, tokens: t, through: layer), layer)
        var candidate = startingNoise(weights, count: truth.count, seed: options.seed)
        var adam = Adam(count: candidate.count, learningRate: options.learningRate)
        var loss = 0.0
        for step in 1...options.steps {
            try Interruption.check()
            let pass = try weights.run(inputs: candidate, tokens: t, through: layer)
            let (value, gradient) = lossAndGradient(weights.state(pass, layer), target: target, kind: options.loss)
            loss = value
            adam.step(&candidate, gradient: weights.backward(pass, state: layer, gradient: gradient))
            report(step)
        }
        let final = try weights.state(weights.run(inputs: candidate, tokens: t, through: layer), layer)
        let d = weights.width
        let recovered = weights.nearestTokens(candidate, tokens: t, top: 1).map { $0.first?.id ?? 0 }
        let cosines = (0..<t).map { cosine(Array(candidate[($0 * d)..<(($0 + 1) * d)]), Array(truth[($0 * d)..<(($0 + 1) * d)])) }
        let errors = (0..<t).map { position -> Double in
            var difference = 0.0, size = 0.0
            for column in 0..<d {
                let index = position * d + column
                difference += Double(final[index] - target[index]) * Double(final[index] - target[index])
                size += Double(target[index]) * Double(target[index])
            }
            return (difference / max(size, .leastNormalMagnitude)).squareRoot()
        }
        return ReconstructionResult(layer: layer, trueIds: ids, recoveredIds: recovered, cosines: cosines, errors: errors,
                                    finalLoss: loss, inputs: candidate)
    }

    /// Seeded Gaussian noise with the spread of the word embedding's entries.
    static func startingNoise(_ weights: some InputDifferentiable, count: Int, seed: UInt64) -> [Float] {
        var sum = 0.0, squares = 0.0
        for value in weights.word { sum += Double(value); squares += Double(value) * Double(value) }
        let n = Double(max(weights.word.count, 1))
        let spread = max((squares / n - (sum / n) * (sum / n)).squareRoot(), 1e-6)
        var random = SeededRandom(seed: seed, label: "reconstruct")
        return (0..<count).map { _ in Float(random.gaussian() * spread) }
    }

    /// The loss (mean over elements) and its gradient with respect to `output`.
    static func lossAndGradient(_ output: [Float], target: [Float], kind: ReconstructionLoss) -> (Double, [Float]) {
        let n = Float(max(output.count, 1))
        var total = 0.0
        var gradient = [Float](repeating: 0, count: output.count)
        for index in output.indices {
            let difference = output[index] - target[index]
            switch kind {
            case .l2:
                total += Double(difference) * Double(difference)
                gradient[index] = 2 * difference / n
            case .l1:
                total += Double(abs(difference))
                gradient[index] = difference > 0 ? 1 / n : (difference < 0 ? -1 / n : 0)
            }
        }
        return (total / Double(n), gradient)
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let na = a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot(), nb = b.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        return na > 0 && nb > 0 ? dot / (na * nb) : 0
    }
}
