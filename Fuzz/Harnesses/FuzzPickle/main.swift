// Fuzzes the pickle interpreter on raw opcodes, without wrapping each input in a zip: storages
// resolve against an empty archive, so persistent ids exercise the refusal paths.
@testable import Engine
import FuzzDriver

/// The 22-byte end-of-central-directory record of a zip with no entries.
let emptyZip: [UInt8] = [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18)
let archiveFile = MappedFile(bytes: emptyZip, name: "fuzz.pt")
let archive = try! ZipArchive(file: archiveFile)  // a fixed, valid input: not reachable from fuzz data
let host = TorchPickleHost(path: "fuzz.pt", archive: archive, prefix: "archive/")

runFuzzer { bytes in
    _ = try bytes.withUnsafeBytes { try PyTorchCheckpoint.tensors(pickle: $0, path: "fuzz.pt/data.pkl", host: host) }
}
