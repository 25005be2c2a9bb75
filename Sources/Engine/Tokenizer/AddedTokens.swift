// Tokens matched whole in the text before any other step (`<|im_start|>`, `<start_of_turn>`, Gemma's "\n\n").
import Foundation

/// Literal tokens cut out of the raw text first, leftmost and then longest match, as Hugging Face's added
/// tokens (not normalised) are; the text between them is tokenized as usual.
struct AddedTokens: Sendable {
    /// A stretch of the input: plain text, or one added token.
    enum Segment: Equatable {
        case text(String)
        case token(TokenPiece)
    }

    /// Token (as Unicode scalars, so that canonically equivalent spellings stay apart) → id.
    private let ids: [[Unicode.Scalar]: Int]
    private let lengths: [Int]
    private let firsts: Set<Unicode.Scalar>

    /// The tokens `tokens` (string, id); an empty list matches nothing.
    init(_ tokens: [(String, Int)]) {
        var ids: [[Unicode.Scalar]: Int] = [:]
        for (token, id) in tokens where !token.isEmpty { ids[Array(token.unicodeScalars)] = id }
        self.ids = ids
        lengths = Set(ids.keys.map(\.count)).sorted(by: >)
        firsts = Set(ids.keys.compactMap(\.first))
    }

    /// `text` cut into plain stretches and added tokens, in order.
    func segments(_ text: String) -> [Segment] {
        guard !ids.isEmpty else { return text.isEmpty ? [] : [.text(text)] }
        let scalars = Array(text.unicodeScalars)
        var out: [Segment] = []
        var plain = String.UnicodeScalarView()
        var index = 0
        scan: while index < scalars.count {
            if firsts.contains(scalars[index]) {
                for length in lengths where index + length <= scalars.count {
                    let candidate = Array(scalars[index..<(index + length)])
                    if let id = ids[candidate] {
                        if !plain.isEmpty { out.append(.text(String(plain))) }
                        plain = String.UnicodeScalarView()
                        var piece = String.UnicodeScalarView()
                        piece.append(contentsOf: candidate)
                        out.append(.token(TokenPiece(piece: String(piece), id: id)))
                        index += length
                        continue scan
                    }
                }
            }
            plain.append(scalars[index])
            index += 1
        }
        if !plain.isEmpty { out.append(.text(String(plain))) }
        return out
    }
}
