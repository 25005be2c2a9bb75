// Complete tiny BERT, GPT-2 and Llama models (biases, norms, positions) with seeded random weights, for forward-pass tests.
import Foundation
@testable import Engine

enum ForwardFixtures {
    /// A BERT encoder model with every tensor the forward pass reads, PyTorch names and layouts.
    static func bert(layers: Int = 2, width: Int = 8, heads: Int = 2, feedForward: Int = 12, vocab: Int = 24,
                     positions: Int = 16, seed: UInt64 = 7) throws -> Model {
        var random = SeededTensors(seed: seed)
        var tensors: [(String, Tensor)] = try [
            ("embeddings.word_embeddings.weight", try random([vocab, width], scale: 1)),
            ("embeddings.position_embeddings.weight", try random([positions, width], scale: 0.3)),
            ("embeddings.token_type_embeddings.weight", try random([2, width], scale: 0.3)),
        ] + random.layerNorm("embeddings.LayerNorm", width: width)
        let linears = [
            ("attention.self.query", width, width), ("attention.self.key", width, width),
            ("attention.self.value", width, width), ("attention.output.dense", width, width),
            ("intermediate.dense", feedForward, width), ("output.dense", width, feedForward),
        ]
        for layer in 0..<layers {
            tensors += try random.layer("encoder.layer.\(layer).", linears: linears,
                                        layerNorms: ["attention.output.LayerNorm", "output.LayerNorm"], width: width)
        }
        let config = JSONValue.object([
            ("model_type", .string("bert")), ("num_attention_heads", .number(Double(heads))),
            ("hidden_act", .string("gelu")), ("layer_norm_eps", .number(1e-12)),
        ])
        return Fixtures.model("tiny-forward", tensors, config: config)
    }

    /// A GPT-2 decoder with every tensor its forward pass reads, Hugging Face names and Conv1D (d_in × d_out) layouts.
    static func gpt2(layers: Int = 2, width: Int = 8, heads: Int = 2, feedForward: Int = 12, vocab: Int = 24,
                     positions: Int = 16, seed: UInt64 = 17) throws -> Model {
        var random = SeededTensors(seed: seed)
        var tensors: [(String, Tensor)] = try [
            ("wte.weight", try random([vocab, width], scale: 1)),
            ("wpe.weight", try random([positions, width], scale: 0.3)),
        ] + random.layerNorm("ln_f", width: width)
        let linears = [
            ("attn.c_attn", 3 * width, width), ("attn.c_proj", width, width),
            ("mlp.c_fc", feedForward, width), ("mlp.c_proj", width, feedForward),
        ]
        for layer in 0..<layers {
            tensors += try random.layer("h.\(layer).", linears: linears, layerNorms: ["ln_1", "ln_2"], width: width, conv1D: true)
        }
        let config = JSONValue.object([
            ("model_type", .string("gpt2")), ("n_head", .number(Double(heads))), ("n_embd", .number(Double(width))),
            ("n_layer", .number(Double(layers))), ("layer_norm_epsilon", .number(1e-5)),
        ])
        return Fixtures.model("tiny-gpt2", tensors, config: config)
    }

