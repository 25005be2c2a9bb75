// The BERT family (BERT, MiniLM, RoBERTa, ELECTRA, XLM-R, with or without a model prefix): Linear out × in.
import Foundation

enum BERTFamily {
    static let components: [(component: String, suffix: String)] = [
        ("q", "attention.self.query"), ("k", "attention.self.key"), ("v", "attention.self.value"),
        ("o", "attention.output.dense"), ("ff1", "intermediate.dense"), ("ff2", "output.dense"),
    ]

    static func recognise(_ names: ParameterNames) -> Architecture? {
        // XLM-R and CamemBERT checkpoints use the `roberta.` prefix too.
        let prefixes = ["", "bert.", "roberta.", "electra.", "model."]
        guard let prefix = names.prefix(among: prefixes, having: "embeddings.word_embeddings.weight") else { return nil }
        let layers = names.layerCount { "\(prefix)encoder.layer.\($0).attention.self.query.weight" }
        guard layers > 0 else { return nil }
        let embed = "\(prefix)embeddings.word_embeddings.weight"
        var entries = ArchitectureFamilies.modelEntries(
            names, embed: [embed],
            // MLM heads: BERT, RoBERTa/XLM-R, ELECTRA generator (absent when tied and not saved).
            unembed: ["cls.predictions.decoder.weight", "lm_head.decoder.weight", "generator_lm_head.weight"],
            finalNorm: [])
        entries += ArchitectureFamilies.layerEntries(names, layers: layers, components: components) { layer, suffix in
            "\(prefix)encoder.layer.\(layer).\(suffix).weight"
        }
        // ELECTRA projects a narrower embedding up to the model width: d is the layers' width.
        let width = names.shape("\(prefix)encoder.layer.0.attention.self.query.weight")?.last ?? names.shape(embed)?.last ?? 0
        let feedForward = names.shape("\(prefix)encoder.layer.0.intermediate.dense.weight")?.first ?? 0
        return Architecture(family: names.modelType ?? "bert", layers: layers, width: width, feedForward: feedForward,
                            heads: ArchitectureFamilies.heads(names), entries: entries)
    }
}
