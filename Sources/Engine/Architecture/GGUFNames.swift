// llama.cpp's tensor names (`blk.3.attn_q.weight`) as the Hugging Face keys the family recognisers match.
import Foundation

/// Maps GGUF tensor names onto Hugging Face names, so the Llama recogniser and forward pass serve GGUF files too.
/// The mapping depends on the architecture only for `ffn_norm`: Llama's norm before the FF is HF's
/// `post_attention_layernorm`, while Gemma 3 has a real post-attention norm and calls that one
/// `pre_feedforward_layernorm`.
enum GGUFNames {
    /// Model-level tensors.
    private static let global = [
        "token_embd": "model.embed_tokens", "output_norm": "model.norm", "output": "lm_head",
    ]

    /// Per-layer tensors (`blk.L.<key>`), shared by every architecture read.
    private static let perLayer = [
        "attn_norm": "input_layernorm",
        "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
        "attn_output": "self_attn.o_proj",
        "attn_q_norm": "self_attn.q_norm", "attn_k_norm": "self_attn.k_norm",
        "post_attention_norm": "post_attention_layernorm", "post_ffw_norm": "post_feedforward_layernorm",
        "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj",
    ]

    /// The Hugging Face key of a GGUF tensor name for `architecture` (`general.architecture`), or nil when
    /// the name is not one llama.cpp gives.
    static func huggingFaceKey(_ name: String, architecture: String) -> String? {
        var parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let suffix = parts.popLast(), suffix == "weight" || suffix == "bias" else { return nil }
        if parts.count == 1, let mapped = global[parts[0]] { return "\(mapped).\(suffix)" }
        guard parts.count == 3, parts[0] == "blk", let layer = Int(parts[1]), layer >= 0 else { return nil }
        let mapped: String?
        if parts[2] == "ffn_norm" {
            mapped = architecture == "gemma3" ? "pre_feedforward_layernorm" : "post_attention_layernorm"
        } else {
            mapped = perLayer[parts[2]]
        }
        return mapped.map { "model.layers.\(layer).\($0).\(suffix)" }
    }
}
