// GPT-2's byte-level BPE: the pre-tokenizing pattern, bytes as printable characters, merges by rank.
import Foundation

/// Byte-level BPE over a `vocab.json` + `merges.txt` pair or a `tokenizer.json` whose model is BPE.
public struct ByteLevelBPETokenizer: Sendable {
    let ids: [String: Int]
    /// Merge pair → rank (lower merges first).
    let ranks: [Pair: Int]
    /// Whether a space is put before the text (`add_prefix_space`).
    let prefixSpace: Bool

    struct Pair: Hashable, Sendable {
        let left: String
        let right: String
    }

    /// GPT-2's pre-tokenizer: contractions, optionally space-led letters, digits or other runs, and spaces.
    static let pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

    /// Byte → the printable character GPT-2 writes for it (the inverse of `ByteLevel.byteOf`).
    static let characterOf: [Character] = {
        var table = [Character](repeating: " ", count: 256)
        for (scalar, byte) in ByteLevel.byteOf { table[Int(byte)] = Character(scalar) }
        return table
    }()

    /// A tokenizer from raw (byte-alphabet) pieces → id and merges in rank order.
    public init(vocabulary: [String: Int], merges: [(String, String)], prefixSpace: Bool = false) {
        ids = vocabulary
        var ranks: [Pair: Int] = [:]
        for (rank, merge) in merges.enumerated() where ranks[Pair(left: merge.0, right: merge.1)] == nil {
            ranks[Pair(left: merge.0, right: merge.1)] = rank
        }
        self.ranks = ranks
        self.prefixSpace = prefixSpace
    }

    /// The pieces of `text` (no special tokens are added, as GPT-2 does); throws when a piece is not in the vocabulary.
    public func encode(_ text: String) throws -> [TokenPiece] {
        let input = prefixSpace && !text.hasPrefix(" ") ? " " + text : text
        let expression = try NSRegularExpression(pattern: ByteLevelBPETokenizer.pattern)
        let range = NSRange(input.startIndex..., in: input)
        var pieces: [TokenPiece] = []
        for match in expression.matches(in: input, range: range) {
            guard let wordRange = Range(match.range, in: input) else { continue }
            let symbols = input[wordRange].utf8.map { String(ByteLevelBPETokenizer.characterOf[Int($0)]) }
            for symbol in merge(symbols) {
                guard let id = ids[symbol] else {
                    throw EngineError.unsupported("the byte-level piece '\(symbol)' is not in the vocabulary")
                }
                pieces.append(TokenPiece(piece: symbol, id: id))
            }
        }
        return pieces
    }

    /// Repeatedly merges the adjacent pair of lowest rank, every occurrence left to right.
    func merge(_ start: [String]) -> [String] {
        var symbols = start
        while symbols.count > 1 {
            var best: (rank: Int, pair: Pair)?
            for index in 0..<(symbols.count - 1) {
                let pair = Pair(left: symbols[index], right: symbols[index + 1])
                if let rank = ranks[pair], rank < best?.rank ?? Int.max { best = (rank, pair) }
            }
            guard let chosen = best?.pair else { break }
            var merged: [String] = []
            var index = 0
            while index < symbols.count {
                if index + 1 < symbols.count, symbols[index] == chosen.left, symbols[index + 1] == chosen.right {
                    merged.append(chosen.left + chosen.right)
                    index += 2
                } else {
                    merged.append(symbols[index])
                    index += 1
                }
            }
            symbols = merged
        }
        return symbols
    }
}
