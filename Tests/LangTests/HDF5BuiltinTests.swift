// The export, import/h5 and save builtins, called directly with a stand-in interpreter context.
import Foundation
import Testing
import Engine
@testable import Lang

/// A context whose script text is known, to check provenance.
private final class ScriptContext: CallContext {
    func call(_ function: Function, _ arguments: [Value]) throws -> Value { .none }
    var sourceText: String { "t = ones()\nexport(\"out.h5\", t=t)" }
    func write(_ text: String) {}
}

private func call(_ name: String, _ positional: [Value], _ keywords: [String: Value] = [:]) throws -> Value {
    guard let builtin = BuiltinRegistry.byName[name] else { throw ArgumentError("no builtin \(name)") }
    // Arguments holds its context unowned; keep it alive for the call.
    let context = ScriptContext()
    return try withExtendedLifetime(context) {
        try builtin.call(Arguments(callee: name, parameterNames: builtin.parameters.map(\.name),
                                   positional: positional, keywords: keywords, context: context))
    }
}

private func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.path + "/mvs-hdf5-lang-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Test func exportBuiltinWritesValuesAndImportReadsThemBack() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/out.h5"
    let tensor = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
    var table = Table()
    try table.append("name", .string(["a", "b"]))
    try table.append("score", .double([0.5, 1.5]))
    let record = Value.record(Record([("k", .number(4)), ("tags", .list([.string("x"), .string("y")]))]))
    _ = try call("export", [.string(path)], ["t": .tensor(tensor), "table": .table(table), "meta": record, "compress": .bool(true)])

    let file = try HDF5File(readingAt: path)
    #expect(try file.attribute("mvs_provenance") == .strings(["t = ones()\nexport(\"out.h5\", t=t)"]))
    #expect(try file.dataset("t").shape == [2, 2])

    guard case let .record(back) = try call("h5", [.string(path)]) else { Issue.record("h5 must give a record"); return }
    #expect(Set(back.keys) == ["meta", "t", "table"])
    guard case let .tensor(t)? = back["t"], case let .table(readTable)? = back["table"], case let .record(meta)? = back["meta"] else {
        Issue.record("values must come back as what they were")
        return
    }
    #expect(t.values == [1, 2, 3, 4] && t.shape == [2, 2])
    #expect(readTable == table)
    guard case let .number(k, _)? = meta["k"], case let .list(tags)? = meta["tags"] else { Issue.record("record fields"); return }
    #expect(k == 4 && tags.count == 2)

    guard case let .table(listing) = try call("h5ls", [.string(path)]) else { Issue.record("h5ls must give a table"); return }
    // the record's short fields are attributes, so only the tensor and the table columns are datasets
    #expect(try listing.column("path") == .string(["t", "table/name", "table/score"]))
    #expect(try listing.column("shape") == .string(["2×2", "2", "2"]))
    #expect(try listing.column("dtype") == .string(["float32", "string", "float64"]))

    // mode="a" adds; an existing name needs overwrite=true
    _ = try call("export", [.string(path)], ["mode": .string("a"), "extra": .string("more")])
    #expect(throws: EngineError.exists(path: path, name: "extra", appendable: true)) {
        _ = try call("export", [.string(path)], ["mode": .string("a"), "extra": .number(1)])
    }
    guard case let .record(grown) = try call("import", [.string(path)]) else { return }
    #expect(grown.keys.contains("extra"))
}

@Test func exportBuiltinRejectsBadArguments() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/bad.h5"
    #expect(throws: ArgumentError.self) { _ = try call("export", [.string(path)], ["mode": .string("x"), "a": .number(1)]) }
    #expect(throws: ArgumentError.self) { _ = try call("export", [.string(path)]) }
    #expect(throws: ArgumentError.self) { _ = try call("export", [.string(path)], ["names": .string("pretty"), "a": .number(1)]) }
    do {
        let function = Function(name: "h5", body: .user(NSObject()))
        _ = try call("export", [.string(path)], ["f": .function(function)])
        Issue.record("a function must not export")
    } catch let error as ArgumentError {
        #expect(error.description == "export(): 'f' is a function, which cannot be written to HDF5")
    }
    #expect(!FileManager.default.fileExists(atPath: path))
}

@Test func saveBuiltinWritesSafetensors() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let weight = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
    let model = Model(name: "m", source: "test", config: nil,
                      parameters: [Parameter(name: "w", shape: [2, 3], dtype: .f32) { weight }])
    let path = directory + "/m.safetensors"
    _ = try call("save", [.string(path), .model(model)])
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let length = data.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
    let header = try JSONValue.parse(data.subdata(in: 8..<(8 + length)), path: path)
    #expect(header["w"]?["dtype"] == .string("F32"))
    let body = data.subdata(in: (8 + length)..<data.count)
    let floats = body.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    #expect(floats == [1, 2, 3, 4, 5, 6])
    #expect(throws: EngineError.self) { _ = try call("save", [.string(path), .model(model)]) }
}

@Test func engineRemediesAreRenderedInTheLanguagesSyntax() {
    // Engine's errors carry data; only Lang spells the remedy (hand-written expected messages).
    #expect(EngineError.exists(path: "out.h5", name: nil, appendable: true).languageMessage
            == "out.h5: already exists; pass overwrite=true to replace it or mode=\"a\" to add to it")
    #expect(EngineError.exists(path: "m.safetensors", name: nil, appendable: false).languageMessage
            == "m.safetensors: already exists; pass overwrite=true to replace it")
    #expect(EngineError.exists(path: "out.h5", name: "extra", appendable: true).languageMessage
            == "out.h5: already holds 'extra'; pass overwrite=true to replace it")
    #expect(EngineError.noFinalNorm(model: "tiny", family: "bert").languageMessage
            == "tiny has no final norm (family 'bert'); project without layernorm=true")
    #expect(EngineError.invalidArgument("k must be positive").languageMessage == "k must be positive")
}
