// GPT-2's hand-written backward pass (tanh GELU, one block, every state incl. ln_f, an FF neuron) against central differences.
import Foundation
import Testing
@testable import Engine

struct GPT2BackwardTests {
    typealias F = ForwardFixtures

    /// The same step and tolerance as `BackwardTests`, for the same reasons (float32 noise vs. h² truncation).
    static let step: Float = 3e-3
    static let tolerance = 2e-3

    func expectClose(_ analytic: Double, _ numeric: Double, _ what: String) {
        let scale = max(1, abs(numeric))
        #expect(abs(analytic - numeric) / scale < Self.tolerance, "\(what): analytic \(analytic), finite difference \(numeric)")
    }

    @Test func tanhGELUDerivativeMatchesDifferences() {
        for x: Float in [-3, -1.2, -0.3, 0, 0.4, 1.1, 2.5] {
            let h: Float = 1e-2
            let numeric = (Double(GPT2Weights.tanhGELU(x + h)) - Double(GPT2Weights.tanhGELU(x - h))) / Double(2 * h)
            expectClose(Double(GPT2Weights.tanhGELUDerivative(x)), numeric, "gelu_new' at \(x)")
        }
    }

    @Test func oneBlockBackwardMatchesDifferences() throws {
        let weights = try GPT2Weights(model: F.gpt2())
        let tokens = 5
        let x = F.normal(tokens * weights.width, seed: 131), r = F.normal(tokens * weights.width, seed: 132)
        let block = weights.blocks[0]
        let (_, cache) = weights.forward(block, x, tokens: tokens)
        let gradient = weights.backward(block, cache: cache, tokens: tokens, output: r)
        for seed in UInt64(140)..<143 {
            let u = F.normal(x.count, seed: seed)
            let numeric = F.directional({ F.dot(r, weights.forward(block, $0, tokens: tokens).0) }, at: x, along: u, step: Self.step)
            expectClose(F.dot(gradient, u), numeric, "block 0 along direction \(seed)")
        }
    }

    /// State 2 is the last one, after `ln_f`, so its gradient goes through the final LayerNorm too.
    @Test(arguments: [0, 1, 2])
    func backwardToEachStateMatchesDifferences(state: Int) throws {
        let weights = try GPT2Weights(model: F.gpt2())
        let tokens = 4
        let x = F.normal(tokens * weights.width, seed: 151), r = F.normal(tokens * weights.width, seed: 152)
        let pass = try weights.run(inputs: x, tokens: tokens, through: state)
        let gradient = weights.backward(pass, state: state, gradient: r)
        for seed in UInt64(160)..<163 {
            let u = F.normal(x.count, seed: seed)
            let numeric = try F.directional({ try F.dot(r, weights.run(inputs: $0, tokens: tokens, through: state).states[state]) },
                                            at: x, along: u, step: Self.step)
            expectClose(F.dot(gradient, u), numeric, "state \(state) along direction \(seed)")
        }
    }

    @Test func feedForwardNeuronBackwardMatchesDifferences() throws {
        let weights = try GPT2Weights(model: F.gpt2())
        let tokens = 4, layer = 1, neuron = 5
        let x = F.normal(tokens * weights.width, seed: 171)
        var selector = [Float](repeating: 0, count: tokens * weights.feedForward)
        for t in 0..<tokens { selector[t * weights.feedForward + neuron] = 1 }
        let pass = try weights.run(inputs: x, tokens: tokens, through: layer + 1)
        let gradient = weights.backward(pass, layer: layer, preActivation: selector)
        for seed in UInt64(180)..<183 {
            let u = F.normal(x.count, seed: seed)
            let numeric = try F.directional({ try F.dot(selector, weights.run(inputs: $0, tokens: tokens, through: layer + 1).blocks[layer].preActivation) },
                                            at: x, along: u, step: Self.step)
            expectClose(F.dot(gradient, u), numeric, "neuron \(neuron) of layer \(layer) along direction \(seed)")
        }
    }

    /// Causality: the gradient of the first position's state reaches no later input.
    @Test func earlierStatesDoNotDependOnLaterInputs() throws {
        let weights = try GPT2Weights(model: F.gpt2())
        let tokens = 4, d = weights.width
        let x = F.normal(tokens * d, seed: 191)
        var r = [Float](repeating: 0, count: tokens * d)
        for column in 0..<d { r[column] = 1 }
        let pass = try weights.run(inputs: x, tokens: tokens, through: 1)
        let gradient = weights.backward(pass, state: 1, gradient: r)
        #expect(gradient[d...].allSatisfy { $0 == 0 })
        #expect(gradient[..<d].contains { $0 != 0 })
    }
}
