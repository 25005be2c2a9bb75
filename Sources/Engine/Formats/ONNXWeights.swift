// An ONNX model's initializers as lazy parameters, anonymous MatMul weights named by the node that consumes them.
import Foundation

/// Reads the weights of an ONNX model (see docs/onnx.md for what is read and how names are chosen).
public enum ONNXWeights {
    /// The initializers of `path` as lazy parameters in file order, and a description of the format.
    public static func parameters(path: String) throws -> (parameters: [Parameter], format: String) {
        let file = try ONNXFile(path: path)
        return (parameters(file), format(file))
    }

    /// `onnx ir 7, opset 14, from pytorch 2.7.0, memory-mapped`.
    static func format(_ file: ONNXFile) -> String {
        "onnx ir \(file.irVersion), opset \(file.opset)" + (file.producer.isEmpty ? "" : ", from \(file.producer)") + ", memory-mapped"
    }

    /// The initializers of an opened file as parameters named by `names(_:)`, read from the map on access.
    public static func parameters(_ file: ONNXFile) -> [Parameter] {
        zip(file.initializers, names(file)).map { initializer, name in
            Parameter(name: name, shape: initializer.shape, dtype: initializer.dataType.dtype ?? .f32) { try file.tensor(initializer) }
        }
    }

    /// The name each initializer is known by in mvs, in file order. An exporter's anonymous initializer
    /// (`onnx::MatMul_1966`, or a bare number) is named by the first named node that consumes it: the weight
    /// (second input) of a MatMul takes the node's name (`/backbone/encoder/layer.0/attention/attention/key/MatMul`)
    /// — its tensor is d_in × d_out, which such names tell the family recognisers (`ParameterNames`) — and any
    /// other takes the node's name and input index (`/backbone/embeddings/Concat_6:0`). Named initializers, and
    /// anonymous ones whose new name would be taken, keep their own names.
    public static func names(_ file: ONNXFile) -> [String] {
        var consumer: [String: String] = [:]
        for node in file.nodes where !node.name.isEmpty {
            for (index, input) in node.inputs.enumerated() where consumer[input] == nil && isAnonymous(input) {
                consumer[input] = node.opType == "MatMul" && index == 1 && node.inputs.count == 2 ? node.name : "\(node.name):\(index)"
            }
        }
        var taken = Set(file.initializers.map(\.name))
        return file.initializers.map { initializer in
            guard let name = consumer[initializer.name], !taken.contains(name) else { return initializer.name }
            taken.insert(name)
            return name
        }
    }

    /// Whether a name is one an exporter made up (`onnx::MatMul_1966`, `1966`) rather than a module's.
    static func isAnonymous(_ name: String) -> Bool {
        name.hasPrefix("onnx::") || (!name.isEmpty && name.allSatisfy(\.isNumber))
    }
}
