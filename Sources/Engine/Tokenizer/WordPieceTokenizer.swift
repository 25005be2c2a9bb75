// BERT's tokenizer: basic tokenization (cleaning, lower-casing, accent stripping, punctuation) then WordPiece.
import Foundation

/// One piece of tokenized text: the vocabulary string and its id.
public struct TokenPiece: Sendable, Equatable {
    /// The piece as written in the vocabulary (`##ing` for a continuation).
    public let piece: String
    /// Its id.
    public let id: Int

    public init(piece: String, id: Int) {
        self.piece = piece
        self.id = id
    }
}

/// WordPiece over a `vocab.txt`-style vocabulary, as BERT's `BasicTokenizer` + `WordpieceTokenizer` do it.
public struct WordPieceTokenizer: Sendable {
    /// Token → id.
    let ids: [String: Int]
    /// Whether text is lower-cased (and then accents stripped) before splitting.
    public let lowercase: Bool
    /// Whether accents are stripped (defaults to `lowercase`, as in BERT).
    public let stripAccents: Bool
    /// Words longer than this (in characters) become `[UNK]`.
    let maximumWordLength = 100
    let unknown: TokenPiece
    let begin: TokenPiece
    let end: TokenPiece
    /// Special tokens matched literally in the text before normalisation (`[MASK]`).
    let specials: [String]

    /// A tokenizer over `tokens` (indexed by id); throws when `[UNK]`, `[CLS]` or `[SEP]` is missing.
    public init(tokens: [String], lowercase: Bool, stripAccents: Bool? = nil) throws {
        var ids: [String: Int] = [:]
        for (id, token) in tokens.enumerated() where ids[token] == nil && !token.isEmpty { ids[token] = id }
        func special(_ name: String) throws -> TokenPiece {
            guard let id = ids[name] else {
                throw EngineError.unsupported("the vocabulary has no \(name) token, so it is not a WordPiece (BERT) vocabulary")
            }
            return TokenPiece(piece: name, id: id)
        }
        self.ids = ids
        self.lowercase = lowercase
        self.stripAccents = stripAccents ?? lowercase
        unknown = try special("[UNK]")
        begin = try special("[CLS]")
        end = try special("[SEP]")
        specials = ["[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]"].filter { ids[$0] != nil }
    }

    /// `[CLS]`, the pieces of `text`, `[SEP]`.
    public func encode(_ text: String) -> [TokenPiece] {
        var pieces = [begin]
        for segment in splitSpecials(text) {
            if let id = ids[segment], specials.contains(segment) {
                pieces.append(TokenPiece(piece: segment, id: id))
                continue
            }
            for word in basicTokens(segment) { pieces += wordPieces(word) }
        }
        pieces.append(end)
        return pieces
    }

    /// The text cut around literal special tokens, which are kept as their own segments.
    private func splitSpecials(_ text: String) -> [String] {
        var segments = [text]
        for special in specials {
            segments = segments.flatMap { segment -> [String] in
                guard segment != special, segment.contains(special) else { return [segment] }
                var parts: [String] = []
                for (position, part) in segment.components(separatedBy: special).enumerated() {
                    if position > 0 { parts.append(special) }
                    if !part.isEmpty { parts.append(part) }
                }
                return parts
            }
        }
        return segments
    }

