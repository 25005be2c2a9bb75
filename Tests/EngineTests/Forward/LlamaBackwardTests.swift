// Llama's hand-written backward pass (RMSNorm, rotary, GQA, SwiGLU, every state, a gate neuron) against central differences,
// and reconstruction / visualisation on a tiny synthetic Llama.
import Foundation
import Testing
@testable import Engine

struct LlamaBackwardTests {
    typealias F = ForwardFixtures

    /// The same step and tolerance as `BackwardTests`, for the same reasons (float32 noise vs. h² truncation).
    static let step: Float = 3e-3
    static let tolerance = 2e-3

    func expectClose(_ analytic: Double, _ numeric: Double, _ what: String) {
        let scale = max(1, abs(numeric))
        #expect(abs(analytic - numeric) / scale < Self.tolerance, "\(what): analytic \(analytic), finite difference \(numeric)")
    }

    @Test func rmsNormBackwardMatchesDifferences() throws {
        let weights = try LlamaWeights(model: F.llama())
        let rows = 3, width = weights.width
        let x = F.normal(rows * width, seed: 211), weight = F.normal(width, seed: 212), r = F.normal(rows * width, seed: 213)
        let (_, cache) = weights.rmsNorm(x, rows: rows, weight: weight)
        let gradient = LlamaWeights.rmsNormBackward(r, cache: cache, weight: weight, rows: rows, width: width)
        for seed in UInt64(220)..<223 {
            let u = F.normal(x.count, seed: seed)
            let numeric = F.directional({ F.dot(r, weights.rmsNorm($0, rows: rows, weight: weight).0) }, at: x, along: u, step: Self.step)
            expectClose(F.dot(gradient, u), numeric, "RMSNorm along direction \(seed)")
        }
    }

    @Test func inverseRotationUndoesTheRotation() throws {
        let weights = try LlamaWeights(model: F.llama())
        let original = F.normal(5 * weights.heads * weights.headWidth, seed: 231)
        var values = original
        weights.rotate(&values, tokens: 5, heads: weights.heads)
        #expect(zip(values, original).contains { abs($0 - $1) > 1e-3 })
        weights.rotate(&values, tokens: 5, heads: weights.heads, inverse: true)
        #expect(zip(values, original).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    /// State 2 is the last one, after the final RMSNorm.
    @Test(arguments: [0, 1, 2])
    func backwardToEachStateMatchesDifferences(state: Int) throws {
        let weights = try LlamaWeights(model: F.llama())
        let tokens = 4
        let x = F.normal(tokens * weights.width, seed: 251), r = F.normal(tokens * weights.width, seed: 252)
        let pass = try weights.run(inputs: x, tokens: tokens, through: state)
        let gradient = weights.backward(pass, state: state, gradient: r)
        for seed in UInt64(260)..<263 {
            let u = F.normal(x.count, seed: seed)
            let numeric = try F.directional({ try F.dot(r, weights.run(inputs: $0, tokens: tokens, through: state).states[state]) },
                                            at: x, along: u, step: Self.step)
            expectClose(F.dot(gradient, u), numeric, "state \(state) along direction \(seed)")
        }
    }

    @Test func gateNeuronBackwardMatchesDifferences() throws {
        let weights = try LlamaWeights(model: F.llama())
        let tokens = 4, layer = 1, neuron = 5
        let x = F.normal(tokens * weights.width, seed: 271)
        var selector = [Float](repeating: 0, count: tokens * weights.feedForward)
        for t in 0..<tokens { selector[t * weights.feedForward + neuron] = 1 }
        let pass = try weights.run(inputs: x, tokens: tokens, through: layer + 1)
        let gradient = weights.backward(pass, layer: layer, preActivation: selector)
        for seed in UInt64(280)..<283 {
            let u = F.normal(x.count, seed: seed)
            let numeric = try F.directional({ try F.dot(selector, weights.run(inputs: $0, tokens: tokens, through: layer + 1).layers[layer].gate) },
                                            at: x, along: u, step: Self.step)
            expectClose(F.dot(gradient, u), numeric, "gate neuron \(neuron) of layer \(layer) along direction \(seed)")
        }
    }

    @Test func firstLayerOutputGivesTheInputBack() throws {
        let weights = try LlamaWeights(model: F.llama(width: 32, heads: 4, keyValueHeads: 2, feedForward: 24, vocab: 40))
        let ids = [3, 17, 5, 9, 21]
        var options = ReconstructionOptions()
        options.steps = 300
        options.learningRate = 0.1
        let result = try Reconstruction.run(weights, ids: ids, layer: 1, options: options)
        #expect(result.recoveredIds == ids)
        #expect(result.errors.allSatisfy { $0 < 5e-2 })
    }

    @Test func visualizationRaisesTheGateNeuron() throws {
        let weights = try LlamaWeights(model: F.llama())
        var visual = VisualizationOptions()
        visual.length = 3
        visual.steps = 100
        visual.learningRate = 0.05
        let result = try Visualization.run(weights, layer: 1, neuron: 4, options: visual)
        #expect(result.finalObjective > result.startObjective + 1)
        let rerun = try weights.run(inputs: result.inputs, tokens: 3, through: 2)
        #expect(abs(rerun.layers[1].gate[2 * weights.feedForward + 4] - result.activations[2]) < 1e-5)
    }
}
