// Table verbs and column arithmetic in Engine, against values worked out by hand.
import Testing
@testable import Engine

@Suite struct TableVerbsTests {
    /// task a: erank 10, 20, 30 (layers 0, 1, 1); task b: 1, NaN, 3 (layers 0, 0, 1).
    private func sample() throws -> Table {
        try Table(columns: [("task", .string(["a", "b", "a", "b", "a", "b"])), ("layer", .int([0, 0, 1, 0, 1, 1])),
                            ("erank", .double([10, 1, 20, .nan, 30, 3]))])
    }

    @Test func groupSkipsNaNAndUsesTheSampleStandardDeviation() throws {
        let g = try sample().grouped(by: ["task"], aggregations: [.mean, .std, .count], values: ["erank"])
        #expect(g.columnNames == ["task", "erank_mean", "erank_std", "count"])
        #expect(try g.column("task") == .string(["a", "b"]))
        // a: mean 20, std √((100 + 0 + 100) / 2) = 10; b: 1 and 3 (NaN skipped), mean 2, std √2.
        guard case let .double(means) = try g.column("erank_mean"), case let .double(stds) = try g.column("erank_std") else {
            Issue.record("aggregates are doubles"); return
        }
        #expect(means == [20, 2])
        #expect(stds[0] == 10 && abs(stds[1] - 2.0.squareRoot()) < 1e-12)
        #expect(try g.column("count") == .int([3, 3]))
        // Whole numbers stay whole under sum and max: layers of a are 0, 1, 1; of b 0, 0, 1.
        let sums = try sample().grouped(by: ["task"], aggregations: [.sum, .max], values: ["layer"])
        #expect(try sums.column("layer_sum") == .int([2, 1]) && sums.column("layer_max") == .int([1, 1]))
    }

    @Test func sortIsStableWithNaNLastBothWays() throws {
        let t = try sample()
        #expect(try t.sorted(by: ["erank"]).column("erank").doubles?.prefix(5) == [1, 3, 10, 20, 30])
        #expect(try t.sorted(by: ["erank"], descending: true).column("layer") == .int([1, 1, 0, 1, 0, 0]))
        #expect(try t.sorted(by: ["task", "layer"]).column("erank").doubles?.first == 10)
    }

    @Test func pivotConcatJoinAndMasks() throws {
        let t = try sample()
        let p = try t.grouped(by: ["task", "layer"], aggregations: [.max], values: ["erank"]).pivot(rows: "layer", columns: "task", values: "erank")
        #expect(p.columnNames == ["layer", "a", "b"])
        #expect(try p.column("a") == .double([10, 30]) && p.column("b") == .double([1, 3]))
        let both = try Table.concatenated([t, t.rows([0])], key: "from", labels: ["x", "y"])
        #expect(both.rowCount == 7)
        #expect(try both.column("from") == .string(["x", "x", "x", "x", "x", "x", "y"]))
        let names = try Table(columns: [("task", .string(["b", "a", "c"])), ("name", .string(["B", "A", "C"]))])
        let joined = try Table.joined(t, names, on: ["task"])
        #expect(try joined.column("name") == .string(["A", "B", "A", "B", "A", "B"]))
        let mask = try Column.compare(.greater, t.column("erank"), .double([5]))
        #expect(mask == [true, false, true, false, true, false])
        #expect(try t.rows(where: mask).column("erank") == .double([10, 20, 30]))
        #expect(throws: EngineError.self) { try t.rows(where: [true]) }
        #expect(try Column.arithmetic(.add, .int([1, 2]), .int([10])) == .int([11, 12]))
        #expect(try Column.arithmetic(.divide, .int([1, 3]), .int([2, 2])) == .double([0.5, 1.5]))
        #expect(throws: EngineError.self) { try Column.arithmetic(.add, .int([1, 2]), .int([1, 2, 3])) }
        #expect(throws: EngineError.self) { try Column.arithmetic(.add, .int([Int.max]), .int([1])) }
    }
}
