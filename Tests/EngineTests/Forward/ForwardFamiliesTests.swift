// Which models a forward pass reads: the schema's family layouts, and one derived list in the refusal.
import Foundation
import Testing
@testable import Engine

private typealias F = ForwardFixtures

/// The tiny BERT with every raw name rewritten by `rename`.
private func renamed(_ rename: (String) -> String) throws -> Model {
    let model = try F.bert()
    let tensors = try model.names.map { (rename($0), try model.tensor($0)) }
    return Fixtures.model("renamed", tensors, config: model.config)
}

@Test func prefixedBERTIsReadByTheForwardPassLikeTheSchema() throws {
    let plain = try DifferentiableWeights(model: F.bert()).hiddenStates(ids: [1, 2, 3])
    let prefixed = try renamed { "roberta." + $0 }
    #expect(prefixed.architecture.layers == 2)
    let states = try DifferentiableWeights(model: prefixed).hiddenStates(ids: [1, 2, 3])
    #expect(states.values == plain.values)
}

@Test func mpnetLayoutLoadsButHasNoForwardPassAndTheRefusalListsThePasses() throws {
    // MPNet names attention attention.attn.q/k/v/o (with relative position buckets the pass does not implement).
    let mpnet = try renamed { name in
        var name = "mpnet." + name
        for (bert, mpnet) in [("attention.self.query", "attention.attn.q"), ("attention.self.key", "attention.attn.k"),
                              ("attention.self.value", "attention.attn.v"), ("attention.output.dense", "attention.attn.o")] {
            name = name.replacingOccurrences(of: bert, with: mpnet)
        }
        return name
    }
    #expect(mpnet.architecture.entry(canonical: "layer.1.q")?.rawName == "mpnet.encoder.layer.1.attention.attn.q.weight")
    #expect(throws: EngineError.unsupported("renamed: no forward pass for family 'bert' (there are passes for Llama, GPT-2 and BERT-likes)")) {
        try DifferentiableWeights(model: mpnet)
    }
}
