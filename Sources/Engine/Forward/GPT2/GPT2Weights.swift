// GPT-2's forward pass: pre-norm blocks, causal attention, Conv1D (d_in × d_out) weights, tanh GELU, final LayerNorm.
import Foundation

/// One GPT-2 block's weights, as stored (Conv1D: d_in × d_out).
struct GPT2BlockWeights {
    let norm1Weight, norm1Bias, attention, attentionBias, projection, projectionBias: [Float]
    let norm2Weight, norm2Bias, ff1, ff1Bias, ff2, ff2Bias: [Float]
}

/// What one GPT-2 block keeps for its backward pass.
struct GPT2BlockCache {
    let norm1: NormCache
    /// The fused q, k, v projection, tokens × 3d.
    let qkv: [Float]
    let probabilities: [Float]
    let norm2: NormCache
    let preActivation: [Float]
}

/// A GPT-2 forward pass over one sequence.
typealias GPT2Pass = DecoderPass<GPT2BlockCache>

/// A GPT-2 decoder's weights and its forward pass.
public struct GPT2Weights {
    let width, heads, feedForward, vocabularySize, maximumPositions: Int
    /// Token (word) and learned position embeddings, vocabulary × d and positions × d.
    let word, position: [Float]
    let layers: [GPT2BlockWeights]
    let finalNormWeight, finalNormBias: [Float]
    let epsilon: Float
    /// `gelu_new` / `gelu_pytorch_tanh` (tanh form, GPT-2's default) or `gelu` (erf form).
    let tanhGELU: Bool

    /// Whether `model` is laid out as GPT-2 (`h.0.attn.c_attn.weight` and `wte.weight`).
    public static func matches(_ model: Model) -> Bool {
        GPT2Family.layout.prefix(in: ParameterNames(config: model.config, parameters: model.parameters)) != nil
    }

    /// Reads every weight; missing biases read as zeros (some checkpoints drop them).
    public init(model: Model) throws {
        guard let reader = WeightReader(model: model, layout: GPT2Family.layout),
              reader.has("wte.weight") else {
            throw EngineError.unsupported("\(model.name) is not laid out as GPT-2 (no h.0.attn.c_attn.weight and wte.weight)")
        }
        let architecture = model.architecture
        let d = architecture.width, heads = architecture.heads, ff = architecture.feedForward
        guard d > 0, heads > 0, d % heads == 0, ff > 0 else {
            throw EngineError.unsupported("\(model.name): width \(d) and \(heads) heads do not give a whole head width (is n_head in config.json?)")
        }
        let activation = model.config?["activation_function"]?.stringValue ?? "gelu_new"
        guard ["gelu_new", "gelu_pytorch_tanh", "gelu"].contains(activation) else {
            throw EngineError.unsupported("\(model.name): activation_function '\(activation)' is not supported by the forward pass")
        }
        tanhGELU = activation != "gelu"
        width = d
        self.heads = heads
        feedForward = ff
        let embed = try reader.embedding(width: d)
        vocabularySize = embed.shape[0]
        word = embed.values
        position = try reader.raw("wpe.weight")
        guard position.count >= d, position.count % d == 0 else {
            throw EngineError.malformed(path: model.source, message: "\(model.name): wpe is not a positions × \(d) matrix")
        }
        maximumPositions = position.count / d
        epsilon = Float(model.config?["layer_norm_epsilon"]?.doubleValue ?? 1e-5)
        finalNormWeight = try reader.raw("ln_f.weight", count: d)
        finalNormBias = try reader.raw("ln_f.bias", count: d, zeroIfMissing: true)
        layers = try (0..<architecture.layers).map { layer in
            let base = "h.\(layer)."
            return GPT2BlockWeights(
                norm1Weight: try reader.raw(base + "ln_1.weight", count: d), norm1Bias: try reader.raw(base + "ln_1.bias", count: d, zeroIfMissing: true),
                attention: try reader.raw(base + "attn.c_attn.weight", count: d * 3 * d),
                attentionBias: try reader.raw(base + "attn.c_attn.bias", count: 3 * d, zeroIfMissing: true),
                projection: try reader.raw(base + "attn.c_proj.weight", count: d * d),
                projectionBias: try reader.raw(base + "attn.c_proj.bias", count: d, zeroIfMissing: true),
                norm2Weight: try reader.raw(base + "ln_2.weight", count: d), norm2Bias: try reader.raw(base + "ln_2.bias", count: d, zeroIfMissing: true),
                ff1: try reader.raw(base + "mlp.c_fc.weight", count: d * ff), ff1Bias: try reader.raw(base + "mlp.c_fc.bias", count: ff, zeroIfMissing: true),
                ff2: try reader.raw(base + "mlp.c_proj.weight", count: ff * d), ff2Bias: try reader.raw(base + "mlp.c_proj.bias", count: d, zeroIfMissing: true))
        }
    }

