// Zero-shot stitching (Dar et al.): the first blocks of one encoder, a translation through the embeddings, the rest of another.
import Foundation

/// A composed encoder: blocks 0..<`blocks` of `first`, hidden states mapped into `rest`'s space by
/// h ↦ h·T with T = E_firstᵀ·(E_rest⁺)ᵀ (Eᵢ the tokens × d embeddings, so h·E_firstᵀ are h's token scores and
/// T finds the `rest`-space state with the same scores in least squares), then blocks `resume`..< of `rest`.
public struct Stitch: Sendable {
    /// The model whose embeddings and first blocks read the text.
    public let first: Model
    /// The model whose later blocks finish the pass.
    public let rest: Model
    /// How many blocks of `first` run (0 = only its embeddings).
    public let blocks: Int
    /// The first block of `rest` that runs after the translation.
    public let resume: Int
    /// d_first × d_rest.
    public let translation: Tensor

    /// The stitch of `first`'s blocks 0..<`blocks` onto `rest`'s blocks `resume`..<; both BERT-like encoders over one
    /// vocabulary of one width. The translation is computed once per pair of models and kept with `first`.
    public static func model(first: Model, rest: Model, blocks: Int, resume: Int) throws -> Model {
        for model in [first, rest] where !BERTWeights.matches(model) {
            throw EngineError.unsupported("stitch: \(model.name) is not a BERT-like encoder (family \(model.architecture.family)); stitching covers BERT-likes")
        }
        guard blocks >= 0, blocks <= first.architecture.layers else {
            throw EngineError.invalidArgument("stitch: k = \(blocks) blocks of \(first.name), which has \(first.architecture.layers) (0…\(first.architecture.layers))")
        }
        guard resume >= 0, resume <= rest.architecture.layers else {
            throw EngineError.invalidArgument("stitch: resume at block \(resume) of \(rest.name), which has blocks 0…\(rest.architecture.layers - 1) (or \(rest.architecture.layers) for none)")
        }
        guard first.architecture.width == rest.architecture.width else {
            throw EngineError.unsupported("stitch: widths differ (\(first.name) \(first.architecture.width), \(rest.name) \(rest.architecture.width)); the stacked hidden states need one width")
        }
        let translation = try Stitch.translation(from: first, to: rest)
        let stitch = Stitch(first: first, rest: rest, blocks: blocks, resume: resume, translation: translation)
        let name = "\(first.name)[0..<\(blocks)] → \(rest.name)[\(resume)..<\(rest.architecture.layers)]"
        // Both models' parameters stay reachable under `first.` and `rest.`; the forward pass is the stitch's.
        let parameters = [("first.", first), ("rest.", rest)].flatMap { prefix, model in
            model.parameters.map { Parameter(name: prefix + $0.name, shape: $0.shape, dtype: $0.dtype, quantization: $0.quantization, load: $0.load) }
        }
        return Model(name: name, source: "stitch(\(first.source), \(rest.source), k=\(blocks), resume=\(resume))", config: nil,
                     parameters: parameters, vocabulary: first.vocabulary, stitch: stitch)
    }

    /// T = E_firstᵀ·(E_rest⁺)ᵀ (d_first × d_rest), kept in `first`'s derived values per `rest`: every k of a sweep
    /// shares one pseudo-inverse of a vocab × d matrix. The two must share a vocabulary.
    public static func translation(from first: Model, to rest: Model) throws -> Tensor {
        let key = "stitch-translation:\(ObjectIdentifier(rest))"
        // The cache entry holds `rest` too, so its identifier cannot be reused by another model while cached.
        let entry = try first.derived.value(key) { () throws -> (Model, Tensor) in
            let source = try VocabularySpace.of(first), target = try VocabularySpace.of(rest)
            guard source.count == target.count else {
                throw EngineError.shapeMismatch(operation: "stitch (the models must share a vocabulary)", lhs: source.matrix.shape,
                                                rhs: target.matrix.shape, name: "embed")
            }
            if let a = source.text?.tokens, let b = target.text?.tokens, a != b,
               let mismatch = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
                throw EngineError.invalidArgument("stitch needs a shared vocabulary: token \(mismatch.offset) is '\(mismatch.element.0)' in \(first.name) and '\(mismatch.element.1)' in \(rest.name)")
            }
            let inverse = try Linalg.pseudoInverse(target.matrix, name: "\(rest.name) embed")  // d_rest × V
            return (rest, try Linalg.matmul(source.matrix, inverse, transposeA: true, transposeB: true))
        }
        return entry.1
    }

    /// Hidden states of token ids, (blocks + 1 + rest's remaining blocks) × tokens × d: `first`'s embedding output
    /// and block outputs, then `rest`'s block outputs after the translated state.
    public func hiddenStates(ids: [Int]) throws -> Tensor {
        // The flat weights are read once per model and kept with it: a sweep over k and sentences reuses them.
        let encoder = try first.derived.value("bert-weights") { try BERTWeights(model: first) }
        let finisher = try rest.derived.value("bert-weights") { try BERTWeights(model: rest) }
        let pass = try encoder.run(inputs: encoder.embeddings(of: ids), tokens: ids.count, through: blocks, mask: nil)
        guard let last = pass.states.last else { throw EngineError.invalidArgument("the forward pass produced no state") }
        let tokens = ids.count, width = encoder.width
        var states = pass.states
        var x = try Linalg.matmul(Tensor(shape: [tokens, width], values: last), translation).values
        for layer in finisher.layers.dropFirst(resume) {
            try Interruption.check()
            x = finisher.forward(layer, embedded: x, tokens: tokens, mask: nil).0
            states.append(x)
        }
        return try Tensor(shape: [states.count, tokens, width], values: states.flatMap { $0 })
    }
}
