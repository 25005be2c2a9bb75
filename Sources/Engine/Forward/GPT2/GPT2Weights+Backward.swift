// Reverse-mode gradients of GPT-2 with respect to its input word embeddings (no weight gradients).
import Foundation

extension GPT2Weights: InputDifferentiable {
    var inputPositions: Int { maximumPositions }

    func preActivation(_ pass: GPT2Pass, layer: Int) -> [Float] { pass.layers[layer].preActivation }

    /// Through `ln_f`, when the pass ran that far. Positions are constants added to the input, so the default
    /// `backwardEmbedding` (the identity) is right.
    func backwardFinalNorm(_ pass: GPT2Pass, gradient: [Float]) -> [Float] {
        guard let finalNorm = pass.finalNorm else { return gradient }
        return BERTWeights.layerNormBackward(gradient, cache: finalNorm, weight: finalNormWeight, rows: pass.tokens, width: width)
    }

    /// One block: out = h + MLP(LN₂(h)), h = x + Attn(LN₁(x)); from the gradient of out to that of x.
    func backward(_ w: GPT2BlockWeights, cache: GPT2BlockCache, tokens t: Int, output: [Float]) -> [Float] {
        let activation = Dense.activationBackward(output, rows: t, w.ff2, inner: feedForward, outer: width, preActivation: cache.preActivation,
                                                  derivative: tanhGELU ? GPT2Weights.tanhGELUDerivative : BERTWeights.geluDerivative)
        return backwardFromFeedForward(w, cache: cache, tokens: t, preActivation: activation, residual: output)
    }

    /// From the gradient of the FF pre-activation (plus the residual stream's, when coming from the block output)
    /// to the block input.
    func backwardFromFeedForward(_ w: GPT2BlockWeights, cache: GPT2BlockCache, tokens t: Int,
                                 preActivation: [Float], residual: [Float]?) -> [Float] {
        let d = width, headWidth = width / heads
        let h = BERTWeights.preNormBranchBackward(preActivation, rows: t, w.ff1, inner: d, outer: feedForward,
                                                  norm: cache.norm2, normWeight: w.norm2Weight, residual: residual)
        var context = [Float](repeating: 0, count: t * d)
        Dense.linearBackward(h, rows: t, w.projection, inner: d, outer: d, into: &context, accumulate: false)
        let (dq, dk, dv) = Attention.backward(context: context, query: cache.qkv, queryLayout, key: cache.qkv, keyLayout,
                                              value: cache.qkv, valueLayout, probabilities: cache.probabilities,
                                              heads: heads, headWidth: headWidth, tokens: t)
        // Reassemble the fused layout (q | k | v column thirds) for one product with c_attn.
        var qkv = [Float](repeating: 0, count: t * 3 * d)
        for row in 0..<t {
            for column in 0..<d {
                qkv[row * 3 * d + column] = dq[row * d + column]
                qkv[row * 3 * d + d + column] = dk[row * d + column]
                qkv[row * 3 * d + 2 * d + column] = dv[row * d + column]
            }
        }
        var normed1 = [Float](repeating: 0, count: t * d)
        Dense.linearBackward(qkv, rows: t, w.attention, inner: d, outer: 3 * d, into: &normed1, accumulate: false)
        var input = BERTWeights.layerNormBackward(normed1, cache: cache.norm1, weight: w.norm1Weight, rows: t, width: d)
        for index in input.indices { input[index] += h[index] }
        return input
    }
}
