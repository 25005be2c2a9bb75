// BERT's hand-written backward pieces (GELU, LayerNorm, one layer) against central differences, and padding masks.
import Foundation
import Testing
@testable import Engine

struct BackwardTests {
    typealias F = ForwardFixtures

    @Test func geluDerivativeMatchesDifferences() {
        GradientChecks.expectDerivative(BERTWeights.geluDerivative, of: BERTWeights.gelu, "gelu'")
    }

    @Test func layerNormBackwardMatchesDifferences() {
        let rows = 3, width = 6
        let x = F.normal(rows * width, seed: 11), weight = F.normal(width, seed: 12), bias = F.normal(width, seed: 13)
        let r = F.normal(rows * width, seed: 14)
        let (_, cache) = BERTWeights.layerNorm(x, rows: rows, width: width, weight: weight, bias: bias, epsilon: 1e-12)
        let gradient = BERTWeights.layerNormBackward(r, cache: cache, weight: weight, rows: rows, width: width)
        GradientChecks.expectGradient(gradient, of: { BERTWeights.layerNorm($0, rows: rows, width: width, weight: weight, bias: bias, epsilon: 1e-12).0 },
                                      at: x, weights: r, directionsFrom: 20, "layer norm")
    }

    @Test func oneLayerBackwardMatchesDifferences() throws {
        let weights = try BERTWeights(model: F.bert())
        let tokens = 5
        let x = F.normal(tokens * weights.width, seed: 31), r = F.normal(tokens * weights.width, seed: 32)
        let layer = weights.layers[0]
        let (_, cache) = weights.forward(layer, embedded: x, tokens: tokens, mask: nil)
        let gradient = weights.backward(layer, cache: cache, tokens: tokens, output: r)
        GradientChecks.expectGradient(gradient, of: { weights.forward(layer, embedded: $0, tokens: tokens, mask: nil).0 },
                                      at: x, weights: r, directionsFrom: 40, "layer 0")
    }

    @Test func paddingMaskLeavesTheRealTokensAsIfAlone() throws {
        let weights = try BERTWeights(model: F.bert())
        let alone = try weights.hiddenStates(ids: [2, 7, 9])
        let padded = try weights.hiddenStates(ids: [2, 7, 9, 0, 0], mask: [true, true, true, false, false])
        let d = weights.width
        for state in 0...2 {
            for t in 0..<3 {
                for column in 0..<d {
                    let a = alone.buffer[(state * 3 + t) * d + column], b = padded.buffer[(state * 5 + t) * d + column]
                    #expect(abs(a - b) < 1e-5)
                }
            }
        }
    }
}
