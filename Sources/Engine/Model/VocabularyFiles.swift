// Reading token strings from vocab.txt, vocab.json and tokenizer.json (WordPiece, BPE, Unigram).
import Foundation

extension VocabularySource {
    /// The vocabulary files of a model directory in order of preference.
    static let fileNames = ["tokenizer.json", "vocab.json", "vocab.txt"]

    /// A lazy vocabulary from the first vocabulary file in `directory`, or nil when there is none.
    public static func inDirectory(_ directory: String) -> VocabularySource? {
        for name in fileNames {
            let path = FilePath.join(directory, name)
            if FileManager.default.fileExists(atPath: path) { return VocabularySource(file: path) }
        }
        return nil
    }

    /// A lazy vocabulary read from one file, by its name: `*.txt` one token per line, `tokenizer.json`, or a
    /// `vocab.json` token → id map (GPT-2 byte-level pieces).
    public convenience init(file path: String) {
        self.init(directory: FilePath.deletingLastComponent(path)) { try VocabularyFiles.read(path) }
    }
}

/// Parsers for the vocabulary file formats; token strings are indexed by id.
enum VocabularyFiles {
    /// Ids at or above this are refused: real vocabularies stay far below, and a hostile file must not make
    /// mvs allocate an array of that many strings.
    static let maximumSize = 1 << 22

    static func read(_ path: String) throws -> [String] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw EngineError.io(path: path, message: "cannot read vocabulary: \(error.localizedDescription)")
        }
        if path.hasSuffix(".txt") { return try lines(data, path: path) }
        let json = try JSONValue.parse(data, path: path)
        if json["model"] != nil { return try tokenizer(json, path: path) }
        return try byId(json, path: path).map(ByteLevel.decode)
    }

    /// `vocab.txt`: token i on line i (WordPiece; `##` continuation pieces kept as written).
    static func lines(_ data: Data, path: String) throws -> [String] {
        // Split on bytes: in Swift strings "\r\n" is one Character and would not split on "\n".
        var tokens: [String] = []
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let bytes = line.last == 0x0D ? line.dropLast() : line
            guard let token = String(validating: bytes, as: UTF8.self) else {
                throw EngineError.malformed(path: path, message: "line \(tokens.count + 1) is not UTF-8 text")
            }
            tokens.append(token)
        }
        if tokens.last == "" { tokens.removeLast() }
        return tokens
    }

    /// A `token → id` object as an array indexed by id; ids never given read as empty strings.
    static func byId(_ json: JSONValue, path: String) throws -> [String] {
        guard case let .object(members) = json else {
            throw EngineError.malformed(path: path, message: "vocabulary is not a JSON object of token → id")
        }
        return placed(try entries(members, path: path))
    }

    /// The (id, token) pairs of a `token → id` object's members, each id checked to be a small non-negative integer.
    static func entries(_ members: [(key: String, value: JSONValue)], path: String) throws -> [(Int, String)] {
        try members.map { token, value in
            guard let id = value.intValue, id >= 0, id < VocabularyFiles.maximumSize else {
                throw EngineError.malformed(path: path, message: "token '\(token)' has an id that is not a small non-negative integer")
            }
            return (id, token)
        }
    }

    private static func placed(_ pairs: [(Int, String)]) -> [String] {
        let size = (pairs.map(\.0).max() ?? -1) + 1
        var tokens = [String](repeating: "", count: size)
        for (id, token) in pairs { tokens[id] = token }
        return tokens
    }

    /// `tokenizer.json`: the model's vocabulary plus added tokens, pieces decoded the way its decoder would.
    static func tokenizer(_ json: JSONValue, path: String) throws -> [String] {
        guard let model = json["model"] else { throw EngineError.malformed(path: path, message: "tokenizer has no 'model'") }
        var pairs: [(Int, String)] = []
        switch model["vocab"] {
        case let .object(members)?:
            pairs = try entries(members, path: path)
        case let .array(pieces)?:
            // Unigram: [[piece, score], …] in id order.
            for (id, piece) in pieces.enumerated() {
                guard let token = piece.arrayValue?.first?.stringValue else {
                    throw EngineError.malformed(path: path, message: "unigram vocabulary entry \(id) is not [piece, score]")
                }
                pairs.append((id, token))
            }
        default:
            throw EngineError.malformed(path: path, message: "tokenizer model has no 'vocab'")
        }
        let byteLevel = isByteLevel(json)
        // SentencePiece vocabularies mark spaces with ▁: Metaspace, Unigram, or (Llama 2) a Replace decoder step.
        let metaspace = mentions(json["decoder"], type: "Metaspace") || mentions(json["pre_tokenizer"], type: "Metaspace")
            || mentions(json["decoder"], type: "Replace") || model["type"]?.stringValue == "Unigram"
        var decoded = pairs.map { id, token -> (Int, String) in
            if byteLevel { return (id, ByteLevel.decode(token)) }
            if metaspace { return (id, token.replacingOccurrences(of: "\u{2581}", with: " ")) }
            return (id, token)
        }
        for added in json["added_tokens"]?.arrayValue ?? [] {
            if let id = added["id"]?.intValue, id >= 0, id < VocabularyFiles.maximumSize, let content = added["content"]?.stringValue {
                decoded.append((id, content))
            }
        }
        return placed(decoded)
    }

    /// Whether a `tokenizer.json`'s decoder or pre-tokenizer is GPT-2's byte-level one.
    static func isByteLevel(_ json: JSONValue) -> Bool {
        mentions(json["decoder"], type: "ByteLevel") || mentions(json["pre_tokenizer"], type: "ByteLevel")
    }

    /// Whether a tokenizer component (or any step of a `Sequence`) has the given `type`.
    static func mentions(_ component: JSONValue?, type: String) -> Bool {
        guard let component else { return false }
        if component["type"]?.stringValue == type { return true }
        for key in ["decoders", "pretokenizers"] {
            if component[key]?.arrayValue?.contains(where: { mentions($0, type: type) }) == true { return true }
        }
        return false
    }
}

/// GPT-2's byte-level alphabet: every byte is a printable character (space is `Ġ`, newline `Ċ`).
enum ByteLevel {
    /// Character → byte, the inverse of GPT-2's `bytes_to_unicode`.
    static let byteOf: [Unicode.Scalar: UInt8] = {
        var printable = Array(33...126) + Array(161...172) + Array(174...255)
        var scalars = printable
        var extra = 0
        for byte in 0...255 where !printable.contains(byte) {
            printable.append(byte)
            scalars.append(256 + extra)
            extra += 1
        }
        var table: [Unicode.Scalar: UInt8] = [:]
        for (byte, scalar) in zip(printable, scalars) {
            if let unicode = Unicode.Scalar(UInt32(scalar)) { table[unicode] = UInt8(byte) }
        }
        return table
    }()

    /// The text a byte-level piece stands for (`Ġthe` → ` the`); bytes that are not valid UTF-8 on their
    /// own (a piece can be half a character) are shown as `<0xE2>`.
    static func decode(_ piece: String) -> String {
        var bytes: [UInt8] = []
        for scalar in piece.unicodeScalars {
            if let byte = byteOf[scalar] { bytes.append(byte) } else { bytes.append(contentsOf: Array(String(scalar).utf8)) }
        }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return bytes.map { $0 < 0x80 ? String(UnicodeScalar($0)) : String(format: "<0x%02X>", $0) }.joined()
    }
}
