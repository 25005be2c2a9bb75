// The builtin registry that feeds help, completion and arity checks: complete and consistent.
import Testing
@testable import Lang

@Test func builtinNamesAreUnique() {
    let names = BuiltinRegistry.all.map(\.name)
    #expect(Set(names).count == names.count, "duplicates: \(names.filter { name in names.filter { $0 == name }.count > 1 })")
}

@Test(arguments: BuiltinRegistry.all.map(\.name))
func everyBuiltinIsDocumentedWithAnExampleThatParses(_ name: String) throws {
    let builtin = try #require(BuiltinRegistry.byName[name])
    #expect(!builtin.summary.isEmpty)
    #expect(builtin.example.contains(name), "the example of \(name) does not call it: \(builtin.example)")
    guard case .complete = ParseResult.parse(Source(name: "example", text: builtin.example)) else {
        Issue.record("the example of \(name) does not parse: \(builtin.example)")
        return
    }
    let help = try #require(Help.topic(name))
    #expect(help.hasPrefix(builtin.signature))
}

@Test func helpSearchFindsByNameOrSummaryAndSuggestsOtherwise() {
    #expect(Help.search("TRANSPOSE").contains("transpose(matrix)"))
    #expect(Help.search("nrom") == "no builtin matches 'nrom'; did you mean 'norm'?")
    #expect(Help.text(for: nil).contains("Builtins"))
}
