// The tokenizer of a model, chosen by its files: byte-level BPE for GPT-2-style models, WordPiece otherwise.
import Foundation

/// A model's tokenizer.
public enum Tokenizer: Sendable {
    case wordPiece(WordPieceTokenizer)
    case byteLevelBPE(ByteLevelBPETokenizer)
    case sentencePieceBPE(SentencePieceBPETokenizer)

    /// The pieces of `text`, with the special tokens the model expects (`[CLS] … [SEP]` for WordPiece, none for
    /// GPT-2, the beginning-of-text token for a GGUF vocabulary that asks for it).
    public func encode(_ text: String) throws -> [TokenPiece] {
        switch self {
        case let .wordPiece(tokenizer): return tokenizer.encode(text)
        case let .byteLevelBPE(tokenizer): return try tokenizer.encode(text)
        case let .sentencePieceBPE(tokenizer): return tokenizer.encode(text)
        }
    }

    /// From the metadata of a GGUF file; byte-level BPE when the model's `tokenizer.json` is a BPE model or it has `vocab.json` + `merges.txt`;
    /// WordPiece from its vocabulary otherwise. Read once per model and kept with it.
    public static func of(_ model: Model) throws -> Tokenizer {
        try model.derived.value("tokenizer") { try read(model) }
    }

    private static func read(_ model: Model) throws -> Tokenizer {
        if let metadata = model.gguf {
            guard let vocabulary = GGUFVocabulary(metadata) else {
                throw EngineError.unsupported("\(model.name): the GGUF file has no tokenizer (tokenizer.ggml.model); give token ids instead of text")
            }
            return try gguf(vocabulary, name: model.name)
        }
        let directory = Tokenizer.directory(of: model)
        func path(_ name: String) -> String { FilePath.join(directory, name) }
        if let data = FileManager.default.contents(atPath: path("tokenizer.json")) {
            let json = try JSONValue.parse(data, path: path("tokenizer.json"))
            if json["model"]?["type"]?.stringValue == "BPE" {
                guard VocabularyFiles.isByteLevel(json) else {
                    throw EngineError.unsupported("\(model.name): its tokenizer is a SentencePiece-style BPE (not byte-level), which mvs does not implement yet; give token ids instead of text")
                }
                return .byteLevelBPE(try bpe(json, path: path("tokenizer.json")))
            }
        } else if let vocabulary = FileManager.default.contents(atPath: path("vocab.json")),
                  let merges = FileManager.default.contents(atPath: path("merges.txt")) {
            return .byteLevelBPE(try bpe(vocabulary: vocabulary, merges: merges, path: path("vocab.json")))
        }
        return .wordPiece(try WordPieceTokenizer.of(model))
    }

    /// The directory holding the model's tokenizer files.
    static func directory(of model: Model) -> String {
        // A vocabulary taken from elsewhere (`load(…, vocab=)`) brings its tokenizer files along.
        if let directory = model.vocabulary?.directory { return directory }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: model.source, isDirectory: &isDirectory)
        return exists && isDirectory.boolValue ? model.source : FilePath.deletingLastComponent(model.source)
    }

    /// GPT-2's original pair of files: `vocab.json` (piece → id) and `merges.txt` (one "left right" pair a line,
    /// after an optional `#version` line), from memory.
    static func bpe(vocabulary: Data, merges: Data, path: String) throws -> ByteLevelBPETokenizer {
        let json = try JSONValue.parse(vocabulary, path: path)
        let lines = String(decoding: merges, as: UTF8.self).split(whereSeparator: \.isNewline)
        let pairs = lines.filter { !$0.hasPrefix("#version") }.compactMap(mergePair)
        return ByteLevelBPETokenizer(vocabulary: try pieceIds(json, path: path), merges: pairs)
    }

    static func bpe(_ json: JSONValue, path: String) throws -> ByteLevelBPETokenizer {
        guard let vocabulary = json["model"]?["vocab"] else { throw EngineError.malformed(path: path, message: "BPE model has no 'vocab'") }
        var merges: [(String, String)] = []
        for merge in json["model"]?["merges"]?.arrayValue ?? [] {
            // Older files write "a b", newer ones ["a", "b"].
            if let text = merge.stringValue {
                if let pair = mergePair(text) { merges.append(pair) }
            } else if let pair = merge.arrayValue, pair.count == 2, let left = pair[0].stringValue, let right = pair[1].stringValue {
                merges.append((left, right))
            }
        }
        var ids = try pieceIds(vocabulary, path: path)
        for added in json["added_tokens"]?.arrayValue ?? [] {
            if let id = added["id"]?.intValue, let content = added["content"]?.stringValue { ids[content] = id }
        }
        let prefixSpace = json["pre_tokenizer"]?["add_prefix_space"]?.boolValue ?? false
        return ByteLevelBPETokenizer(vocabulary: ids, merges: merges, prefixSpace: prefixSpace)
    }

    /// A merge written "left right"; nil for anything else.
    static func mergePair(_ line: some StringProtocol) -> (String, String)? {
        let parts = line.split(separator: " ")
        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
    }

    private static func pieceIds(_ json: JSONValue, path: String) throws -> [String: Int] {
        guard case let .object(members) = json else { throw EngineError.malformed(path: path, message: "vocabulary is not an object of piece → id") }
        return Dictionary(try VocabularyFiles.entries(members, path: path).map { ($1, $0) }) { _, last in last }
    }
}
