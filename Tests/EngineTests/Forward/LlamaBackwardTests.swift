// Llama's hand-written backward pass (RMSNorm, rotary, GQA, SwiGLU, every state, a gate neuron) against central differences,
// and reconstruction / visualisation on a tiny synthetic Llama.
import Foundation
import Testing
@testable import Engine

struct LlamaBackwardTests {
    typealias F = ForwardFixtures

    @Test func rmsNormBackwardMatchesDifferences() throws {
        let weights = try LlamaWeights(model: F.llama())
        let rows = 3, width = weights.width
        let x = F.normal(rows * width, seed: 211), weight = F.normal(width, seed: 212), r = F.normal(rows * width, seed: 213)
        let (_, cache) = weights.rmsNorm(x, rows: rows, weight: weight)
        let gradient = LlamaWeights.rmsNormBackward(r, cache: cache, weight: weight, rows: rows, width: width)
        GradientChecks.expectGradient(gradient, of: { weights.rmsNorm($0, rows: rows, weight: weight).0 },
                                      at: x, weights: r, directionsFrom: 220, "RMSNorm")
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
        try GradientChecks.expectStateGradient(LlamaWeights(model: F.llama()), state: state, tokens: 4, seed: 251)
    }

    @Test func gateNeuronBackwardMatchesDifferences() throws {
        try GradientChecks.expectNeuronGradient(LlamaWeights(model: F.llama()), layer: 1, neuron: 5, tokens: 4, seed: 271)
    }

    @Test func firstLayerOutputGivesTheInputBack() throws {
        let weights = try LlamaWeights(model: F.llama(width: 32, heads: 4, keyValueHeads: 2, feedForward: 24, vocab: 40))
        let ids = [3, 17, 5, 9, 21]
        let result = try Reconstruction.run(weights, ids: ids, layer: 1, options: F.reconstruction(steps: 300, learningRate: 0.1))
        #expect(result.recoveredIds == ids)
        #expect(result.errors.allSatisfy { $0 < 5e-2 })
    }

    @Test func visualizationRaisesTheGateNeuron() throws {
        try GradientChecks.expectVisualizationRaises(LlamaWeights(model: F.llama()), layer: 1, neuron: 4, position: 2)
    }
}
