// The parser: tokens to statements by recursive descent with precedence climbing for operators.
// Errors resynchronise at the next statement; an error at the end of input means "incomplete".

/// A parsed chunk of source.
public struct Program: Sendable {
    let statements: [Stmt]
    /// The source it was parsed from.
    public let source: Source
}

/// The result of parsing: complete, incomplete (more input would help), or failed.
public enum ParseResult: Sendable {
    case complete(Program)
    /// The input ended inside a bracket, block, string or expression; the diagnostics say where.
    case incomplete([Diagnostic])
    case failed([Diagnostic])

    /// Parses a source.
    public static func parse(_ source: Source) -> ParseResult {
        Parser.parse(source)
    }
}

private struct ParseError: Error {
    let diagnostic: Diagnostic
    let atEnd: Bool
}

struct Parser {
    private let tokens: [Token]
    private var index = 0
    /// Whether newlines are insignificant here: true inside (), [] and record braces, false in blocks.
    private var ignoreNewlines: [Bool] = [false]
    private var diagnostics: [Diagnostic] = []
    private var incomplete = false
    /// Nesting of expressions being parsed, limited so absurd input cannot exhaust the stack.
    private var depth = 0
    private static let maxDepth = 200
    /// Loops around the statement being parsed, counted from the innermost function body.
    private var loopDepth = 0
    /// Whether the statement being parsed is inside a function body.
    private var inFunction = false

    static func parse(_ source: Source) -> ParseResult {
        let lexer = Lexer.tokenize(source)
        var parser = Parser(tokens: lexer.tokens)
        let statements = parser.parseStatements(inBlock: false)
        // One typo, one error: parser errors on a line the lexer already complained about are consequences.
        if lexer.incomplete { return .incomplete(lexer.diagnostics) }
        let lexerLines = Set(lexer.diagnostics.map { $0.range.start.line })
        let diagnostics = lexer.diagnostics + parser.diagnostics.filter { !lexerLines.contains($0.range.start.line) }
        if parser.incomplete { return .incomplete(diagnostics) }
        if !diagnostics.isEmpty { return .failed(diagnostics.sorted { $0.range.start.offset < $1.range.start.offset }) }
        return .complete(Program(statements: statements, source: source))
    }

    private init(tokens: [Token]) { self.tokens = tokens }

    // MARK: tokens

    private mutating func peek() -> Token {
        if ignoreNewlines.last == true {
            while case .newline = tokens[index].kind { index += 1 }
        }
        return tokens[index]
    }

    private func peekAfterNewlines() -> Token {
        var look = index
        while case .newline = tokens[look].kind { look += 1 }
        return tokens[look]
    }

    @discardableResult
    private mutating func advance() -> Token {
        let token = peek()
        if case .end = token.kind { return token }
        index += 1
        return token
    }

    private mutating func check(_ symbol: Symbol) -> Bool {
        if case .symbol(symbol) = peek().kind { return true }
        return false
    }

    private mutating func check(_ keyword: Keyword) -> Bool {
        if case .keyword(keyword) = peek().kind { return true }
        return false
    }

    private mutating func match(_ symbol: Symbol) -> Token? {
        check(symbol) ? advance() : nil
    }

    private mutating func match(_ keyword: Keyword) -> Token? {
        check(keyword) ? advance() : nil
    }

    private mutating func skipNewlines() {
        while case .newline = tokens[index].kind { index += 1 }
    }

    private func error(_ message: String, at token: Token, notes: [Diagnostic.Note] = []) -> ParseError {
        let atEnd: Bool
        if case .end = token.kind { atEnd = true } else { atEnd = false }
        return ParseError(diagnostic: Diagnostic(message, at: token.range, notes: notes), atEnd: atEnd)
    }

    private mutating func expect(_ symbol: Symbol, _ what: String) throws -> Token {
        if let token = match(symbol) { return token }
        let found = peek()
        var message = "expected \(what), found \(found.describe)"
        if case .symbol(.equal) = found.kind { message += "; use '==' to compare" }
        throw error(message, at: found)
    }

