// Fuzzes CSV manifests end to end: parsing, the header checks and every entry's path and name.
@testable import Engine
import FuzzDriver

runFuzzer { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    let rows = try CSVReader.parse(text, path: "fuzz.csv")
    for row in rows { for field in row { _ = FilePath.lastComponent(field); _ = FilePath.standardized(field) } }
}
