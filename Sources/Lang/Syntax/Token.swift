// Tokens the lexer produces: kinds, and the text and range each came from.

/// What kind of token.
enum TokenKind: Equatable {
    case number(Double)
    case string(String)
    case identifier(String)
    case keyword(Keyword)
    case symbol(Symbol)
    case newline
    case end
}

/// Reserved words (the shell completes them).
public enum Keyword: String, CaseIterable, Sendable {
    case `if`, `else`, `for`, `in`, `while`, `break`, `continue`, `fn`, `return`, and, or, not, `true`, `false`, none
}

/// Punctuation and operators, longest first where prefixes overlap.
enum Symbol: String, CaseIterable {
    case pipe = "|>", equalEqual = "==", bangEqual = "!=", lessEqual = "<=", greaterEqual = ">="
    case plusEqual = "+=", minusEqual = "-=", starEqual = "*=", slashEqual = "/="
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
    case less = "<", greater = ">", equal = "="
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]", leftBrace = "{", rightBrace = "}"
    case comma = ",", colon = ":", semicolon = ";", dot = "."
}

/// One token with its source range.
struct Token {
    let kind: TokenKind
    let range: SourceRange

    /// How the token reads in messages: `'+'`, `number 3`, `end of input`.
    var describe: String {
        switch kind {
        case let .number(value): return "number \(Value.format(value))"
        case let .string(text): return "string \"\(text.prefix(20))\""
        case let .identifier(name): return "'\(name)'"
        case let .keyword(keyword): return "'\(keyword.rawValue)'"
        case let .symbol(symbol): return "'\(symbol.rawValue)'"
        case .newline: return "end of line"
        case .end: return "end of input"
        }
    }
}
