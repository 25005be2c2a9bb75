// Byte-level BPE (GPT-2, SmolLM, Llama 3): a pre-tokenizer, bytes as printable characters, merges by rank.
import Foundation

/// Byte-level BPE over a `vocab.json` + `merges.txt` pair, a `tokenizer.json` whose model is BPE, or a GGUF
/// vocabulary of type `gpt2`.
public struct ByteLevelBPETokenizer: Sendable {
    let ids: [String: Int]
    /// Id → piece, for the pieces merges make.
    let pieces: [Int: String]
    /// (left id, right id) → the merge's rank (lower merges first) and the id it makes.
    let merges: [Int64: BPEMerge.Merge]
    /// Whether a space is put before the text (`add_prefix_space`).
    let prefixSpace: Bool
    let preTokenizer: PreTokenizer
    let added: AddedTokens
    /// The id put before the text when the model asks for it (`tokenizer.ggml.add_bos_token`).
    let beginning: Int?

    /// Byte → the printable character GPT-2 writes for it (the inverse of `ByteLevel.byteOf`).
    static let characterOf: [Character] = {
        var table = [Character](repeating: " ", count: 256)
        for (scalar, byte) in ByteLevel.byteOf { table[Int(byte)] = Character(scalar) }
        return table
    }()

    /// A tokenizer from raw (byte-alphabet) pieces → id and merges in rank order; `added` tokens are matched
    /// whole in the text first. A merge whose parts or result are not in the vocabulary is ignored; a merge
    /// listed twice keeps its later rank, as Hugging Face `tokenizers` does.
    public init(vocabulary: [String: Int], merges: [(String, String)], prefixSpace: Bool = false,
                preTokenizer: PreTokenizer = .gpt2, added: [(String, Int)] = [], beginning: Int? = nil) {
        ids = vocabulary
        pieces = Dictionary(vocabulary.map { ($1, $0) }) { first, _ in first }
        var table: [Int64: BPEMerge.Merge] = [:]
        for (rank, merge) in merges.enumerated() {
            guard let left = vocabulary[merge.0], let right = vocabulary[merge.1], let result = vocabulary[merge.0 + merge.1] else { continue }
            table[Self.key(left, right)] = BPEMerge.Merge(rank: .init(Double(rank)), result: result)
        }
        self.merges = table
        self.prefixSpace = prefixSpace
        self.preTokenizer = preTokenizer
        self.added = AddedTokens(added)
        self.beginning = beginning
    }

    private static func key(_ left: Int, _ right: Int) -> Int64 { Int64(left) << 32 | Int64(right) }

    /// The pieces of `text` (after the beginning-of-text token when `special` and the model adds one); throws
    /// when a byte is not in the vocabulary.
    public func encode(_ text: String, special: Bool = true) throws -> [TokenPiece] {
        var result: [TokenPiece] = []
        if special, let beginning, let piece = pieces[beginning] { result.append(TokenPiece(piece: piece, id: beginning)) }
        for (index, segment) in added.segments(text).enumerated() {
            switch segment {
            case let .token(piece): result.append(piece)
            case let .text(stretch):
                let input = prefixSpace && index == 0 && !stretch.hasPrefix(" ") ? " " + stretch : stretch
                for word in preTokenizer.split(input) {
                    let symbols = try word.utf8.map { byte -> Int in
                        let symbol = String(ByteLevelBPETokenizer.characterOf[Int(byte)])
                        guard let id = ids[symbol] else { throw EngineError.unsupported("the byte-level piece '\(symbol)' is not in the vocabulary") }
                        return id
                    }
                    for id in BPEMerge.apply(symbols, merge: { merges[Self.key($0, $1)] }) {
                        result.append(TokenPiece(piece: pieces[id] ?? "", id: id))
                    }
                }
            }
        }
        return result
    }
}
