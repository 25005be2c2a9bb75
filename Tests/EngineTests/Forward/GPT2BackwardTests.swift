// GPT-2's hand-written backward pieces (tanh GELU, one block) against central differences, and its causality.
import Foundation
import Testing
@testable import Engine

struct GPT2BackwardTests {
    typealias F = ForwardFixtures

    @Test func tanhGELUDerivativeMatchesDifferences() {
        GradientChecks.expectDerivative(GPT2Weights.tanhGELUDerivative, of: GPT2Weights.tanhGELU, "gelu_new'")
    }

    @Test func oneBlockBackwardMatchesDifferences() throws {
        let weights = try GPT2Weights(model: F.gpt2())
        let tokens = 5
        let x = F.normal(tokens * weights.width, seed: 131), r = F.normal(tokens * weights.width, seed: 132)
        let block = weights.layers[0]
        let (_, cache) = weights.forward(block, x, tokens: tokens)
        let gradient = weights.backward(block, cache: cache, tokens: tokens, output: r)
        GradientChecks.expectGradient(gradient, of: { weights.forward(block, $0, tokens: tokens).0 },
                                      at: x, weights: r, directionsFrom: 140, "block 0")
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
