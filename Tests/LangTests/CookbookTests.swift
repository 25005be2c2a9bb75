// docs/cookbook.md as a test: its mvs blocks run in order in one session, each block's output checked
// against the text block that follows it, so the cookbook cannot drift from what mvs does.
import Foundation
import Testing
@testable import Lang

/// The cookbook's code blocks in order: (language, text).
private func cookbookBlocks() throws -> [(language: String, text: String)] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let text = try String(contentsOf: root.appendingPathComponent("docs/cookbook.md"), encoding: .utf8)
    var blocks: [(String, String)] = []
    var language: String?
    var lines: [String] = []
    for line in text.components(separatedBy: "\n") {
        if let open = language {
            if line == "```" {
                blocks.append((open, lines.joined(separator: "\n")))
                language = nil
                lines = []
            } else {
                lines.append(line)
            }
        } else if line.hasPrefix("```") {
            language = String(line.dropFirst(3))
        }
    }
    return blocks
}

@Test func cookbookSnippetsRunAndPrintWhatTheCookbookShows() throws {
    let blocks = try cookbookBlocks()
    #expect(blocks.filter { $0.language == "mvs" }.count >= 6)
    // The cookbook writes its pictures and HDF5 file into out/, as the tour does.
    try FileManager.default.createDirectory(atPath: "out", withIntermediateDirectories: true)
    var output: [String] = []
    var diagnostics: [Diagnostic] = []
    let session = Session(output: { output += $0.components(separatedBy: "\n") }, report: { diagnostics.append($0) })
    for (index, block) in blocks.enumerated() where block.language == "mvs" {
        output = []
        let status = session.run(Source(name: "cookbook block \(index)", text: block.text)).exitStatus
        #expect(status == 0, "block \(index) failed:\n\(diagnostics.map { $0.render() }.joined(separator: "\n"))")
        let next = index + 1 < blocks.count ? blocks[index + 1] : nil
        if let next, next.language == "text" {
            #expect(output.joined(separator: "\n") == next.text, "output of cookbook block \(index):\n\(block.text)")
        } else {
            #expect(output.isEmpty || output == [""], "block \(index) printed output the cookbook does not show")
        }
    }
    #expect(diagnostics.isEmpty)
}
