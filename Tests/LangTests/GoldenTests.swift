// Runs every golden script under Golden/ and checks its inline expectations:
//   `# expect: TEXT`               the next line of output (in order)
//   `# expect error: LINE:COL MSG`  a diagnostic at LINE:COL whose message contains MSG
//   `# expect stderr: TEXT`        the rendered diagnostics contain TEXT
//   `# expect exit: N`             the exit status (default 0, or 70 when errors are expected)
import Foundation
import Testing
@testable import Lang

/// The golden scripts, relative to the Golden directory.
enum Golden {
    static let root: URL? = Bundle.module.url(forResource: "Golden", withExtension: nil)

    static let cases: [String] = {
        guard let root, let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        let prefix = root.standardizedFileURL.path + "/"
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "mvs" }
            .map { $0.standardizedFileURL.path.replacingOccurrences(of: prefix, with: "") }.sorted()
    }()

    struct Expectations {
        var output: [String] = []
        var errors: [(line: Int, column: Int, message: String)] = []
        var stderr: [String] = []
        var exit: Int32?
    }

    static func expectations(in text: String) -> Expectations {
        var result = Expectations()
        for line in text.components(separatedBy: "\n") {
            if let range = line.range(of: "# expect: ") {
                result.output.append(String(line[range.upperBound...]))
            } else if line.hasSuffix("# expect:") {
                result.output.append("")
            } else if let range = line.range(of: "# expect error: ") {
                let rest = line[range.upperBound...]
                let parts = rest.split(separator: " ", maxSplits: 1)
                let position = parts.first?.split(separator: ":").compactMap { Int($0) } ?? []
                if position.count == 2 {
                    result.errors.append((position[0], position[1], parts.count > 1 ? String(parts[1]) : ""))
                }
            } else if let range = line.range(of: "# expect stderr: ") {
                result.stderr.append(String(line[range.upperBound...]))
            } else if let range = line.range(of: "# expect exit: ") {
                result.exit = Int32(line[range.upperBound...].trimmingCharacters(in: .whitespaces))
            }
        }
        return result
    }
}

@Test func goldenSuiteIsLarge() {
    #expect(Golden.cases.count >= 100)
}

@Test(arguments: Golden.cases)
func golden(_ name: String) throws {
    let root = try #require(Golden.root)
    let text = try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
    let expected = Golden.expectations(in: text)
    var output: [String] = []
    var diagnostics: [Diagnostic] = []
    let session = Session(output: { output += $0.components(separatedBy: "\n") }, report: { diagnostics.append($0) })
    session.interpreter.define("args", .list([.string("first"), .string("second")]))
    let status = session.run(Source(name: name, text: text)).exitStatus

    #expect(output == expected.output, "output of \(name)")
    let rendered = diagnostics.map { $0.render() }.joined(separator: "\n")
    #expect(diagnostics.count == expected.errors.count, "diagnostics of \(name):\n\(rendered)")
    for error in expected.errors {
        let found = diagnostics.contains {
            $0.range.start.line == error.line && $0.range.start.column == error.column && $0.message.contains(error.message)
        }
        #expect(found, "\(name): no error at \(error.line):\(error.column) containing '\(error.message)'; got:\n\(rendered)")
    }
    for fragment in expected.stderr {
        #expect(rendered.contains(fragment), "\(name): stderr lacks '\(fragment)'; got:\n\(rendered)")
    }
    #expect(status == expected.exit ?? (expected.errors.isEmpty ? 0 : 70), "exit status of \(name)")
}
