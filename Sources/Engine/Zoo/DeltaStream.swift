// Walks the canonical matrices a fine-tune shares with its base, one delta tensor at a time.

/// Which canonical matrices a zoo analysis reads.
public struct DeltaSelection: Sendable {
    /// Include the token embedding (`embed`).
    public var includeEmbed: Bool

    public init(includeEmbed: Bool = false) { self.includeEmbed = includeEmbed }

    /// Canonical entries of `base` to use, in schema order; throws when the base has no schema.
    func entries(of base: Model) throws -> [CanonicalEntry] {
        let entries = base.architecture.entries.filter { $0.layer != nil || (includeEmbed && $0.name == "embed") }
        guard !entries.isEmpty else {
            throw EngineError.unsupported("\(base.name): no canonical matrices (family '\(base.architecture.family)'); vectorize needs a model whose architecture mvs knows")
        }
        return entries
    }
}

enum DeltaStream {
    /// ft − base for one canonical matrix, with the base matrix (for relative statistics).
    static func delta(_ entry: CanonicalEntry, ft: Model, base: Model) throws -> (delta: Tensor, base: Tensor) {
        let baseTensor = try base.tensor(entry.name)
        let ftTensor: Tensor
        do {
            ftTensor = try ft.tensor(entry.name)
        } catch EngineError.unknownName {
            throw EngineError.unknownName(entry.name, context: "canonical matrix in \(ft.name) (present in the base \(base.name))", suggestion: nil)
        }
        let delta = try TensorMath.apply(.subtract, ftTensor, baseTensor, name: "\(ft.name): \(entry.name)")
        return (delta, baseTensor)
    }
}
