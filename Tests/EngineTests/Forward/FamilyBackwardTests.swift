// Every family's hand-written backward pass, to each hidden state and from an FF neuron, against central differences.
import Foundation
import Testing
@testable import Engine

struct FamilyBackwardTests {
    typealias F = ForwardFixtures

    /// A tiny synthetic model of each family with an input backward pass.
    enum Family: String, CaseIterable, Sendable {
        /// State 2 of BERT is the last layer's output (no final norm).
        case bert
        /// State 2 is the last one, after `ln_f`, so its gradient goes through the final LayerNorm too.
        case gpt2
        /// State 2 is the last one, after the final RMSNorm; the neuron is the SwiGLU gate's.
        case llama
        /// Gemma 3's pieces: q/k norms, the attention and FF output norms, tanh GELU, the √d embedding scale and a
        /// sliding window of 3 on 4 tokens (layer 0), as differentiated by hand. (With heads 2 wide, the q/k norms
        /// curve so sharply that central differences need steps below 1e-3; the fixture's heads are 8 wide.)
        case gemma

        /// The fixture's weights.
        func weights() throws -> any InputDifferentiable {
            switch self {
            case .bert: return try BERTWeights(model: F.bert())
            case .gpt2: return try GPT2Weights(model: F.gpt2())
            case .llama: return try LlamaWeights(model: F.llama())
            case .gemma: return try LlamaWeights(model: F.gemma())
            }
        }

        /// The seed of the state checks, and the layer-1 neuron checked with its seed.
        var draws: (stateSeed: UInt64, neuron: Int, neuronSeed: UInt64) {
            switch self {
            case .bert: return (51, 5, 71)
            case .gpt2: return (151, 5, 171)
            case .llama: return (251, 5, 271)
            case .gemma: return (281, 3, 291)
            }
        }
    }

    @Test(arguments: Family.allCases, [0, 1, 2])
    func backwardToEachStateMatchesDifferences(family: Family, state: Int) throws {
        let errors = try GradientChecks.stateGradientErrors(family.weights(), state: state, tokens: 4, seed: family.draws.stateSeed)
        #expect(errors.allSatisfy { $0 < GradientChecks.tolerance }, "\(family) state \(state): relative errors \(errors)")
    }

    @Test(arguments: Family.allCases)
    func feedForwardNeuronBackwardMatchesDifferences(family: Family) throws {
        let errors = try GradientChecks.neuronGradientErrors(family.weights(), layer: 1, neuron: family.draws.neuron, tokens: 4,
                                                             seed: family.draws.neuronSeed)
        #expect(errors.allSatisfy { $0 < GradientChecks.tolerance }, "\(family) neuron \(family.draws.neuron): relative errors \(errors)")
    }
}
