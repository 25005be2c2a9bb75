// The Llama family's forward pass: RMSNorm, rotary positions, grouped-query attention, gated feed-forward;
// with Gemma 3's extras (q/k norms, norms after attention and FF, GELU, √d embedding scale, sliding windows).
import Foundation

/// One Llama layer's weights; matrices in x·W orientation, optional q/k/v biases (Qwen) as zeros when absent.
/// `postNorm` is the norm before the FF (Llama's `post_attention_layernorm`, Gemma's `pre_feedforward_layernorm`).
struct LlamaLayerWeights {
    let inputNorm, query, queryBias, key, keyBias, value, valueBias, output: [Float]
    let postNorm, up, gate, down: [Float]
    /// Gemma 3: RMSNorm of each query and key head (d_head wide), before the rotation.
    let queryNorm, keyNorm: [Float]?
    /// Gemma 3: RMSNorm of the attention output and of the FF output, before each is added to the residual.
    let attentionOutputNorm, feedForwardOutputNorm: [Float]?
    /// The rotary base of this layer (Gemma 3's sliding-window layers have their own).
    let ropeTheta: Double
    /// Keys further back than this many positions are hidden (Gemma 3's sliding-window layers); nil for none.
    let window: Int?
}

/// What one Llama layer keeps for its backward pass.
struct LlamaLayerCache {
    let inputNorm: NormCache
    /// q and k after rotation, v, and the attention probabilities.
    let query, key, value, probabilities: [Float]
    let postNorm: NormCache
    /// The gate's pre-activation (tokens × ff) and the up projection.
    let gate, up: [Float]
    /// Statistics of Gemma 3's q/k and output norms, when the layer has them.
    let queryNorm, keyNorm, attentionOutputNorm, feedForwardOutputNorm: NormCache?
}

/// A Llama forward pass over one sequence.
typealias LlamaPass = DecoderPass<LlamaLayerCache>

/// A Llama / Mistral / Qwen / Gemma 3 decoder's weights and its forward pass.
public struct LlamaWeights {
    let width, heads, keyValueHeads, headWidth, feedForward, vocabularySize: Int
    /// Token embeddings, vocabulary × d.
    let word: [Float]
    /// The output embedding (`lm_head`), vocabulary × d; the token embeddings when tied.
    let unembedding: [Float]
    let layers: [LlamaLayerWeights]
    let finalNorm: [Float]
    let epsilon: Float
    /// The gate's activation: SiLU (SwiGLU), or GELU's tanh form (Gemma's GeGLU).
    let tanhGELU: Bool
    /// What the token embeddings are multiplied by before the first layer (Gemma: √d; Llama: 1).
    let embeddingScale: Float

    /// Whether `model` is laid out as Llama (`layers.0.self_attn.q_proj.weight`, `embed_tokens.weight`, a gated FF).
    public static func matches(_ model: Model) -> Bool {
        model.architecture.entry(canonical: "layer.0.ff1g") != nil && model.architecture.entry(canonical: "layer.0.q") != nil
            && LlamaFamily.layout.prefix(in: ParameterNames(config: model.config, parameters: model.parameters)) != nil
    }

