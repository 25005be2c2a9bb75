// How byte-level BPE cuts text into words before merging: the splitting rules `tokenizer.ggml.pre` names.
import Foundation

/// A pre-tokenizer: a regular expression cutting text into its matches and the text between them (Hugging
/// Face's `Split(…, "isolated")`).
public struct PreTokenizer: Sendable {
    /// Its name, for messages.
    public let name: String
    private let expression: NSRegularExpression?

    /// GPT-2's pattern: contractions, optionally space-led letters, digits or other runs, and spaces.
    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    /// Llama 3's pattern: case-insensitive contractions, a letter run with one leading non-letter, digits in
    /// threes, punctuation runs with their line breaks, line breaks with the spaces before them.
    static let llama3Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    /// Qwen 2's pattern: Llama 3's with single digits.
    static let qwen2Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// `tokenizer.ggml.pre` names → patterns, as Hugging Face's GGUF converter builds them, whose ids are the
    /// reference. `default`, `gpt-2` and `smollm` are GPT-2's pattern there. llama.cpp differs on two: its
    /// `smollm` first puts every numeral on its own (as SmolLM's own `tokenizer.json` does), which only shows
    /// where a numeral has merges (` ½`, `²`); its `default` isolates punctuation runs and cuts digits in threes.
    static let named: [String: String] = {
        var table = ["gpt-2": gpt2Pattern, "gpt2": gpt2Pattern, "default": gpt2Pattern, "smollm": gpt2Pattern, "qwen2": qwen2Pattern]
        for name in ["llama-bpe", "llama3", "llama-v3", "falcon3", "dbrx", "smaug-bpe"] { table[name] = llama3Pattern }
        return table
    }()

    /// GPT-2's pre-tokenizer.
    public static let gpt2 = PreTokenizer(name: "gpt-2", pattern: gpt2Pattern)

    /// The pre-tokenizer `tokenizer.ggml.pre` names; nil for a name mvs does not know.
    public static func named(_ name: String) -> PreTokenizer? {
        named[name].map { PreTokenizer(name: name, pattern: $0) }
    }

    // The patterns are constants checked by the tests; one that failed to compile would leave text whole.
    private init(name: String, pattern: String) {
        self.name = name
        expression = try? NSRegularExpression(pattern: pattern)
    }

    /// The words of `text`, in order; together they spell it exactly. Cut by code unit, not by `Character`:
    /// a pattern can end a word between the `\r` and `\n` that Swift holds as one character.
    func split(_ text: String) -> [String] {
        guard let expression, !text.isEmpty else { return text.isEmpty ? [] : [text] }
        let length = text.utf16.count
        func cut(_ from: Int, _ to: Int) -> String {
            String(text.unicodeScalars[String.Index(utf16Offset: from, in: text)..<String.Index(utf16Offset: to, in: text)])
        }
        var out: [String] = []
        var last = 0
        for match in expression.matches(in: text, range: NSRange(location: 0, length: length)) where match.range.length > 0 {
            if last < match.range.location { out.append(cut(last, match.range.location)) }
            out.append(cut(match.range.location, match.range.location + match.range.length))
            last = match.range.location + match.range.length
        }
        if last < length { out.append(cut(last, length)) }
        return out
    }
}
