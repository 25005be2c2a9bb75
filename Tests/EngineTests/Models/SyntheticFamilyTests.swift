// Synthetic checkpoints of every family (GPT-2, Llama, DistilBERT, T5, BART, RoBERTa BF16, MPNet, OPT, Keras) written by
// the real safetensors and h5py packages: every canonical matrix against numpy's independent reading.
import Foundation
import Testing
@testable import Engine

@Suite struct SyntheticFamilyTests {
    /// The fixtures and numpy's readings, written once for the suite.
    static let fixtures = Result { try ModelFixtures.generate("synthetic.py") }

    private func load(_ name: String) throws -> (Model, JSONValue) {
        let (directory, reference) = try Self.fixtures.get()
        let model = try ModelLoader.load(directory + "/" + name)
        return (model, try #require(reference[name]))
    }

    @Test(arguments: ["gpt2", "gpt2-f16", "mistral", "llama-sharded", "distilbert", "t5", "bart", "roberta-bf16",
                      "mpnet", "opt", "st-modules", "keras-distilbert", "keras-gpt2"])
    func canonicalMatricesMatchNumpy(name: String) throws {
        let (model, reference) = try load(name)
        try CanonicalCheck.compare(model, with: reference)
    }

    @Test func gpt2SplitsTheFusedAttentionIntoColumnThirds() throws {
        let (model, _) = try load("gpt2")
        #expect(model.architecture.family == "gpt2")
        #expect(model.architecture.dimensions == [2, 8, 32, 2])
        #expect(model.architecture.entry(canonical: "layer.1.k")?.transform == .columns(8..<16))
        #expect(model.architecture.entry(canonical: "layer.1.ff2")?.transform == .identity)
    }

    @Test func gpt2WithTransformerPrefixAndNoConfigIsStillGPT2() throws {
        let (model, _) = try load("gpt2-f16")
        #expect(model.architecture.family == "gpt2")
        #expect(model.config == nil)
        #expect(ModelSummary.storedTypes(model) == ["f16"])
        #expect(model.architecture.entry(canonical: "unembed")?.rawName == "lm_head.weight")
        #expect(try model.tensor("layer.0.q").storedType == .f16)
    }

    @Test func mistralKeepsGroupedQueryShapes() throws {
        let (model, _) = try load("mistral")
        #expect(model.architecture.family == "mistral")
        #expect(model.architecture.heads == 4)
        #expect(model.architecture.keyValueHeads == 2)
        #expect(try model.tensor("layer.0.k").shape == [8, 4])
        #expect(model.architecture.entry(canonical: "layer.0.ff1g")?.rawName == "model.layers.0.mlp.gate_proj.weight")
    }

    @Test func shardedLlamaWithoutConfigInfersFamilyAndShardsAll() throws {
        let (model, _) = try load("llama-sharded")
        #expect(model.architecture.family == "llama")
        #expect(model.format == "2 shards, safetensors, memory-mapped")
        #expect(model.parameters.count == 1 + 2 * 8 + 2)
    }

    @Test func encoderDecoderStacksHaveCrossAttention() throws {
        let (t5, _) = try load("t5")
        #expect(t5.architecture.family == "t5")
        #expect(t5.architecture.entry(canonical: "dec.layer.1.xv")?.rawName == "decoder.block.1.layer.1.EncDecAttention.v.weight")
        #expect(t5.architecture.entry(canonical: "enc.layer.0.xq") == nil)
        let (bart, _) = try load("bart")
        #expect(bart.architecture.entry(canonical: "dec.layer.0.xo")?.rawName == "model.decoder.layers.0.encoder_attn.out_proj.weight")
        #expect(bart.architecture.layerEntries.count == 2 * 6 + 2 * 10)
    }

    @Test func sentenceTransformersModuleDirectoriesLoadTheirTransformer() throws {
        let (model, _) = try load("st-modules")
        #expect(model.name == "st-modules")
        #expect(model.source.hasSuffix("st-modules/0_Transformer"))
        #expect(model.architecture.family == "bert")
    }

    @Test func unknownFamilyLoadsWithRawNamesAndExplainsTheMissingSchema() throws {
        let (model, _) = try load("unknown")
        #expect(model.architecture.family == "unknown")
        #expect(try model.tensor("head.weight").shape == [3, 8])
        #expect(model.architecture.entries.isEmpty)
        #expect(ModelSummary.missingSchema(model).contains("model_type 'mamba-ish'"))
    }

    @Test func vocabulariesDecodeByteLevelMetaspaceAndWordPiece() throws {
        let (gpt2, _) = try load("gpt2")
        let tokens = try #require(gpt2.vocabulary).tokens()
        #expect(Array(tokens.prefix(6)) == ["!", "the", " the", " cat", "\n", "é"])
        // `âĢ` is the first two bytes of a three-byte character: shown as bytes.
        #expect(tokens[6] == "<0xE2><0x80>")
        #expect(tokens[49] == "<|endoftext|>")
        let (f16, _) = try load("gpt2-f16")
        #expect(try #require(f16.vocabulary).tokens()[2] == " the")
        let (t5, _) = try load("t5")
        #expect(try #require(t5.vocabulary).tokens()[3] == " the")
        let (distilbert, _) = try load("distilbert")
        #expect(try #require(distilbert.vocabulary).tokens()[3] == "##ing")
    }
}
