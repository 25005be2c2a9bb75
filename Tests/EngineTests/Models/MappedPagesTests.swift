// Releasing memory-mapped pages: the bytes stay readable, the process's resident memory of the map goes down.
import Foundation
import Testing
@testable import Engine

@Suite struct MappedPagesTests {
    /// Resident kB of this process's mappings of `path`, summed, from /proc/self/smaps (the kernel's own count).
    static func residentKB(of path: String) throws -> Int {
        // Read to the end: /proc files report size 0, which String(contentsOfFile:) takes at its word.
        let data = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/smaps")).readToEnd() ?? Data()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        var total = 0, inside = false
        for line in lines {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), first.allSatisfy({ $0.isHexDigit || $0 == "-" }) {
                inside = fields.last.map(String.init) == path  // a mapping's header line: range perms offset dev inode path
            } else if inside, fields.first == "Rss:", fields.count >= 2, let kB = Int(fields[1]) {
                total += kB
            }
        }
        return total
    }

    /// A file of `count` float32 values 0, 1, 2, … in `directory` (kept by the caller: smaps names a deleted
    /// file differently).
    static func countingFile(_ count: Int, in directory: HDF5TempDirectory) throws -> String {
        let path = directory.file("counting.bin")
        try Data((0..<count).map(Float.init).withUnsafeBytes(Array.init)).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func releasedPagesLeaveTheProcessAndReadBackUnchanged() throws {
        let count = 1 << 20  // 4 MiB
        let temp = try HDF5TempDirectory()
        let path = try Self.countingFile(count, in: temp)
        let file = try MappedFile(path: path)
        let values = try #require(file.base).assumingMemoryBound(to: Float.self)
        // Σ 0 … n−1 = n(n−1)/2, exact in double at this size.
        let expected = Double(count) * Double(count - 1) / 2
        #expect((0..<count).reduce(0.0) { $0 + Double(values[$1]) } == expected)
        #expect(try Self.residentKB(of: path) >= 4096)
        file.releasePages(0..<file.size)
        #expect(try Self.residentKB(of: path) == 0)
        #expect((0..<count).reduce(0.0) { $0 + Double(values[$1]) } == expected)
    }

    @Test func releaseKeepsPagesOnlyPartlyInsideTheRange() throws {
        let temp = try HDF5TempDirectory()
        let path = try Self.countingFile(4096, in: temp)  // 16 KiB: four pages of 4 KiB
        let file = try MappedFile(path: path)
        let values = try #require(file.base).assumingMemoryBound(to: Float.self)
        #expect((0..<4096).reduce(0.0) { $0 + Double(values[$1]) } == 4096.0 * 4095 / 2)
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        // From the middle of page 0 to the middle of page 3: only pages 1 and 2 are wholly inside.
        file.releasePages(page / 2 ..< 3 * page + page / 2)
        #expect(try Self.residentKB(of: path) == 2 * page / 1024)
    }

    @Test func releaseIsANoOpOnInMemoryBytes() throws {
        let bytes = (0..<(3 * 4096)).map { UInt8($0 % 251) }
        let file = MappedFile(bytes: bytes, name: "in-memory")
        file.releasePages(0..<file.size)
        #expect(file.bytes(0..<file.size) == bytes)
    }

    /// `rank` over a safetensors model drops each matrix's pages when done: the map's resident memory after the
    /// sweep is a small part of the matrices' 8 MiB (fault-around may map back up to 64 KiB around each later read).
    @Test func rankKeepsTheMapsResidentMemoryBelowTheMatrices() throws {
        let model = try Fixtures.bert(layers: 1, width: 512, feedForward: 1024, vocab: 4)
        let temp = try HDF5TempDirectory()
        let path = temp.file("model.safetensors")
        try SafetensorsWriter.write(model, to: path)
        let loaded = try ModelLoader.load(path)
        let table = try Rank.table(loaded)
        #expect(table.rowCount == 6)
        #expect(try Self.residentKB(of: path) < 1024)
        // Read again after the release, the values are the file's: the same spectra as the in-memory model. Equal to
        // rounding, not bit for bit: tests running in parallel change OpenBLAS's process-wide thread count
        // (`withOneBLASThread`), and with it how the SVD's products are split and summed.
        let reread = try Rank.table(loaded).column("sigma_max").doubles ?? []
        let original = try Rank.table(model).column("sigma_max").doubles ?? []
        #expect(!original.isEmpty && reread.count == original.count, "\(reread) vs \(original)")
        #expect(zip(reread, original).allSatisfy { abs($0 - $1) <= 1e-5 * abs($1) }, "\(reread) vs \(original)")
    }
}
