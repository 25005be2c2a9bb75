// A tokenizer from a GGUF file's `tokenizer.ggml.*` metadata, built as Hugging Face's GGUF converter builds it.
import Foundation

/// The `tokenizer.ggml.*` arrays and values of a GGUF file.
public struct GGUFVocabulary: Sendable {
    /// `general.architecture` (Gemma's SentencePiece vocabularies are read differently from Llama's).
    public var architecture: String
    /// `tokenizer.ggml.model`: `gpt2` (byte-level BPE) or `llama` (SentencePiece BPE).
    public var model: String
    /// `tokenizer.ggml.pre`: the byte-level pre-tokenizer's name.
    public var pre: String?
    public var tokens: [String]
    /// `"left right"` pairs in rank order (byte-level only).
    public var merges: [String]
    public var scores: [Float]
    /// llama.cpp token types: 1 normal, 2 unknown, 3 control, 4 user-defined, 6 byte.
    public var types: [Int]
    public var unknown: Int?
    public var beginning: Int?
    /// `tokenizer.ggml.add_bos_token`.
    public var addBeginning: Bool

    /// The vocabulary; every array may be empty.
    public init(architecture: String, model: String, pre: String?, tokens: [String], merges: [String] = [], scores: [Float] = [],
                types: [Int] = [], unknown: Int? = nil, beginning: Int? = nil, addBeginning: Bool = false) {
        self.architecture = architecture
        self.model = model
        self.pre = pre
        self.tokens = tokens
        self.merges = merges
        self.scores = scores
        self.types = types
        self.unknown = unknown
        self.beginning = beginning
        self.addBeginning = addBeginning
    }
}

extension GGUFVocabulary {
    /// The vocabulary a GGUF file's metadata holds; nil when it has no `tokenizer.ggml.model`.
    init?(_ metadata: GGUFMetadata) {
        guard let model = metadata["tokenizer.ggml.model"]?.stringValue else { return nil }
        func ids(_ key: String) -> Int? { metadata["tokenizer.ggml.\(key)"]?.intValue }
        self.init(architecture: metadata.architecture ?? "", model: model, pre: metadata["tokenizer.ggml.pre"]?.stringValue,
                  tokens: metadata["tokenizer.ggml.tokens"]?.arrayValue?.strings() ?? [],
                  merges: metadata["tokenizer.ggml.merges"]?.arrayValue?.strings() ?? [],
                  scores: metadata["tokenizer.ggml.scores"]?.arrayValue?.floats() ?? [],
                  types: metadata["tokenizer.ggml.token_type"]?.arrayValue?.integers() ?? [],
                  unknown: ids("unknown_token_id"), beginning: ids("bos_token_id"),
                  addBeginning: metadata["tokenizer.ggml.add_bos_token"]?.boolValue ?? false)
    }
}

extension Tokenizer {
    /// The tokenizer `vocabulary` describes; `name` (the file) goes into the message when mvs cannot build it.
    public static func gguf(_ vocabulary: GGUFVocabulary, name: String) throws -> Tokenizer {
        let beginning = vocabulary.addBeginning ? vocabulary.beginning.flatMap { $0 >= 0 && $0 < vocabulary.tokens.count ? $0 : nil } : nil
        switch vocabulary.model {
        case "gpt2":
            let pre = vocabulary.pre ?? "default"
            guard let preTokenizer = PreTokenizer.named(pre) else {
                let known = PreTokenizer.named.keys.sorted().joined(separator: ", ")
                throw EngineError.unsupported("\(name): tokenizer.ggml.pre '\(pre)' is not a pre-tokenizer mvs knows (\(known))")
            }
            var ids: [String: Int] = [:]
            for (id, token) in vocabulary.tokens.enumerated() { ids[token] = id }
            let merges = vocabulary.merges.compactMap(mergePair)
            // Control and user-defined tokens stay whole, unless spelled outside the byte alphabet (a llama.cpp
            // mislabel that Hugging Face skips too).
            let added = vocabulary.tokens.enumerated().compactMap { id, token -> (String, Int)? in
                guard id < vocabulary.types.count, vocabulary.types[id] == 3 || vocabulary.types[id] == 4,
                      token.unicodeScalars.allSatisfy({ ByteLevel.byteOf[$0] != nil }) else { return nil }
                return (token, id)
            }
            return .byteLevelBPE(ByteLevelBPETokenizer(vocabulary: ids, merges: merges, preTokenizer: preTokenizer,
                                                       added: added, beginning: beginning))
        case "llama":
            let variant: SentencePieceBPETokenizer.Variant = vocabulary.architecture.hasPrefix("gemma") ? .gemma : .llama
            return .sentencePieceBPE(SentencePieceBPETokenizer(tokens: vocabulary.tokens, scores: vocabulary.scores, types: vocabulary.types,
                                                               variant: variant, unknown: vocabulary.unknown, beginning: beginning))
        default:
            throw EngineError.unsupported("\(name): tokenizer.ggml.model '\(vocabulary.model)' is not implemented (gpt2 and llama are)")
        }
    }
}
