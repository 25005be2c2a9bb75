// Byte-level BPE on a toy vocabulary: merge order by rank, the byte alphabet, pre-tokenization, unknown pieces.
import Testing
@testable import Engine

struct ByteLevelBPETests {
    static let merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("e", "r"), ("'", "s")]
    static let vocabulary: [String: Int] = ["Ġ": 0, "t": 1, "h": 2, "e": 3, "r": 4, "Ġt": 5, "he": 6, "Ġthe": 7, "er": 8,
                                            "!": 9, "Ċ": 10, "Ã": 11, "©": 12, "'s": 13, "'": 14, "s": 15]

    func pieces(_ text: String) throws -> [String] {
        try ByteLevelBPETokenizer(vocabulary: Self.vocabulary, merges: Self.merges).encode(text).map(\.piece)
    }

    @Test func lowerRankedMergesApplyFirst() throws {
        // " there": Ġ t h e r e → (Ġ,t) → Ġt h e r e → (h,e) → Ġt he r e → (Ġt,he) → Ġthe r e; "er" would need e,r adjacent
        // before "he" took the e — it does not, since (h,e) outranks (e,r).
        #expect(try pieces(" there") == ["Ġthe", "r", "e"])
        #expect(try pieces("her") == ["he", "r"])
    }

    @Test func bytesBecomeTheirPrintableCharacters() throws {
        // é is C3 A9 in UTF-8, written Ã ©; a newline is Ċ; a contraction is one pre-token, so its merge applies.
        #expect(try pieces("é\n") == ["Ã", "©", "Ċ"])
        #expect(try pieces("t's!") == ["t", "'s", "!"])
    }

    @Test func aPieceOutsideTheVocabularyIsAnError() {
        #expect(throws: EngineError.self) { try pieces("x") }
    }
}
