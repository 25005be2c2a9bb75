// Feature visualisation: gradient ascent on input embeddings to excite one feed-forward neuron.
import Foundation

/// Settings of a visualisation run.
public struct VisualizationOptions: Sendable {
    /// Positions optimised (the input is this many free embedding rows; no [CLS]/[SEP] is added).
    public var length = 5
    /// Adam steps.
    public var steps = 200
    /// Adam's learning rate.
    public var learningRate: Float = 0.01
    /// Seed of the starting noise.
    public var seed: UInt64 = 0
    /// Maximise the activation at this position only; nil sums over all positions.
    public var position: Int?
    /// Nearest tokens reported per position.
    public var top = 5

    public init() {}
}

/// The optimised input and what it reads as.
public struct VisualizationResult: Sendable {
    /// The neuron's pre-activation (x·k + b) at each position, after optimisation.
    public let activations: [Float]
    /// The objective at the start (from noise) and at the end.
    public let startObjective: Double
    public let finalObjective: Double
    /// For each position, the nearest vocabulary ids by cosine, best first.
    public let nearest: [[(id: Int, cosine: Float)]]
    /// The optimised embeddings, length × d.
    public let inputs: [Float]
}

/// Gradient ascent on input embeddings to maximise one neuron of a layer's feed-forward block.
public enum Visualization {
    /// Maximises the pre-activation of neuron `neuron` of layer `layer` (0-based: BERT's `layer.L.ff1` column, GPT-2's `mlp.c_fc` column).
    /// Each optimised row is kept within the largest word-embedding norm, so the input stays where embeddings live.
    public static func run(_ weights: DifferentiableWeights, layer: Int, neuron: Int, options: VisualizationOptions,
                           report: (Int) -> Void = { _ in }) throws -> VisualizationResult {
        try run(weights.model, layer: layer, neuron: neuron, options: options, report: report)
    }

    /// The same on any model with an input backward pass.
    static func run(_ weights: some InputDifferentiable, layer: Int, neuron: Int, options: VisualizationOptions,
                    report: (Int) -> Void = { _ in }) throws -> VisualizationResult {
        guard layer >= 0, layer < weights.layerCount else {
            throw EngineError.invalidArgument("layer \(layer) is outside 0..<\(weights.layerCount)")
        }
        guard neuron >= 0, neuron < weights.feedForward else {
            throw EngineError.invalidArgument("neuron \(neuron) is outside 0..<\(weights.feedForward) (the FF width)")
        }
        guard options.length > 0, options.steps > 0, options.top > 0 else {
            throw EngineError.invalidArgument("length, steps and top must be positive")
        }
        guard options.length <= weights.inputPositions else {
            throw EngineError.invalidArgument("length \(options.length) exceeds the model's \(weights.inputPositions) positions")
        }
        guard options.learningRate > 0, options.learningRate.isFinite else {
            throw EngineError.invalidArgument("the learning rate must be positive, got \(options.learningRate)")
        }
        if let position = options.position, position < 0 || position >= options.length {
            throw EngineError.invalidArgument("position \(position) is outside 0..<\(options.length)")
        }
        let t = options.length, d = weights.width, ff = weights.feedForward
        var selector = [Float](repeating: 0, count: t * ff)
        for row in 0..<t where options.position == nil || options.position == row { selector[row * ff + neuron] = 1 }
        let radius = weights.wordNorms.max() ?? 1
        var inputs = Reconstruction.startingNoise(weights, count: t * d, seed: options.seed)
        var adam = Adam(count: inputs.count, learningRate: options.learningRate)
        func objective(_ preActivation: [Float]) -> Double {
            zip(selector, preActivation).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        }
        var start = 0.0
        for step in 1...options.steps {
            try Interruption.check()
            let pass = try weights.run(inputs: inputs, tokens: t, through: layer + 1)
            if step == 1 { start = objective(weights.preActivation(pass, layer: layer)) }
            let gradient = weights.backward(pass, layer: layer, preActivation: selector)
            adam.step(&inputs, gradient: gradient.map { -$0 })
            for row in 0..<t {
                var norm: Float = 0
                for column in 0..<d { norm += inputs[row * d + column] * inputs[row * d + column] }
                norm = norm.squareRoot()
                if norm > radius { for column in 0..<d { inputs[row * d + column] *= radius / norm } }
            }
            report(step)
        }
        let pass = try weights.run(inputs: inputs, tokens: t, through: layer + 1)
        let preActivation = weights.preActivation(pass, layer: layer)
        let activations = (0..<t).map { preActivation[$0 * ff + neuron] }
        return VisualizationResult(activations: activations, startObjective: start, finalObjective: objective(preActivation),
                                   nearest: weights.nearestTokens(inputs, tokens: t, top: options.top), inputs: inputs)
    }
}
