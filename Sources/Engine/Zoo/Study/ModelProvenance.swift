// What a shard records about each model it read: path, size, modification time and a hash of its headers.
import Foundation

/// A fingerprint of a model's files, cheap to take (no weights are read) and changed by any rewrite.
///
/// For a directory, every regular file directly inside it (config, vocabulary, weights) counts: `size` is their
/// total, `modified` the latest modification time, and `headerHash` the SHA-256 of each file's name followed by
/// its header — the length prefix and JSON header of a safetensors file, the first 64 KiB of any other file.
public struct ModelProvenance: Equatable, Sendable {
    /// The model's path as the zoo lists it (a hub id is resolved to its snapshot).
    public let path: String
    /// Total size in bytes.
    public let size: Int
    /// Latest modification time, nanoseconds since 1970.
    public let modified: Int
    /// SHA-256 of the files' names and headers, hex.
    public let headerHash: String

    /// Bytes of a non-safetensors file that count as its header.
    static let headerLimit = 64 * 1024
    /// A safetensors header larger than this is not believed (the format's own readers cap it at 100 MB).
    static let safetensorsHeaderLimit = 100_000_000

    /// Fingerprints the model at `path` (file, directory, or hub id in the local cache).
    public static func of(_ path: String) throws -> ModelProvenance {
        var location = path
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: location, isDirectory: &isDirectory) {
            guard HuggingFaceCache.looksLikeID(path) else { throw EngineError.io(path: path, message: "no such file or directory") }
            location = try HuggingFaceCache.snapshot(for: path)
            _ = FileManager.default.fileExists(atPath: location, isDirectory: &isDirectory)
        }
        let files: [String]
        if isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: location)) ?? []
            files = names.filter { !$0.hasPrefix(".") }.sorted().map { location + "/" + $0 }.filter { file in
                var directory: ObjCBool = false
                return FileManager.default.fileExists(atPath: file, isDirectory: &directory) && !directory.boolValue
            }
        } else {
            files = [location]
        }
        var hash = SHA256()
        var size = 0, modified = 0
        for file in files {
            var info = stat()
            // stat follows symlinks: the Hugging Face cache links snapshot files to blobs.
            guard stat(file, &info) == 0 else { throw EngineError.io(path: file, message: "cannot stat: \(Export.systemError())") }
            size += Int(info.st_size)
            modified = max(modified, Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec))
            hash.update(Array(FilePath.lastComponent(file).utf8) + [0])
            hash.update(try header(of: file, size: Int(info.st_size)))
        }
        return ModelProvenance(path: path, size: size, modified: modified, headerHash: hash.hexDigest())
    }

    /// The header bytes of one file (see the type's documentation).
    private static func header(of file: String, size: Int) throws -> [UInt8] {
        let descriptor = open(file, O_RDONLY)
        guard descriptor >= 0 else { throw EngineError.io(path: file, message: "cannot read: \(Export.systemError())") }
        defer { close(descriptor) }
        func read(_ count: Int, at offset: Int) throws -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
            guard got >= 0 else { throw EngineError.io(path: file, message: "cannot read: \(Export.systemError())") }
            return Array(bytes.prefix(got))
        }
        var length = min(size, headerLimit)
        if file.hasSuffix(".safetensors"), size >= 8 {
            let prefix = try read(8, at: 0)
            let declared = prefix.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if declared <= UInt64(min(size - 8, safetensorsHeaderLimit)) { length = 8 + Int(declared) }
        }
        return try read(length, at: 0)
    }

    /// What differs from `earlier` (size, time, header), for the message naming a changed model.
    public func changes(since earlier: ModelProvenance) -> [String] {
        var found: [String] = []
        if size != earlier.size { found.append("size \(earlier.size) → \(size) bytes") }
        if modified != earlier.modified { found.append("modification time changed") }
        if headerHash != earlier.headerHash { found.append("header hash changed") }
        return found
    }
}
