// DistilBERT: `q_lin k_lin v_lin out_lin`, `ffn.lin1 lin2`; PyTorch Linear out × in.
import Foundation

enum DistilBERTFamily {
    static func recognise(_ names: ParameterNames) -> Architecture? {
        guard let prefix = names.prefix(among: ["", "distilbert."], having: "transformer.layer.0.attention.q_lin.weight") else {
            return nil
        }
        let layers = names.layerCount { "\(prefix)transformer.layer.\($0).attention.q_lin.weight" }
        let embed = "\(prefix)embeddings.word_embeddings.weight"
        var entries = ArchitectureFamilies.modelEntries(names, embed: [embed], unembed: ["vocab_projector.weight"], finalNorm: [])
        let components: [(component: String, suffix: String)] = [
            ("q", "attention.q_lin"), ("k", "attention.k_lin"), ("v", "attention.v_lin"),
            ("o", "attention.out_lin"), ("ff1", "ffn.lin1"), ("ff2", "ffn.lin2"),
        ]
        entries += ArchitectureFamilies.layerEntries(names, layers: layers, components: components) { layer, suffix in
            "\(prefix)transformer.layer.\(layer).\(suffix).weight"
        }
        return Architecture(family: names.modelType ?? "distilbert", layers: layers,
                            width: names.shape("\(prefix)transformer.layer.0.attention.q_lin.weight")?.last ?? 0,
                            feedForward: names.shape("\(prefix)transformer.layer.0.ffn.lin1.weight")?.first ?? 0,
                            heads: ArchitectureFamilies.heads(names), entries: entries)
    }
}
