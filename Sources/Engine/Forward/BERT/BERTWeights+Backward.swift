// Reverse-mode gradients of a BERT encoder with respect to its input word embeddings (no weight gradients).
import Foundation

extension BERTWeights: InputDifferentiable {
    var inputPositions: Int { maximumPositions - positionOffset }

    /// Runs the first `through` layers with every key visible.
    func run(inputs: [Float], tokens: Int, through: Int) throws -> EncoderPass {
        try run(inputs: inputs, tokens: tokens, through: through, mask: nil)
    }

    func preActivation(_ pass: EncoderPass, layer: Int) -> [Float] { pass.layers[layer].preActivation }

    /// Through the embedding LayerNorm; positions and token types are constants.
    func backwardEmbedding(_ pass: EncoderPass, gradient: [Float]) -> [Float] {
        BERTWeights.layerNormBackward(gradient, cache: pass.embeddingNorm, weight: embeddingNormWeight, rows: pass.tokens, width: width)
    }

    /// One layer: from the gradient of its output to the gradient of its input.
    func backward(_ w: BERTLayerWeights, cache: LayerCache, tokens t: Int, output: [Float]) -> [Float] {
        let beforeNorm = BERTWeights.layerNormBackward(output, cache: cache.outputNorm, weight: w.outputNormWeight, rows: t, width: width)
        let activation = Dense.activationBackward(beforeNorm, rows: t, w.ff2, inner: feedForward, outer: width,
                                                  preActivation: cache.preActivation, derivative: BERTWeights.geluDerivative)
        return backwardFromFeedForward(w, cache: cache, tokens: t, preActivation: activation, residual: beforeNorm)
    }

    /// From the gradient of the FF pre-activation (plus the residual's, when coming from the output) to the layer input.
    func backwardFromFeedForward(_ w: BERTLayerWeights, cache: LayerCache, tokens t: Int,
                                 preActivation: [Float], residual: [Float]?) -> [Float] {
        let d = width
        var normed = residual ?? [Float](repeating: 0, count: t * d)
        Dense.linearBackward(preActivation, rows: t, w.ff1, inner: d, outer: feedForward, into: &normed, accumulate: true)
        let attended = BERTWeights.layerNormBackward(normed, cache: cache.attentionNorm, weight: w.attentionNormWeight, rows: t, width: d)
        var input = attended
        w.selfAttentionBackward(attended, cache: cache.attention, tokens: t, width: d, heads: heads, into: &input)
        return input
    }

    /// Back through a pre-norm branch's entry, y = LN(x)·W: from the gradient of y to that of x, plus `residual`
    /// (the skip path's gradient) when given. GPT-2's and the ViT's blocks enter their FF branch this way.
    static func preNormBranchBackward(_ dy: [Float], rows t: Int, _ weight: [Float], inner: Int, outer: Int,
                                      norm: NormCache, normWeight: [Float], residual: [Float]?) -> [Float] {
        var normed = [Float](repeating: 0, count: t * inner)
        Dense.linearBackward(dy, rows: t, weight, inner: inner, outer: outer, into: &normed, accumulate: false)
        var dx = layerNormBackward(normed, cache: norm, weight: normWeight, rows: t, width: inner)
        if let residual { for index in dx.indices { dx[index] += residual[index] } }
        return dx
    }

    /// LayerNorm backward: dx = σ⁻¹ (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)), ĝ = dy ⊙ γ.
    static func layerNormBackward(_ dy: [Float], cache: NormCache, weight: [Float], rows: Int, width: Int) -> [Float] {
        var dx = [Float](repeating: 0, count: dy.count)
        for row in 0..<rows {
            let start = row * width
            var meanG = 0.0, meanGX = 0.0
            for column in 0..<width {
                let g = Double(dy[start + column] * weight[column])
                meanG += g
                meanGX += g * Double(cache.normalized[start + column])
            }
            meanG /= Double(width)
            meanGX /= Double(width)
            let inverse = Double(cache.inverseDeviation[row])
            for column in 0..<width {
                let g = Double(dy[start + column] * weight[column])
                dx[start + column] = Float(inverse * (g - meanG - Double(cache.normalized[start + column]) * meanGX))
            }
        }
        return dx
    }
}
