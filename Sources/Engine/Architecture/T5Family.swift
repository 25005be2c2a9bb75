// T5: encoder and decoder stacks of blocks; cross-attention is the decoder's `EncDecAttention`.
import Foundation

enum T5Family {
    static func recognise(_ names: ParameterNames) -> Architecture? {
        guard names.has("encoder.block.0.layer.0.SelfAttention.q.weight") else { return nil }
        let attention: [(component: String, suffix: String)] = [
            ("q", "layer.0.SelfAttention.q"), ("k", "layer.0.SelfAttention.k"),
            ("v", "layer.0.SelfAttention.v"), ("o", "layer.0.SelfAttention.o"),
        ]
        // T5 v1.0 has one `wi`; v1.1 (gated GELU) has `wi_0` (the gated, activated branch) and `wi_1`.
        func feedForward(_ index: Int) -> [(component: String, suffix: String)] {
            let block = "layer.\(index).DenseReluDense"
            return [("ff1", "\(block).wi"), ("ff1", "\(block).wi_1"), ("ff1g", "\(block).wi_0"), ("ff2", "\(block).wo")]
        }
        let cross: [(component: String, suffix: String)] = [
            ("xq", "layer.1.EncDecAttention.q"), ("xk", "layer.1.EncDecAttention.k"),
            ("xv", "layer.1.EncDecAttention.v"), ("xo", "layer.1.EncDecAttention.o"),
        ]
        let encoder = LayerStack(path: "encoder.block", components: attention + feedForward(1), stack: "enc")
        let decoder = LayerStack(path: "decoder.block", components: attention + cross + feedForward(2), stack: "dec")
        return encoder.architecture(names, family: "t5", embed: ["shared.weight", "encoder.embed_tokens.weight"],
                                    unembed: ["lm_head.weight"], finalNorm: ["decoder.final_layer_norm.weight"], others: [decoder])
    }
}
