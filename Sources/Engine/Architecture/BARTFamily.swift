// BART and its kin (mBART, Marian, Pegasus): encoder and decoder layers with `encoder_attn` cross-attention.
import Foundation

enum BARTFamily {
    static func recognise(_ names: ParameterNames) -> Architecture? {
        guard let prefix = names.prefix(among: ["model.", ""], having: "encoder.layers.0.self_attn.q_proj.weight"),
              names.has("\(prefix)decoder.layers.0.self_attn.q_proj.weight") else { return nil }
        let attention: [(component: String, suffix: String)] = [
            ("q", "self_attn.q_proj"), ("k", "self_attn.k_proj"), ("v", "self_attn.v_proj"), ("o", "self_attn.out_proj"),
        ]
        let cross: [(component: String, suffix: String)] = [
            ("xq", "encoder_attn.q_proj"), ("xk", "encoder_attn.k_proj"), ("xv", "encoder_attn.v_proj"), ("xo", "encoder_attn.out_proj"),
        ]
        let feedForward: [(component: String, suffix: String)] = [("ff1", "fc1"), ("ff2", "fc2")]
        let encoder = LayerStack(path: "\(prefix)encoder.layers", components: attention + feedForward, stack: "enc")
        let decoder = LayerStack(path: "\(prefix)decoder.layers", components: attention + cross + feedForward, stack: "dec")
        return encoder.architecture(names, family: "bart", embed: ["\(prefix)shared.weight", "\(prefix)encoder.embed_tokens.weight"],
                                    unembed: ["lm_head.weight"], finalNorm: [], others: [decoder])
    }
}
