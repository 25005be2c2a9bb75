// Seeded normal tensors for the forward-pass fixtures, and the Linear and LayerNorm parameters they are made of.
import Foundation
@testable import Engine

/// Seeded normal tensors, each from the next seed, so fixtures are reproducible tensor by tensor.
struct SeededTensors {
    var seed: UInt64

    /// The next tensor: normal values of spread `scale` around `centre`.
    mutating func callAsFunction(_ shape: [Int], scale: Float = 0.5, around centre: Float = 0) throws -> Tensor {
        seed &+= 1
        var generator = SeededGenerator(seed: seed)
        let count = shape.reduce(1, *)
        return try Tensor(shape: shape, values: (0..<count).map { _ in centre + generator.normal() * scale })
    }

    /// A linear layer `name`: its weight of spread 1/√inputs, outputs × inputs as PyTorch stores a Linear (inputs ×
    /// outputs for GPT-2's Conv1D), then its bias unless `bias` is false.
    mutating func linear(_ name: String, inputs: Int, outputs: Int, conv1D: Bool = false, bias: Bool = true) throws -> [(String, Tensor)] {
        var tensors = [(name + ".weight", try self(conv1D ? [inputs, outputs] : [outputs, inputs], scale: 1 / Float(inputs).squareRoot()))]
        if bias { tensors.append((name + ".bias", try self([outputs], scale: 0.1))) }
        return tensors
    }

    /// A pre- or post-norm layer's parameters under `prefix`: its Linears (name, outputs, inputs), then its LayerNorms.
    mutating func layer(_ prefix: String, linears: [(String, outputs: Int, inputs: Int)], layerNorms: [String], width: Int,
                        conv1D: Bool = false) throws -> [(String, Tensor)] {
        var tensors: [(String, Tensor)] = []
        for (name, outputs, inputs) in linears { tensors += try linear(prefix + name, inputs: inputs, outputs: outputs, conv1D: conv1D) }
        for norm in layerNorms { tensors += try layerNorm(prefix + norm, width: width) }
        return tensors
    }

    /// A LayerNorm `name`: its weight around 1, then its bias around 0.
    mutating func layerNorm(_ name: String, width: Int) throws -> [(String, Tensor)] {
        let weight = try self([width], scale: 0.2, around: 1)
        return [(name + ".weight", weight), (name + ".bias", try self([width], scale: 0.1))]
    }
}
