// Fuzzes whole PyTorch zip checkpoints: the zip reader, data.pkl and tensor materialisation.
@testable import Engine
import FuzzDriver

runFuzzer { bytes in
    for parameter in try PyTorchCheckpoint.parameters(file: MappedFile(bytes: bytes, name: "fuzz.pt")) {
        _ = try parameter.load()
    }
}
