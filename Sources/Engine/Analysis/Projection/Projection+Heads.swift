// Attention heads read in embedding space: top token pairs of E·W_VO·Eᵀ and E·W_QK·Eᵀ, in blocks.
import Foundation

/// Which per-head bilinear map is read.
public enum HeadCircuit: String, Sendable, CaseIterable {
    /// W_VO = W_V^h W_O^h: attending to token `from` promotes token `to`.
    case vo
    /// W_QK = W_Q^h (W_K^h)ᵀ: query token `from` attends to key token `to`.
    case qk
}

/// One token pair of a head's embedding-space map.
public struct TokenPair: Sendable, Equatable {
    /// Row token (attended token for VO, query token for QK).
    public let from: TokenScore
    /// Column token (promoted token for VO, key token for QK); `score` is the pair's score in both.
    public let to: TokenScore
}

extension Projection {
    /// Token rows of E multiplied together per block: a 512 × 2048 float block is 4 MB per worker.
    static let pairBlock = 512

    /// The top (or bottom) token pairs (i, j) of E·W·Eᵀ for one head of one layer.
    ///
    /// E·W·Eᵀ factors as (E·X)(E·Y)ᵀ with X, Y the head's d × d_head slices, so the vocab × vocab matrix is
    /// only ever seen one 512 × 2048 block at a time, with a running top-k over all blocks.
    public static func headPairs(_ model: Model, stack: String? = nil, layer: Int, head: Int, circuit: HeadCircuit,
                                 space: VocabularySpace, options: ProjectionOptions = ProjectionOptions()) throws -> [TokenPair] {
        let (x, y) = try headFactors(model, stack: stack, layer: layer, head: head, circuit: circuit)
        guard x.shape[0] == space.width else {
            throw EngineError.shapeMismatch(operation: "head projection (model width × embedding width)",
                                            lhs: x.shape, rhs: space.matrix.shape, name: "layer.\(layer)")
        }
        guard options.top > 0 else { throw EngineError.invalidArgument("top must be at least 1, got \(options.top)") }
        let left = try Linalg.matmul(space.matrix, x), right = try Linalg.matmul(space.matrix, y)
        let tokens = space.count, width = x.shape[1]
        let chunks = (tokens + pairBlock - 1) / pairBlock
        let slots = Slots<TopK>(count: chunks)
        try options.schedule.run(count: chunks, done: { _ in }) { chunk in
            let first = chunk * pairBlock, rows = min(pairBlock, tokens - first)
            var selection = TopK(capacity: options.top)
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: rows * vocabularyBlock)
            defer { scratch.deallocate() }
            for blockStart in stride(from: 0, to: tokens, by: vocabularyBlock) {
                let block = min(vocabularyBlock, tokens - blockStart)
                Linalg.gemm(m: rows, n: block, k: width, left.storage.pointer + first * width, lda: width,
                            right.storage.pointer + blockStart * width, ldb: width, transposeB: true, scratch, ldc: block)
                for row in 0..<rows {
                    // Pair (i, j) is numbered i·tokens + j, so a row's block is a run of consecutive ids.
                    selection.scan(scratch + row * block, count: block, firstID: (first + row) * tokens + blockStart,
                                   sign: options.sign)
                }
            }
            slots[chunk] = selection
        }
        var merged = TopK(capacity: options.top)
        for selection in try slots.values() { merged.merge(selection) }
        return zip(merged.ids, merged.scores).map { pair, score in
            let from = space.tokenID(pair / tokens), to = space.tokenID(pair % tokens)
            let value = options.sign * score
            return TokenPair(from: TokenScore(id: from, token: space.text?.text(from) ?? "[id \(from)]", score: value),
                             to: TokenScore(id: to, token: space.text?.text(to) ?? "[id \(to)]", score: value))
        }
    }

    /// Top pairs of every selected head of every selected layer, as a table:
    /// (`stack`,) `layer`, `head`, `rank`, `from_id`, `from`, `to_id`, `to`, `score`.
    public static func headSweep(_ model: Model, circuit: HeadCircuit, layers: [Int]?, heads: [Int]?,
                                 space: VocabularySpace, options: ProjectionOptions = ProjectionOptions()) throws -> Table {
        let component = circuit == .vo ? "v" : "q"
        let entries = try Rank.selectEntries(model, components: [component], layers: layers)
        let headCount = model.architecture.heads
        let chosen = heads ?? Array(0..<headCount)
        var keys = SweepKeys(key: "head")
        var fromIDs: [Int] = [], fromTokens: [String] = [], toIDs: [Int] = [], toTokens: [String] = [], scores: [Double] = []
        try Progress.run("project \(circuit.rawValue)", total: entries.count * chosen.count) { step in
            var done = 0
            for entry in entries {
                for head in chosen {
                    try Interruption.check()
                    let pairs = try headPairs(model, stack: entry.stack, layer: entry.layer ?? 0, head: head,
                                              circuit: circuit, space: space, options: options)
                    for (rank, pair) in pairs.enumerated() {
                        keys.append(entry, head, rank: rank + 1)
                        fromIDs.append(pair.from.id)
                        fromTokens.append(pair.from.token)
                        toIDs.append(pair.to.id)
                        toTokens.append(pair.to.token)
                        scores.append(Double(pair.from.score))
                    }
                    done += 1
                    step(done)
                }
            }
        }
        var table = try keys.table(stacked: entries.contains { $0.stack != nil })
        try table.append("from_id", .int(fromIDs))
        try table.append("from", .string(fromTokens))
        try table.append("to_id", .int(toIDs))
        try table.append("to", .string(toTokens))
        try table.append("score", .double(scores))
        return table
    }

    /// The head's two d × d_head factors: (W_V^h, (W_O^h)ᵀ) for VO, (W_Q^h, W_K^h) for QK.
    /// Grouped-query attention: query head h uses key/value head h / (heads / kv_heads).
    static func headFactors(_ model: Model, stack: String?, layer: Int, head: Int,
                            circuit: HeadCircuit) throws -> (Tensor, Tensor) {
        let architecture = model.architecture
        let heads = architecture.heads, keyValueHeads = max(architecture.keyValueHeads, 1)
        guard heads > 0, architecture.width > 0, architecture.width % heads == 0, heads % keyValueHeads == 0 else {
            throw EngineError.unsupported("\(model.name): the number of attention heads is unknown (config has no num_attention_heads), so heads cannot be separated")
        }
        guard (0..<heads).contains(head) else {
            throw EngineError.invalidArgument("head \(head) out of range: \(model.name) has heads 0…\(heads - 1)")
        }
        let headWidth = architecture.width / heads
        let group = head / (heads / keyValueHeads)
        let own = head * headWidth..<(head + 1) * headWidth, shared = group * headWidth..<(group + 1) * headWidth
        let prefix = (stack.map { "\($0)." } ?? "") + "layer.\(layer)."
        switch circuit {
        case .vo:
            let value = try model.tensor(prefix + "v"), output = try model.tensor(prefix + "o")
            return (try Linalg.columns(value, shared, name: prefix + "v"),
                    try Linalg.transpose(Linalg.rows(output, own, name: prefix + "o"), name: prefix + "o"))
        case .qk:
            let query = try model.tensor(prefix + "q"), key = try model.tensor(prefix + "k")
            return (try Linalg.columns(query, own, name: prefix + "q"), try Linalg.columns(key, shared, name: prefix + "k"))
        }
    }
}
