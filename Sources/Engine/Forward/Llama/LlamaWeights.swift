// The Llama family's forward pass: RMSNorm, rotary positions, grouped-query attention, SwiGLU feed-forward.
import Foundation

/// One Llama layer's weights; matrices in x·W orientation, optional q/k/v biases (Qwen) as zeros when absent.
struct LlamaLayerWeights {
    let inputNorm, query, queryBias, key, keyBias, value, valueBias, output: [Float]
    let postNorm, up, gate, down: [Float]
}

/// What one Llama layer keeps for its backward pass.
struct LlamaLayerCache {
    let inputNorm: NormCache
    /// q and k after rotation, v, and the attention probabilities.
    let query, key, value, probabilities: [Float]
    let postNorm: NormCache
    /// The gate's pre-activation (tokens × ff) and the up projection.
    let gate, up: [Float]
}

/// A Llama forward pass over one sequence.
typealias LlamaPass = DecoderPass<LlamaLayerCache>

/// A Llama / Mistral / Qwen decoder's weights and its forward pass.
public struct LlamaWeights {
    let width, heads, keyValueHeads, headWidth, feedForward, vocabularySize: Int
    /// Token embeddings, vocabulary × d.
    let word: [Float]
    let layers: [LlamaLayerWeights]
    let finalNorm: [Float]
    let epsilon: Float
    let ropeTheta: Double

    /// Whether `model` is laid out as Llama (`layers.0.self_attn.q_proj.weight`, `embed_tokens.weight`, a gated FF).
    public static func matches(_ model: Model) -> Bool {
        model.architecture.entry(canonical: "layer.0.ff1g") != nil && model.architecture.entry(canonical: "layer.0.q") != nil
            && ParameterNames(config: model.config, parameters: model.parameters)
                .prefix(among: ["model.", ""], having: "layers.0.self_attn.q_proj.weight") != nil
    }

    /// Reads every weight; refuses rope scaling, which is not implemented.
    public init(model: Model) throws {
        guard let reader = WeightReader(model: model, prefixes: ["model.", ""], probe: "layers.0.self_attn.q_proj.weight") else {
            throw EngineError.unsupported("\(model.name) is not laid out as Llama (no layers.0.self_attn.q_proj.weight)")
        }
        let architecture = model.architecture
        let config = model.config
        if let scaling = config?["rope_scaling"], scaling != .null {
            throw EngineError.unsupported("\(model.name): rope_scaling is not supported by the forward pass")
        }
        if let activation = config?["hidden_act"]?.stringValue, activation != "silu" {
            throw EngineError.unsupported("\(model.name): hidden_act '\(activation)' is not supported (only silu)")
        }
        let d = architecture.width, heads = architecture.heads, kv = architecture.keyValueHeads, ff = architecture.feedForward
        let headWidth = config?["head_dim"]?.intValue ?? (heads > 0 ? d / heads : 0)
        guard d > 0, heads > 0, kv > 0, heads % kv == 0, headWidth > 0, headWidth % 2 == 0, ff > 0 else {
            throw EngineError.unsupported("\(model.name): \(heads) heads, \(kv) key/value heads and width \(d) do not make a Llama attention")
        }
        let embed = try reader.embedding(width: d)
        width = d
        self.heads = heads
        keyValueHeads = kv
        self.headWidth = headWidth
        feedForward = ff
        vocabularySize = embed.shape[0]
        word = embed.values
        epsilon = Float(config?["rms_norm_eps"]?.doubleValue ?? 1e-6)
        ropeTheta = config?["rope_theta"]?.doubleValue ?? 10000
        finalNorm = try reader.raw("norm.weight", count: d)
        let q = heads * headWidth, k = kv * headWidth
        layers = try (0..<architecture.layers).map { layer in
            let base = "layers.\(layer)."
            return LlamaLayerWeights(
                inputNorm: try reader.raw(base + "input_layernorm.weight", count: d),
                query: try reader.canonical("layer.\(layer).q", [d, q]), queryBias: try reader.raw(base + "self_attn.q_proj.bias", count: q, zeroIfMissing: true),
                key: try reader.canonical("layer.\(layer).k", [d, k]), keyBias: try reader.raw(base + "self_attn.k_proj.bias", count: k, zeroIfMissing: true),
                value: try reader.canonical("layer.\(layer).v", [d, k]), valueBias: try reader.raw(base + "self_attn.v_proj.bias", count: k, zeroIfMissing: true),
                output: try reader.canonical("layer.\(layer).o", [q, d]),
                postNorm: try reader.raw(base + "post_attention_layernorm.weight", count: d),
                up: try reader.canonical("layer.\(layer).ff1", [d, ff]), gate: try reader.canonical("layer.\(layer).ff1g", [d, ff]),
                down: try reader.canonical("layer.\(layer).ff2", [ff, d]))
        }
    }

    /// Layers in the model.
    var layerCount: Int { layers.count }

