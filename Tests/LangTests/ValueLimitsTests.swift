// The bounds on what a script can build, checked at their edges without allocating the result.
import Testing
@testable import Lang

struct ValueLimitsTests {
    @Test func listSizeIsCheckedBeforeConcatenating() throws {
        try Value.checkListSize(Value.maximumListItems)
        #expect(throws: RuntimeError.self) { try Value.checkListSize(Value.maximumListItems + 1) }
    }

    @Test func stringSizeIsCheckedBeforeRepeating() throws {
        try Value.checkStringSize(Value.maximumStringBytes)
        #expect(throws: RuntimeError.self) { try Value.checkStringSize(Value.maximumStringBytes + 1) }
    }

    @Test func exactIntRefusesFractionsInfinityAndHugeNumbers() {
        #expect(Value.exactInt(42) == 42)
        #expect(Value.exactInt(-3) == -3)
        #expect(Value.exactInt(2.5) == nil)
        #expect(Value.exactInt(.infinity) == nil)
        #expect(Value.exactInt(.nan) == nil)
        #expect(Value.exactInt(-1e19) == nil)
    }

    @Test func nestingCountsListsAndRecordsButStopsAtTheLimit() throws {
        var value = Value.number(1)
        for _ in 0..<5 { value = .list([value]) }
        #expect(value.nesting() == 5)
        #expect(value.nesting(limit: 3) == 3)
        #expect(Value.record(Record([("a", value)])).nesting() == 6)
    }
}
