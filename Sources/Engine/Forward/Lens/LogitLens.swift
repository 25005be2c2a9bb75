// The logit lens: every layer's residual stream read through the final norm and the unembedding.
import Foundation

/// A decoder whose hidden states can be read as next-token logits (GPT-2, the Llama family, Gemma 3).
protocol LensReadable: InputDifferentiable {
    /// The final norm applied to each row of `x` (tokens × d).
    func finalNormed(_ x: [Float], tokens: Int) -> [Float]
    /// The output embedding, vocabulary × d (the token embedding when tied).
    var unembedding: [Float] { get }
}

/// One entry of the lens: at hidden state `layer` and `position`, the `rank`-th most likely next token.
public struct LensEntry: Sendable, Equatable {
    public let layer, position, rank, id: Int
    /// The logit and the softmax probability over the whole vocabulary.
    public let logit, probability: Float
}

/// Reads each hidden state of a text through the final norm and the unembedding (nostalgebraist's logit lens).
public enum LogitLens {
    /// Rows of positions whose logits are computed together: bounds memory at rows × vocabulary floats.
    static let block = 16

    /// The `top` most likely next tokens at every position of every hidden state 0…L, or of the `states` chosen
    /// (state L, already after the final norm as `hidden` reports it, is not normed twice), best first.
    public static func run(_ weights: DifferentiableWeights, ids: [Int], top: Int, states chosen: [Int]? = nil) throws -> [LensEntry] {
        guard let model = weights.model as? any LensReadable else {
            throw EngineError.unsupported("lens needs a decoder with an unembedding (GPT-2, Llama, Gemma 3); this model is an encoder")
        }
        guard top >= 1 else { throw EngineError.invalidArgument("lens: top must be at least 1, got \(top)") }
        if let chosen, let outside = chosen.first(where: { !(0...model.layerCount).contains($0) }) {
            throw EngineError.invalidArgument("lens: hidden state \(outside) is outside 0…\(model.layerCount)")
        }
        return try entries(model, ids: ids, top: min(top, model.vocabularySize), states: chosen.map(Set.init))
    }

    private static func entries(_ model: some LensReadable, ids: [Int], top: Int, states chosen: Set<Int>?) throws -> [LensEntry] {
        let t = ids.count, d = model.width, vocabulary = model.vocabularySize
        // The pass stops at the deepest state asked for; only the chosen states meet the (large) unembedding.
        let pass = try model.run(inputs: model.embeddings(of: ids), tokens: t, through: chosen?.max() ?? model.layerCount)
        let unembedding = model.unembedding
        var out: [LensEntry] = []
        for (layer, state) in pass.states.enumerated() where chosen?.contains(layer) ?? true {
            try Interruption.check()
            let normed = layer == model.layerCount ? state : model.finalNormed(state, tokens: t)
            for start in stride(from: 0, to: t, by: block) {
                let rows = min(block, t - start)
                var logits = [Float](repeating: 0, count: rows * vocabulary)
                Dense.gemm(normed, MatrixView(offset: start * d, stride: d), unembedding, MatrixView(stride: d), transposeB: true,
                           m: rows, n: vocabulary, k: d, into: &logits, MatrixView(stride: vocabulary))
                for row in 0..<rows {
                    let slice = logits[(row * vocabulary)..<((row + 1) * vocabulary)]
                    let largest = slice.max() ?? 0
                    var total = 0.0
                    for value in slice { total += Foundation.exp(Double(value - largest)) }
                    for (rank, id) in best(slice, count: top).enumerated() {
                        let logit = slice[slice.startIndex + id]
                        out.append(LensEntry(layer: layer, position: start + row, rank: rank + 1, id: id, logit: logit,
                                             probability: Float(Foundation.exp(Double(logit - largest)) / total)))
                    }
                }
            }
        }
        return out
    }

    /// Indices (from the slice's start) of the `count` largest values, largest first; ties keep the lower index.
    static func best(_ values: ArraySlice<Float>, count: Int) -> [Int] {
        var chosen: [(index: Int, value: Float)] = []
        for (index, value) in values.enumerated() where chosen.count < count || value > chosen[chosen.count - 1].value {
            let place = chosen.firstIndex { value > $0.value } ?? chosen.count
            chosen.insert((index, value), at: place)
            if chosen.count > count { chosen.removeLast() }
        }
        return chosen.map(\.index)
    }
}

extension LlamaWeights: LensReadable {
    func finalNormed(_ x: [Float], tokens: Int) -> [Float] { rmsNorm(x, rows: tokens, weight: finalNorm).0 }
}

extension GPT2Weights: LensReadable {
    func finalNormed(_ x: [Float], tokens: Int) -> [Float] {
        BERTWeights.layerNorm(x, rows: tokens, width: width, weight: finalNormWeight, bias: finalNormBias, epsilon: epsilon).0
    }

    /// GPT-2 ties its output embedding to the token embedding.
    var unembedding: [Float] { word }
}
