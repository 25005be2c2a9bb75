// ONNX: small files written by the `onnx` package (every data field, anonymous weights, both families) and the real files.
import Foundation
import Testing
@testable import Engine

@Suite struct ONNXTests {
    /// The synthetic files and onnx.numpy_helper's reading of them, written once for the suite.
    static let fixtures = Result { () throws -> (directory: String, expected: JSONValue) in
        let (directory, output) = try ModelFixtures.generate("onnx_models.py")
        return (directory, output)
    }

    /// The members of a JSON object.
    static func members(_ json: JSONValue?) -> [(key: String, value: JSONValue)]? {
        guard case let .object(members)? = json else { return nil }
        return members
    }

    /// Shape and float32 values of one expected tensor in the fixture's JSON.
    static func expectation(_ json: JSONValue?) -> (shape: [Int], values: [Float])? {
        guard let json, let shape = json["shape"]?.arrayValue?.compactMap(\.intValue),
              let values = json["values"]?.arrayValue?.compactMap(\.doubleValue) else { return nil }
        return (shape, values.map(Float.init))
    }

    @Test(arguments: ["bert.onnx", "dinov2.onnx"])
    func everyInitializerReadsAsNumpyHelperDoes(file: String) throws {
        let (directory, expected) = try Self.fixtures.get()
        let model = try ModelLoader.load(directory + "/" + file)
        let tensors = try #require(Self.members(expected[file]?["tensors"]))
        // Names: the fixture's own (anonymous MatMul weights by node, others by node and input index).
        #expect(Set(model.names) == Set(tensors.map(\.key)))
        for (name, json) in tensors {
            let want = try #require(Self.expectation(json))
            let got = try model.tensor(name)
            #expect(got.shape == want.shape, "\(name)")
            #expect(got.values == want.values, "\(name)")
        }
        let canonical = try #require(Self.members(expected[file]?["canonical"]))
        #expect(Set(model.architecture.entries.map(\.name)) == Set(canonical.map(\.key)))
        for (name, json) in canonical {
            let want = try #require(Self.expectation(json))
            let got = try model.tensor(name)
            #expect(got.shape == want.shape, "\(name)")
            #expect(got.values == want.values, "\(name)")
        }
    }

