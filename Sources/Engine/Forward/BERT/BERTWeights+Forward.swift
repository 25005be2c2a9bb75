// The forward pass of a BERT-family encoder: embeddings, post-norm self-attention and GELU feed-forward layers.
import Foundation

/// What a LayerNorm keeps for its backward pass.
struct NormCache {
    let normalized: [Float]
    let inverseDeviation: [Float]
}

/// What one encoder layer keeps for its backward pass.
struct LayerCache {
    let attention: SelfAttentionCache
    let attentionNorm: NormCache
    let preActivation: [Float]
    let outputNorm: NormCache
}

/// A forward pass over one sequence, with everything the backward pass needs.
struct EncoderPass: ForwardPass {
    /// Hidden states: 0 is the embedding output, l the output of layer l − 1; each tokens × d.
    let states: [[Float]]
    let embeddingNorm: NormCache
    let layers: [LayerCache]
    let tokens: Int
}

extension BERTWeights {
    /// Hidden states of a token sequence: (layers + 1) × tokens × d; `mask` false marks padding keys.
    public func hiddenStates(ids: [Int], mask: [Bool]? = nil) throws -> Tensor {
        let pass = try run(inputs: embeddings(of: ids), tokens: ids.count, through: layerCount, mask: mask)
        return try Tensor(shape: [layerCount + 1, ids.count, width], values: pass.states.flatMap { $0 })
    }

    /// Runs the embedding sum and LayerNorm and the first `through` layers on input word embeddings (tokens × d).
    func run(inputs: [Float], tokens: Int, through: Int, mask: [Bool]?) throws -> EncoderPass {
        guard tokens > 0 else { throw EngineError.invalidArgument("the forward pass needs at least one token") }
        guard tokens + positionOffset <= maximumPositions else {
            throw EngineError.invalidArgument("\(tokens) tokens exceed the model's \(maximumPositions - positionOffset) positions")
        }
        guard through >= 0, through <= layerCount else {
            throw EngineError.invalidArgument("layer \(through) is outside 0…\(layerCount)")
        }
        if let mask, mask.count != tokens {
            throw EngineError.invalidArgument("the attention mask has \(mask.count) entries for \(tokens) tokens")
        }
        let d = width
        var summed = inputs
        for t in 0..<tokens {
            for column in 0..<d {
                summed[t * d + column] += position[(t + positionOffset) * d + column] + tokenType[column]
            }
        }
        let (embedded, embeddingNorm) = BERTWeights.layerNorm(summed, rows: tokens, width: d, weight: embeddingNormWeight,
                                                              bias: embeddingNormBias, epsilon: epsilon)
        var states = [embedded]
        var caches: [LayerCache] = []
        for layer in layers.prefix(through) {
            try Interruption.check()
            let (out, cache) = forward(layer, embedded: states[states.count - 1], tokens: tokens, mask: mask)
            states.append(out)
            caches.append(cache)
        }
        return EncoderPass(states: states, embeddingNorm: embeddingNorm, layers: caches, tokens: tokens)
    }

    /// One post-norm layer: LN(x + Attention(x)), then LN(h + W2·GELU(W1·h)); `causal` hides later tokens (the
    /// vision hybrid's stand-in for a decoder).
    func forward(_ w: BERTLayerWeights, embedded x: [Float], tokens t: Int, mask: [Bool]?, causal: Bool = false) -> ([Float], LayerCache) {
        let d = width
        var (attended, attention) = w.selfAttention(x, tokens: t, width: d, heads: heads, causal: causal, mask: mask)
        for index in attended.indices { attended[index] += x[index] }
        let (h, attentionNorm) = BERTWeights.layerNorm(attended, rows: t, width: d, weight: w.attentionNormWeight,
                                                       bias: w.attentionNormBias, epsilon: epsilon)
        let u = Dense.linear(h, rows: t, w.ff1, inner: d, outer: feedForward, bias: w.ff1Bias)
        let g = u.map(BERTWeights.gelu)
        var f = Dense.linear(g, rows: t, w.ff2, inner: feedForward, outer: d, bias: w.ff2Bias)
        for index in f.indices { f[index] += h[index] }
        let (out, outputNorm) = BERTWeights.layerNorm(f, rows: t, width: d, weight: w.outputNormWeight,
                                                      bias: w.outputNormBias, epsilon: epsilon)
        return (out, LayerCache(attention: attention, attentionNorm: attentionNorm,
                                preActivation: u, outputNorm: outputNorm))
    }

    /// LayerNorm over each row (biased variance, as PyTorch), statistics accumulated in double.
    static func layerNorm(_ x: [Float], rows: Int, width: Int, weight: [Float], bias: [Float], epsilon: Float) -> ([Float], NormCache) {
        var out = [Float](repeating: 0, count: x.count)
        var normalized = [Float](repeating: 0, count: x.count)
        var inverse = [Float](repeating: 0, count: rows)
        for row in 0..<rows {
            let start = row * width
            var mean = 0.0
            for column in 0..<width { mean += Double(x[start + column]) }
            mean /= Double(width)
            var variance = 0.0
            for column in 0..<width {
                let centred = Double(x[start + column]) - mean
                variance += centred * centred
            }
            variance /= Double(width)
            let inverseDeviation = 1 / (variance + Double(epsilon)).squareRoot()
            inverse[row] = Float(inverseDeviation)
            for column in 0..<width {
                let value = Float((Double(x[start + column]) - mean) * inverseDeviation)
                normalized[start + column] = value
                out[start + column] = value * weight[column] + bias[column]
            }
        }
        return (out, NormCache(normalized: normalized, inverseDeviation: inverse))
    }

    /// GELU in its exact erf form, as BERT's `hidden_act: gelu`.
    static func gelu(_ x: Float) -> Float { 0.5 * x * (1 + Foundation.erf(x / Float(2).squareRoot())) }

    /// d GELU / dx.
    static func geluDerivative(_ x: Float) -> Float {
        0.5 * (1 + Foundation.erf(x / Float(2).squareRoot())) + x * Foundation.exp(-0.5 * x * x) / Float(2 * Double.pi).squareRoot()
    }
}
