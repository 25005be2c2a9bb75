// DistilBERT: `q_lin k_lin v_lin out_lin`, `ffn.lin1 lin2`; PyTorch Linear out × in.
import Foundation

enum DistilBERTFamily {
    static func recognise(_ names: ParameterNames) -> Architecture? {
        guard let prefix = names.prefix(among: ["", "distilbert."], having: "transformer.layer.0.attention.q_lin.weight") else {
            return nil
        }
        let stack = LayerStack(path: "\(prefix)transformer.layer", components: [
            ("q", "attention.q_lin"), ("k", "attention.k_lin"), ("v", "attention.v_lin"),
            ("o", "attention.out_lin"), ("ff1", "ffn.lin1"), ("ff2", "ffn.lin2"),
        ])
        return stack.architecture(names, family: "distilbert", embed: ["\(prefix)embeddings.word_embeddings.weight"],
                                  unembed: ["vocab_projector.weight"], finalNorm: [])
    }
}
