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
    /// ft − base for one canonical matrix, in canonical orientation.
    ///
    /// The canonical transforms (transpose, column/row slices) are linear, so when both models store the matrix
    /// under the same raw name the difference is taken on the raw (memory-mapped, zero-copy) tensors and
    /// transformed once, instead of transforming both operands.
    static func delta(_ entry: CanonicalEntry, ft: Model, base: Model) throws -> Tensor {
        let name = "\(ft.name): \(entry.name)"
        if let ftEntry = ft.architecture.entry(canonical: entry.name), ftEntry.rawName == entry.rawName,
           ftEntry.transform == entry.transform,
           let ftRaw = ft.parameter(raw: entry.rawName), let baseRaw = base.parameter(raw: entry.rawName) {
            let difference = try TensorMath.apply(.subtract, try ftRaw.load(), try baseRaw.load(), name: name)
            return try entry.transform.apply(to: difference, rawName: entry.rawName)
        }
        let ftTensor: Tensor
        do {
            ftTensor = try ft.tensor(entry.name)
        } catch EngineError.unknownName {
            throw EngineError.unknownName(entry.name, context: "canonical matrix in \(ft.name) (present in the base \(base.name))", suggestion: nil)
        }
        return try TensorMath.apply(.subtract, ftTensor, try base.tensor(entry.name), name: name)
    }
}