    /// BERT's BasicTokenizer: clean, space out CJK, split on whitespace, normalise, split off punctuation.
    func basicTokens(_ text: String) -> [String] {
        var spaced = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value == 0 || scalar.value == 0xFFFD || WordPieceTokenizer.isControl(scalar) { continue }
            if WordPieceTokenizer.isWhitespace(scalar) {
                spaced.append(" ")
            } else if WordPieceTokenizer.isCJK(scalar) {
                spaced.append(" "); spaced.append(scalar); spaced.append(" ")
            } else {
                spaced.append(scalar)
            }
        }
        var words: [String] = []
        for word in String(spaced).split(separator: " ") {
            var normal = String(word)
            if lowercase { normal = normal.lowercased() }
            if stripAccents {
                // NFD then drop combining marks (category Mn), as BERT's _run_strip_accents does.
                let decomposed = normal.decomposedStringWithCanonicalMapping.unicodeScalars
                normal = String(String.UnicodeScalarView(decomposed.filter { $0.properties.generalCategory != .nonspacingMark }))
            }
            var current = String.UnicodeScalarView()
            for scalar in normal.unicodeScalars {
                if WordPieceTokenizer.isPunctuation(scalar) {
                    if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
                    words.append(String(scalar))
                } else {
                    current.append(scalar)
                }
            }
            if !current.isEmpty { words.append(String(current)) }
        }
        return words
    }

    /// Greedy longest-match-first WordPiece of one word; the whole word is `[UNK]` when any part is missing.
    func wordPieces(_ word: String) -> [TokenPiece] {
        let scalars = Array(word.unicodeScalars)
        // The limit counts Unicode scalars, as BERT's reference tokenizers count characters: counting
        // grapheme clusters let a run of combining jamo (one cluster) through to the cubic search below.
        guard scalars.count <= maximumWordLength else { return [unknown] }
        var pieces: [TokenPiece] = []
        var start = 0
        while start < scalars.count {
            var stop = scalars.count
            var found: TokenPiece?
            while start < stop {
                var candidate = String(String.UnicodeScalarView(scalars[start..<stop]))
                if start > 0 { candidate = "##" + candidate }
                if let id = ids[candidate] { found = TokenPiece(piece: candidate, id: id); break }
                stop -= 1
            }
            guard let piece = found else { return [unknown] }
            pieces.append(piece)
            start = stop
        }
        return pieces
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.generalCategory == .spaceSeparator
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        switch scalar.properties.generalCategory {
        case .control, .format: return true
        default: return false
        }
    }

    /// ASCII non-alphanumerics count as punctuation even where Unicode says symbol (`$`, `^`, `` ` ``).
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value) || (123...126).contains(value) {
            return true
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        let ranges: [ClosedRange<UInt32>] = [0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
                                             0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F]
        return ranges.contains { $0.contains(scalar.value) }
    }
}

extension WordPieceTokenizer {
    /// The tokenizer of a model: its vocabulary, lower-cased when `tokenizer.json`'s normalizer or
    /// `tokenizer_config.json`'s `do_lower_case` says so, else when the vocabulary has no upper-case words.
    public static func of(_ model: Model) throws -> WordPieceTokenizer {
        guard let source = model.vocabulary else {
            throw EngineError.unsupported("\(model.name) has no vocabulary file (tokenizer.json, vocab.json or vocab.txt beside its weights)")
        }
        let tokens = try source.tokens()
        let directory = Tokenizer.directory(of: model)
        func json(_ name: String) -> JSONValue? {
            let path = FilePath.join(directory, name)
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            return try? JSONValue.parse(data, path: path)
        }
        var lowercase: Bool?
        var strip: Bool?
        if let normalizer = json("tokenizer.json")?["normalizer"], normalizer["type"]?.stringValue == "BertNormalizer" {
            lowercase = normalizer["lowercase"]?.boolValue
            strip = normalizer["strip_accents"]?.boolValue
        }
        if lowercase == nil, let config = json("tokenizer_config.json") {
            lowercase = config["do_lower_case"]?.boolValue
            strip = config["strip_accents"]?.boolValue
        }
        // Uncased vocabularies hold no upper-case ASCII outside [SPECIAL] tokens (a few mathematical capitals
        // at most); a cased one holds thousands of capitalised words.
        let upperCount = tokens.lazy.filter { token in
            !token.hasPrefix("[") && token.utf8.contains { (65...90).contains($0) }
        }.count
        return try WordPieceTokenizer(tokens: tokens, lowercase: lowercase ?? (upperCount < 100), stripAccents: strip)
    }
}
