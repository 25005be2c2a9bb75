// Self-attention with separate query, key, value and output projections (BERT's and the ViT's), forward and back.
import Foundation

/// Weights of multi-head self-attention whose q, k, v and output projections are separate d × d matrices.
protocol SeparateProjectionAttention {
    var query: [Float] { get }
    var queryBias: [Float] { get }
    var key: [Float] { get }
    var keyBias: [Float] { get }
    var value: [Float] { get }
    var valueBias: [Float] { get }
    var output: [Float] { get }
    var outputBias: [Float] { get }
}

/// What the forward pass keeps for the backward pass: the projections and the attention probabilities.
struct SelfAttentionCache {
    let query, key, value, probabilities: [Float]
}

extension SeparateProjectionAttention {
    /// Attention(x)·W_o + b_o for `t` tokens of width `d`, without the residual; `causal` hides later tokens and
    /// `mask` padded ones.
    func selfAttention(_ x: [Float], tokens t: Int, width d: Int, heads: Int, causal: Bool,
                       mask: [Bool]?) -> ([Float], SelfAttentionCache) {
        let headWidth = d / heads
        let q = Dense.linear(x, rows: t, query, inner: d, outer: d, bias: queryBias)
        let k = Dense.linear(x, rows: t, key, inner: d, outer: d, bias: keyBias)
        let v = Dense.linear(x, rows: t, value, inner: d, outer: d, bias: valueBias)
        let columns = HeadLayout(stride: d) { $0 * headWidth }
        let (context, probabilities) = Attention.heads(query: q, columns, key: k, columns, value: v, columns, heads: heads,
                                                       headWidth: headWidth, tokens: t, causal: causal, mask: mask)
        let attended = Dense.linear(context, rows: t, output, inner: d, outer: d, bias: outputBias)
        return (attended, SelfAttentionCache(query: q, key: k, value: v, probabilities: probabilities))
    }

    /// From the gradient of `selfAttention`'s result to that of its input x, added into `input`.
    func selfAttentionBackward(_ gradient: [Float], cache: SelfAttentionCache, tokens t: Int, width d: Int, heads: Int,
                               into input: inout [Float]) {
        let headWidth = d / heads
        var context = [Float](repeating: 0, count: t * d)
        Dense.linearBackward(gradient, rows: t, output, inner: d, outer: d, into: &context, accumulate: false)
        let columns = HeadLayout(stride: d) { $0 * headWidth }
        let (dq, dk, dv) = Attention.backward(context: context, query: cache.query, columns, key: cache.key, columns,
                                              value: cache.value, columns, probabilities: cache.probabilities,
                                              heads: heads, headWidth: headWidth, tokens: t)
        Dense.linearBackward(dq, rows: t, query, inner: d, outer: d, into: &input, accumulate: true)
        Dense.linearBackward(dk, rows: t, key, inner: d, outer: d, into: &input, accumulate: true)
        Dense.linearBackward(dv, rows: t, value, inner: d, outer: d, into: &input, accumulate: true)
    }
}
