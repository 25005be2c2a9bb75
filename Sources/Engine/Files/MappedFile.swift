// A read-only memory map of a whole file; tensors view into it without copying.
import Foundation

/// A file mapped read-only into memory, unmapped when the last tensor viewing it goes away.
public final class MappedFile: @unchecked Sendable {  // unchecked: the mapping is read-only, set in init and unmapped in deinit
    /// The path the map was made from (for messages).
    public let path: String
    /// First byte of the mapping (nil for an empty file).
    public let base: UnsafeRawPointer?
    /// Size of the file in bytes.
    public let size: Int
    /// Whether `base` is a private heap copy (`init(bytes:name:)`) rather than a memory map.
    private let ownsCopy: Bool

    /// Maps `path`; throws `EngineError.io` when it cannot be opened.
    public init(path: String) throws {
        self.path = path
        ownsCopy = false
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw EngineError.io(path: path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw EngineError.io(path: path, message: String(cString: strerror(errno))) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw EngineError.io(path: path, message: "is a directory") }
        size = Int(info.st_size)
        if size == 0 { base = nil; return }
        let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let pointer, pointer != MAP_FAILED else {
            throw EngineError.io(path: path, message: "cannot map: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(pointer)
    }

    /// In-memory bytes read as if they were the file `name`: every reader has an entry point that needs
    /// no file system (the fuzz harnesses feed millions of inputs through it).
    public init(bytes: [UInt8], name: String) {
        path = name
        size = bytes.count
        ownsCopy = true
        guard !bytes.isEmpty else { base = nil; return }
        let copy = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 64)
        bytes.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        base = UnsafeRawPointer(copy)
    }

    deinit {
        guard let base else { return }
        if ownsCopy { UnsafeMutableRawPointer(mutating: base).deallocate() } else { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    }

    /// The bytes in `range`, copied (for headers and small reads).
    public func bytes(_ range: Range<Int>) -> [UInt8] {
        guard let base, range.lowerBound >= 0, range.upperBound <= size else { return [] }
        return Array(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
    }
}
