// A Hugging Face-style config made from a GGUF file's metadata, so families and forward passes read one config.
import Foundation

/// Translates `llama.*` / `gemma3.*` metadata into the config.json keys the rest of Engine reads.
enum GGUFConfig {
    /// Gemma 3's interleaving in llama.cpp and Hugging Face: every sixth layer attends globally, the rest
    /// through the sliding window.
    static let gemma3GlobalEvery = 6
    /// Gemma 3's rope base on sliding-window layers (HF `rope_local_base_freq`; llama.cpp hard-codes it too).
    static let gemma3LocalRopeBase = 10_000.0

    /// The config for `metadata`; `tiedEmbeddings` when the file has no separate `output.weight`.
    static func make(_ metadata: GGUFMetadata, tiedEmbeddings: Bool, vocabularySize: Int?) -> JSONValue {
        let architecture = metadata.architecture ?? "unknown"
        var members: [(key: String, value: JSONValue)] = [
            ("model_type", .string(architecture)), ("gguf_architecture", .string(architecture)),
        ]
        func put(_ key: String, _ metadataKey: String) {
            if let number = metadata.value(arch: metadataKey)?.doubleValue { members.append((key, .number(number))) }
        }
        put("num_hidden_layers", "block_count")
        put("hidden_size", "embedding_length")
        put("intermediate_size", "feed_forward_length")
        put("num_attention_heads", "attention.head_count")
        put("num_key_value_heads", "attention.head_count_kv")
        put("head_dim", "attention.key_length")
        put("rms_norm_eps", "attention.layer_norm_rms_epsilon")
        put("rope_theta", "rope.freq_base")
        put("max_position_embeddings", "context_length")
        if let size = vocabularySize { members.append(("vocab_size", .number(Double(size)))) }
        members.append(("tie_word_embeddings", .bool(tiedEmbeddings)))
        for (key, metadataKey) in [("bos_token_id", "bos_token_id"), ("eos_token_id", "eos_token_id"), ("pad_token_id", "padding_token_id")] {
            if let id = metadata["tokenizer.ggml.\(metadataKey)"]?.doubleValue { members.append((key, .number(id))) }
        }
        switch architecture {
        case "llama":
            members.append(("hidden_act", .string("silu")))
        case "gemma3":
            members += gemma3(metadata)
        default:
            break
        }
        return .object(members)
    }

    /// Gemma 3's extras: GELU (tanh), the window and its layer pattern, the two rope bases, the query scale,
    /// the √d embedding scale, and that the stored norm weights already hold Gemma's `1 + w`.
    private static func gemma3(_ metadata: GGUFMetadata) -> [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = [
            ("hidden_act", .string("gelu_pytorch_tanh")), ("hidden_activation", .string("gelu_pytorch_tanh")),
            ("rope_local_base_freq", .number(gemma3LocalRopeBase)),
            ("norm_weights_include_one", .bool(true)),
        ]
        if let window = metadata.value(arch: "attention.sliding_window")?.doubleValue {
            members.append(("sliding_window", .number(window)))
        }
        if let layers = metadata.value(arch: "block_count")?.intValue, layers >= 0, layers <= 100_000 {
            members.append(("sliding_window_pattern", .number(Double(gemma3GlobalEvery))))
            members.append(("layer_types", .array((0..<layers).map {
                .string(($0 + 1) % gemma3GlobalEvery == 0 ? "full_attention" : "sliding_attention")
            })))
        }
        if let keyLength = metadata.value(arch: "attention.key_length")?.doubleValue {
            members.append(("query_pre_attn_scalar", .number(keyLength)))
        }
        if let width = metadata.value(arch: "embedding_length")?.doubleValue {
            members.append(("embedding_scale", .number(width.squareRoot())))
        }
        return members
    }
}
