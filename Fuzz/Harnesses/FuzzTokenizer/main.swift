// Fuzzes vocabulary files: vocab.txt lines into WordPiece, merges.txt (beside a fixed vocab.json) and
// tokenizer.json into byte-level BPE, and the input's own text through the tokenizers.
@testable import Engine
import Foundation
import FuzzDriver

let sample = "The unaffable café costs $3.50 — 東京, ᄀᄀᄀ! 🤖"
/// GPT-2's byte-level pieces for a few letters and their merges' results ("Ġ" is the space byte).
let vocabularyJSON = Data(#"{"T": 0, "h": 1, "e": 2, "Ġ": 3, "Th": 4, "The": 5, "Ġc": 6, "af": 7, "a": 8, "f": 9, "c": 10}"#.utf8)

runFuzzer { bytes in
    let data = Data(bytes)
    if let tokens = try? VocabularyFiles.lines(data, path: "vocab.txt"),
       let wordPiece = try? WordPieceTokenizer(tokens: tokens, lowercase: true) {
        _ = wordPiece.encode(sample)
        _ = wordPiece.encode(String(decoding: bytes, as: UTF8.self))
    }
    if let gpt2 = try? Tokenizer.bpe(vocabulary: vocabularyJSON, merges: data, path: "vocab.json") {
        _ = try? gpt2.encode(sample)
    }
    let json = try JSONValue.parse(data, path: "tokenizer.json")
    let bpe = try Tokenizer.bpe(json, path: "tokenizer.json")
    _ = try bpe.encode(sample)
}