    /// Reads every weight; refuses rope scaling, which is not implemented. Gemma 3 (`model_type` gemma3…) adds its
    /// extra norms, GELU, the √d embedding scale and the local/global layer pattern; its norm weights are used as
    /// `1 + w` (a GGUF file already stores them so, `norm_weights_include_one`).
    public init(model: Model) throws {
        guard let reader = WeightReader(model: model, layout: LlamaFamily.layout) else {
            throw EngineError.unsupported("\(model.name) is not laid out as Llama (no layers.0.self_attn.q_proj.weight)")
        }
        let architecture = model.architecture
        let config = model.config
        let gemma = config?["model_type"]?.stringValue?.hasPrefix("gemma") == true
        if let scaling = config?["rope_scaling"], scaling != .null {
            throw EngineError.unsupported("\(model.name): rope_scaling is not supported by the forward pass")
        }
        let activation = config?["hidden_activation"]?.stringValue ?? config?["hidden_act"]?.stringValue ?? (gemma ? "gelu_pytorch_tanh" : "silu")
        guard ["silu", "gelu_pytorch_tanh", "gelu_new"].contains(activation) else {
            throw EngineError.unsupported("\(model.name): hidden_act '\(activation)' is not supported (silu, gelu_pytorch_tanh)")
        }
        let d = architecture.width, heads = architecture.heads, kv = architecture.keyValueHeads, ff = architecture.feedForward
        let headWidth = config?["head_dim"]?.intValue ?? (heads > 0 ? d / heads : 0)
        guard d > 0, heads > 0, kv > 0, heads % kv == 0, headWidth > 0, headWidth % 2 == 0, ff > 0 else {
            throw EngineError.unsupported("\(model.name): \(heads) heads, \(kv) key/value heads and width \(d) do not make a Llama attention")
        }
        // Attention scales scores by 1/√d_head; Gemma names the divisor separately and mvs supports it when equal.
        if let scalar = config?["query_pre_attn_scalar"]?.intValue, scalar != headWidth {
            throw EngineError.unsupported("\(model.name): query_pre_attn_scalar \(scalar) differs from head_dim \(headWidth)")
        }
        for key in ["attn_logit_softcapping", "final_logit_softcapping"] where config?[key].map({ $0 != .null }) == true {
            throw EngineError.unsupported("\(model.name): \(key) is not supported by the forward pass")
        }
        let embed = try reader.embedding(width: d)
        width = d
        self.heads = heads
        keyValueHeads = kv
        self.headWidth = headWidth
        feedForward = ff
        vocabularySize = embed.shape[0]
        word = embed.values
        if config?["tie_word_embeddings"]?.boolValue != true, let head = reader.names.raw("lm_head.weight") {
            let tensor = try model.tensor(head)
            guard tensor.shape == embed.shape else {
                throw EngineError.shapeMismatch(operation: "the output embedding", lhs: tensor.shape, rhs: embed.shape, name: head)
            }
            unembedding = tensor.values
        } else {
            unembedding = word
        }
        tanhGELU = activation != "silu"
        embeddingScale = Float(config?["embedding_scale"]?.doubleValue ?? (gemma ? Double(d).squareRoot() : 1))
        epsilon = Float(config?["rms_norm_eps"]?.doubleValue ?? 1e-6)
        let ropeTheta = config?["rope_theta"]?.doubleValue ?? 10000
        let localTheta = config?["rope_local_base_freq"]?.doubleValue ?? 10000
        let window = config?["sliding_window"]?.intValue
        let layerTypes = config?["layer_types"]?.arrayValue?.compactMap(\.stringValue)
        let pattern = config?["sliding_window_pattern"]?.intValue ?? 6
        // Hugging Face's Gemma norms multiply by 1 + w; a GGUF file has folded the 1 in already.
        let addOne: Float = gemma && config?["norm_weights_include_one"]?.boolValue != true ? 1 : 0
        func norm(_ key: String, _ count: Int) throws -> [Float] { try reader.raw(key, count: count).map { $0 + addOne } }
        func gemmaNorm(_ key: String, _ count: Int) throws -> [Float]? { gemma ? try norm(key, count) : nil }
        finalNorm = try norm("norm.weight", d)
        let q = heads * headWidth, k = kv * headWidth
        layers = try (0..<architecture.layers).map { layer in
            let base = "layers.\(layer)."
            let sliding = gemma && (layerTypes.map { layer < $0.count && $0[layer] == "sliding_attention" } ?? ((layer + 1) % max(pattern, 1) != 0))
            return LlamaLayerWeights(
                inputNorm: try norm(base + "input_layernorm.weight", d),
                query: try reader.canonical("layer.\(layer).q", [d, q]), queryBias: try reader.raw(base + "self_attn.q_proj.bias", count: q, zeroIfMissing: true),
                key: try reader.canonical("layer.\(layer).k", [d, k]), keyBias: try reader.raw(base + "self_attn.k_proj.bias", count: k, zeroIfMissing: true),
                value: try reader.canonical("layer.\(layer).v", [d, k]), valueBias: try reader.raw(base + "self_attn.v_proj.bias", count: k, zeroIfMissing: true),
                output: try reader.canonical("layer.\(layer).o", [q, d]),
                postNorm: try norm(base + (gemma ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight"), d),
                up: try reader.canonical("layer.\(layer).ff1", [d, ff]), gate: try reader.canonical("layer.\(layer).ff1g", [d, ff]),
                down: try reader.canonical("layer.\(layer).ff2", [ff, d]),
                queryNorm: try gemmaNorm(base + "self_attn.q_norm.weight", headWidth), keyNorm: try gemmaNorm(base + "self_attn.k_norm.weight", headWidth),
                attentionOutputNorm: try gemmaNorm(base + "post_attention_layernorm.weight", d),
                feedForwardOutputNorm: try gemmaNorm(base + "post_feedforward_layernorm.weight", d),
                ropeTheta: sliding ? localTheta : ropeTheta, window: sliding ? window : nil)
        }
    }

    /// Layers in the model.
    var layerCount: Int { layers.count }

    /// Runs input token embeddings (tokens × d) through the first `through` layers; when that is every layer,
    /// the last state is after the final RMSNorm, as Hugging Face reports it. State 0 is the scaled embedding.
    func run(inputs: [Float], tokens t: Int, through: Int) throws -> LlamaPass {
        guard t > 0 else { throw EngineError.invalidArgument("the forward pass needs at least one token") }
        guard through >= 0, through <= layerCount else {
            throw EngineError.invalidArgument("layer \(through) is outside 0…\(layerCount)")
        }
        let input = embeddingScale == 1 ? inputs : inputs.map { $0 * embeddingScale }
        return try LlamaPass(input: input, tokens: t, layers: layers.prefix(through), complete: through == layerCount,
                             forward: { forward($0, $1, tokens: t) }, finalNorm: { rmsNorm($0, rows: t, weight: finalNorm) })
    }

    /// h = x + N₁(Attention(RMSNorm(x))); out = h + N₂(down(act(gate(RMSNorm(h))) ⊙ up(RMSNorm(h)))), where N₁, N₂
    /// are Gemma's output norms (the identity for Llama) and act is SiLU or tanh-GELU.
    func forward(_ w: LlamaLayerWeights, _ x: [Float], tokens t: Int) -> ([Float], LlamaLayerCache) {
        let d = width, q = heads * headWidth, k = keyValueHeads * headWidth
        let (normed, inputNorm) = rmsNorm(x, rows: t, weight: w.inputNorm)
        var query = Dense.linear(normed, rows: t, w.query, inner: d, outer: q, bias: w.queryBias)
        var key = Dense.linear(normed, rows: t, w.key, inner: d, outer: k, bias: w.keyBias)
        let value = Dense.linear(normed, rows: t, w.value, inner: d, outer: k, bias: w.valueBias)
        var queryNorm, keyNorm: NormCache?
        if let weight = w.queryNorm { (query, queryNorm) = rmsNorm(query, rows: t * heads, width: headWidth, weight: weight) }
        if let weight = w.keyNorm { (key, keyNorm) = rmsNorm(key, rows: t * keyValueHeads, width: headWidth, weight: weight) }
        rotate(&query, tokens: t, heads: heads, theta: w.ropeTheta)
        rotate(&key, tokens: t, heads: keyValueHeads, theta: w.ropeTheta)
        let (context, probabilities) = Attention.heads(query: query, queryLayout, key: key, keyValueLayout, value: value, keyValueLayout,
                                                       heads: heads, headWidth: headWidth, tokens: t, causal: true, mask: nil,
                                                       window: w.window, keyValueHead: keyValueHead)
        var attended = Dense.linear(context, rows: t, w.output, inner: q, outer: d, bias: nil)
        var attentionOutputNorm: NormCache?
        if let weight = w.attentionOutputNorm { (attended, attentionOutputNorm) = rmsNorm(attended, rows: t, weight: weight) }
        var h = attended
        for index in h.indices { h[index] += x[index] }
        let (normed2, postNorm) = rmsNorm(h, rows: t, weight: w.postNorm)
        let up = Dense.linear(normed2, rows: t, w.up, inner: d, outer: feedForward, bias: nil)
        let gate = Dense.linear(normed2, rows: t, w.gate, inner: d, outer: feedForward, bias: nil)
        var gated = gate
        for index in gated.indices { gated[index] = activation(gated[index]) * up[index] }
        var down = Dense.linear(gated, rows: t, w.down, inner: feedForward, outer: d, bias: nil)
        var feedForwardOutputNorm: NormCache?
        if let weight = w.feedForwardOutputNorm { (down, feedForwardOutputNorm) = rmsNorm(down, rows: t, weight: weight) }
        for index in h.indices { h[index] += down[index] }
        return (h, LlamaLayerCache(inputNorm: inputNorm, query: query, key: key, value: value, probabilities: probabilities,
                                   postNorm: postNorm, gate: gate, up: up, queryNorm: queryNorm, keyNorm: keyNorm,
                                   attentionOutputNorm: attentionOutputNorm, feedForwardOutputNorm: feedForwardOutputNorm))
    }

    /// The gate's activation: SiLU g·σ(g), or GELU's tanh form.
    func activation(_ g: Float) -> Float { tanhGELU ? GPT2Weights.tanhGELU(g) : g / (1 + Foundation.exp(-g)) }

    /// Query heads side by side (tokens × heads·d_head); keys and values likewise with the key/value heads.
    var queryLayout: HeadLayout { HeadLayout(stride: heads * headWidth) { [hw = headWidth] in $0 * hw } }
    var keyValueLayout: HeadLayout { HeadLayout(stride: keyValueHeads * headWidth) { [hw = headWidth] in $0 * hw } }
    /// Grouped-query attention: query head h reads key/value head h ÷ (heads / kv_heads).
    var keyValueHead: (Int) -> Int {
        let group = heads / keyValueHeads
        return { $0 / group }
    }

    /// x / √(mean(x²) + ε) ⊙ w per row of `width` (the model's unless given), the mean in double; keeps x/rms
    /// and 1/rms for the backward pass.
    func rmsNorm(_ x: [Float], rows: Int, width: Int? = nil, weight: [Float]) -> ([Float], NormCache) {
        let width = width ?? self.width
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
    func rotate(_ values: inout [Float], tokens: Int, heads: Int, theta ropeTheta: Double, inverse: Bool = false) {
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
