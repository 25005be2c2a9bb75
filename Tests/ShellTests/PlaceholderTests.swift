import Testing
@Test func shellTestsRun() { #expect(1 + 1 == 2) }
