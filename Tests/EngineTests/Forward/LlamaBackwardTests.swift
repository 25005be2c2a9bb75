// Llama's and Gemma's hand-written backward pieces (RMSNorm, rotary) against central differences, Gemma's weights and
// window, and reconstruction / visualisation on a tiny synthetic Llama.
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
        weights.rotate(&values, tokens: 5, heads: weights.heads, theta: 10000)
        #expect(zip(values, original).contains { abs($0 - $1) > 1e-3 })
        weights.rotate(&values, tokens: 5, heads: weights.heads, theta: 10000, inverse: true)
        #expect(zip(values, original).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func gemmaReadsItsNormsAsOnePlusWeightAndScalesTheEmbeddings() throws {
        let model = try F.gemma()
        let weights = try LlamaWeights(model: model)
        let stored = try model.tensor("model.layers.0.self_attn.q_norm.weight").values
        #expect(weights.layers[0].queryNorm == stored.map { $0 + 1 })
        #expect(weights.layers[0].window == 3 && weights.layers[1].window == nil)
        #expect(weights.layers[0].ropeTheta == 10000 && weights.layers[1].ropeTheta == 1e6)
        let state0 = try weights.stackedStates(ids: [2, 5])
        let embedding = try model.tensor("model.embed_tokens.weight").values
        #expect(abs(state0.values[0] - embedding[2 * weights.width] * Float(weights.width).squareRoot()) < 1e-5)
    }

    @Test func slidingWindowHidesKeysTooFarBack() throws {
        // Position 3 of a 3-token window sees positions 1…3: changing token 0 leaves its layer-0 output alone,
        // while position 2 (which sees 0…2) changes.
        let weights = try LlamaWeights(model: F.gemma(layers: 1))
        let a = try weights.run(inputs: weights.embeddings(of: [1, 2, 3, 4]), tokens: 4, through: 1).states[1]
        let b = try weights.run(inputs: weights.embeddings(of: [9, 2, 3, 4]), tokens: 4, through: 1).states[1]
        let d = weights.width
        #expect(zip(a[(3 * d)...], b[(3 * d)...]).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(zip(a[(2 * d)..<(3 * d)], b[(2 * d)..<(3 * d)]).contains { abs($0 - $1) > 1e-4 })
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
