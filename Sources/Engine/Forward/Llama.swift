// The Llama family's forward pass: RMSNorm, rotary positions, grouped-query attention, SwiGLU feed-forward.
import Foundation

/// One Llama layer's weights; matrices in x·W orientation, optional q/k/v biases (Qwen) as zeros when absent.
struct LlamaLayerWeights {
    let inputNorm, query, queryBias, key, keyBias, value, valueBias, output: [Float]
    let postNorm, up, gate, down: [Float]
}

/// A Llama / Mistral / Qwen decoder's weights and its forward pass (hidden states only; no gradients yet).
public struct LlamaWeights {
    let width, heads, keyValueHeads, headWidth, feedForward, vocabularySize: Int
    let embedding: [Float]
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
        embedding = embed.values
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

    /// Hidden states (layers + 1) × tokens × d as Hugging Face reports them: 0 = token embeddings,
    /// l = output of layer l − 1, the last one after the final RMSNorm.
    public func hiddenStates(ids: [Int]) throws -> Tensor {
        let t = ids.count, d = width
        guard t > 0 else { throw EngineError.invalidArgument("the forward pass needs at least one token") }
        var x: [Float] = []
        x.reserveCapacity(t * d)
        for id in ids {
            guard id >= 0, id < vocabularySize else {
                throw EngineError.invalidArgument("token id \(id) is outside the vocabulary (0..<\(vocabularySize))")
            }
            x += embedding[(id * d)..<((id + 1) * d)]
        }
        var states = [x]
        for layer in layers {
            try Interruption.check()
            x = forward(layer, x, tokens: t)
            states.append(x)
        }
        states[states.count - 1] = rmsNorm(x, rows: t, weight: finalNorm)
        return try Tensor(shape: [layers.count + 1, t, d], values: states.flatMap { $0 })
    }

    /// h = x + Attention(RMSNorm(x)); out = h + down(SiLU(gate(RMSNorm(h))) ⊙ up(RMSNorm(h))).
    func forward(_ w: LlamaLayerWeights, _ x: [Float], tokens t: Int) -> [Float] {
        let d = width, q = heads * headWidth, k = keyValueHeads * headWidth
        let normed = rmsNorm(x, rows: t, weight: w.inputNorm)
        var query = Dense.linear(normed, rows: t, w.query, inner: d, outer: q, bias: w.queryBias)
        var key = Dense.linear(normed, rows: t, w.key, inner: d, outer: k, bias: w.keyBias)
        let value = Dense.linear(normed, rows: t, w.value, inner: d, outer: k, bias: w.valueBias)
        rotate(&query, tokens: t, heads: heads)
        rotate(&key, tokens: t, heads: keyValueHeads)
        let group = heads / keyValueHeads, hw = headWidth
        let context = Attention.heads(query: query, HeadLayout(stride: q) { $0 * hw }, key: key, HeadLayout(stride: k) { $0 * hw },
                                      value: value, HeadLayout(stride: k) { $0 * hw }, heads: heads, headWidth: hw, tokens: t,
                                      causal: true, mask: nil, keyValueHead: { $0 / group }).context
        var h = Dense.linear(context, rows: t, w.output, inner: q, outer: d, bias: nil)
        for index in h.indices { h[index] += x[index] }
        let normed2 = rmsNorm(h, rows: t, weight: w.postNorm)
        let up = Dense.linear(normed2, rows: t, w.up, inner: d, outer: feedForward, bias: nil)
        var gated = Dense.linear(normed2, rows: t, w.gate, inner: d, outer: feedForward, bias: nil)
        for index in gated.indices { gated[index] = gated[index] / (1 + Foundation.exp(-gated[index])) * up[index] }
        let down = Dense.linear(gated, rows: t, w.down, inner: feedForward, outer: d, bias: nil)
        for index in h.indices { h[index] += down[index] }
        return h
    }

    /// x / √(mean(x²) + ε) ⊙ w per row, the mean in double.
    func rmsNorm(_ x: [Float], rows: Int, weight: [Float]) -> [Float] {
        var out = x
        for row in 0..<rows {
            var squares = 0.0
            for column in 0..<width { squares += Double(x[row * width + column]) * Double(x[row * width + column]) }
            let inverse = Float(1 / (squares / Double(width) + Double(epsilon)).squareRoot())
            for column in 0..<width { out[row * width + column] = x[row * width + column] * inverse * weight[column] }
        }
        return out
    }

    /// Rotary positions as Hugging Face's Llama applies them: dimension i pairs with i + d_head/2 (rotate_half),
    /// angle position · θ^(−2i/d_head).
    func rotate(_ values: inout [Float], tokens: Int, heads: Int) {
        let half = headWidth / 2, stride = heads * headWidth
        for position in 0..<tokens {
            for i in 0..<half {
                let angle = Double(position) * Foundation.pow(ropeTheta, -2 * Double(i) / Double(headWidth))
                let cosine = Float(Foundation.cos(angle)), sine = Float(Foundation.sin(angle))
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
