// Reverse-mode gradients of a ViT block with respect to its input (no weight gradients), for pixel optimisation.
import Foundation

extension ViTWeights {
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
        let d = width, headWidth = width / heads
        var normed2 = [Float](repeating: 0, count: t * d)
        Dense.linearBackward(preActivation, rows: t, w.ff1, inner: d, outer: feedForward, into: &normed2, accumulate: false)
        var h = BERTWeights.layerNormBackward(normed2, cache: cache.norm2, weight: w.norm2Weight, rows: t, width: d)
        if let residual { for index in h.indices { h[index] += residual[index] } }
        var attended = h
        for index in attended.indices { attended[index] *= w.scale1[index % d] }
        var context = [Float](repeating: 0, count: t * d)
        Dense.linearBackward(attended, rows: t, w.output, inner: d, outer: d, into: &context, accumulate: false)
        let columns = HeadLayout(stride: d) { $0 * headWidth }
        let (dq, dk, dv) = Attention.backward(context: context, query: cache.query, columns, key: cache.key, columns,
                                              value: cache.value, columns, probabilities: cache.probabilities,
                                              heads: heads, headWidth: headWidth, tokens: t)
        var normed1 = [Float](repeating: 0, count: t * d)
        Dense.linearBackward(dq, rows: t, w.query, inner: d, outer: d, into: &normed1, accumulate: false)
        Dense.linearBackward(dk, rows: t, w.key, inner: d, outer: d, into: &normed1, accumulate: true)
        Dense.linearBackward(dv, rows: t, w.value, inner: d, outer: d, into: &normed1, accumulate: true)
        var input = BERTWeights.layerNormBackward(normed1, cache: cache.norm1, weight: w.norm1Weight, rows: t, width: d)
        for index in input.indices { input[index] += h[index] }
        return input
    }
}
