import Testing
@testable import Lang
@Test func formatsWholeNumbersWithoutPoint() { #expect(Value.format(7) == "7"); #expect(Value.format(2.5) == "2.5") }