    /// Expects the bracket closing `opener`; the message says where it was opened.
    private mutating func expectClosing(_ symbol: Symbol, opener: Token) throws -> Token {
        if let token = match(symbol) { return token }
        let found = peek()
        let opened = "\(opener.describe) opened at \(opener.range.start.line):\(opener.range.start.column)"
        if case .end = found.kind {
            throw error("unexpected end of input; \(opened) is not closed", at: found, notes: [Diagnostic.Note("opened here", at: opener.range)])
        }
        throw error("expected '\(symbol.rawValue)' to close \(opened), found \(found.describe)", at: found,
                    notes: [Diagnostic.Note("opened here", at: opener.range)])
    }

    private mutating func identifier(_ what: String) throws -> (String, Token) {
        let token = peek()
        if case let .identifier(name) = token.kind {
            advance()
            return (name, token)
        }
        if case let .keyword(keyword) = token.kind {
            throw error("expected \(what), found keyword '\(keyword.rawValue)'", at: token)
        }
        throw error("expected \(what), found \(token.describe)", at: token)
    }

    // MARK: statements

    /// Statements until `}` (in a block, not consumed) or the end of input; errors are recorded and skipped.
    private mutating func parseStatements(inBlock: Bool) -> [Stmt] {
        var statements: [Stmt] = []
        while true {
            while true {
                let token = peek()
                if case .newline = token.kind { advance(); continue }
                if case .symbol(.semicolon) = token.kind { advance(); continue }
                break
            }
            let token = peek()
            if case .end = token.kind { break }
            if case .symbol(.rightBrace) = token.kind {
                if inBlock { break }
                diagnostics.append(Diagnostic("unexpected '}' with no open block", at: token.range))
                advance()
                continue
            }
            let depth = ignoreNewlines.count
            let start = index
            do {
                statements.append(try parseStatement())
            } catch let failure as ParseError {
                ignoreNewlines.removeSubrange(depth...)
                diagnostics.append(failure.diagnostic)
                if failure.atEnd { incomplete = true; break }
                synchronize(from: start, past: index)
            } catch {
                break
            }
        }
        return statements
    }

    /// Skips to the start of the next statement: rescans the failed statement from its first token,
    /// counting brackets, and stops past the error at a newline or `;` outside brackets, or before a `}`
    /// that closes the enclosing block.
    private mutating func synchronize(from start: Int, past failure: Int) {
        var brackets = 0
        index = start
        while true {
            let token = tokens[index]
            switch token.kind {
            case .end: return
            case .newline, .symbol(.semicolon):
                index += 1
                if brackets <= 0, index > failure { return }
            case .symbol(.leftParen), .symbol(.leftBracket), .symbol(.leftBrace):
                brackets += 1
                index += 1
            case .symbol(.rightParen), .symbol(.rightBracket), .symbol(.rightBrace):
                if brackets == 0, case .symbol(.rightBrace) = token.kind, index >= failure { return }
                brackets = max(0, brackets - 1)
                index += 1
            default:
                index += 1
            }
        }
    }

    private mutating func parseStatement() throws -> Stmt {
        let token = peek()
        let statement: Stmt
        switch token.kind {
        case .keyword(.if): statement = try parseIf()
        case .keyword(.for): statement = try parseFor()
        case .keyword(.while):
            advance()
            let condition = try parseExpression()
            let (body, end) = try parseLoopBody(after: "'while' condition")
            statement = Stmt(.whileLoop(condition: condition, body: body), token.range.to(end))
        case .keyword(.break):
            advance()
            if loopDepth == 0 { misplaced(token, "'break' outside a loop") }
            statement = Stmt(.breakLoop, token.range)
        case .keyword(.continue):
            advance()
            if loopDepth == 0 { misplaced(token, "'continue' outside a loop") }
            statement = Stmt(.continueLoop, token.range)
        case .keyword(.return):
            advance()
            if !inFunction { misplaced(token, "'return' outside a function") }
            if atStatementEnd() {
                statement = Stmt(.returnValue(nil), token.range)
            } else {
                let value = try parseExpression()
                statement = Stmt(.returnValue(value), token.range.to(value.range))
            }
        case .keyword(.fn) where isNamedFunction():
            statement = try parseFunctionStatement()
        default:
            statement = try parseExpressionStatement()
        }
        try expectStatementEnd(after: statement)
        return statement
    }

