// Reverse-mode gradients of a Llama-family decoder with respect to its input token embeddings (no weight gradients).
import Foundation

extension LlamaWeights: InputDifferentiable {
    /// Rotary positions have no table, so any length fits.
    var inputPositions: Int { Int.max }

    /// The gate's pre-activation `x·gate_i` (SwiGLU's counterpart of a GELU FF's pre-activation).
    func preActivation(_ pass: LlamaPass, layer: Int) -> [Float] { pass.layers[layer].gate }

    /// Through the final RMSNorm, when the pass ran that far.
    func backwardFinalNorm(_ pass: LlamaPass, gradient: [Float]) -> [Float] {
        guard let norm = pass.finalNorm else { return gradient }
        return LlamaWeights.rmsNormBackward(gradient, cache: norm, weight: finalNorm, rows: pass.tokens, width: width)
    }

    /// Gemma scales the token embeddings by √d before the first layer.
    func backwardEmbedding(_ pass: LlamaPass, gradient: [Float]) -> [Float] {
        embeddingScale == 1 ? gradient : gradient.map { $0 * embeddingScale }
    }

    /// One layer: from the gradient of its output to that of its input. With a = act(g) ⊙ u: du = da ⊙ act(g),
    /// dg = da ⊙ u ⊙ act′(g); SiLU′(g) = σ(g)(1 + g(1 − σ(g))). Gemma's FF output norm comes first.
    func backward(_ w: LlamaLayerWeights, cache: LlamaLayerCache, tokens t: Int, output: [Float]) -> [Float] {
        var down = output
        if let weight = w.feedForwardOutputNorm, let norm = cache.feedForwardOutputNorm {
            down = LlamaWeights.rmsNormBackward(output, cache: norm, weight: weight, rows: t, width: width)
        }
        var gated = [Float](repeating: 0, count: t * feedForward)
        Dense.linearBackward(down, rows: t, w.down, inner: feedForward, outer: width, into: &gated, accumulate: false)
        var up = gated, gate = gated
        for index in gated.indices {
            let g = cache.gate[index]
            up[index] = gated[index] * activation(g)
            if tanhGELU {
                gate[index] = gated[index] * cache.up[index] * GPT2Weights.tanhGELUDerivative(g)
            } else {
                let sigmoid = 1 / (1 + Foundation.exp(-g))
                gate[index] = gated[index] * cache.up[index] * sigmoid * (1 + g * (1 - sigmoid))
            }
        }
        return backwardFromFeedForward(w, cache: cache, tokens: t, gate: gate, up: up, residual: output)
    }

    /// From the gradient of the gate's pre-activation alone (the FF's pre-activation, as SwiGLU has it).
    func backwardFromFeedForward(_ w: LlamaLayerWeights, cache: LlamaLayerCache, tokens t: Int,
                                 preActivation: [Float], residual: [Float]?) -> [Float] {
        backwardFromFeedForward(w, cache: cache, tokens: t, gate: preActivation, up: nil, residual: residual)
    }

    /// From the gradients of the gate's and up projection's outputs (plus the residual stream's, when coming from
    /// the layer output) to the layer input.
    func backwardFromFeedForward(_ w: LlamaLayerWeights, cache: LlamaLayerCache, tokens t: Int,
                                 gate: [Float], up: [Float]?, residual: [Float]?) -> [Float] {
        let d = width, q = heads * headWidth, k = keyValueHeads * headWidth
        var normed2 = [Float](repeating: 0, count: t * d)
        Dense.linearBackward(gate, rows: t, w.gate, inner: d, outer: feedForward, into: &normed2, accumulate: false)
        if let up { Dense.linearBackward(up, rows: t, w.up, inner: d, outer: feedForward, into: &normed2, accumulate: true) }
        var h = LlamaWeights.rmsNormBackward(normed2, cache: cache.postNorm, weight: w.postNorm, rows: t, width: d)
        if let residual { for index in h.indices { h[index] += residual[index] } }
        var attended = h
        if let weight = w.attentionOutputNorm, let norm = cache.attentionOutputNorm {
            attended = LlamaWeights.rmsNormBackward(h, cache: norm, weight: weight, rows: t, width: d)
        }
        var context = [Float](repeating: 0, count: t * q)
        Dense.linearBackward(attended, rows: t, w.output, inner: q, outer: d, into: &context, accumulate: false)
        var (dq, dk, dv) = Attention.backward(context: context, query: cache.query, queryLayout, key: cache.key, keyValueLayout,
                                              value: cache.value, keyValueLayout, probabilities: cache.probabilities,
                                              heads: heads, headWidth: headWidth, tokens: t,
                                              keyValueHeads: keyValueHeads, keyValueHead: keyValueHead)
        // The rotation is orthogonal: its transpose (the opposite angle) carries the gradients back.
        rotate(&dq, tokens: t, heads: heads, theta: w.ropeTheta, inverse: true)
        rotate(&dk, tokens: t, heads: keyValueHeads, theta: w.ropeTheta, inverse: true)
        if let weight = w.queryNorm, let norm = cache.queryNorm {
            dq = LlamaWeights.rmsNormBackward(dq, cache: norm, weight: weight, rows: t * heads, width: headWidth)
        }
        if let weight = w.keyNorm, let norm = cache.keyNorm {
            dk = LlamaWeights.rmsNormBackward(dk, cache: norm, weight: weight, rows: t * keyValueHeads, width: headWidth)
        }
        var normed = [Float](repeating: 0, count: t * d)
        Dense.linearBackward(dq, rows: t, w.query, inner: d, outer: q, into: &normed, accumulate: false)
        Dense.linearBackward(dk, rows: t, w.key, inner: d, outer: k, into: &normed, accumulate: true)
        Dense.linearBackward(dv, rows: t, w.value, inner: d, outer: k, into: &normed, accumulate: true)
        var input = LlamaWeights.rmsNormBackward(normed, cache: cache.inputNorm, weight: w.inputNorm, rows: t, width: d)
        for index in input.indices { input[index] += h[index] }
        return input
    }

    /// RMSNorm backward: dx = r (ĝ − n · mean(ĝ ⊙ n)), ĝ = dy ⊙ w, n = x·r, r = 1/rms (LayerNorm's without the mean term).
    static func rmsNormBackward(_ dy: [Float], cache: NormCache, weight: [Float], rows: Int, width: Int) -> [Float] {
        var dx = [Float](repeating: 0, count: dy.count)
        for row in 0..<rows {
            let start = row * width
            var meanGN = 0.0
            for column in 0..<width { meanGN += Double(dy[start + column] * weight[column]) * Double(cache.normalized[start + column]) }
            meanGN /= Double(width)
            let inverse = Double(cache.inverseDeviation[row])
            for column in 0..<width {
                let g = Double(dy[start + column] * weight[column])
                dx[start + column] = Float(inverse * (g - Double(cache.normalized[start + column]) * meanGN))
            }
        }
        return dx
    }
}
