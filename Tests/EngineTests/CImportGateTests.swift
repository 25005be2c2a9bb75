// The one-gate-per-C-library rule: each system-library module is imported by exactly one folder or file.
import Foundation
import Testing

/// Where each C module of the package may be imported, as a path prefix under `Sources/`.
private let gates = [
    "CLapack": "Engine/Linalg/",
    "CHDF5": "Engine/HDF5/",
    "CImage": "Engine/Image/",
    "CReadline": "Shell/LineEditor.swift",
]

/// The package's `Sources/` folder, found from this file's own path (Tests/EngineTests/…).
private let sourcesRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Sources")

/// The modules imported by a Swift file's text (`import X`, `@preconcurrency import X`, `import struct X.Y`).
private func importedModules(_ text: String) -> [String] {
    text.split(separator: "\n").compactMap { line in
        var words = line.split(separator: " ").map(String.init)
        while let first = words.first, first.hasPrefix("@") || ["public", "internal", "package"].contains(first) {
            words.removeFirst()
        }
        guard words.first == "import", words.count >= 2 else { return nil }
        let target = ["struct", "class", "enum", "protocol", "func", "var", "let", "typealias"].contains(words[1])
            && words.count >= 3 ? words[2] : words[1]
        return target.split(separator: ".").first.map(String.init)
    }
}

/// Every import of a C module (`cModules`) from a file outside that module's gate, as "path: module".
private func gateViolations(_ files: [(path: String, text: String)], cModules: Set<String>) -> [String] {
    files.flatMap { file in
        importedModules(file.text).filter { module in
            guard cModules.contains(module) else { return false }
            guard let gate = gates[module] else { return true }  // a new C module needs a gate first
            return !file.path.hasPrefix(gate)
        }.map { "\(file.path): \($0)" }
    }
}

@Test func scannerFlagsAnImportOutsideItsGate() {
    let files = [
        (path: "Engine/Linalg/Linalg.swift", text: "// x\nimport CLapack\nimport Foundation"),
        (path: "Engine/Zoo/Sketch.swift", text: "import Foundation\n@preconcurrency import CLapack"),
        (path: "Lang/Values/Value.swift", text: "import struct CHDF5.hid_t"),
        (path: "Shell/REPL.swift", text: "import CNew"),
        (path: "Shell/LineEditor.swift", text: "import CReadline"),
    ]
    let found = gateViolations(files, cModules: ["CLapack", "CHDF5", "CReadline", "CNew"])
    #expect(found == ["Engine/Zoo/Sketch.swift: CLapack", "Lang/Values/Value.swift: CHDF5", "Shell/REPL.swift: CNew"])
}

@Test func onlyEachGateImportsItsCModule() throws {
    let manager = FileManager.default
    let root = sourcesRoot.path + "/"
    let entries = try manager.contentsOfDirectory(atPath: sourcesRoot.path)
    // A C module is a source folder holding a module map (SwiftPM system-library targets) or a public `include/`
    // folder (C targets, whose module map SwiftPM writes).
    let cModules = Set(entries.filter {
        manager.fileExists(atPath: root + $0 + "/module.modulemap") || manager.fileExists(atPath: root + $0 + "/include")
    })
    #expect(cModules == Set(gates.keys))
    var files: [(path: String, text: String)] = []
    let walker = try #require(manager.enumerator(atPath: sourcesRoot.path))
    for case let relative as String in walker where relative.hasSuffix(".swift") {
        files.append((relative, try String(contentsOfFile: root + relative, encoding: .utf8)))
    }
    #expect(files.count > 100)
    #expect(gateViolations(files, cModules: cModules) == [])
    // Each gate really is used (a gate nobody passes through is stale).
    for (module, gate) in gates {
        #expect(files.contains { $0.path.hasPrefix(gate) && importedModules($0.text).contains(module) }, "\(module) gate \(gate)")
    }
}