    /// `fn` followed by a name (or a keyword misused as one) defines a function; `fn(` is a lambda.
    private mutating func isNamedFunction() -> Bool {
        guard index + 1 < tokens.count else { return false }
        switch tokens[index + 1].kind {
        case .identifier, .keyword: return true
        default: return false
        }
    }

    private mutating func atStatementEnd() -> Bool {
        switch peek().kind {
        case .newline, .end, .symbol(.semicolon), .symbol(.rightBrace): return true
        default: return false
        }
    }

    private mutating func expectStatementEnd(after statement: Stmt) throws {
        guard !atStatementEnd() else { return }
        let found = peek()
        var message = "expected end of statement, found \(found.describe)"
        if case .symbol(.equal) = found.kind { message = "cannot assign here, found '='; use '==' to compare" }
        if case .symbol(.leftBrace) = found.kind { message += "; blocks follow 'if', 'for', 'while' or 'fn'" }
        throw error(message, at: found)
    }

    private mutating func parseExpressionStatement() throws -> Stmt {
        let expression = try parseExpression()
        let token = peek()
        let op: BinaryOperator?
        switch token.kind {
        case .symbol(.equal): op = nil
        case .symbol(.plusEqual): op = .add
        case .symbol(.minusEqual): op = .subtract
        case .symbol(.starEqual): op = .multiply
        case .symbol(.slashEqual): op = .divide
        default:
            let echo = !check(.semicolon)
            return Stmt(.expression(expression, echo: echo), expression.range)
        }
        switch expression.kind {
        case .name, .index, .attribute: break
        case .slice: throw error("cannot assign to a slice", at: Token(kind: .symbol(.equal), range: expression.range))
        default: throw error("cannot assign to this expression; only to a name, x[i] or x.field", at: Token(kind: .symbol(.equal), range: expression.range))
        }
        advance()
        skipNewlines()
        let value = try parseExpression()
        return Stmt(.assign(target: expression, op: op, value: value), expression.range.to(value.range))
    }

    private mutating func parseIf() throws -> Stmt {
        let start = advance()
        let condition = try parseExpression()
        let (then, end) = try parseBlock(after: "'if' condition")
        var range = start.range.to(end)
        var otherwise: [Stmt]?
        if case .keyword(.else) = peekAfterNewlines().kind {
            skipNewlines()
            advance()
            if check(.if) {
                let nested = try parseIf()
                otherwise = [nested]
                range = range.to(nested.range)
            } else {
                let (block, blockEnd) = try parseBlock(after: "'else'")
                otherwise = block
                range = range.to(blockEnd)
            }
        }
        return Stmt(.ifElse(condition: condition, then: then, otherwise: otherwise), range)
    }

    private mutating func parseFor() throws -> Stmt {
        let start = advance()
        let (name, _) = try identifier("a loop variable name after 'for'")
        guard match(.in) != nil else { throw error("expected 'in' after 'for \(name)', found \(peek().describe)", at: peek()) }
        let iterable = try parseExpression()
        let (body, end) = try parseLoopBody(after: "'for' header")
        return Stmt(.forIn(name: name, iterable: iterable, body: body), start.range.to(end))
    }

    /// A loop's block, inside which `break` and `continue` are allowed.
    private mutating func parseLoopBody(after what: String) throws -> ([Stmt], SourceRange) {
        loopDepth += 1
        defer { loopDepth -= 1 }
        return try parseBlock(after: what)
    }

    /// Records a well-formed statement that has nowhere to go (as Lua and jlox do at compile time); parsing
    /// goes on, since the statement itself is complete.
    private mutating func misplaced(_ token: Token, _ message: String) {
        diagnostics.append(Diagnostic(message, at: token.range))
    }

