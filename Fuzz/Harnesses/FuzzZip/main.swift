// Fuzzes the zip central-directory reader and the entry data ranges it validates.
@testable import Engine
import FuzzDriver

runFuzzer { bytes in
    let file = MappedFile(bytes: bytes, name: "fuzz.zip")
    let archive = try ZipArchive(file: file)
    for name in archive.names {
        if let entry = archive.entries[name] { _ = file.bytes(try archive.dataRange(entry)) }
    }
}
