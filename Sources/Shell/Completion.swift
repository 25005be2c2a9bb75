// Completion candidates from the builtin registry, the session's variables and keywords, shared by the
// REPL's Tab and the kernel protocol's complete request.
import Engine
import Foundation
import Lang

/// What a word being typed may become.
enum Completion {
    /// Candidates for `word` (the text before the cursor back to a word break); `before` is the line before
    /// the word. Dot-commands (`commands`) complete at the start of a line, `m.na` to attributes of `m`,
    /// anything else to variables, builtins and keywords.
    static func candidates(for word: String, before: String, commands: [String], interpreter: Interpreter) -> [String] {
        let pool: [String]
        if word.hasPrefix("."), before.trimmingCharacters(in: .whitespaces).isEmpty {
            pool = commands
        } else if let dot = word.lastIndex(of: "."), dot != word.startIndex {
            // `m.na` → attributes of `m` (a variable, possibly followed by attributes: `m.config.hid`).
            let path = word[..<dot].split(separator: ".").map(String.init)
            guard let first = path.first, var value = interpreter.value(of: first) else { return [] }
            for name in path.dropFirst() {
                guard let next = try? value.attribute(name) else { return [] }
                value = next
            }
            pool = value.attributeNames.map { "\(word[..<dot]).\($0)" }
        } else {
            pool = interpreter.variables.map(\.name) + BuiltinRegistry.all.map(\.name) + Keyword.allCases.map(\.rawValue)
        }
        return Array(Set(pool.filter { $0.hasPrefix(word) })).sorted()
    }

    /// File names for the text of a string being typed (`load("~/.cache/mvs/mo`): entries of its folder that
    /// start with its last part, folders ending in `/`, hidden ones only when the part starts with a dot.
    /// The REPL gets the same from readline.
    static func paths(for typed: String) -> [String] {
        let slash = typed.lastIndex(of: "/")
        let folder = slash.map { String(typed[...$0]) } ?? ""
        let part = slash.map { String(typed[typed.index(after: $0)...]) } ?? typed
        let listed = FilePath.expandingTilde(folder.isEmpty ? "." : folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: listed) else { return [] }
        return names.filter { $0.hasPrefix(part) && (part.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map { name in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: FilePath.join(listed, name), isDirectory: &isDirectory)
            return folder + name + (isDirectory.boolValue ? "/" : "")
        }
    }
}
