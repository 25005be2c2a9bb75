// Reading a model's weights for a forward pass: raw names under a family prefix and canonical matrices, checked.
import Foundation

/// Reads flat float32 weights from a model, with errors that name the model and tensor.
struct WeightReader {
    let model: Model
    let names: ParameterNames
    /// The family's prefix (`bert.`, `transformer.`, `model.`, or empty).
    let prefix: String

    /// A reader under the family's prefix; nil when the model is not laid out as `layout` says.
    init?(model: Model, layout: FamilyLayout) {
        let names = ParameterNames(config: model.config, parameters: model.parameters)
        guard let prefix = layout.prefix(in: names) else { return nil }
        self.model = model
        self.names = names
        self.prefix = prefix
    }

    /// Whether `prefix + key` exists.
    func has(_ key: String) -> Bool { names.has(prefix + key) }

    /// The tensor stored under `prefix + key` (PyTorch-style key; Keras names are matched through it) as stored,
    /// checked to hold `count` elements; zeros when it is missing and `zeroIfMissing` (optional biases).
    func raw(_ key: String, count: Int? = nil, zeroIfMissing: Bool = false) throws -> [Float] {
        guard let name = names.raw(prefix + key) else {
            if zeroIfMissing, let count { return [Float](repeating: 0, count: count) }
            throw EngineError.unknownName(prefix + key, context: "parameter in \(model.name) (needed by the forward pass)", suggestion: nil)
        }
        let values = try model.tensor(name).values
        if let count, values.count != count {
            throw EngineError.malformed(path: model.source, message: "\(name) has \(values.count) elements, the forward pass expects \(count)")
        }
        return values
    }

    /// A canonical matrix (x·W orientation), checked to be `shape`.
    func canonical(_ name: String, _ shape: [Int]) throws -> [Float] {
        let tensor = try model.tensor(name)
        guard tensor.shape == shape else {
            throw EngineError.shapeMismatch(operation: "the forward pass", lhs: tensor.shape, rhs: shape, name: name)
        }
        return tensor.values
    }

    /// The token embedding (canonical `embed`), checked to be vocab × `width`.
    func embedding(width: Int) throws -> Tensor {
        let embed = try model.tensor("embed")
        guard embed.ndim == 2, embed.shape[1] == width else {
            throw EngineError.unsupported("\(model.name): the token embedding is \(Shape.describe(embed.shape)), the layers are \(width) wide (factorised embeddings are not supported)")
        }
        return embed
    }
}