    /// Runs input token embeddings (tokens × d) through the first `through` layers; when that is every layer,
    /// the last state is after the final RMSNorm, as Hugging Face reports it.
    func run(inputs: [Float], tokens t: Int, through: Int) throws -> LlamaPass {
        guard t > 0 else { throw EngineError.invalidArgument("the forward pass needs at least one token") }
        guard through >= 0, through <= layerCount else {
            throw EngineError.invalidArgument("layer \(through) is outside 0…\(layerCount)")
        }
        return try LlamaPass(input: inputs, tokens: t, layers: layers.prefix(through), complete: through == layerCount,
                             forward: { forward($0, $1, tokens: t) }, finalNorm: { rmsNorm($0, rows: t, weight: finalNorm) })
    }

    /// h = x + Attention(RMSNorm(x)); out = h + down(SiLU(gate(RMSNorm(h))) ⊙ up(RMSNorm(h))).
    func forward(_ w: LlamaLayerWeights, _ x: [Float], tokens t: Int) -> ([Float], LlamaLayerCache) {
        let d = width, q = heads * headWidth, k = keyValueHeads * headWidth
        let (normed, inputNorm) = rmsNorm(x, rows: t, weight: w.inputNorm)
        var query = Dense.linear(normed, rows: t, w.query, inner: d, outer: q, bias: w.queryBias)
        var key = Dense.linear(normed, rows: t, w.key, inner: d, outer: k, bias: w.keyBias)
        let value = Dense.linear(normed, rows: t, w.value, inner: d, outer: k, bias: w.valueBias)
        rotate(&query, tokens: t, heads: heads)
        rotate(&key, tokens: t, heads: keyValueHeads)
        let (context, probabilities) = Attention.heads(query: query, queryLayout, key: key, keyValueLayout, value: value, keyValueLayout,
                                                       heads: heads, headWidth: headWidth, tokens: t, causal: true, mask: nil,
                                                       keyValueHead: keyValueHead)
        var h = Dense.linear(context, rows: t, w.output, inner: q, outer: d, bias: nil)
        for index in h.indices { h[index] += x[index] }
        let (normed2, postNorm) = rmsNorm(h, rows: t, weight: w.postNorm)
        let up = Dense.linear(normed2, rows: t, w.up, inner: d, outer: feedForward, bias: nil)
        let gate = Dense.linear(normed2, rows: t, w.gate, inner: d, outer: feedForward, bias: nil)
        var gated = gate
        for index in gated.indices { gated[index] = gated[index] / (1 + Foundation.exp(-gated[index])) * up[index] }
        let down = Dense.linear(gated, rows: t, w.down, inner: feedForward, outer: d, bias: nil)
        for index in h.indices { h[index] += down[index] }
        return (h, LlamaLayerCache(inputNorm: inputNorm, query: query, key: key, value: value, probabilities: probabilities,
                                   postNorm: postNorm, gate: gate, up: up))
    }

    /// Query heads side by side (tokens × heads·d_head); keys and values likewise with the key/value heads.
    var queryLayout: HeadLayout { HeadLayout(stride: heads * headWidth) { [hw = headWidth] in $0 * hw } }
    var keyValueLayout: HeadLayout { HeadLayout(stride: keyValueHeads * headWidth) { [hw = headWidth] in $0 * hw } }
    /// Grouped-query attention: query head h reads key/value head h ÷ (heads / kv_heads).
    var keyValueHead: (Int) -> Int {
        let group = heads / keyValueHeads
        return { $0 / group }
    }

    /// x / √(mean(x²) + ε) ⊙ w per row, the mean in double; keeps x/rms and 1/rms for the backward pass.
    func rmsNorm(_ x: [Float], rows: Int, weight: [Float]) -> ([Float], NormCache) {
        var out = x, normalized = x
        var inverses = [Float](repeating: 0, count: rows)
        for row in 0..<rows {
            var squares = 0.0
            for column in 0..<width { squares += Double(x[row * width + column]) * Double(x[row * width + column]) }
            let inverse = Float(1 / (squares / Double(width) + Double(epsilon)).squareRoot())
            inverses[row] = inverse
            for column in 0..<width {
                normalized[row * width + column] = x[row * width + column] * inverse
                out[row * width + column] = normalized[row * width + column] * weight[column]
            }
        }
        return (out, NormCache(normalized: normalized, inverseDeviation: inverses))
    }

    /// Rotary positions as Hugging Face's Llama applies them: dimension i pairs with i + d_head/2 (rotate_half),
    /// angle position · θ^(−2i/d_head).
    /// `inverse` rotates by the opposite angle: the transpose, which carries gradients back through the rotation.
    func rotate(_ values: inout [Float], tokens: Int, heads: Int, inverse: Bool = false) {
        let half = headWidth / 2, stride = heads * headWidth
        for position in 0..<tokens {
            for i in 0..<half {
                let angle = Double(position) * Foundation.pow(ropeTheta, -2 * Double(i) / Double(headWidth))
                let cosine = Float(Foundation.cos(angle)), sine = Float(Foundation.sin(inverse ? -angle : angle))
                for head in 0..<heads {
                    let start = position * stride + head * headWidth
                    let a = values[start + i], b = values[start + i + half]
                    values[start + i] = a * cosine - b * sine
                    values[start + i + half] = b * cosine + a * sine
                }
            }
        }
    }
}