    @Test func bertExportMapsOntoTheBERTSchemaWithStoredTypes() throws {
        let (directory, _) = try Self.fixtures.get()
        let model = try ModelLoader.load(directory + "/bert.onnx")
        #expect(model.architecture.family == "bert")
        #expect(model.architecture.dimensions == [2, 8, 16, 0])
        #expect(model.format == "onnx ir \(try ONNXFile(path: directory + "/bert.onnx").irVersion), opset 17, from pytorch 2.7.0, memory-mapped")
        let dtypes = Dictionary(model.parameters.map { ($0.name, $0.dtype) }, uniquingKeysWith: { first, _ in first })
        #expect(dtypes["model.0.auto_model.embeddings.position_embeddings.weight"] == .f16)
        #expect(dtypes["model.0.auto_model.embeddings.LayerNorm.weight"] == .bf16)
        #expect(dtypes["model.0.auto_model.embeddings.LayerNorm.bias"] == .f64)
        #expect(dtypes["model.0.auto_model.embeddings.position_ids"] == .i64)
        // The MatMul weight is used as stored (x·W), not transposed: its canonical matrix is the same tensor.
        let entry = try #require(model.architecture.entry(canonical: "layer.1.ff2"))
        #expect(entry.rawName == "/model/model.0/auto_model/encoder/layer.1/output/dense/MatMul")
        #expect(entry.transform == .identity)
        // The exporter's own name is not a key; asking for it says what mvs calls such weights.
        #expect {
            _ = try model.tensor("onnx::MatMul_400")
        } throws: { error in "\(error)".contains("mvs names such a weight after the node that consumes it") }
        // The forward pass's raw lookups find biases under the sentence-transformers prefix.
        let names = ParameterNames(config: model.config, parameters: model.parameters)
        #expect(BERTFamily.layout.prefix(in: names) == "model.0.auto_model.")
        #expect(names.raw("model.0.auto_model.encoder.layer.0.attention.self.query.weight")
                == "/model/model.0/auto_model/encoder/layer.0/attention/self/query/MatMul")
    }

    @Test func aVocabularyAndConfigFromElsewhereArePaired() throws {
        let (directory, _) = try Self.fixtures.get()
        let vocabularyDirectory = ModelFixtures.directory + "/tiny-bert"
        let plain = try ModelLoader.load(directory + "/bert.onnx")
        #expect(plain.vocabulary == nil)
        #expect(plain.architecture.heads == 0)
        let paired = try ModelLoader.load(directory + "/bert.onnx", vocabulary: vocabularyDirectory,
                                          config: .object([("num_attention_heads", .number(2))]))
        let lines = try String(contentsOfFile: vocabularyDirectory + "/vocab.txt", encoding: .utf8).split(separator: "\n")
        #expect(try paired.vocabulary?.tokens().count == lines.count)
        #expect(paired.vocabulary?.directory == vocabularyDirectory)
        #expect(paired.architecture.heads == 2)
        #expect(paired.config?["num_attention_heads"]?.intValue == 2)
        #expect(throws: EngineError.self) { try ModelLoader.load(directory + "/bert.onnx", vocabulary: directory, config: nil) }
        #expect(throws: EngineError.self) { try ModelLoader.load(directory + "/bert.onnx", vocabulary: nil, config: .number(1)) }
    }

    @Test func onnxMatMulKeysFollowTheModulePath() {
        #expect(ParameterNames.onnxMatMulKey("/model/model.0/auto_model/encoder/layer.0/attention/self/query/MatMul")
                == "model.0.auto_model.encoder.layer.0.attention.self.query.weight")
        #expect(ParameterNames.onnxMatMulKey("/backbone/encoder/layer.11/attention/attention/key/MatMul")
                == "backbone.encoder.layer.11.attention.attention.key.weight")
        #expect(ParameterNames.onnxMatMulKey("/encoder/layer.0/attention/attention/key/MatMul")
                == "encoder.layer.0.attention.attention.key.weight")
        #expect(ParameterNames.normalise("/backbone/embeddings/Concat_6:0") == ("/backbone/embeddings/Concat_6:0", false))
    }

    @Test func theSameBytesInMemoryReadAsTheFile() throws {
        let (directory, _) = try Self.fixtures.get()
        let path = directory + "/dinov2.onnx"
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let fromMemory = try ONNXFile(file: MappedFile(bytes: bytes, name: "memory.onnx"))
        let fromFile = try ONNXFile(path: path)
        #expect(ONNXWeights.names(fromMemory) == ONNXWeights.names(fromFile))
        for (a, b) in zip(fromMemory.initializers, fromFile.initializers) {
            #expect(try fromMemory.tensor(a).values == fromFile.tensor(b).values)
        }
    }

    @Test(.enabled(if: ModelFixtures.hasRealModel("dinov2-onnx/vit_s_focus.onnx")))
    func dinov2BackboneMapsOntoTheSchema() throws {
        let model = try ModelLoader.load(ModelCache.directory + "/dinov2-onnx/vit_s_focus.onnx")
        #expect(model.architecture.family == "dinov2")
        #expect(model.architecture.dimensions == [12, 384, 1536, 6])
        #expect(model.parameters.count == 243)
        #expect(try model.tensor("patch").shape == [384, 3, 14, 14])
        #expect(try model.tensor("cls").shape == [1, 1, 384])
        #expect(try model.tensor("pos_cls").shape == [1, 1, 384])
        #expect(try model.tensor("pos_patch").shape == [1, 1369, 384])
        #expect(try model.tensor("final_norm").shape == [384])
        #expect(model.architecture.entry(canonical: "layer.0.k")?.rawName == "/backbone/encoder/layer.0/attention/attention/key/MatMul")
        #expect(try model.tensor("layer.11.ff2").shape == [1536, 384])
        #expect(model.architecture.layerEntries.count == 72)
    }

    @Test(.enabled(if: ModelFixtures.hasRealModel("paraphrase-minilm-onnx/paraphrase-MiniLM-L3-v2.onnx")))
    func paraphraseMiniLMMapsOntoTheBERTSchema() throws {
        let model = try ModelLoader.load(ModelCache.directory + "/paraphrase-minilm-onnx/paraphrase-MiniLM-L3-v2.onnx")
        #expect(model.architecture.family == "bert")
        #expect(model.architecture.layers == 3)
        #expect(model.architecture.width == 384)
        #expect(try model.tensor("embed").shape == [30522, 384])
        #expect(try model.tensor("layer.2.ff1").shape == [384, 1536])
    }

    @Test(.enabled(if: ModelFixtures.hasRealModel("minilm-onnx-int8/model.onnx")))
    func quantisedWeightsAreRefusedByName() throws {
        #expect {
            _ = try ModelLoader.load(ModelCache.directory + "/minilm-onnx-int8/model.onnx")
        } throws: { error in
            let message = "\(error)"
            return message.contains("model.onnx: graph.initializer ") && message.contains("a quantised type")
        }
    }
}
