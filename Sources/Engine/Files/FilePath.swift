// Path strings split and joined in pure Swift, so text from a manifest or a script never reaches
// Foundation's NSString path functions, which trap on Linux for some inputs (issue 22, defect 1).
import Foundation

/// Path-string operations on `/`-separated POSIX paths; total on any input, never trapping.
public enum FilePath {
    /// The components between slashes, empty ones dropped (`//a///b/` → `["a", "b"]`).
    static func components(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// The last non-empty component (`/a/b/` → `b`); `/` for the root, the input itself when empty.
    public static func lastComponent(_ path: String) -> String {
        if let last = components(path).last { return String(last) }
        return path.hasPrefix("/") ? "/" : path
    }

    /// The path without its last component (`/a/b` → `/a`, `b` → ``, `/b` → `/`).
    public static func deletingLastComponent(_ path: String) -> String {
        var parts = components(path)
        guard !parts.isEmpty else { return path.hasPrefix("/") ? "/" : "" }
        parts.removeLast()
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : joined
    }

    /// `directory/name`, with exactly one slash between them; `name` alone when `directory` is empty.
    public static func join(_ directory: String, _ name: String) -> String {
        guard !directory.isEmpty else { return name }
        guard !name.isEmpty else { return directory }
        let head = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let tail = name.hasPrefix("/") ? String(name.dropFirst()) : name
        return head + "/" + tail
    }

    /// The file name without its last extension (`model.safetensors` → `model`, `.hidden` stays).
    public static func deletingExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// `~` and `~/…` expanded with `$HOME` (or the passwd home); anything else unchanged.
    public static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return join(home, String(path.dropFirst(2)))
    }

    /// `.` and `..` resolved lexically and repeated slashes collapsed (`/a/./b/../c` → `/a/c`);
    /// `..` above the root stays at the root, a relative path keeps leading `..`.
    public static func standardized(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var kept: [Substring] = []
        for part in components(path) {
            switch part {
            case ".": continue
            case "..":
                if let last = kept.last, last != ".." { kept.removeLast() } else if !absolute { kept.append(part) }
            default: kept.append(part)
            }
        }
        let joined = kept.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
