// Tests for the model builtins (load, names, canonical, schema, vocab, info, config) and `show m`.
import Foundation
import Testing
import Engine
@testable import Lang

/// Calls builtins directly, without the evaluator.
private final class ModelTestContext: CallContext {
    func call(_ function: Function, _ arguments: [Value]) throws -> Value { .none }
    var sourceText: String { "" }
    func write(_ text: String) {}
}

private func callModelBuiltin(_ name: String, _ positional: [Value]) throws -> Value {
    let builtin = try #require(BuiltinRegistry.byName[name])
    return try builtin.call(Arguments(callee: name, parameterNames: builtin.parameters.map(\.name),
                                      positional: positional, keywords: [:], context: ModelTestContext()))
}

/// A temporary two-layer BERT written from the safetensors spec, with config and vocab.txt.
private final class TinyBERT {
    let directory = FileManager.default.temporaryDirectory.path + "/mvs-model-builtins-" + UUID().uuidString

    init() throws {
        var entries: [String] = [], data: [UInt8] = [], offset = 0
        func add(_ name: String, _ shape: [Int]) {
            let count = shape.reduce(1, *)
            entries.append(#""\#(name)":{"dtype":"F32","shape":[\#(shape.map(String.init).joined(separator: ","))],"data_offsets":[\#(offset),\#(offset + 4 * count)]}"#)
            for index in 0..<count { data += withUnsafeBytes(of: Float(index).bitPattern.littleEndian, Array.init) }
            offset += 4 * count
        }
        add("embeddings.word_embeddings.weight", [4, 2])
        for layer in 0..<2 {
            for (raw, shape) in [("attention.self.query", [2, 2]), ("attention.self.key", [2, 2]), ("attention.self.value", [2, 2]),
                                 ("attention.output.dense", [2, 2]), ("intermediate.dense", [3, 2]), ("output.dense", [2, 3])] {
                add("encoder.layer.\(layer).\(raw).weight", shape)
            }
        }
        var header = "{" + entries.joined(separator: ",") + "}"
        header += String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init) + Array(header.utf8) + data)
            .write(to: URL(fileURLWithPath: directory + "/model.safetensors"))
        try Data(#"{"model_type": "bert", "num_attention_heads": 1, "vocab_size": 4, "hidden_size": 2}"#.utf8)
            .write(to: URL(fileURLWithPath: directory + "/config.json"))
        try Data("[PAD]\nhello\n##ing\nworld\n".utf8).write(to: URL(fileURLWithPath: directory + "/vocab.txt"))
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }
}

@Suite struct ModelBuiltinsTests {
    @Test func loadNamesCanonicalAndShow() throws {
        let tiny = try TinyBERT()
        let value = try callModelBuiltin("load", [.string(tiny.directory)])
        guard case let .model(model) = value else { Issue.record("load did not return a model"); return }
        guard case let .list(names) = try callModelBuiltin("names", [value]) else { Issue.record("names not a list"); return }
        #expect(names.count == 13)
        #expect(names.first?.plainText == "embeddings.word_embeddings.weight")
        guard case let .list(canonical) = try callModelBuiltin("canonical", [value]) else { Issue.record("canonical not a list"); return }
        #expect(canonical.map(\.plainText) == ["embed"] + (0..<2).flatMap { layer in ["q", "k", "v", "o", "ff1", "ff2"].map { "layer.\(layer).\($0)" } })
        let shown = Display.full(value)
        #expect(shown.hasPrefix("bert · 2 layers × 2 (ff 3, 1 heads) · vocab 4 · 64 params · f32 · mapped from \(tiny.directory)"))
        #expect(shown.contains("schema: embed, per layer q k v o ff1 ff2"))
        #expect(model.architecture.entry(canonical: "layer.1.ff1")?.transform == .transpose)
    }

    @Test func vocabInfoConfigAndSchema() throws {
        let tiny = try TinyBERT()
        let model = try callModelBuiltin("load", [.string(tiny.directory)])
        #expect(try callModelBuiltin("vocab", [model, .number(2)]).plainText == "##ing")
        guard case let .list(tokens) = try callModelBuiltin("vocab", [model]) else { Issue.record("vocab not a list"); return }
        #expect(tokens.map(\.plainText) == ["[PAD]", "hello", "##ing", "world"])
        #expect(throws: ArgumentError.self) { try callModelBuiltin("vocab", [model, .number(4)]) }
        guard case let .record(info) = try callModelBuiltin("info", [model]) else { Issue.record("info not a record"); return }
        #expect(info["layers"]?.plainText == "2")
        #expect(info["params"]?.plainText == "64")
        #expect(info["format"]?.plainText == "safetensors, memory-mapped")
        guard case let .record(config) = try callModelBuiltin("config", [model]) else { Issue.record("config not a record"); return }
        #expect(config["hidden_size"]?.plainText == "2")
        guard case let .table(schema) = try callModelBuiltin("schema", [model]) else { Issue.record("schema not a table"); return }
        #expect(schema.rowCount == 13)
        #expect(try schema.column("transform") == .string(["as stored"] + Array(repeating: "transposed", count: 12)))
    }

    @Test func infoKeepsFieldsThatHaveNoValueAsNone() throws {
        let parameter = Parameter(name: "w", shape: [2], dtype: .f32) { try Tensor(shape: [2], values: [1, 2]) }
        let model = Model(name: "computed", source: "test", config: nil, parameters: [parameter])
        guard case let .record(info) = try callModelBuiltin("info", [.model(model)]) else { Issue.record("info not a record"); return }
        for field in ["vocab", "format", "config"] {
            guard case .none? = info[field] else { Issue.record("info.\(field) is \(info[field]?.shortDisplay ?? "missing"), not none"); continue }
        }
    }

    @Test func loadErrorsNameTheFile() throws {
        #expect(throws: EngineError.io(path: "/no/such/model.safetensors", message: "no such file or directory")) {
            try callModelBuiltin("load", [.string("/no/such/model.safetensors")])
        }
    }

    @Test func parameterCountsReadLikeAPersonWritesThem() {
        #expect(Display.count(22_713_216) == "22.7 M")
        #expect(Display.count(999) == "999")
        #expect(Display.count(1_500) == "1.5 k")
        #expect(Display.count(1_000_000) == "1.0 M")
    }
}
