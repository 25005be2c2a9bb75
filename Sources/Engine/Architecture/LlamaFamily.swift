// Llama, Mistral, Qwen and kin: grouped-query q/k/v, `o_proj`, gated FF (up → ff1, gate → ff1g, down → ff2).
import Foundation

enum LlamaFamily {
    static let layout = FamilyLayout(prefixes: ["model.", ""], probe: "layers.0.self_attn.q_proj.weight")

    static func recognise(_ names: ParameterNames) -> Architecture? {
        guard let prefix = layout.prefix(in: names),
              names.has("\(prefix)embed_tokens.weight") else { return nil }
        let stack = LayerStack(path: "\(prefix)layers", components: [
            ("q", "self_attn.q_proj"), ("k", "self_attn.k_proj"), ("v", "self_attn.v_proj"), ("o", "self_attn.o_proj"),
            ("ff1", "mlp.up_proj"), ("ff1g", "mlp.gate_proj"), ("ff2", "mlp.down_proj"),
        ])
        let width = names.shape("\(prefix)embed_tokens.weight")?.last ?? 0
        let heads = ArchitectureFamilies.heads(names)
        // Without a config, key/value heads follow from k's rows over the head width d / heads.
        let headWidth = heads > 0 ? width / heads : 0
        let keyValueHeads = names.configInt("num_key_value_heads")
            ?? (headWidth > 0 ? stack.shape(of: "k", in: names)?.first.map { $0 / headWidth } : nil) ?? heads
        return stack.architecture(names, family: "llama", embed: ["\(prefix)embed_tokens.weight"], unembed: ["lm_head.weight"],
                                  finalNorm: ["\(prefix)norm.weight"], width: width, keyValueHeads: keyValueHeads)
    }
}