    /// `{ statements }`; returns the statements and the range of the closing brace.
    private mutating func parseBlock(after what: String) throws -> ([Stmt], SourceRange) {
        guard let open = match(.leftBrace) else {
            let found = peek()
            var message = "expected '{' after \(what), found \(found.describe)"
            if case .symbol(.equal) = found.kind { message += "; use '==' to compare" }
            throw error(message, at: found)
        }
        try nest()
        defer { depth -= 1 }
        ignoreNewlines.append(false)
        let statements = parseStatements(inBlock: true)
        if incomplete { throw ParseError(diagnostic: diagnostics.removeLast(), atEnd: true) }
        let close = try expectClosing(.rightBrace, opener: open)
        ignoreNewlines.removeLast()
        return (statements, close.range)
    }

    private mutating func parseFunctionStatement() throws -> Stmt {
        let start = advance()
        let (name, _) = try identifier("a function name")
        let definition = try parseFunctionRest(name: name, start: start)
        return Stmt(.function(definition), definition.range)
    }

    /// Parameters and body after `fn name` (or `fn` for a lambda).
    private mutating func parseFunctionRest(name: String?, start: Token) throws -> FunctionDefinition {
        let open = try expect(.leftParen, "'(' to start the parameter list")
        ignoreNewlines.append(true)
        var parameters: [FunctionParameter] = []
        while !check(.rightParen) {
            let (parameter, token) = try identifier("a parameter name")
            if parameters.contains(where: { $0.name == parameter }) {
                throw error("duplicate parameter '\(parameter)'", at: token)
            }
            var defaultValue: Expr?
            if match(.equal) != nil {
                defaultValue = try parseExpression()
            } else if parameters.last?.defaultValue != nil {
                throw error("parameter '\(parameter)' without a default follows one with a default", at: token)
            }
            parameters.append(FunctionParameter(name: parameter, defaultValue: defaultValue, range: token.range))
            if match(.comma) == nil { break }
        }
        _ = try expectClosing(.rightParen, opener: open)
        ignoreNewlines.removeLast()
        // A body is a new context: a loop around the definition does not reach into it.
        let (outerLoops, outerFunction) = (loopDepth, inFunction)
        (loopDepth, inFunction) = (0, true)
        defer { (loopDepth, inFunction) = (outerLoops, outerFunction) }
        if match(.equal) != nil {
            skipNewlines()
            let body = try parseExpression()
            return FunctionDefinition(name: name, parameters: parameters, body: .expression(body), range: start.range.to(body.range))
        }
        if check(.leftBrace) {
            let (body, end) = try parseBlock(after: "the parameter list")
            return FunctionDefinition(name: name, parameters: parameters, body: .block(body), range: start.range.to(end))
        }
        throw error("expected '=' or '{' after the parameter list, found \(peek().describe)", at: peek())
    }

    // MARK: expressions, lowest precedence first

    private mutating func nest() throws {
        depth += 1
        if depth > Parser.maxDepth { throw error("expression nested too deeply (more than \(Parser.maxDepth) levels of brackets, blocks and operators)", at: peek()) }
    }

    mutating func parseExpression() throws -> Expr {
        try nest()
        defer { depth -= 1 }
        var left = try parseOr()
        while true {
            if !check(.pipe) {
                // A line may start with `|>` to continue a pipeline.
                guard case .symbol(.pipe) = peekAfterNewlines().kind else { break }
                skipNewlines()
            }
            advance()
            skipNewlines()
            let right = try parsePostfix()
            let range = left.range.to(right.range)
            if case let .call(callee, arguments) = right.kind {
                let piped = CallArgument(label: nil, value: left, range: left.range)
                left = Expr(.call(callee, [piped] + arguments), range)
            } else {
                left = Expr(.call(right, [CallArgument(label: nil, value: left, range: left.range)]), range)
            }
        }
        return left
    }

