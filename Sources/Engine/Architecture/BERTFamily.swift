// The BERT family (BERT, MiniLM, RoBERTa, ELECTRA, XLM-R, MPNet, with or without a model prefix): Linear out × in.
import Foundation

enum BERTFamily {
    /// XLM-R and CamemBERT checkpoints use the `roberta.` prefix too; `model.0.auto_model.` is a whole
    /// sentence-transformers model exported to ONNX (its first module's transformer).
    static let layout = FamilyLayout(prefixes: ["", "bert.", "roberta.", "electra.", "mpnet.", "model.", "model.0.auto_model."],
                                     probe: "embeddings.word_embeddings.weight")
    /// BERT's attention names; MPNet keeps the rest of BERT's layout but names attention `attention.attn.q k v o`.
    static let attentionVariants: [[(component: String, suffix: String)]] = [
        [("q", "attention.self.query"), ("k", "attention.self.key"), ("v", "attention.self.value"), ("o", "attention.output.dense")],
        [("q", "attention.attn.q"), ("k", "attention.attn.k"), ("v", "attention.attn.v"), ("o", "attention.attn.o")],
    ]
    static let feedForward: [(component: String, suffix: String)] = [("ff1", "intermediate.dense"), ("ff2", "output.dense")]

    static func recognise(_ names: ParameterNames) -> Architecture? {
        guard let prefix = layout.prefix(in: names),
              let stack = attentionVariants.lazy.map({ LayerStack(path: "\(prefix)encoder.layer", components: $0 + feedForward) })
                .first(where: { names.has($0.probe) }) else { return nil }
        // ELECTRA projects a narrower embedding up to the model width: d is the layers' width (the default).
        return stack.architecture(
            names, family: "bert", embed: ["\(prefix)embeddings.word_embeddings.weight"],
            // MLM heads: BERT, RoBERTa/XLM-R/MPNet, ELECTRA generator (absent when tied and not saved).
            unembed: ["cls.predictions.decoder.weight", "lm_head.decoder.weight", "generator_lm_head.weight"],
            finalNorm: [])
    }
}
