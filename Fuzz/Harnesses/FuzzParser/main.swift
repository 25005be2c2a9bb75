// Fuzzes the lexer and parser on arbitrary text: every input parses, is incomplete, or fails with
// diagnostics; none traps.
import FuzzDriver
import Lang

runFuzzer { bytes in
    _ = ParseResult.parse(Source(name: "fuzz.mvs", text: String(decoding: bytes, as: UTF8.self)))
}
