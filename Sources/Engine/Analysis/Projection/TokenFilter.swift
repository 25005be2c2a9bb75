// Readable token strings (WordPiece and byte-level BPE) and the token filters of `project`.
import Foundation

/// Token strings of a vocabulary made readable, and which ids a filter keeps.
public struct TokenText: Sendable {
    /// Readable strings by id.
    public let tokens: [String]

    /// Readable forms of `raw` tokens: byte-level BPE (`Ġhello`) is decoded to text (` hello`);
    /// WordPiece continuation pieces keep their `##`, which is how BERT users read them.
    public init(raw: [String]) {
        if TokenText.isByteLevel(raw) {
            tokens = raw.map(ByteLevel.decode)
        } else {
            tokens = raw
        }
    }

    /// `[id 17]` for ids beyond the vocabulary (a model whose embedding has extra rows), else the token.
    public func text(_ id: Int) -> String {
        id >= 0 && id < tokens.count ? tokens[id] : "[id \(id)]"
    }

    /// Whether the token is ASCII only. A SentencePiece byte-fallback token `<0x8D>` is ASCII text standing for one
    /// byte of a multi-byte UTF-8 character, so a byte of 0x80 or more counts as not ASCII (`<0x0A>` still does).
    public func isASCII(_ id: Int) -> Bool {
        let token = text(id)
        if let byte = TokenText.fallbackByte(token) { return byte < 0x80 }
        return token.unicodeScalars.allSatisfy(\.isASCII)
    }

    /// The byte of a SentencePiece byte-fallback token (`<0xHH>`, exactly two hex digits), nil for other tokens.
    static func fallbackByte(_ token: String) -> UInt8? {
        guard token.utf8.count == 6, token.hasPrefix("<0x"), token.hasSuffix(">") else { return nil }
        return UInt8(token.dropFirst(3).dropLast(), radix: 16)
    }

    /// Whether the token, without a WordPiece `##` or leading spaces, is one or more letters only.
    public func isAlphabetic(_ id: Int) -> Bool {
        var word = Substring(text(id))
        if word.hasPrefix("##") { word = word.dropFirst(2) }
        word = word.drop { $0 == " " }
        return !word.isEmpty && word.allSatisfy(\.isLetter)
    }

    /// Byte-level vocabularies (GPT-2, RoBERTa, Llama-3) mark a leading space with `Ġ` on many tokens.
    static func isByteLevel(_ raw: [String]) -> Bool {
        let marked = raw.lazy.filter { $0.hasPrefix("Ġ") }.count
        return marked * 20 > raw.count
    }
}

/// Which token ids a projection may return.
public struct TokenFilter: Sendable {
    /// Only ASCII tokens.
    public var asciiOnly = false
    /// Only alphabetic tokens (WordPiece `##` and leading spaces ignored).
    public var alphabeticOnly = false
    /// Only these ids, when given.
    public var allowed: [Int]?
    /// Only ids below this, when given (`vocab_limit=`).
    public var limit: Int?

    public init() {}

    /// Whether the filter keeps every id.
    public var isEmpty: Bool { !asciiOnly && !alphabeticOnly && allowed == nil && limit == nil }

    /// The kept ids below `vocabularySize`, in increasing order; tokens are needed only for text filters.
    public func ids(vocabularySize: Int, text: TokenText?) throws -> [Int] {
        let end = min(limit ?? vocabularySize, vocabularySize)
        var kept: [Int]
        if let allowed {
            if let bad = allowed.first(where: { $0 < 0 || $0 >= vocabularySize }) {
                throw EngineError.invalidArgument("token id \(bad) out of range: the embedding has \(vocabularySize) rows")
            }
            kept = Array(Set(allowed.filter { $0 < end })).sorted()
        } else {
            kept = Array(0..<max(end, 0))
        }
        if asciiOnly || alphabeticOnly {
            guard let text else {
                throw EngineError.unsupported("the ascii and alpha filters need the model's vocabulary, and it has none")
            }
            kept = kept.filter { (!asciiOnly || text.isASCII($0)) && (!alphabeticOnly || text.isAlphabetic($0)) }
        }
        return kept
    }
}
