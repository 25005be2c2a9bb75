// Vocabulary files: the tokenizer.json variants, vocab.txt line endings, and refusals.
import Foundation
import Testing
@testable import Engine

@Suite struct VocabularyTests {
    private func tokenizer(_ text: String) throws -> [String] {
        try VocabularyFiles.tokenizer(JSONValue.parse(Data(text.utf8), path: "tokenizer.json"), path: "tokenizer.json")
    }

    @Test func llama2ReplaceDecoderTurnsMetaspaceIntoSpaces() throws {
        let tokens = try tokenizer(#"""
        {"model": {"type": "BPE", "byte_fallback": true, "vocab": {"<unk>": 0, "<0x0A>": 1, "▁the": 2, "ing": 3}},
         "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                                                      {"type": "ByteFallback"}, {"type": "Fuse"}]}}
        """#)
        #expect(tokens == ["<unk>", "<0x0A>", " the", "ing"])
    }

    @Test func wordPieceKeepsContinuationsAndAddedTokensFillTheirIds() throws {
        let tokens = try tokenizer(#"""
        {"model": {"type": "WordPiece", "vocab": {"[PAD]": 0, "play": 1, "##ing": 2}},
         "added_tokens": [{"id": 4, "content": "[MASK]", "special": true}]}
        """#)
        #expect(tokens == ["[PAD]", "play", "##ing", "", "[MASK]"])
    }

    @Test func vocabTxtAcceptsWindowsLineEndings() throws {
        #expect(try VocabularyFiles.lines(Data("[PAD]\r\nhello\r\n".utf8), path: "vocab.txt") == ["[PAD]", "hello"])
    }

    @Test func hostileIdsAreRefusedNotAllocated() {
        #expect(throws: EngineError.self) { try tokenizer(#"{"model": {"vocab": {"a": 4000000000}}}"#) }
        #expect(throws: EngineError.self) {
            try VocabularyFiles.byId(JSONValue.parse(Data(#"{"a": -1}"#.utf8), path: "vocab.json"), path: "vocab.json")
        }
    }
}
