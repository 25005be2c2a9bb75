// Reading parameters in the vocabulary embedding space (Dar et al. 2022): E·v top tokens, blocked.
import Foundation

/// One projected token: its id, readable text and score.
public struct TokenScore: Sendable, Equatable {
    /// Token id (a row of the embedding).
    public let id: Int
    /// Readable token text (`[id N]` when the model has no vocabulary).
    public let token: String
    /// The score (E·v)[id].
    public let score: Float
}

/// How many tokens a projection returns, and from which end.
public struct ProjectionOptions: Sendable {
    /// Tokens per vector (or pairs per head).
    public var top = 10
    /// The lowest scores instead of the highest.
    public var bottom = false
    /// How blocks of work are spread over the cores.
    public var schedule: WorkSchedule = .matrixPerCore

    public init() {}

    /// +1 selects the largest scores, −1 the smallest (TopK keeps the largest of sign·score).
    var sign: Float { bottom ? -1 : 1 }
}

/// Projections of model-space vectors onto the vocabulary.
public enum Projection {
    /// Vectors multiplied together against the vocabulary (rows of the score block).
    static let vectorBlock = 256
    /// Vocabulary rows per block: a 256 × 2048 float block is 2 MB, so scores never exceed that per worker.
    static let vocabularyBlock = 2048

    /// The top (or bottom) tokens of E·v for each row v of `vectors` (n × d, or one d-vector).
    public static func topTokens(_ vectors: Tensor, in space: VocabularySpace, options: ProjectionOptions = ProjectionOptions()) throws -> [[TokenScore]] {
        try select(vectors, space, options).map { tokens($0, space, options) }
    }

    /// The vectors of a component in model space, one per row: columns of d_model × out matrices
    /// (`ff1` keys, `q`, `k`, `v`), rows of in × d_model matrices (`ff2` values, `o`).
    /// Column vectors are read through `Model.transposedTensor`, so a stored PyTorch Linear is not transposed twice.
    public static func vectors(_ model: Model, _ entry: CanonicalEntry) throws -> Tensor {
        let matrix = try ["ff2", "o"].contains(entry.component) ? model.tensor(entry.name) : model.transposedTensor(entry)
        guard matrix.matrixShape != nil else {
            throw EngineError.invalidArgument("\(entry.name) is \(Shape.describe(matrix.shape)), not a matrix")
        }
        return matrix
    }

    /// Top tokens of the selected vectors of `component` in every selected layer, as a table:
    /// (`stack`,) `layer`, `index`, `rank`, `token_id`, `token`, `score`.
    public static func sweep(_ model: Model, component: String, layers: [Int]?, indices: [Int]?,
                             space: VocabularySpace, options: ProjectionOptions = ProjectionOptions()) throws -> Table {
        let entries = try Rank.selectEntries(model, components: [component], layers: layers)
        var keys = SweepKeys(key: "index")
        var idColumn: [Int] = [], tokenColumn: [String] = [], scoreColumn: [Double] = []
        try Progress.run("project", total: entries.count) { step in
            for (position, entry) in entries.enumerated() {
                let all = try vectors(model, entry)
                let chosen = try indices.map { try Linalg.gatherRows(all, $0, name: entry.name) } ?? all
                let rowIndices = indices ?? Array(0..<all.shape[0])
                let results = try select(chosen, space, options)
                for (row, selection) in results.enumerated() {
                    for (rank, token) in tokens(selection, space, options).enumerated() {
                        keys.append(entry, rowIndices[row], rank: rank + 1)
                        idColumn.append(token.id)
                        tokenColumn.append(token.token)
                        scoreColumn.append(Double(token.score))
                    }
                }
                step(position + 1)
            }
        }
        var table = try keys.table(stacked: entries.contains { $0.stack != nil })
        try table.append("token_id", .int(idColumn))
        try table.append("token", .string(tokenColumn))
        try table.append("score", .double(scoreColumn))
        return table
    }

