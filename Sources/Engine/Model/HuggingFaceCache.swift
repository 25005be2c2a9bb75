// Resolving Hugging Face model ids (`org/name`, `org/name@rev`) against the local hub cache, offline.
import Foundation

/// The local Hugging Face hub cache (`$HF_HUB_CACHE`, `$HF_HOME/hub` or `~/.cache/huggingface/hub`).
public enum HuggingFaceCache {
    /// The hub cache directory the environment points at.
    public static var directory: String {
        let environment = ProcessInfo.processInfo.environment
        if let hub = environment["HF_HUB_CACHE"] ?? environment["HUGGINGFACE_HUB_CACHE"], !hub.isEmpty { return hub }
        if let home = environment["HF_HOME"], !home.isEmpty { return FilePath.join(home, "hub") }
        return FilePath.join(NSHomeDirectory(), ".cache/huggingface/hub")
    }

    /// Whether `text` has the form of a hub id (`name` or `org/name`, optionally `@revision`).
    public static func looksLikeID(_ text: String) -> Bool {
        let id = text.split(separator: "@", maxSplits: 1).first.map(String.init) ?? text
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        return parts.allSatisfy { part in
            !part.isEmpty && !part.hasPrefix(".") && part.unicodeScalars.allSatisfy(allowed.contains)
        }
    }

    /// The snapshot directory of `id` in `cache`: the revision after `@` (a commit, its prefix, or a ref such as
    /// a branch), else the one `refs/main` names, else the most recently modified snapshot. Throws when the
    /// model is not in the cache.
    public static func snapshot(for id: String, cache: String = directory) throws -> String {
        let parts = id.split(separator: "@", maxSplits: 1).map(String.init)
        guard let name = parts.first else { throw EngineError.invalidArgument("empty model id") }
        let repository = FilePath.join(cache, "models--" + name.replacingOccurrences(of: "/", with: "--"))
        let snapshots = FilePath.join(repository, "snapshots")
        let manager = FileManager.default
        guard let revisions = try? manager.contentsOfDirectory(atPath: snapshots), !revisions.isEmpty else {
            throw EngineError.io(path: id, message: "no such file or directory, and not in the Hugging Face cache (\(repository)); mvs never downloads")
        }
        func ref(_ name: String) -> String? {
            guard !name.contains("..") else { return nil }
            let path = FilePath.join(repository, "refs/" + name)
            return (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var wanted = parts.count > 1 ? parts[1] : nil
        wanted = wanted.map { ref($0) ?? $0 } ?? ref("main")
        if let wanted {
            if let revision = revisions.first(where: { $0 == wanted || $0.hasPrefix(wanted) && wanted.count >= 7 }) {
                return FilePath.join(snapshots, revision)
            }
            if parts.count > 1 {
                throw EngineError.io(path: id, message: "revision '\(wanted)' is not in the cache; have \(revisions.sorted().joined(separator: ", "))")
            }
        }
        func modified(_ revision: String) -> Date {
            let path = FilePath.join(snapshots, revision)
            return ((try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
        }
        let newest = revisions.max { modified($0) < modified($1) } ?? revisions[0]
        return FilePath.join(snapshots, newest)
    }
}
