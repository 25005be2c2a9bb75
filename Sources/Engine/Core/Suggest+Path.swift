// "Did you mean …?" for a file path that does not exist: the nearest name in the folder it points into.
import Foundation

extension Suggest {
    /// `; did you mean 'models/minilm'?` when the path's folder exists and holds a name close to the missing
    /// last component (by edit distance, or one that starts with it), else "".
    public static func hint(forPath path: String) -> String {
        let expanded = FilePath.expandingTilde(path)
        let name = FilePath.lastComponent(expanded)
        let folder = FilePath.deletingLastComponent(expanded)
        guard !name.isEmpty, let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else { return "" }
        let visible = entries.filter { !$0.hasPrefix(".") }.sorted()
        guard let match = closest(to: name, in: visible) ?? visible.first(where: { $0.hasPrefix(name) }) else { return "" }
        let shown = FilePath.deletingLastComponent(path)
        return tail(shown.isEmpty ? match : FilePath.join(shown, match))
    }
}
