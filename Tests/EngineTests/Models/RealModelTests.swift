// The real models (MiniLM safetensors, categorium Keras BERTs) against h5py/safetensors readings.
import Foundation
import Testing
@testable import Engine

@Suite struct RealModelTests {
    @Test(.enabled(if: ModelFixtures.hasRealModel("minilm/model.safetensors")))
    func miniLMMapsOntoTheSchema() throws {
        let directory = ModelCache.directory + "/minilm"
        let model = try ModelLoader.load(directory)
        let architecture = model.architecture
        #expect(architecture.family == "bert")
        #expect(architecture.dimensions == [6, 384, 1536, 12])
        #expect(model.format == "safetensors, memory-mapped")
        #expect(model.parameters.first { $0.name == "embeddings.position_ids" }?.dtype == .i64)
        #expect(ModelSummary.vocabularySize(model) == 30522)
        let reference = try ModelFixtures.json("reference.py", ["safetensors-bert", directory + "/model.safetensors"])
        try CanonicalCheck.compare(model, with: reference)
    }

    @Test(.enabled(if: ModelFixtures.hasRealModel("minilm/model.safetensors")))
    func miniLMFloat32TensorsViewTheMap() throws {
        let model = try ModelLoader.load(ModelCache.directory + "/minilm/model.safetensors")
        #expect(model.name == "minilm")
        let parameter = try #require(model.parameter(raw: "encoder.layer.3.output.dense.weight"))
        let first = try parameter.load(), again = try parameter.load()
        // Zero-copy: two loads share the mapped bytes instead of copying them.
        #expect(first.storage.pointer == again.storage.pointer)
    }

    @Test(.enabled(if: ModelFixtures.hasRealModel("categorium/en/tf_model.h5")),
          arguments: ["de", "en", "es", "fr", "it", "pt"])
    func categoriumKerasBERTMapsOntoTheSchema(language: String) throws {
        let directory = ModelCache.directory + "/categorium/" + language
        let model = try ModelLoader.load(directory)
        #expect(model.architecture.family == "bert")
        #expect(model.architecture.dimensions == [2, 32, 64, 2])
        #expect(model.format == "keras hdf5")
        // Keras kernels are already d_in × d_out: no transpose.
        #expect(model.architecture.entry(canonical: "layer.1.ff2")?.transform == .identity)
        let reference = try ModelFixtures.json("reference.py", ["keras-bert", directory + "/tf_model.h5"])
        try CanonicalCheck.compare(model, with: reference)
    }

    @Test(.enabled(if: ModelFixtures.hasRealModel("minilm/vocab.txt")))
    func miniLMVocabularyFromTokenizerJSONAndVocabTxtAgree() throws {
        let directory = ModelCache.directory + "/minilm/"
        let fromJSON = try VocabularySource(file: directory + "tokenizer.json").tokens()
        let fromText = try VocabularySource(file: directory + "vocab.txt").tokens()
        #expect(fromJSON.count == 30522)
        #expect(fromJSON == fromText)
        #expect(fromText[101] == "[CLS]")
        #expect(fromText[2023] == "this")
    }
}
