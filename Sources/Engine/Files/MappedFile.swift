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

    /// Unmaps the pages wholly inside `range` from this process (`madvise(MADV_DONTNEED)`) without touching the
    /// file or the page cache: the map is read-only, so a later read faults the same bytes back in. A sweep over
    /// a model (every matrix's `rank`) calls it after each tensor so that its resident memory stays a few
    /// matrices, not the whole file; a no-op for in-memory copies (`init(bytes:name:)`), whose bytes it would lose.
    public func releasePages(_ range: Range<Int>) {
        guard let base, !ownsCopy, range.lowerBound >= 0, range.upperBound <= size else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        // The map starts on a page boundary: whole pages inside the range only, so neighbours keep theirs.
        let start = (range.lowerBound + page - 1) / page * page, end = range.upperBound / page * page
        guard end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }

    /// The bytes in `range`, copied (for headers and small reads).
    public func bytes(_ range: Range<Int>) -> [UInt8] {
        guard let base, range.lowerBound >= 0, range.upperBound <= size else { return [] }
        return Array(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
    }
}
