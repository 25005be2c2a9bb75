// Fuzzes the safetensors header parser and tensor access on in-memory files.
@testable import Engine
import FuzzDriver

runFuzzer { bytes in
    for parameter in try Safetensors.parameters(file: MappedFile(bytes: bytes, name: "fuzz.safetensors")) {
        _ = try parameter.load()
    }
}
