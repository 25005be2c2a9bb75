// GGUF: hand-built files (every metadata type, hand-derived dequantised blocks, Llama's row order) and the real files.
import Foundation
import Testing
@testable import Engine

/// Writes little GGUF v3 files byte by byte.
struct GGUFBuilder {
    var metadata: [[UInt8]] = []
    var infos: [[UInt8]] = []
    var data: [UInt8] = []

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    static func string(_ text: String) -> [UInt8] { le(UInt64(text.utf8.count)) + Array(text.utf8) }

    mutating func put(_ key: String, type: UInt32, _ payload: [UInt8]) {
        metadata.append(GGUFBuilder.string(key) + GGUFBuilder.le(type) + payload)
    }

    /// A tensor of GGUF dims (innermost first) whose bytes are `bytes`, aligned to 32.
    mutating func tensor(_ name: String, dims: [UInt64], type: UInt32, bytes: [UInt8]) {
        data += [UInt8](repeating: 0, count: (32 - data.count % 32) % 32)
        infos.append(GGUFBuilder.string(name) + GGUFBuilder.le(UInt32(dims.count)) + dims.flatMap(GGUFBuilder.le)
                     + GGUFBuilder.le(type) + GGUFBuilder.le(UInt64(data.count)))
        data += bytes
    }

    func write(_ path: String) throws {
        var bytes = Array("GGUF".utf8) + GGUFBuilder.le(UInt32(3)) + GGUFBuilder.le(UInt64(infos.count)) + GGUFBuilder.le(UInt64(metadata.count))
        bytes += metadata.flatMap { $0 } + infos.flatMap { $0 }
        bytes += [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32) + data
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}

@Suite struct GGUFTests {
    static func temporary(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.path + "/mvs-gguf-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        FixtureCleanup.register(directory)
        return directory + "/" + name
    }

    @Test func everyMetadataValueTypeReadsBack() throws {
        typealias B = GGUFBuilder
        var builder = B()
        builder.put("u8", type: 0, [200])
        builder.put("i8", type: 1, B.le(Int8(-5)))
        builder.put("u16", type: 2, B.le(UInt16(60000)))
        builder.put("i16", type: 3, B.le(Int16(-30000)))
        builder.put("u32", type: 4, B.le(UInt32(4_000_000_000)))
        builder.put("i32", type: 5, B.le(Int32(-2_000_000_000)))
        builder.put("f32", type: 6, B.le(Float(0.1).bitPattern))
        builder.put("bool", type: 7, [1])
        builder.put("str", type: 8, B.string("héllo ▁"))
        builder.put("u64", type: 10, B.le(UInt64(1) << 40))
        builder.put("i64", type: 11, B.le(Int64(-1) << 40))
        builder.put("f64", type: 12, B.le(Double(1e-300).bitPattern))
        builder.put("tokens", type: 9, B.le(UInt32(8)) + B.le(UInt64(3)) + B.string("a") + B.string("") + B.string("Ġb"))
        builder.put("scores", type: 9, B.le(UInt32(6)) + B.le(UInt64(2)) + B.le(Float(-1.5).bitPattern) + B.le(Float(2).bitPattern))
        builder.put("types", type: 9, B.le(UInt32(5)) + B.le(UInt64(2)) + B.le(Int32(1)) + B.le(Int32(-3)))
        // [[1, 2], []] of uint16 inside an array of arrays.
        builder.put("nested", type: 9, B.le(UInt32(9)) + B.le(UInt64(2))
                    + B.le(UInt32(2)) + B.le(UInt64(2)) + B.le(UInt16(1)) + B.le(UInt16(2))
                    + B.le(UInt32(2)) + B.le(UInt64(0)))
        let path = Self.temporary("meta.gguf")
        try builder.write(path)
        let metadata = try GGUFFile(path: path).metadata
        #expect(metadata["u8"]?.intValue == 200)
        #expect(metadata["i8"]?.intValue == -5)
        #expect(metadata["u16"]?.intValue == 60000)
        #expect(metadata["i16"]?.intValue == -30000)
        #expect(metadata["u32"]?.intValue == 4_000_000_000)
        #expect(metadata["i32"]?.intValue == -2_000_000_000)
        #expect(metadata["f32"]?.doubleValue == Double(Float(0.1)))
        #expect(metadata["bool"]?.boolValue == true)
        #expect(metadata["str"]?.stringValue == "héllo ▁")
        #expect(metadata["u64"]?.intValue == 1 << 40)
        #expect(metadata["i64"]?.intValue == -(1 << 40))
        #expect(metadata["f64"]?.doubleValue == 1e-300)
        #expect(metadata["tokens"]?.arrayValue?.strings() == ["a", "", "Ġb"])
        #expect(metadata["scores"]?.arrayValue?.floats() == [-1.5, 2])
        #expect(metadata["types"]?.arrayValue?.integers() == [1, -3])
        let nested = try #require(metadata["nested"]?.arrayValue?.values())
        #expect(nested.map { $0.arrayValue?.integers() } == [[1, 2], []])
        #expect(metadata.entries.map(\.key).first == "u8")
    }

