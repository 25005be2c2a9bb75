// Reconstruction and visualisation on a tiny synthetic GPT-2, and which models the public entry point accepts.
import Testing
@testable import Engine

struct GPT2ReconstructionTests {
    typealias F = ForwardFixtures

    /// State 0 is word + position embeddings: linear in the input, so descent finds the true rows themselves.
    @Test func embeddingStateGivesTheInputBack() throws {
        let weights = try GPT2Weights(model: F.gpt2(width: 16, heads: 2, feedForward: 24, vocab: 40))
        let ids = [3, 17, 5, 9, 21]
        let result = try Reconstruction.run(weights, ids: ids, layer: 0, options: F.reconstruction(steps: 150))
        #expect(result.recoveredIds == ids)
        #expect(result.exactMatch)
        #expect(result.cosines.allSatisfy { $0 > 0.99 })
    }

    /// Through the first block (pre-norm LayerNorm, causal attention, GELU MLP) the ids still come back exactly.
    /// At width 16 or a learning rate of 0.05 some seeds stop in a local minimum with one position wrong (seen
    /// while choosing these settings); at width 32 and 0.1, seeds 0–2 all recover the ids with errors ≤ 0.025.
    @Test func firstBlockOutputGivesTheInputBack() throws {
        let weights = try GPT2Weights(model: F.gpt2(width: 32, heads: 2, feedForward: 24, vocab: 40))
        let ids = [3, 17, 5, 9, 21]
        let result = try Reconstruction.run(weights, ids: ids, layer: 1, options: F.reconstruction(steps: 300, learningRate: 0.1))
        #expect(result.recoveredIds == ids)
        #expect(result.errors.allSatisfy { $0 < 5e-2 })
    }

    @Test func layerOutsideTheModelIsAnError() throws {
        let weights = try GPT2Weights(model: F.gpt2())
        #expect(throws: EngineError.self) { try Reconstruction.run(weights, ids: [1, 2], layer: 3, options: F.reconstruction(steps: 1)) }
        #expect(throws: EngineError.self) { try Reconstruction.run(weights, ids: [1, 99], layer: 0, options: F.reconstruction(steps: 1)) }
    }

    @Test func visualizationRaisesTheNeuronAndReportsItsActivation() throws {
        try GradientChecks.expectVisualizationRaises(GPT2Weights(model: F.gpt2()), layer: 1, neuron: 4, position: 2)
    }

    @Test func publicEntryPointTakesEachFamilyAndRefusesOthers() throws {
        #expect(try DifferentiableWeights(model: F.gpt2()).layerCount == 2)
        #expect(try DifferentiableWeights(model: F.llama(layers: 1)).model is LlamaWeights)
        #expect(try DifferentiableWeights(model: F.gpt2()).model is GPT2Weights)
        #expect(try DifferentiableWeights(model: F.bert(layers: 3)).layerCount == 3)
        let plain = Fixtures.model("plain", [("w", try Fixtures.random([2, 2], seed: 1))])
        #expect(throws: EngineError.self) { try DifferentiableWeights(model: plain) }
    }
}