    /// One left-associative level: operands from `operand`, joined while `join` recognises an operator.
    private mutating func leftAssociative(_ operand: (inout Parser) throws -> Expr,
                                          _ join: (inout Parser) -> ((Expr, Expr) -> ExpressionKind)?) throws -> Expr {
        var left = try operand(&self)
        while let make = join(&self) {
            advance()
            skipNewlines()
            let right = try operand(&self)
            left = Expr(make(left, right), left.range.to(right.range))
        }
        return left
    }

    private mutating func parseOr() throws -> Expr {
        try leftAssociative({ try $0.parseAnd() }) { $0.check(.or) ? { .or($0, $1) } : nil }
    }

    private mutating func parseAnd() throws -> Expr {
        try leftAssociative({ try $0.parseNot() }) { $0.check(.and) ? { .and($0, $1) } : nil }
    }

    private mutating func parseNot() throws -> Expr {
        if let token = match(.not) {
            try nest()
            defer { depth -= 1 }
            let operand = try parseNot()
            return Expr(.unary(.not, operand), token.range.to(operand.range))
        }
        return try parseComparison()
    }

    private mutating func comparisonOperator() -> BinaryOperator? {
        switch peek().kind {
        case .symbol(.equalEqual): return .equal
        case .symbol(.bangEqual): return .notEqual
        case .symbol(.less): return .less
        case .symbol(.lessEqual): return .lessEqual
        case .symbol(.greater): return .greater
        case .symbol(.greaterEqual): return .greaterEqual
        case .keyword(.in): return .contains
        default: return nil
        }
    }

    private mutating func parseComparison() throws -> Expr {
        let left = try parseAdditive()
        guard let op = comparisonOperator() else { return left }
        advance()
        skipNewlines()
        let right = try parseAdditive()
        if comparisonOperator() != nil {
            throw error("comparisons cannot be chained; combine them with 'and'", at: peek())
        }
        return Expr(.binary(op, left, right), left.range.to(right.range))
    }

    private mutating func parseAdditive() throws -> Expr {
        try leftAssociative({ try $0.parseMultiplicative() }) { parser in
            let op: BinaryOperator? = parser.check(.plus) ? .add : (parser.check(.minus) ? .subtract : nil)
            return op.map { op in { .binary(op, $0, $1) } }
        }
    }

    private mutating func parseMultiplicative() throws -> Expr {
        try leftAssociative({ try $0.parseUnary() }) { parser in
            let op: BinaryOperator? = parser.check(.star) ? .multiply : (parser.check(.slash) ? .divide : (parser.check(.percent) ? .remainder : nil))
            return op.map { op in { .binary(op, $0, $1) } }
        }
    }

