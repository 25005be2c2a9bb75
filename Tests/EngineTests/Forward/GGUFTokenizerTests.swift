// GGUF vocabularies on toy arrays: SentencePiece merge order (Gemma by position, Llama by score), byte fallback,
// respelled whitespace tokens, added tokens, and the named byte-level pre-tokenizers. Expected pieces by hand.
import Testing
@testable import Engine

struct GGUFTokenizerTests {
    // id:                 0        1        2    3    4    5     6     7    8     9         10        11    12
    static let tokens = ["<unk>", "<bos>", "a", "b", "c", "bc", "ab", "▁", "▁a", "<0xC3>", "<0xA9>", "  ", "\n"]
    static let types = [2, 3, 1, 1, 1, 1, 1, 1, 1, 6, 6, 1, 4]
    // Llama-style scores rank "ab" above "bc"; Gemma ignores scores and merges "bc" (earlier in the file) first.
    static let scores: [Float] = [0, 0, 0, 0, 0, -2, -1, 0, -3, 0, 0, -4, 0]

    func sentencePiece(_ architecture: String, _ text: String, bos: Bool = false) throws -> [String] {
        let vocabulary = GGUFVocabulary(architecture: architecture, model: "llama", pre: "default", tokens: Self.tokens, scores: Self.scores,
                                        types: Self.types, unknown: 0, beginning: 1, addBeginning: bos)
        return try Tokenizer.gguf(vocabulary, name: "toy").encode(text).map(\.piece)
    }

    @Test func gemmaMergesByPositionLlamaByScore() throws {
        #expect(try sentencePiece("gemma3", "abc") == ["a", "bc"])
        #expect(try sentencePiece("llama", "abc") == ["▁", "ab", "c"])
    }

    @Test func spacesBecomeTheMarkerAndOnlyLlamaPrefixesIt() throws {
        #expect(try sentencePiece("gemma3", " a") == ["▁a"])
        #expect(try sentencePiece("llama", "a") == ["▁a"])
        // "a  a" → a ▁ ▁ a: "▁a" (id 8) goes before the respelled "  " → "▁▁" (id 11).
        #expect(try sentencePiece("gemma3", "a  a") == ["a", "▁", "▁a"])
        #expect(try sentencePiece("gemma3", "  ") == ["▁▁"])
    }

    @Test func unknownCharactersFallBackToBytesAndAddedTokensStayWhole() throws {
        #expect(try sentencePiece("gemma3", "é") == ["<0xC3>", "<0xA9>"])
        #expect(try sentencePiece("gemma3", "a\nb<bos>") == ["a", "\n", "b", "<bos>"])
        #expect(try sentencePiece("gemma3", "ab", bos: true) == ["<bos>", "ab"])
        // No byte tokens for 日 (E6 97 A5): one unknown.
        #expect(try sentencePiece("gemma3", "日日a") == ["<unk>", "a"])
    }

    @Test func namedPreTokenizers() throws {
        func words(_ name: String, _ text: String) -> [String]? { PreTokenizer.named(name)?.split(text) }
        #expect(words("gpt-2", "12345 ab") == ["12345", " ab"])
        #expect(words("llama-bpe", "12345 ab") == ["123", "45", " ab"])
        #expect(words("smollm", "I'm  x") == ["I", "'m", " ", " x"])
        // A word may end between \r and \n, which Swift keeps as one Character.
        #expect(words("default", "a\r\nb") == ["a", "\r", "\n", "b"])
        #expect(words("llama-bpe", "Don'T\n\n") == ["Don", "'T", "\n\n"])
        #expect(words("nonsense", "a") == nil)
    }

    @Test func byteLevelControlTokensStayWholeAndUnknownPreIsRefused() throws {
        let tokens = ["<|end|>", "a", "b", "ab", "Ġ", "Ġab", "日"]
        let vocabulary = GGUFVocabulary(architecture: "llama", model: "gpt2", pre: "smollm", tokens: tokens, merges: ["a b", "Ġ ab"],
                                        types: [3, 1, 1, 1, 1, 1, 3], beginning: 0, addBeginning: true)
        // The control token spelled outside the byte alphabet (日) is not matched whole.
        #expect(try Tokenizer.gguf(vocabulary, name: "toy").encode("ab<|end|> ab").map(\.piece) == ["<|end|>", "ab", "<|end|>", "Ġab"])
        var other = vocabulary
        other.pre = "nonsense"
        #expect(throws: EngineError.self) { try Tokenizer.gguf(other, name: "toy") }
        other.model = "bert"
        #expect(throws: EngineError.self) { try Tokenizer.gguf(other, name: "toy") }
    }
}