    /// Per-vector running top-k of E·v, with E taken in blocks so that no n × vocab matrix exists.
    static func select(_ vectors: Tensor, _ space: VocabularySpace, _ options: ProjectionOptions) throws -> [TopK] {
        let matrix = vectors.ndim == 1 ? try vectors.reshaped([1, vectors.count]) : vectors
        guard let (count, width) = matrix.matrixShape else {
            throw EngineError.invalidArgument("project needs a vector or a matrix of row vectors, got \(Shape.describe(vectors.shape))")
        }
        guard width == space.width else {
            throw EngineError.shapeMismatch(operation: "projection onto the vocabulary (vectors × embedding width)",
                                            lhs: matrix.shape, rhs: space.matrix.shape, name: nil)
        }
        guard options.top > 0 else { throw EngineError.invalidArgument("top must be at least 1, got \(options.top)") }
        let prepared = try normalised(matrix, space.finalNorm)
        let chunks = (count + vectorBlock - 1) / vectorBlock
        let slots = Slots<[TopK]>(count: chunks)
        try options.schedule.run(count: chunks, done: { _ in }) { chunk in
            let first = chunk * vectorBlock, rows = min(vectorBlock, count - first)
            var selections = Array(repeating: TopK(capacity: options.top), count: rows)
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: rows * vocabularyBlock)
            defer { scratch.deallocate() }
            for blockStart in stride(from: 0, to: space.count, by: vocabularyBlock) {
                let block = min(vocabularyBlock, space.count - blockStart)
                // scores[r, j] = v_r · E_(blockStart + j): (rows × d) · (block × d)ᵀ.
                Linalg.gemm(m: rows, n: block, k: width, prepared.storage.pointer + first * width, lda: width,
                            space.matrix.storage.pointer + blockStart * width, ldb: width, transposeB: true, scratch, ldc: block)
                for row in 0..<rows {
                    selections[row].scan(scratch + row * block, count: block, firstID: blockStart, sign: options.sign)
                }
            }
            slots[chunk] = selections
        }
        return try slots.values().flatMap { $0 }
    }

    /// A selection as tokens: kept rows mapped to token ids and text, scores with their sign restored.
    static func tokens(_ selection: TopK, _ space: VocabularySpace, _ options: ProjectionOptions) -> [TokenScore] {
        zip(selection.ids, selection.scores).map { row, score in
            let id = space.tokenID(row)
            return TokenScore(id: id, token: space.text?.text(id) ?? "[id \(id)]", score: options.sign * score)
        }
    }

    /// The vectors after the model's final norm, when the space asks for one (a copy); else unchanged.
    private static func normalised(_ matrix: Tensor, _ norm: FinalNorm?) throws -> Tensor {
        guard let norm, let (rows, width) = matrix.matrixShape else { return matrix }
        return try Tensor.build(shape: matrix.shape) { out in
            guard let base = out.baseAddress else { return }
            base.update(from: matrix.storage.pointer, count: matrix.count)
            for row in 0..<rows { norm.apply(UnsafeMutableBufferPointer(start: base + row * width, count: width)) }
        }
    }
}

/// The columns of a sweep table that say where each row comes from: (`stack`,) `layer`, a per-layer key
/// (`index` of a vector, `head`), `rank`.
struct SweepKeys {
    /// The key column's name.
    let key: String
    private var stacks: [String] = [], layers: [Int] = [], keys: [Int] = [], ranks: [Int] = []

    init(key: String) { self.key = key }

    /// One row: from `entry`'s stack and layer, with its key and rank.
    mutating func append(_ entry: CanonicalEntry, _ key: Int, rank: Int) {
        stacks.append(entry.stack ?? "")
        layers.append(entry.layer ?? -1)
        keys.append(key)
        ranks.append(rank)
    }

    /// These columns as a table, with `stack` only when the model has stacks (encoder–decoder).
    func table(stacked: Bool) throws -> Table {
        var table = Table()
        if stacked { try table.append("stack", .string(stacks)) }
        try table.append("layer", .int(layers))
        try table.append(key, .int(keys))
        try table.append("rank", .int(ranks))
        return table
    }
}
