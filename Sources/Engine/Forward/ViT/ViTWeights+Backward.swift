// Reverse-mode gradients of a ViT block with respect to its input (no weight gradients), for pixel optimisation.
import Foundation

extension ViTWeights: LayerBackward {
    /// One block: out = h + λ₂ ⊙ MLP(LN₂(h)), h = x + λ₁ ⊙ Attn(LN₁(x)); from the gradient of out to that of x.
    func backward(_ w: ViTBlockWeights, cache: ViTBlockCache, tokens t: Int, output: [Float]) -> [Float] {
        let d = width
        var scaled = output
        for index in scaled.indices { scaled[index] *= w.scale2[index % d] }
        let activation = Dense.activationBackward(scaled, rows: t, w.ff2, inner: feedForward, outer: d,
                                                  preActivation: cache.preActivation, derivative: BERTWeights.geluDerivative)
        return backwardFromFeedForward(w, cache: cache, tokens: t, preActivation: activation, residual: output)
    }

    /// From the gradient of the FF pre-activation (plus the residual stream's, when coming from the block output) to
    /// the block input.
    func backwardFromFeedForward(_ w: ViTBlockWeights, cache: ViTBlockCache, tokens t: Int,
                                 preActivation: [Float], residual: [Float]?) -> [Float] {
        let d = width
        let h = BERTWeights.preNormBranchBackward(preActivation, rows: t, w.ff1, inner: d, outer: feedForward,
                                                  norm: cache.norm2, normWeight: w.norm2Weight, residual: residual)
        var attended = h
        for index in attended.indices { attended[index] *= w.scale1[index % d] }
        var normed1 = [Float](repeating: 0, count: t * d)
        w.selfAttentionBackward(attended, cache: cache.attention, tokens: t, width: d, heads: heads, into: &normed1)
        var input = BERTWeights.layerNormBackward(normed1, cache: cache.norm1, weight: w.norm1Weight, rows: t, width: d)
        for index in input.indices { input[index] += h[index] }
        return input
    }
}
