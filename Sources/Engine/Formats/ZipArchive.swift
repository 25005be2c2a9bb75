// A read-only zip reader over a memory map: enough for PyTorch checkpoints (stored entries, zip64).
import Foundation

/// The entries of a zip file; entry data are byte ranges of the map (torch stores them uncompressed).
struct ZipArchive {
    /// One stored entry.
    struct Entry {
        let name: String
        /// Compression method (0 stored, 8 deflate, …).
        let method: UInt16
        let compressedSize: Int
        let size: Int
        let localHeaderOffset: Int
    }

    let file: MappedFile
    /// Entries by name.
    let entries: [String: Entry]
    /// Entry names in central-directory order.
    let names: [String]

    init(file: MappedFile) throws {
        self.file = file
        let reader = ByteReader(file: file)
        let eocd = try ZipArchive.findEndOfCentralDirectory(reader)
        var count = Int(try reader.u16(eocd + 10))
        var directorySize = Int(try reader.u32(eocd + 12))
        var directoryOffset = Int(try reader.u32(eocd + 16))
        // Zip64: a locator just before the end record points to a 64-bit end record.
        if eocd >= 20, try reader.u32(eocd - 20) == 0x0706_4B50 {
            let record = try reader.int64(eocd - 20 + 8)
            guard try reader.u32(record) == 0x0606_4B50 else { throw reader.bad("zip64 end record not found where its locator points") }
            count = try reader.int64(record + 32)
            directorySize = try reader.int64(record + 40)
            directoryOffset = try reader.int64(record + 48)
        }
        guard directoryOffset >= 0, directorySize >= 0, directoryOffset <= file.size, directorySize <= file.size - directoryOffset else {
            throw reader.bad("zip central directory lies outside the file")
        }
        // Each entry takes at least 46 bytes: a count larger than that is a lie, not an allocation.
        guard count <= directorySize / 46 else { throw reader.bad("zip claims \(count) entries in a \(directorySize)-byte directory") }
        var entries: [String: Entry] = [:]
        var names: [String] = []
        var position = directoryOffset
        for _ in 0..<count {
            guard try reader.u32(position) == 0x0201_4B50 else { throw reader.bad("zip central directory entry damaged at byte \(position)") }
            let method = try reader.u16(position + 10)
            var compressed = Int(try reader.u32(position + 20))
            var size = Int(try reader.u32(position + 24))
            let nameLength = Int(try reader.u16(position + 28))
            let extraLength = Int(try reader.u16(position + 30))
            let commentLength = Int(try reader.u16(position + 32))
            var offset = Int(try reader.u32(position + 42))
            let nameBytes = try reader.bytes(position + 46, count: nameLength)
            guard let name = String(validating: nameBytes, as: UTF8.self) else { throw reader.bad("zip entry name is not UTF-8") }
            // Zip64 extra field (id 1): 64-bit values for whichever 32-bit fields are saturated, in order.
            var extra = position + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try reader.u16(extra), length = Int(try reader.u16(extra + 2))
                if id == 1 {
                    var field = extra + 4
                    if size == 0xFFFF_FFFF { size = try reader.int64(field); field += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = try reader.int64(field); field += 8 }
                    if offset == 0xFFFF_FFFF { offset = try reader.int64(field) }
                }
                extra += 4 + length
            }
            entries[name] = Entry(name: name, method: method, compressedSize: compressed, size: size, localHeaderOffset: offset)
            names.append(name)
            position = extraEnd + commentLength
        }
        self.entries = entries
        self.names = names
    }

    /// The byte range of an entry's data in the file, after checking it is stored and inside the file.
    func dataRange(_ entry: Entry) throws -> Range<Int> {
        let reader = ByteReader(file: file)
        guard entry.method == 0 else {
            throw reader.bad("zip entry '\(entry.name)' is compressed (method \(entry.method)); only stored entries are supported, as torch.save writes them")
        }
        let header = entry.localHeaderOffset
        guard try reader.u32(header) == 0x0403_4B50 else { throw reader.bad("zip local header of '\(entry.name)' not found") }
        let start = header + 30 + Int(try reader.u16(header + 26)) + Int(try reader.u16(header + 28))
        guard entry.size == entry.compressedSize, entry.size >= 0, start <= file.size, entry.size <= file.size - start else {
            throw reader.bad("zip entry '\(entry.name)' (\(entry.size) bytes) runs past the end of the file")
        }
        return start..<start + entry.size
    }

    private static func findEndOfCentralDirectory(_ reader: ByteReader) throws -> Int {
        let size = reader.file.size
        guard size >= 22 else { throw reader.bad("zip file is \(size) bytes, too short for an end-of-directory record") }
        // The record is 22 bytes plus a comment of up to 65535 bytes.
        var position = size - 22
        let lowest = max(0, size - 22 - 65_535)
        while position >= lowest {
            if try reader.u32(position) == 0x0605_4B50 { return position }
            position -= 1
        }
        throw reader.bad("not a zip file: no end-of-central-directory record (truncated?)")
    }
}

/// Bounds-checked little-endian reads from a mapped file; errors name the file.
struct ByteReader {
    let file: MappedFile

    func bad(_ message: String) -> EngineError { .malformed(path: file.path, message: message) }

    func bytes(_ offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= file.size, count <= file.size - offset, let base = file.base else {
            if count == 0 { return [] }
            throw bad("unexpected end of file reading \(count) bytes at offset \(offset)")
        }
        return Array(UnsafeRawBufferPointer(start: base + offset, count: count))
    }

    /// A fixed-size little-endian integer, read in place: the end-of-directory search calls this up to 65,536
    /// times per file, so it must not allocate.
    func integer<T: FixedWidthInteger>(_: T.Type, at offset: Int) throws -> T {
        let count = MemoryLayout<T>.size
        guard offset >= 0, offset <= file.size - count, let base = file.base else {
            throw bad("unexpected end of file reading \(count) bytes at offset \(offset)")
        }
        return T(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    func u16(_ offset: Int) throws -> UInt16 { try integer(UInt16.self, at: offset) }

    func u32(_ offset: Int) throws -> UInt32 { try integer(UInt32.self, at: offset) }

    /// A 64-bit little-endian value that must fit a non-negative Int.
    func int64(_ offset: Int) throws -> Int {
        let value = try integer(UInt64.self, at: offset)
        guard value <= UInt64(Int.max) else { throw bad("64-bit field at offset \(offset) is out of range") }
        return Int(value)
    }
}
