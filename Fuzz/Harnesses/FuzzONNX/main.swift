// Fuzzes the ONNX reader: the protobuf walk, nested graphs, initializer validation, naming and every tensor read.
@testable import Engine
import FuzzDriver

runFuzzer { bytes in
    let file = try ONNXFile(file: MappedFile(bytes: bytes, name: "fuzz.onnx"))
    let parameters = ONNXWeights.parameters(file)
    _ = Architecture.infer(config: nil, parameters: parameters)
    for (parameter, initializer) in zip(parameters, file.initializers) where initializer.count <= 1 << 20 { _ = try parameter.load() }
}