    /// Hand-derived blocks: Q4_0 with d = 0.5 and Q8_0 with d = 2 (f16 0x3800 and 0x4000).
    @Test func blocksDequantiseToHandDerivedValues() throws {
        typealias B = GGUFBuilder
        var builder = B()
        // Q4_0: byte j holds element j (low nibble) and j + 16 (high nibble); x = d (q − 8).
        let nibbles = (0..<16).map { UInt8($0) | UInt8(15 - $0) << 4 }
        builder.tensor("q4", dims: [32], type: 2, bytes: B.le(UInt16(0x3800)) + nibbles)
        builder.tensor("q8", dims: [32], type: 8, bytes: B.le(UInt16(0x4000)) + (0..<32).map { UInt8(bitPattern: Int8($0 - 16)) })
        builder.tensor("f16", dims: [2], type: 1, bytes: B.le(UInt16(0x3C00)) + B.le(UInt16(0xC000)))
        let path = Self.temporary("blocks.gguf")
        try builder.write(path)
        let file = try GGUFFile(path: path)
        let low: [Float] = (0..<16).map { (q: Int) -> Float in 0.5 * Float(q - 8) }
        let high: [Float] = (0..<16).map { (j: Int) -> Float in 0.5 * Float(7 - j) }
        let q4 = low + high
        #expect(try file.tensor(named: "q4").values == q4)
        let q8: [Float] = (0..<32).map { (q: Int) -> Float in 2 * Float(q - 16) }
        #expect(try file.tensor(named: "q8").values == q8)
        #expect(try file.tensor(named: "f16").values == [1, -2])
    }

    /// llama.cpp stores HF row h·w + t·w/2 + i at h·w + 2i + t; mvs reads q and k back in HF order.
    @Test func llamaQueryRowsComeBackInHuggingFaceOrder() throws {
        typealias B = GGUFBuilder
        var builder = B()
        builder.put("general.architecture", type: 8, B.string("llama"))
        builder.put("llama.attention.head_count", type: 4, B.le(UInt32(2)))
        // 8 rows (2 heads of width 4) of one column: stored row r holds r.
        builder.tensor("blk.0.attn_q.weight", dims: [1, 8], type: 0, bytes: (0..<8).flatMap { B.le(Float($0).bitPattern) })
        let path = Self.temporary("llama.gguf")
        try builder.write(path)
        let model = try ModelLoader.load(path)
        // HF row (h, t, i) = stored row h·4 + 2i + t: head 0 → 0 2 1 3, head 1 → 4 6 5 7.
        #expect(try model.tensor("blk.0.attn_q.weight").values == [0, 2, 1, 3, 4, 6, 5, 7])
        #expect(model.format == "gguf v3, memory-mapped")
        #expect(model.parameters.first?.storedTypeName == "f32")
    }

    @Test(.enabled(if: ModelFixtures.hasRealModel("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")))
    func smolLM2MapsOntoTheLlamaSchema() throws {
        let model = try ModelLoader.load(ModelCache.directory + "/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
        #expect(model.architecture.family == "llama")
        #expect(model.architecture.dimensions == [30, 576, 1536, 9])
        #expect(model.architecture.keyValueHeads == 3)
        #expect(ModelSummary.vocabularySize(model) == 49152)
        #expect(model.architecture.entry(canonical: "unembed") == nil)
        #expect(model.architecture.entry(canonical: "layer.29.ff1g")?.rawName == "blk.29.ffn_gate.weight")
        #expect(try model.tensor("layer.0.k").shape == [576, 192])
        #expect(ModelSummary.tensorsByType(model).map(\.type) == ["q4_1", "f32", "q8_0"])
        let metadata = try #require(model.gguf)
        #expect(metadata["tokenizer.ggml.pre"]?.stringValue == "smollm")
        #expect(metadata["tokenizer.ggml.merges"]?.arrayValue?.count == 48900)
        // Byte-level pieces read as text, as a tokenizer.json vocabulary does: `Ġthe` is " the".
        let tokens = try #require(try model.vocabulary?.tokens())
        #expect(tokens.count == 49152)
        let raw = try #require(metadata["tokenizer.ggml.tokens"]?.arrayValue?.strings())
        let the = try #require(raw.firstIndex(of: "Ġthe"))
        #expect(tokens[the] == " the")
        #expect(model.config?["rope_theta"]?.doubleValue == 100_000)
    }

    @Test(.enabled(if: ModelFixtures.hasRealModel("gemma3/gemma-3-270m-q4_k_m.gguf")))
    func gemma3RecordsItsConfig() throws {
        let model = try ModelLoader.load(ModelCache.directory + "/gemma3/gemma-3-270m-q4_k_m.gguf")
        #expect(model.architecture.family == "gemma3")
        #expect(model.architecture.dimensions == [18, 640, 2048, 4])
        #expect(model.architecture.keyValueHeads == 1)
        #expect(try model.tensor("layer.0.q").shape == [640, 1024])
        let config = try #require(model.config)
        #expect(config["head_dim"]?.intValue == 256)
        #expect(config["sliding_window"]?.intValue == 512)
        #expect(config["rope_theta"]?.doubleValue == 1_000_000)
        #expect(config["rope_local_base_freq"]?.doubleValue == 10_000)
        let layerTypes = config["layer_types"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(layerTypes.count == 18)
        #expect(layerTypes.indices.filter { layerTypes[$0] == "full_attention" } == [5, 11, 17])
        #expect(config["tie_word_embeddings"]?.boolValue == true)
        #expect(model.gguf?["tokenizer.ggml.scores"]?.arrayValue?.floats()?.count == 262_144)
        // SentencePiece pieces read with ▁ as a space.
        let raw = try #require(model.gguf?["tokenizer.ggml.tokens"]?.arrayValue?.strings())
        let the = try #require(raw.firstIndex(of: "\u{2581}the"))
        #expect(try model.vocabulary?.tokens()[the] == " the")
        // Gemma's norms are stored as 1 + w: RMSNorm weights near 1 (llama.cpp's converter adds the 1).
        let names = ParameterNames(config: model.config, parameters: model.parameters)
        #expect(names.raw("model.layers.0.pre_feedforward_layernorm.weight") == "blk.0.ffn_norm.weight")
        #expect(names.raw("model.layers.0.post_attention_layernorm.weight") == "blk.0.post_attention_norm.weight")
    }
}
