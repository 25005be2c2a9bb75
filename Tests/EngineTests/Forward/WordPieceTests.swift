// WordPiece tokenization on a small hand-written vocabulary, expectations derived by hand from BERT's rules.
import Testing
@testable import Engine

struct WordPieceTests {
    static let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "un", "##aff", "##able",
                             ",", "!", "cafe", "café", "東", "$", "x", "Cat"]

    func ids(_ text: String, lowercase: Bool = true) throws -> [Int] {
        try WordPieceTokenizer(tokens: Self.vocabulary, lowercase: lowercase).encode(text).map(\.id)
    }

    @Test func greedyLongestMatchWithContinuations() throws {
        // "unaffable" → un ##aff ##able; "The" lower-cased; ',' and '!' split off.
        #expect(try ids("The unaffable, cat!") == [2, 5, 7, 8, 9, 10, 6, 11, 3])
    }

    @Test func unknownWordsAndPiecesBecomeOneUnk() throws {
        // "unaffablex": no "##x" after "##able", so the whole word is [UNK]; "dog" likewise.
        #expect(try ids("unaffablex dog") == [2, 1, 1, 3])
    }

    @Test func accentsStrippedOnlyWhenUncased() throws {
        #expect(try ids("Café") == [2, 12, 3])
        // Cased: no lower-casing, no accent stripping.
        #expect(try ids("café Cat", lowercase: false) == [2, 13, 17, 3])
    }

    @Test func cjkCharactersPunctuationSymbolsAndSpecials() throws {
        // CJK characters stand alone; '$' counts as punctuation; [MASK] is kept literally; control characters vanish.
        #expect(try ids("x東$x [MASK]the\u{0007}") == [2, 16, 14, 15, 16, 4, 5, 3])
    }

    @Test func vocabularyWithoutSpecialsIsRefused() {
        #expect(throws: EngineError.self) { try WordPieceTokenizer(tokens: ["a", "b"], lowercase: true) }
    }
}
