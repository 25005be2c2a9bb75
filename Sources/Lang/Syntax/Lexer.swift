// The lexer: source text to tokens, with errors as diagnostics and "incomplete" for an unclosed string.

/// Splits a source into tokens.
struct Lexer {
    private let source: Source
    private let chars: [Character]
    private var position = 0
    private(set) var tokens: [Token] = []
    private(set) var diagnostics: [Diagnostic] = []
    /// A string was still open at the end of the input (the REPL asks for another line).
    private(set) var incomplete = false

    init(source: Source) {
        self.source = source
        self.chars = source.characters
    }

    /// Tokenises the whole source; the last token is `.end`.
    static func tokenize(_ source: Source) -> Lexer {
        var lexer = Lexer(source: source)
        lexer.run()
        return lexer
    }

    private mutating func run() {
        if chars.first == "\u{FEFF}" { position = 1 }  // a byte-order mark some editors write
        while position < chars.count {
            let character = chars[position]
            let start = position
            if character == "\n" || character == "\r\n" {
                position += 1
                add(.newline, from: start)
            } else if character.isWhitespace {
                position += 1
            } else if character == "#" {
                while position < chars.count, chars[position] != "\n", chars[position] != "\r\n" { position += 1 }
            } else if character == "\\", position + 1 < chars.count, chars[position + 1] == "\n" || chars[position + 1] == "\r\n" {
                position += 2  // an explicit line continuation
            } else if character.isASCII, character.isNumber || (character == "." && peekIsDigit(position + 1)) {
                lexNumber()
            } else if character == "\"" || character == "'" {
                lexString(quote: character)
            } else if character.isLetter || character == "_" {
                while position < chars.count, chars[position].isLetter || chars[position].isNumber || chars[position] == "_" { position += 1 }
                let word = String(chars[start..<position])
                add(Keyword(rawValue: word).map { .keyword($0) } ?? .identifier(word), from: start)
            } else if let symbol = matchSymbol() {
                position += symbol.rawValue.count
                add(.symbol(symbol), from: start)
            } else {
                position += 1
                var message = "unexpected character '\(character)'"
                if character == "!" { message += "; use 'not' for negation or '!=' for inequality" }
                if character == "&" { message += "; use 'and'" }
                if character == "|" { message += "; use 'or', or '|>' to pipe" }
                if character == "^" { message += "; use pow(x, y)" }
                diagnostics.append(Diagnostic(message, at: SourceRange(source: source, start: start, end: position)))
            }
        }
        // The end sits just after the last real token, so "unexpected end of input" points at
        // where the text stops rather than at a trailing comment or blank line.
        let last = tokens.last { if case .newline = $0.kind { return false } else { return true } }
        let endOffset = last?.range.end.offset ?? 0
        tokens.append(Token(kind: .end, range: SourceRange(source: source, start: endOffset, end: endOffset)))
    }

    private func peekIsDigit(_ offset: Int) -> Bool {
        offset < chars.count && chars[offset].isASCII && chars[offset].isNumber
    }

    private mutating func add(_ kind: TokenKind, from start: Int) {
        tokens.append(Token(kind: kind, range: SourceRange(source: source, start: start, end: position)))
    }

    private func matchSymbol() -> Symbol? {
        for symbol in Symbol.allCases {
            let text = Array(symbol.rawValue)
            if position + text.count <= chars.count, Array(chars[position..<position + text.count]) == text { return symbol }
        }
        return nil
    }

    private mutating func lexNumber() {
        let start = position
        var text = ""
        func digits() {
            while position < chars.count, (chars[position].isASCII && chars[position].isNumber) || chars[position] == "_" {
                if chars[position] != "_" { text.append(chars[position]) }
                position += 1
            }
        }
        digits()
        if position < chars.count, chars[position] == ".", peekIsDigit(position + 1) {
            text.append(text.isEmpty ? "0." : ".")
            position += 1
            digits()
        }
        if position < chars.count, chars[position] == "e" || chars[position] == "E" {
            var look = position + 1
            if look < chars.count, chars[look] == "+" || chars[look] == "-" { look += 1 }
            if peekIsDigit(look) {
                text += String(chars[position..<look])
                position = look
                digits()
            }
        }
        if position < chars.count, chars[position].isLetter || chars[position] == "_" {
            while position < chars.count, chars[position].isLetter || chars[position].isNumber || chars[position] == "_" { position += 1 }
            diagnostics.append(Diagnostic("malformed number '\(String(chars[start..<position]))'",
                                          at: SourceRange(source: source, start: start, end: position)))
            add(.number(0), from: start)
            return
        }
        add(.number(Double(text) ?? 0), from: start)
    }

    private mutating func lexString(quote: Character) {
        let start = position
        position += 1
        var value = ""
        while position < chars.count, chars[position] != quote {
            let character = chars[position]
            if character == "\\", position + 1 < chars.count {
                let escapeStart = position
                position += 1
                let escaped = chars[position]
                position += 1
                switch escaped {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                case "0": value.append("\0")
                case "\\": value.append("\\")
                case "\"": value.append("\"")
                case "'": value.append("'")
                case "\n": break  // a backslash-newline continues the string on the next line
                case "u": value += lexUnicodeEscape(from: escapeStart)
                default:
                    diagnostics.append(Diagnostic("unknown escape '\\\(escaped)' in string; use \\\\ for a backslash",
                                                  at: SourceRange(source: source, start: escapeStart, end: position)))
                }
            } else {
                value.append(character)
                position += 1
            }
        }
        if position >= chars.count {
            incomplete = true
            diagnostics.append(Diagnostic("unterminated string", at: SourceRange(source: source, start: start, end: start + 1)))
            add(.string(value), from: start)
            return
        }
        position += 1
        add(.string(value), from: start)
    }

    /// `\u{1F600}`; the opening backslash is at `escapeStart`, `position` is just after `u`.
    private mutating func lexUnicodeEscape(from escapeStart: Int) -> String {
        guard position < chars.count, chars[position] == "{" else {
            diagnostics.append(Diagnostic("expected '{' after \\u, as in \\u{e9}", at: SourceRange(source: source, start: escapeStart, end: position)))
            return ""
        }
        var look = position + 1
        var hex = ""
        while look < chars.count, chars[look].isHexDigit, hex.count < 8 { hex.append(chars[look]); look += 1 }
        guard look < chars.count, chars[look] == "}", let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
            diagnostics.append(Diagnostic("invalid unicode escape", at: SourceRange(source: source, start: escapeStart, end: look)))
            position = look
            return ""
        }
        position = look + 1
        return String(Character(scalar))
    }
}