    private mutating func parseUnary() throws -> Expr {
        try nest()
        defer { depth -= 1 }
        if let token = match(.minus) {
            let operand = try parseUnary()
            return Expr(.unary(.negate, operand), token.range.to(operand.range))
        }
        if let token = match(.plus) {
            let operand = try parseUnary()
            return Expr(.unary(.plus, operand), token.range.to(operand.range))
        }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws -> Expr {
        var expression = try parsePrimary()
        while true {
            if let open = match(.leftParen) {
                let (arguments, close) = try parseArguments(open: open)
                expression = Expr(.call(expression, arguments), expression.range.to(close.range))
            } else if let open = match(.leftBracket) {
                expression = try parseSubscript(of: expression, open: open)
            } else if match(.dot) != nil {
                let (name, token) = try identifier("an attribute name after '.'")
                expression = Expr(.attribute(expression, name), expression.range.to(token.range))
            } else {
                return expression
            }
        }
    }

    private mutating func parseArguments(open: Token) throws -> ([CallArgument], Token) {
        ignoreNewlines.append(true)
        var arguments: [CallArgument] = []
        while !check(.rightParen) {
            let token = peek()
            if case let .identifier(label) = token.kind, case .symbol(.equal) = tokens[index + 1].kind {
                advance()
                advance()
                if arguments.contains(where: { $0.label == label }) {
                    throw error("keyword argument '\(label)' given twice", at: token)
                }
                let value = try parseExpression()
                arguments.append(CallArgument(label: label, value: value, range: token.range.to(value.range)))
            } else {
                let value = try parseExpression()
                if arguments.contains(where: { $0.label != nil }) {
                    throw error("positional argument after keyword arguments", at: Token(kind: .newline, range: value.range))
                }
                arguments.append(CallArgument(label: nil, value: value, range: value.range))
            }
            if match(.comma) == nil { break }
        }
        let close = try expectClosing(.rightParen, opener: open)
        ignoreNewlines.removeLast()
        return (arguments, close)
    }

    private mutating func parseSubscript(of target: Expr, open: Token) throws -> Expr {
        ignoreNewlines.append(true)
        defer { ignoreNewlines.removeLast() }
        var lower: Expr?
        if !check(.colon) { lower = try parseExpression() }
        if match(.colon) != nil {
            var upper: Expr?
            if !check(.rightBracket) { upper = try parseExpression() }
            let close = try expectClosing(.rightBracket, opener: open)
            return Expr(.slice(target, lower, upper), target.range.to(close.range))
        }
        var indices: [Expr] = lower.map { [$0] } ?? []
        while match(.comma) != nil {
            indices.append(try parseExpression())
        }
        let close = try expectClosing(.rightBracket, opener: open)
        return Expr(.index(target, indices), target.range.to(close.range))
    }

    private mutating func parsePrimary() throws -> Expr {
        let token = peek()
        switch token.kind {
        case let .number(value):
            advance()
            return Expr(.number(value), token.range)
        case let .string(text):
            advance()
            return Expr(.string(text), token.range)
        case .keyword(.true):
            advance()
            return Expr(.bool(true), token.range)
        case .keyword(.false):
            advance()
            return Expr(.bool(false), token.range)
        case .keyword(.none):
            advance()
            return Expr(.none, token.range)
        case let .identifier(name):
            advance()
            return Expr(.name(name), token.range)
        case .symbol(.leftParen):
            advance()
            ignoreNewlines.append(true)
            let inner = try parseExpression()
            let close = try expectClosing(.rightParen, opener: token)
            ignoreNewlines.removeLast()
            return Expr(inner.kind, token.range.to(close.range))
        case .symbol(.leftBracket):
            advance()
            ignoreNewlines.append(true)
            var items: [Expr] = []
            while !check(.rightBracket) {
                items.append(try parseExpression())
                if match(.comma) == nil { break }
            }
            let close = try expectClosing(.rightBracket, opener: token)
            ignoreNewlines.removeLast()
            return Expr(.list(items), token.range.to(close.range))
        case .symbol(.leftBrace):
            return try parseRecord(open: advance())
        case .keyword(.fn):
            advance()
            let definition = try parseFunctionRest(name: nil, start: token)
            return Expr(.lambda(definition), definition.range)
        case .end:
            throw error("unexpected end of input, expected an expression", at: token)
        case .keyword(.else):
            throw error("'else' without an 'if' before it; at the prompt, write '} else {' on one line", at: token)
        default:
            throw error("expected an expression, found \(token.describe)", at: token)
        }
    }

    private mutating func parseRecord(open: Token) throws -> Expr {
        ignoreNewlines.append(true)
        var fields: [(key: String, value: Expr)] = []
        while !check(.rightBrace) {
            let keyToken = peek()
            let key: String
            switch keyToken.kind {
            case let .identifier(name): key = name
            case let .string(text): key = text
            case let .keyword(keyword): key = keyword.rawValue
            default: throw error("expected a field name in record, found \(keyToken.describe)", at: keyToken)
            }
            advance()
            if fields.contains(where: { $0.key == key }) { throw error("duplicate field '\(key)' in record", at: keyToken) }
            _ = try expect(.colon, "':' after field name '\(key)'")
            fields.append((key, try parseExpression()))
            if match(.comma) == nil { break }
        }
        let close = try expectClosing(.rightBrace, opener: open)
        ignoreNewlines.removeLast()
        return Expr(.record(fields), open.range.to(close.range))
    }
}
