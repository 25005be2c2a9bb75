// Tests for edit-distance suggestions.
import Testing
@testable import Engine

@Test func editDistanceMatchesHandComputedValues() {
    #expect(Suggest.editDistance("kitten", "sitting") == 3)
    #expect(Suggest.editDistance("", "abc") == 3)
    #expect(Suggest.editDistance("rnak", "rank") == 1)
    #expect(Suggest.closest(to: "rnak", in: ["rank", "load", "norm"]) == "rank")
    #expect(Suggest.closest(to: "zzzzzz", in: ["rank"]) == nil)
}