    /// A Llama decoder (grouped-query attention, q/k/v biases as Qwen has them, SwiGLU), PyTorch names and layouts.
    /// `gemma`: Gemma 3 instead (no biases, q/k norms, norms after attention and FF stored as w for 1 + w, tanh GELU,
    /// √d embedding scale), layer 0 sliding with a 3-token window and its own rope base, layer 1 global.
    static func llama(layers: Int = 2, width: Int = 8, heads: Int = 4, keyValueHeads: Int = 2, feedForward: Int = 12,
                      vocab: Int = 24, seed: UInt64 = 27, gemma: Bool = false) throws -> Model {
        var random = SeededTensors(seed: seed)
        let headWidth = width / heads, q = heads * headWidth, k = keyValueHeads * headWidth
        var tensors: [(String, Tensor)] = [
            ("model.embed_tokens.weight", try random([vocab, width], scale: 1)),
            ("model.norm.weight", try random([width], scale: 0.2, around: 1)),
        ]
        for layer in 0..<layers {
            let prefix = "model.layers.\(layer)."
            let linears: [(String, Int, Int, Bool)] = [
                ("self_attn.q_proj", q, width, true), ("self_attn.k_proj", k, width, true), ("self_attn.v_proj", k, width, true),
                ("self_attn.o_proj", width, q, false), ("mlp.gate_proj", feedForward, width, false),
                ("mlp.up_proj", feedForward, width, false), ("mlp.down_proj", width, feedForward, false),
            ]
            for (name, outputs, inputs, biased) in linears {
                tensors += try random.linear(prefix + name, inputs: inputs, outputs: outputs, bias: biased && !gemma)
            }
            let norms = gemma ? ["input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm", "post_feedforward_layernorm"]
                              : ["input_layernorm", "post_attention_layernorm"]
            for norm in norms {
                tensors.append((prefix + norm + ".weight", try random([width], scale: 0.2, around: gemma ? 0 : 1)))
            }
            if gemma {
                for norm in ["self_attn.q_norm", "self_attn.k_norm"] {
                    tensors.append((prefix + norm + ".weight", try random([headWidth], scale: 0.2, around: 0)))
                }
            }
        }
        if gemma {
            let config = JSONValue.object([
                ("model_type", .string("gemma3_text")), ("num_attention_heads", .number(Double(heads))),
                ("num_key_value_heads", .number(Double(keyValueHeads))), ("hidden_size", .number(Double(width))),
                ("head_dim", .number(Double(headWidth))), ("query_pre_attn_scalar", .number(Double(headWidth))),
                ("rms_norm_eps", .number(1e-6)), ("rope_theta", .number(1e6)), ("rope_local_base_freq", .number(10000)),
                ("hidden_activation", .string("gelu_pytorch_tanh")), ("sliding_window", .number(3)),
                ("layer_types", .array((0..<layers).map { .string($0 % 2 == 0 ? "sliding_attention" : "full_attention") })),
            ])
            tensors[1].1 = try random([width], scale: 0.2, around: 0)
            return Fixtures.model("tiny-gemma", tensors, config: config)
        }
        let config = JSONValue.object([
            ("model_type", .string("llama")), ("num_attention_heads", .number(Double(heads))),
            ("num_key_value_heads", .number(Double(keyValueHeads))), ("hidden_size", .number(Double(width))),
            ("rms_norm_eps", .number(1e-6)), ("rope_theta", .number(10000)), ("hidden_act", .string("silu")),
        ])
        return Fixtures.model("tiny-llama", tensors, config: config)
    }

    /// A Gemma 3 decoder: 2 query heads and 1 key/value head, 8 wide (see `llama(gemma:)`).
    static func gemma(layers: Int = 2) throws -> Model {
        try llama(layers: layers, width: 16, heads: 2, keyValueHeads: 1, feedForward: 12, gemma: true)
    }

    /// Reconstruction settings for the tiny models: Adam's default rate of 0.01 is slow at these sizes, so 0.05.
    static func reconstruction(steps: Int = 300, learningRate: Float = 0.05, seed: UInt64 = 0,
                               loss: ReconstructionLoss = .l2) -> ReconstructionOptions {
        var options = ReconstructionOptions()
        options.steps = steps
        options.learningRate = learningRate
        options.seed = seed
        options.loss = loss
        return options
    }

    /// Seeded standard normal values.
    static func normal(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in generator.normal() }
    }

    /// Σ a·b in double.
    static func dot(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// The central difference (f(x + h·u) − f(x − h·u)) / 2h.
    static func directional(_ f: ([Float]) throws -> Double, at x: [Float], along u: [Float], step h: Float) rethrows -> Double {
        let plus = zip(x, u).map { $0 + h * $1 }, minus = zip(x, u).map { $0 - h * $1 }
        return try (f(plus) - f(minus)) / (2 * Double(h))
    }
}
