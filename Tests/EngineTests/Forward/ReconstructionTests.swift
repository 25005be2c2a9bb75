// Reconstruction and visualisation on a tiny synthetic BERT: recovery, seeding, losses, argument checks.
import Testing
@testable import Engine

struct ReconstructionTests {
    typealias F = ForwardFixtures

    @Test func embeddingOutputGivesTheInputBack() throws {
        // LayerNorm forgets each row's mean and scale, so the embedding output pins the input only up to those;
        // at width 8 that leaves room for near neighbours, at 32 the nearest embedding is the true one.
        let weights = try BERTWeights(model: F.bert(width: 32, heads: 4, feedForward: 48, vocab: 40))
        let ids = [3, 17, 5, 9, 21]
        let result = try Reconstruction.run(weights, ids: ids, layer: 0, options: F.reconstruction())
        #expect(result.recoveredIds == ids)
        #expect(result.exactMatch && result.tokenAccuracy == 1)
        #expect(result.errors.allSatisfy { $0 < 1e-2 })
    }

    @Test func seededRunsRepeatAndSeedsDiffer() throws {
        let weights = try BERTWeights(model: F.bert())
        let ids = [3, 17, 5]
        let a = try Reconstruction.run(weights, ids: ids, layer: 2, options: F.reconstruction(steps: 20, seed: 4))
        let b = try Reconstruction.run(weights, ids: ids, layer: 2, options: F.reconstruction(steps: 20, seed: 4))
        let c = try Reconstruction.run(weights, ids: ids, layer: 2, options: F.reconstruction(steps: 20, seed: 5))
        #expect(a.inputs == b.inputs && a.finalLoss == b.finalLoss)
        #expect(a.inputs != c.inputs)
    }

    @Test(arguments: [ReconstructionLoss.l2, .l1])
    func moreStepsLowerTheLoss(loss: ReconstructionLoss) throws {
        let weights = try BERTWeights(model: F.bert())
        let short = try Reconstruction.run(weights, ids: [3, 17, 5, 8], layer: 2, options: F.reconstruction(steps: 2, loss: loss))
        let long = try Reconstruction.run(weights, ids: [3, 17, 5, 8], layer: 2, options: F.reconstruction(steps: 150, loss: loss))
        #expect(long.finalLoss < short.finalLoss / 4)
    }

    @Test func lossGradientsAreThoseOfTheMeans() {
        let (l2, g2) = Reconstruction.lossAndGradient([1, 2], target: [0, 4], kind: .l2)
        #expect(l2 == 2.5 && g2 == [1, -2])
        let (l1, g1) = Reconstruction.lossAndGradient([1, 2], target: [0, 4], kind: .l1)
        #expect(l1 == 1.5 && g1 == [0.5, -0.5])
    }

    @Test func badArgumentsAreErrorsNotTraps() throws {
        let weights = try BERTWeights(model: F.bert())
        #expect(throws: EngineError.self) { try Reconstruction.run(weights, ids: [3], layer: 3, options: F.reconstruction()) }
        #expect(throws: EngineError.self) { try Reconstruction.run(weights, ids: [99], layer: 0, options: F.reconstruction()) }
        #expect(throws: EngineError.self) { try Reconstruction.run(weights, ids: [], layer: 0, options: F.reconstruction()) }
        #expect(throws: EngineError.self) { try Reconstruction.run(weights, ids: [3], layer: 0, options: F.reconstruction(steps: 0)) }
        #expect(throws: EngineError.self) { try weights.hiddenStates(ids: Array(repeating: 3, count: 17)) }
        var visual = VisualizationOptions()
        #expect(throws: EngineError.self) { try Visualization.run(weights, layer: 2, neuron: 0, options: visual) }
        #expect(throws: EngineError.self) { try Visualization.run(weights, layer: 0, neuron: 12, options: visual) }
        visual.position = 5
        #expect(throws: EngineError.self) { try Visualization.run(weights, layer: 0, neuron: 0, options: visual) }
    }

    @Test func notABERTIsRefusedByName() throws {
        let model = Fixtures.model("plain", [("w", try Fixtures.random([2, 2], seed: 1))])
        #expect(throws: EngineError.self) { try BERTWeights(model: model) }
    }

    @Test func visualizationRaisesTheNeuronAndReportsItsActivation() throws {
        try GradientChecks.expectVisualizationRaises(BERTWeights(model: F.bert()), layer: 1, neuron: 4, position: 1)
    }
}
