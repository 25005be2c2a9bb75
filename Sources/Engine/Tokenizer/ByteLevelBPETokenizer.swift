// Byte-level BPE (GPT-2, SmolLM, Llama 3): a pre-tokenizer, bytes as printable characters, merges by rank.
import Foundation

/// Byte-level BPE over a `vocab.json` + `merges.txt` pair, a `tokenizer.json` whose model is BPE, or a GGUF
/// vocabulary of type `gpt2`.
public struct ByteLevelBPETokenizer: Sendable {
    let ids: [String: Int]
    /// Merge pair → rank (lower merges first); a pair's parts need not be tokens themselves, only the final pieces.
    let ranks: [Pair: Int]
    /// Whether a space is put before the text (`add_prefix_space`).
    let prefixSpace: Bool
    let preTokenizer: PreTokenizer
    let added: AddedTokens
    /// The token put before the text when the model asks for it (`tokenizer.ggml.add_bos_token`).
    let beginning: TokenPiece?

    struct Pair: Hashable, Sendable {
        let left: String
        let right: String
    }

    /// Byte → the printable character GPT-2 writes for it (the inverse of `ByteLevel.byteOf`).
    static let characterOf: [Character] = {
        var table = [Character](repeating: " ", count: 256)
        for (scalar, byte) in ByteLevel.byteOf { table[Int(byte)] = Character(scalar) }
        return table
    }()

    /// A tokenizer from raw (byte-alphabet) pieces → id and merges in rank order; `added` tokens are matched
    /// whole in the text first. A merge listed twice keeps its later rank, as GPT-2's `encoder.py` and Hugging
    /// Face `tokenizers` do.
    public init(vocabulary: [String: Int], merges: [(String, String)], prefixSpace: Bool = false,
                preTokenizer: PreTokenizer = .gpt2, added: [(String, Int)] = [], beginning: Int? = nil) {
        ids = vocabulary
        var ranks: [Pair: Int] = [:]
        for (rank, merge) in merges.enumerated() { ranks[Pair(left: merge.0, right: merge.1)] = rank }
        self.ranks = ranks
        self.prefixSpace = prefixSpace
        self.preTokenizer = preTokenizer
        self.added = AddedTokens(added)
        self.beginning = beginning.flatMap { id in vocabulary.first { $0.value == id }.map { TokenPiece(piece: $0.key, id: id) } }
    }

    /// The pieces of `text` (after the beginning-of-text token when `special` and the model adds one); throws
    /// when a piece is not in the vocabulary.
    public func encode(_ text: String, special: Bool = true) throws -> [TokenPiece] {
        var result: [TokenPiece] = []
        if special, let beginning { result.append(beginning) }
        for (index, segment) in added.segments(text).enumerated() {
            switch segment {
            case let .token(piece): result.append(piece)
            case let .text(stretch):
                let input = prefixSpace && index == 0 && !stretch.hasPrefix(" ") ? " " + stretch : stretch
                for word in preTokenizer.split(input) {
                    for symbol in merge(word.utf8.map { String(ByteLevelBPETokenizer.characterOf[Int($0)]) }) {
                        guard let id = ids[symbol] else {
                            throw EngineError.unsupported("the byte-level piece '\(symbol)' is not in the vocabulary")
                        }
                        result.append(TokenPiece(piece: symbol, id: id))
                    }
                }
            }
        }
        return result
    }

    /// A word's symbols merged; symbols are numbered per word, since a merge's parts need not be tokens.
    func merge(_ start: [String]) -> [String] {
        var symbols: [String] = [], numbers: [String: Int] = [:]
        func number(_ symbol: String) -> Int {
            if let known = numbers[symbol] { return known }
            numbers[symbol] = symbols.count
            symbols.append(symbol)
            return symbols.count - 1
        }
        let merged = BPEMerge.apply(start.map(number)) { left, right in
            let pair = Pair(left: symbols[left], right: symbols[right])
            return ranks[pair].map { BPEMerge.Merge(rank: .init(Double($0)), result: number(pair.left + pair.right)) }
        }
        return merged.map { symbols[$0] }
    }
}
