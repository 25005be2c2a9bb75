// SentencePiece-style BPE from a GGUF vocabulary (`tokenizer.ggml.model` = `llama`): ▁ for spaces, merges
// implied by the vocabulary, byte fallback.
import Foundation

/// SentencePiece BPE as Hugging Face rebuilds it from a GGUF file's tokens and scores: spaces become `▁`, each
/// stretch between added tokens is one word, characters not in the vocabulary fall back to their UTF-8 bytes
/// (`<0xE2>`), and a pair merges when its concatenation is a token — the better that token, the sooner.
public struct SentencePieceBPETokenizer: Sendable {
    /// How merges are ordered and spaces written: Gemma's converter differs from Llama's in three ways.
    public enum Variant: Sendable {
        /// Llama 2 style: merges by score, highest first; `▁` is put before the text.
        case llama
        /// Gemma: merges by position in the file (Gemma's scores do not follow its merge order); tokens made only
        /// of whitespace with a space in them are stored with real spaces and read as that many `▁`; no `▁` prefix.
        case gemma
    }

    /// Token (UTF-8 bytes: Python compares code points, Swift strings compare canonically) → id; a token
    /// spelled twice keeps its last id, as a Python dict built from the list does.
    private let ids: [[UInt8]: Int]
    /// Tokens by id as used for merging (Gemma's whitespace tokens respelled with `▁`).
    private let pieces: [String]
    /// Merge priority of each token (lower merges first) and the length of every token in code points.
    private let priority: [Double]
    private let lengths: [Int]
    private let firstIndex: [Int]
    private let added: AddedTokens
    private let byteIds: [Int?]
    private let unknown: Int?
    private let prefixSpace: Bool
    /// The id put before the text when the model asks for it (`tokenizer.ggml.add_bos_token`).
    public let beginning: Int?

    /// A tokenizer from the GGUF arrays: `tokens`, `scores` (used by `.llama`), `types` (llama.cpp token types:
    /// 3 control and 4 user-defined become added tokens), the unknown and beginning-of-text ids.
    public init(tokens: [String], scores: [Float], types: [Int], variant: Variant, unknown: Int?, beginning: Int?) {
        let pieces = tokens.map { token -> String in
            guard variant == .gemma, token.contains(" "),
                  token.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) else { return token }
            return String(repeating: "▁", count: token.unicodeScalars.count)
        }
        var ids: [[UInt8]: Int] = [:]
        var firstIndex = Array(pieces.indices)
        for (id, piece) in pieces.enumerated() {
            if let earlier = ids[Array(piece.utf8)] { firstIndex[id] = firstIndex[earlier] }
            ids[Array(piece.utf8)] = id
        }
        self.ids = ids
        self.pieces = pieces
        self.firstIndex = firstIndex
        lengths = pieces.map(\.unicodeScalars.count)
        priority = pieces.indices.map { id in
            switch variant {
            case .gemma: return Double(id)
            case .llama: return id < scores.count ? -Double(scores[id]) : 0
            }
        }
        var special: [(String, Int)] = []
        for (id, token) in tokens.enumerated() where id < types.count {
            let type = types[id]
            // A user-defined token that was respelled is no longer in the vocabulary under its own spelling.
            if type == 3 || (type == 4 && token == pieces[id]), let found = ids[Array(token.utf8)] { special.append((token, found)) }
        }
        added = AddedTokens(special)
        byteIds = (0..<256).map { ids[Array(String(format: "<0x%02X>", $0).utf8)] }
        self.unknown = unknown
        prefixSpace = variant == .llama
        self.beginning = beginning
    }

    /// The pieces of `text`, after the beginning-of-text token when `special` and the model adds one.
    public func encode(_ text: String, special: Bool = true) -> [TokenPiece] {
        var out: [TokenPiece] = []
        if special, let beginning, beginning < pieces.count { out.append(TokenPiece(piece: pieces[beginning], id: beginning)) }
        for (index, segment) in added.segments(text).enumerated() {
            switch segment {
            case let .token(piece): out.append(piece)
            case let .text(stretch):
                var word = stretch.replacingOccurrences(of: " ", with: "▁")
                if prefixSpace, index == 0, !word.hasPrefix("▁") { word = "▁" + word }
                out += merge(word).map { TokenPiece(piece: pieces[$0], id: $0) }
            }
        }
        return out
    }

    /// One word: its characters (or their bytes), merged.
    private func merge(_ word: String) -> [Int] {
        var symbols: [Int] = []
        for scalar in word.unicodeScalars {
            if let id = ids[Array(String(scalar).utf8)] {
                symbols.append(id)
                continue
            }
            let bytes = Array(String(scalar).utf8).map { byteIds[Int($0)] }
            if bytes.allSatisfy({ $0 != nil }) {
                symbols += bytes.compactMap { $0 }
            } else if let unknown, symbols.last != unknown {
                symbols.append(unknown)
            }
        }
        return BPEMerge.apply(symbols) { left, right in
            guard let merged = ids[Array((pieces[left] + pieces[right]).utf8)] else { return nil }
            // Hugging Face sorts the implied merges by (score, left length, right length), best first, and keeps
            // the vocabulary's order on ties.
            return BPEMerge.Merge(rank: .init(priority[merged], -lengths[left], -lengths[right], firstIndex[merged]), result: merged)
        }
    }
}
