// Complete tiny BERT and GPT-2 models (biases, norms, positions) with seeded random weights, for forward-pass tests.
import Foundation
@testable import Engine

enum ForwardFixtures {
    /// A BERT encoder model with every tensor the forward pass reads, PyTorch names and layouts.
    static func bert(layers: Int = 2, width: Int = 8, heads: Int = 2, feedForward: Int = 12, vocab: Int = 24,
                     positions: Int = 16, seed: UInt64 = 7) throws -> Model {
        var next = seed
        func random(_ shape: [Int], scale: Float = 0.5, around centre: Float = 0) throws -> Tensor {
            next &+= 1
            var generator = SeededGenerator(seed: next)
            let count = shape.reduce(1, *)
            return try Tensor(shape: shape, values: (0..<count).map { _ in centre + generator.normal() * scale })
        }
        var tensors: [(String, Tensor)] = [
            ("embeddings.word_embeddings.weight", try random([vocab, width], scale: 1)),
            ("embeddings.position_embeddings.weight", try random([positions, width], scale: 0.3)),
            ("embeddings.token_type_embeddings.weight", try random([2, width], scale: 0.3)),
            ("embeddings.LayerNorm.weight", try random([width], scale: 0.2, around: 1)),
            ("embeddings.LayerNorm.bias", try random([width], scale: 0.1)),
        ]
        for layer in 0..<layers {
            let prefix = "encoder.layer.\(layer)."
            let linears: [(String, Int, Int)] = [
                ("attention.self.query", width, width), ("attention.self.key", width, width),
                ("attention.self.value", width, width), ("attention.output.dense", width, width),
                ("intermediate.dense", feedForward, width), ("output.dense", width, feedForward),
            ]
            for (name, outputs, inputs) in linears {
                tensors.append((prefix + name + ".weight", try random([outputs, inputs], scale: 1 / Float(inputs).squareRoot())))
                tensors.append((prefix + name + ".bias", try random([outputs], scale: 0.1)))
            }
            for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
                tensors.append((prefix + norm + ".weight", try random([width], scale: 0.2, around: 1)))
                tensors.append((prefix + norm + ".bias", try random([width], scale: 0.1)))
            }
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
        var next = seed
        func random(_ shape: [Int], scale: Float = 0.5, around centre: Float = 0) throws -> Tensor {
            next &+= 1
            var generator = SeededGenerator(seed: next)
            let count = shape.reduce(1, *)
            return try Tensor(shape: shape, values: (0..<count).map { _ in centre + generator.normal() * scale })
        }
        var tensors: [(String, Tensor)] = [
            ("wte.weight", try random([vocab, width], scale: 1)),
            ("wpe.weight", try random([positions, width], scale: 0.3)),
            ("ln_f.weight", try random([width], scale: 0.2, around: 1)),
            ("ln_f.bias", try random([width], scale: 0.1)),
        ]
        for layer in 0..<layers {
            let prefix = "h.\(layer)."
            let linears: [(String, Int, Int)] = [
                ("attn.c_attn", width, 3 * width), ("attn.c_proj", width, width),
                ("mlp.c_fc", width, feedForward), ("mlp.c_proj", feedForward, width),
            ]
            for (name, inputs, outputs) in linears {
                tensors.append((prefix + name + ".weight", try random([inputs, outputs], scale: 1 / Float(inputs).squareRoot())))
                tensors.append((prefix + name + ".bias", try random([outputs], scale: 0.1)))
            }
            for norm in ["ln_1", "ln_2"] {
                tensors.append((prefix + norm + ".weight", try random([width], scale: 0.2, around: 1)))
                tensors.append((prefix + norm + ".bias", try random([width], scale: 0.1)))
            }
        }
        let config = JSONValue.object([
            ("model_type", .string("gpt2")), ("n_head", .number(Double(heads))), ("n_embd", .number(Double(width))),
            ("n_layer", .number(Double(layers))), ("layer_norm_epsilon", .number(1e-5)),
        ])
        return Fixtures.model("tiny-gpt2", tensors, config: config)
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
