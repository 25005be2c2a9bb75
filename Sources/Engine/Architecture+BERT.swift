// The BERT family (BERT, MiniLM, RoBERTa, ELECTRA, XLM-R): PyTorch Linear weights stored out × in.
import Foundation

enum BERTFamily {
    static func recognise(_ config: JSONValue?, _ names: Set<String>, _ shapes: [String: [Int]]) -> Architecture? {
        let prefixes = ["", "bert.", "roberta.", "electra.", "model."]
        guard let prefix = prefixes.first(where: { names.contains("\($0)embeddings.word_embeddings.weight") }) else {
            return nil
        }
        let layers = ArchitectureFamilies.layerCount(names) { "\(prefix)encoder.layer.\($0).attention.self.query.weight" }
        guard layers > 0 else { return nil }
        let embedName = "\(prefix)embeddings.word_embeddings.weight"
        var entries = [CanonicalEntry(name: "embed", stack: nil, layer: nil, component: "embed",
                                      rawName: embedName, transform: .identity)]
        let components: [(String, String)] = [
            ("q", "attention.self.query"), ("k", "attention.self.key"), ("v", "attention.self.value"),
            ("o", "attention.output.dense"), ("ff1", "intermediate.dense"), ("ff2", "output.dense"),
        ]
        for layer in 0..<layers {
            for (component, raw) in components {
                let rawName = "\(prefix)encoder.layer.\(layer).\(raw).weight"
                guard names.contains(rawName) else { continue }
                entries.append(CanonicalEntry(name: "layer.\(layer).\(component)", stack: nil, layer: layer,
                                              component: component, rawName: rawName, transform: .transpose))
            }
        }
        let width = shapes[embedName]?.last ?? 0
        let feedForward = shapes["\(prefix)encoder.layer.0.intermediate.dense.weight"]?.first ?? 0
        let heads = config?["num_attention_heads"]?.intValue ?? 0
        let family = config?["model_type"]?.stringValue ?? "bert"
        return Architecture(family: family, layers: layers, width: width, feedForward: feedForward,
                            heads: heads, entries: entries)
    }
}
