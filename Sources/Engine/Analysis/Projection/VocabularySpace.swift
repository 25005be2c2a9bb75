// The vocabulary side of a projection: which embedding, which token ids, readable tokens, final norm.
import Foundation

/// Which embedding matrix parameters are read through.
public enum EmbeddingChoice: String, Sendable, CaseIterable {
    /// The input token embedding (`embed`).
    case input
    /// The output embedding / LM head (`unembed`), falling back to `embed` for tied models.
    case output
}

/// The final norm applied to a vector before it is projected (GPT-2's `ln_f`, Llama's RMS `norm`).
struct FinalNorm: Sendable {
    let weight: [Float]
    let bias: [Float]?
    let epsilon: Float

    /// LayerNorm when the model stores a bias, else RMSNorm (Llama, T5), as each family defines it.
    func apply(_ vector: UnsafeMutableBufferPointer<Float>) {
        let count = Float(vector.count)
        var mean: Float = 0
        if bias != nil { mean = vector.reduce(0, +) / count }
        var squares: Float = 0
        for value in vector { squares += (value - mean) * (value - mean) }
        let scale = 1 / (squares / count + epsilon).squareRoot()
        for index in vector.indices {
            vector[index] = (vector[index] - mean) * scale * weight[index] + (bias?[index] ?? 0)
        }
    }
}

/// An embedding restricted to the token ids a filter keeps, with readable tokens.
public struct VocabularySpace: Sendable {
    /// Kept embedding rows (tokens × d), contiguous.
    public let matrix: Tensor
    /// Token id of each kept row, nil when every row is kept in order.
    let ids: [Int]?
    /// Readable tokens, when the model has a vocabulary.
    public let text: TokenText?
    /// Rows in the full embedding (the vocabulary size).
    public let vocabularySize: Int
    /// Applied to projected vectors first, when asked for.
    let finalNorm: FinalNorm?

    /// Number of kept tokens.
    public var count: Int { matrix.shape[0] }
    /// Model width d.
    public var width: Int { matrix.shape[1] }

    /// A space over a whole embedding matrix (tokens × d) given directly.
    public init(embedding: Tensor, text: TokenText? = nil) throws {
        guard let (rows, _) = embedding.matrixShape else {
            throw EngineError.invalidArgument("an embedding must be a tokens × d matrix, got \(Shape.describe(embedding.shape))")
        }
        self.init(matrix: embedding, ids: nil, text: text, vocabularySize: rows, finalNorm: nil)
    }

    private init(matrix: Tensor, ids: [Int]?, text: TokenText?, vocabularySize: Int, finalNorm: FinalNorm?) {
        self.matrix = matrix
        self.ids = ids
        self.text = text
        self.vocabularySize = vocabularySize
        self.finalNorm = finalNorm
    }

    /// The token id of kept row `row`.
    func tokenID(_ row: Int) -> Int { ids?[row] ?? row }

    /// The space of `model`'s chosen embedding, restricted by `filter`.
    public static func of(_ model: Model, embedding choice: EmbeddingChoice = .input, filter: TokenFilter = TokenFilter(),
                          finalNorm: Bool = false) throws -> VocabularySpace {
        let name = choice == .output && model.architecture.entry(canonical: "unembed") != nil ? "unembed" : "embed"
        guard model.architecture.entry(canonical: name) != nil || model.parameter(raw: name) != nil else {
            throw EngineError.unsupported("\(model.name): no token embedding found (architecture '\(model.architecture.family)'), so nothing can be projected")
        }
        let full = try model.tensor(name)
        guard let (rows, width) = full.matrixShape else {
            throw EngineError.invalidArgument("\(model.name): \(name) is \(Shape.describe(full.shape)), not a vocab × d matrix")
        }
        let text = try model.vocabulary.map { TokenText(raw: try $0.tokens()) }
        let norm = finalNorm ? try finalNormOf(model, width: width) : nil
        if filter.isEmpty {
            return VocabularySpace(matrix: full, ids: nil, text: text, vocabularySize: rows, finalNorm: norm)
        }
        let kept = try filter.ids(vocabularySize: rows, text: text)
        guard !kept.isEmpty else { throw EngineError.invalidArgument("the token filter keeps no token of \(model.name)") }
        let matrix = try Linalg.gatherRows(full, kept, name: name)
        return VocabularySpace(matrix: matrix, ids: kept, text: text, vocabularySize: rows, finalNorm: norm)
    }

    /// The model's final norm (weight, and bias when it has one), with the epsilon from its config.
    private static func finalNormOf(_ model: Model, width: Int) throws -> FinalNorm {
        guard let entry = model.architecture.entry(canonical: "final_norm") else {
            throw EngineError.noFinalNorm(model: model.name, family: model.architecture.family)
        }
        let weight = try model.tensor("final_norm").values
        let biasName = entry.rawName.hasSuffix(".weight") ? String(entry.rawName.dropLast(7)) + ".bias" : nil
        let bias = try biasName.flatMap { model.parameter(raw: $0) }.map { try $0.load().values }
        guard weight.count == width, bias.map({ $0.count == width }) ?? true else {
            throw EngineError.shapeMismatch(operation: "final norm", lhs: [weight.count], rhs: [width], name: entry.rawName)
        }
        let epsilon = ["layer_norm_epsilon", "layer_norm_eps", "rms_norm_eps", "norm_eps"].lazy
            .compactMap { model.config?[$0]?.doubleValue }.first ?? 1e-5
        return FinalNorm(weight: weight, bias: bias, epsilon: Float(epsilon))
    }
}
