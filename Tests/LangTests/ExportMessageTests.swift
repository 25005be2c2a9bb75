// export says what it wrote at the prompt and nothing in scripts; long values are cut for one-line listings.
import Foundation
import Testing
import Engine
@testable import Lang

/// A context that records output and may claim to be a terminal.
private final class RecordingContext: CallContext {
    var written: [String] = []
    let terminal: TerminalInfo?
    init(terminal: TerminalInfo?) { self.terminal = terminal }
    func call(_ function: Function, _ arguments: [Value]) throws -> Value { .none }
    var sourceText: String { "" }
    func write(_ text: String) { written.append(text) }
}

private func export(to path: String, terminal: TerminalInfo?) throws -> [String] {
    let builtin = try #require(BuiltinRegistry.byName["export"])
    let context = RecordingContext(terminal: terminal)
    let table = try Table(columns: [("layer", .int([0, 1])), ("erank", .double([1.5, 2.5]))])
    _ = try builtin.call(Arguments(callee: "export", parameterNames: builtin.parameters.map(\.name), positional: [.string(path)],
                                   keywords: ["rank": .table(table), "n": .number(3)], keywordOrder: ["rank", "n"], context: context))
    return context.written
}

@Test func exportSaysWhatItWroteOnlyAtAPrompt() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mvs-export-message-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let quiet = folder.appendingPathComponent("script.h5").path
    #expect(try export(to: quiet, terminal: nil).isEmpty)
    let loud = folder.appendingPathComponent("prompt.h5").path
    let lines = try export(to: loud, terminal: TerminalInfo(width: 80, height: 24, colour: false))
    let size = try #require(try FileManager.default.attributesOfItem(atPath: loud)[.size] as? Int)
    #expect(lines == ["wrote \(loud): rank, n · \(String(format: "%.1f kB", Double(size) / 1e3))"])
}

@Test func longListsAreCutToTheLineWithTheirLength() {
    let long = Value.list((0..<1536).map { .number(Double($0)) })
    let line = Display.line(long, width: 40)
    #expect(line.hasPrefix("[0, 1, 2, "))
    #expect(line.hasSuffix("… 1536 items]"))
    #expect(line.count <= 40)
    #expect(Display.line(.string(String(repeating: "x", count: 50)), width: 10) == "\"xxxxxxxx…")
    #expect(Display.line(.number(3), width: 10) == "3")
}
