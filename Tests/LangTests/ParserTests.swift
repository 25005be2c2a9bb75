// The parser's verdicts that drive the REPL: complete, incomplete (ask for another line), or failed.
import Testing
@testable import Lang

private func verdict(_ text: String) -> String {
    switch ParseResult.parse(Source(name: "<test>", text: text)) {
    case .complete: return "complete"
    case .incomplete: return "incomplete"
    case .failed: return "failed"
    }
}

@Test(arguments: [
    "1 + 2", "x = [1, 2]", "if x { }", "fn f(a) = a", "fn f(a) {\n return a\n}", "\"a\\\"b\"", "", "# only a comment",
    "{a: 1}", "x |> f", "for i in xs { print(i) }", "if a { } else { }",
])
func complete(_ text: String) {
    #expect(verdict(text) == "complete", "\(text)")
}

@Test(arguments: [
    "print(", "x = [1,", "if x {", "fn f(a) {", "while true {\n  x = 1", "\"open string", "1 +", "x =", "{a: 1,",
    "f(1,\n 2", "for i in xs {\n if i {\n", "fn f(", "m[\"layer", "x = 'it\\'s",
])
func incomplete(_ text: String) {
    #expect(verdict(text) == "incomplete", "\(text)")
}

@Test(arguments: ["1 +* 2", "x = )", "if x = 1 { }", "1 2", "f(a=1, 2)", "}", "x = 1 & 2"])
func failed(_ text: String) {
    #expect(verdict(text) == "failed", "\(text)")
}

@Test func diagnosticRendersNameLineColumnSourceAndCaret() {
    let source = Source(name: "s.mvs", text: "a = 1\nb = a +* 2\n")
    guard case let .failed(diagnostics) = ParseResult.parse(source) else {
        Issue.record("expected a parse failure")
        return
    }
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?.render() == "s.mvs:2:8: error: expected an expression, found '*'\nb = a +* 2\n       ^")
}

@Test func caretLinesUpUnderTabs() {
    let source = Source(name: "t.mvs", text: "\tx = nope\n")
    let diagnostic = Diagnostic("unknown", at: SourceRange(source: source, start: 5, end: 9))
    #expect(diagnostic.render() == "t.mvs:1:6: error: unknown\n\tx = nope\n\t    ^~~~")
}
