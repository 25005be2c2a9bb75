// Fuzzes the GGUF reader: header, every metadata value, tensor infos, and dequantisation of each tensor.
@testable import Engine
import FuzzDriver

runFuzzer { bytes in
    let file = try GGUFFile(file: MappedFile(bytes: bytes, name: "fuzz.gguf"))
    for info in file.tensors where info.count <= 1 << 20 { _ = try file.tensor(info) }
}
