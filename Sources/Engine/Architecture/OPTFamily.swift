// OPT (decoder-only, BART-style names under `model.decoder.`): `self_attn.q_proj … out_proj`, `fc1`, `fc2`.
import Foundation

enum OPTFamily {
    static func recognise(_ names: ParameterNames) -> Architecture? {
        guard let prefix = names.prefix(among: ["model.decoder.", "decoder."], having: "layers.0.self_attn.q_proj.weight"),
              names.has("\(prefix)embed_tokens.weight") else { return nil }
        let stack = LayerStack(path: "\(prefix)layers", components: [
            ("q", "self_attn.q_proj"), ("k", "self_attn.k_proj"), ("v", "self_attn.v_proj"), ("o", "self_attn.out_proj"),
            ("ff1", "fc1"), ("ff2", "fc2"),
        ])
        // OPT-350m projects a narrower embedding up to the model width: d is the layers' width (the default).
        return stack.architecture(names, family: "opt", embed: ["\(prefix)embed_tokens.weight"],
                                  unembed: ["lm_head.weight"], finalNorm: ["\(prefix)final_layer_norm.weight"])
    }
}
