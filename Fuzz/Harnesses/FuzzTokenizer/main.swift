// Fuzzes vocabulary files: vocab.txt lines into WordPiece, tokenizer.json into byte-level BPE, and
// the input's own text through both tokenizers.
@testable import Engine
import Foundation
import FuzzDriver

let sample = "The unaffable café costs $3.50 — 東京, ᄀᄀᄀ! 🤖"

runFuzzer { bytes in
    let data = Data(bytes)
    if let tokens = try? VocabularyFiles.lines(data, path: "vocab.txt"),
       let wordPiece = try? WordPieceTokenizer(tokens: tokens, lowercase: true) {
        _ = wordPiece.encode(sample)
        _ = wordPiece.encode(String(decoding: bytes, as: UTF8.self))
    }
    let json = try JSONValue.parse(data, path: "tokenizer.json")
    let bpe = try Tokenizer.bpe(json, path: "tokenizer.json")
    _ = try bpe.encode(sample)
}