    /// Blocks in the model.
    var layerCount: Int { layers.count }

    /// Runs input word embeddings (tokens × d) plus positions through the first `through` blocks; when that is
    /// every block, the last state is after `ln_f`, as Hugging Face reports it.
    func run(inputs: [Float], tokens t: Int, through: Int) throws -> GPT2Pass {
        let d = width
        guard t > 0 else { throw EngineError.invalidArgument("the forward pass needs at least one token") }
        guard t <= maximumPositions else { throw EngineError.invalidArgument("\(t) tokens exceed the model's \(maximumPositions) positions") }
        guard through >= 0, through <= layerCount else {
            throw EngineError.invalidArgument("layer \(through) is outside 0…\(layerCount)")
        }
        var x = inputs
        for index in x.indices { x[index] += position[index] }
        return try GPT2Pass(input: x, tokens: t, layers: layers.prefix(through), complete: through == layerCount,
                            forward: { forward($0, $1, tokens: t) },
                            finalNorm: { BERTWeights.layerNorm($0, rows: t, width: d, weight: finalNormWeight, bias: finalNormBias, epsilon: epsilon) })
    }

    /// x + Attention(LN1(x)), then + MLP(LN2(·)).
    func forward(_ w: GPT2BlockWeights, _ x: [Float], tokens t: Int) -> ([Float], GPT2BlockCache) {
        let d = width, headWidth = width / heads
        let (normed, norm1) = BERTWeights.layerNorm(x, rows: t, width: d, weight: w.norm1Weight, bias: w.norm1Bias, epsilon: epsilon)
        let qkv = Dense.linear(normed, rows: t, w.attention, inner: d, outer: 3 * d, bias: w.attentionBias)
        let (context, probabilities) = Attention.heads(query: qkv, queryLayout, key: qkv, keyLayout, value: qkv, valueLayout,
                                                       heads: heads, headWidth: headWidth, tokens: t, causal: true, mask: nil)
        var out = Dense.linear(context, rows: t, w.projection, inner: d, outer: d, bias: w.projectionBias)
        for index in out.indices { out[index] += x[index] }
        let (normed2, norm2) = BERTWeights.layerNorm(out, rows: t, width: d, weight: w.norm2Weight, bias: w.norm2Bias, epsilon: epsilon)
        let u = Dense.linear(normed2, rows: t, w.ff1, inner: d, outer: feedForward, bias: w.ff1Bias)
        let mlp = Dense.linear(u.map(tanhGELU ? GPT2Weights.tanhGELU : BERTWeights.gelu), rows: t, w.ff2, inner: feedForward, outer: d, bias: w.ff2Bias)
        for index in out.indices { out[index] += mlp[index] }
        return (out, GPT2BlockCache(norm1: norm1, qkv: qkv, probabilities: probabilities, norm2: norm2, preActivation: u))
    }

    /// Where q, k and v of each head sit in the fused `c_attn` output (column thirds of tokens × 3d).
    var queryLayout: HeadLayout { HeadLayout(stride: 3 * width) { [headWidth = width / heads] in $0 * headWidth } }
    var keyLayout: HeadLayout { HeadLayout(stride: 3 * width) { [d = width, headWidth = width / heads] in d + $0 * headWidth } }
    var valueLayout: HeadLayout { HeadLayout(stride: 3 * width) { [d = width, headWidth = width / heads] in 2 * d + $0 * headWidth } }

    /// GPT-2's `gelu_new`: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    static func tanhGELU(_ x: Float) -> Float {
        0.5 * x * (1 + Foundation.tanh(Float((2 / Double.pi).squareRoot()) * (x + 0.044715 * x * x * x)))
    }

    /// d gelu_new / dx = ½(1 + tanh s) + ½x(1 − tanh² s)·√(2/π)(1 + 3·0.044715x²), s = √(2/π)(x + 0.044715x³).
    static func tanhGELUDerivative(_ x: Float) -> Float {
        let c = Float((2 / Double.pi).squareRoot())
        let th = Foundation.tanh(c * (x + 0.044715 * x * x * x))
        return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * c * (1 + 3 * 0.044715 * x * x)
    }
}
