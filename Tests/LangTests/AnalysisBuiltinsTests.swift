// Tests for the analysis builtins (delta, rank, spectrum) and the table display.
import Foundation
import Testing
import Engine
@testable import Lang

/// A context for calling builtins directly, without the evaluator.
private final class QuietContext: CallContext {
    var written: [String] = []
    func call(_ function: Function, _ arguments: [Value]) throws -> Value { .none }
    var sourceText: String { "" }
    func write(_ text: String) { written.append(text) }
}

private func call(_ name: String, _ positional: [Value], _ keywords: [String: Value] = [:]) throws -> Value {
    guard let builtin = BuiltinRegistry.byName[name] else { throw ArgumentError("no builtin \(name)") }
    let context = QuietContext()
    return try builtin.call(Arguments(callee: name, parameterNames: builtin.parameters.map(\.name),
                                      positional: positional, keywords: keywords, context: context))
}

/// A one-layer BERT-shaped model whose matrices are diagonal with known singular values (scaled by `scale`).
private func diagonalBERT(_ name: String, scale: Float) throws -> Model {
    func diagonal(_ rows: Int, _ columns: Int, _ values: [Float]) throws -> Tensor {
        var elements = [Float](repeating: 0, count: rows * columns)
        for (index, value) in values.enumerated() { elements[index * columns + index] = value * scale }
        return try Tensor(shape: [rows, columns], values: elements)
    }
    func embedding() throws -> Tensor {
        // Identity rows for tokens 0…3 and an all-ones row for token 4, never scaled (deltas leave it at 0).
        try Tensor(shape: [5, 4], values: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    }
    let tensors: [(String, Tensor)] = [
        ("embeddings.word_embeddings.weight", try embedding()),
        ("encoder.layer.0.attention.self.query.weight", try diagonal(4, 4, [4, 3, 0, 0])),
        ("encoder.layer.0.attention.self.key.weight", try diagonal(4, 4, [2, 2, 2, 2])),
        ("encoder.layer.0.attention.self.value.weight", try diagonal(4, 4, [1, 0, 0, 0])),
        ("encoder.layer.0.attention.output.dense.weight", try diagonal(4, 4, [3, 1, 1, 1])),
        ("encoder.layer.0.intermediate.dense.weight", try diagonal(6, 4, [5, 4, 3, 2])),
        ("encoder.layer.0.output.dense.weight", try diagonal(4, 6, [1, 1, 0, 0])),
    ]
    let parameters = tensors.map { entry in Parameter(name: entry.0, shape: entry.1.shape, dtype: .f32) { entry.1 } }
    return Model(name: name, source: "test", config: nil, parameters: parameters)
}

@Suite struct AnalysisBuiltinsTests {
    @Test func rankOfAModelIsATableOfHandDerivedRanks() throws {
        let result = try call("rank", [.model(diagonalBERT("m", scale: 1))])
        guard case let .table(table) = result else { Issue.record("rank did not return a table"); return }
        #expect(table.columnNames == ["layer", "component", "rank", "erank", "srank", "energy", "sigma_max", "fro"])
        #expect(try table.column("rank") == .int([2, 4, 1, 4, 4, 2]))
        // srank = Σσ²/σmax²: q 25/16, k 16/4, v 1, o 12/9, ff1 54/25, ff2 2.
        guard case let .double(srank) = try table.column("srank") else { Issue.record("srank not doubles"); return }
        for (got, want) in zip(srank, [25.0 / 16, 4, 1, 12.0 / 9, 54.0 / 25, 2]) { #expect(abs(got - want) < 1e-6) }
    }

    @Test func rankOptionsSelectMeasureLayersAndComponents() throws {
        let model = Value.model(try diagonalBERT("m", scale: 1))
        let result = try call("rank", [model], ["measure": .string("energy"), "components": .list([.string("ff1"), .string("q")]),
                                                "p": .number(0.5)])
        guard case let .table(table) = result else { Issue.record("rank did not return a table"); return }
        #expect(table.columnNames == ["layer", "component", "energy"])
        // q: σ² = 16, 9 → half of 25 needs 1; ff1: 25, 16, 9, 4 → half of 54 needs 2.
        #expect(try table.column("energy") == .int([1, 2]))
        #expect(throws: ArgumentError.self) { try call("rank", [model], ["measure": .string("erankk")]) }
        #expect(throws: ArgumentError.self) { try call("rank", [model], ["p": .number(1.5)]) }
        #expect(throws: ArgumentError.self) { try call("rank", [model], ["layers": .list([.number(1)])]) }
    }

    @Test func rankOfATensorIsARecordOrANumber() throws {
        let tensor = try Tensor(shape: [2, 3], values: [3, 0, 0, 0, 4, 0])
        guard case let .record(record) = try call("rank", [.tensor(tensor)]) else { Issue.record("not a record"); return }
        #expect(record.keys == Rank.measures)
        guard case let .number(fro, _)? = record["fro"] else { Issue.record("no fro"); return }
        #expect(abs(fro - 5) < 1e-6)
        guard case let .number(rank, _) = try call("rank", [.tensor(tensor)], ["measure": .string("rank")]) else {
            Issue.record("not a number"); return
        }
        #expect(rank == 2)
    }

    @Test func deltaAndSpectrum() throws {
        let ft = try diagonalBERT("ft", scale: 3), base = try diagonalBERT("base", scale: 1)
        guard case let .model(delta) = try call("delta", [.model(ft), .model(base)]) else { Issue.record("not a model"); return }
        #expect(delta.kind == .delta)
        guard case let .tensor(values) = try call("spectrum", [.model(delta), .string("layer.0.ff1")]) else {
            Issue.record("not a tensor"); return
        }
        // (3 − 1)·diag(5, 4, 3, 2).
        for (got, want) in zip(values.values, [Float(10), 8, 6, 4]) { #expect(abs(got - want) < 1e-5) }
        #expect(throws: EngineError.self) { try call("spectrum", [.model(delta), .string("layer.0.fff2")]) }
    }

    @Test func longDisplayAlignsColumnsAtOnePrecisionPerColumn() throws {
        let table = try DisplayFixtures.longTable()
        let expected = """
        layer  component  erank     fro
            0  q          260.8  0.0000
           10  ff1          3.5  0.5000
        2 rows × 4 columns
        """
        #expect(Display.table(table, measure: nil) == expected)
    }

    @Test func longTablesAreElidedInTheMiddle() throws {
        var table = Table()
        try table.append("index", .int(Array(0..<101)))
        let lines = Display.table(table, measure: nil).split(separator: "\n")
        #expect(lines.count == 1 + 40 + 1 + 10 + 1)
        #expect(lines[41] == "… 51 more rows …")
        #expect(lines[42] == "   91")
        #expect(lines.last == "101 rows × 1 columns")
        var whole = Table()
        try whole.append("index", .int(Array(0..<100)))
        #expect(Display.table(whole, measure: nil).split(separator: "\n").count == 102)
    }

    @Test func gridDisplayPutsLayersDownAndComponentsAcross() throws {
        let table = try DisplayFixtures.gridTable()
        let expected = """
        erank      q    ff1
            0  260.8  341.0
            1  255.1  339.4
        """
        #expect(Display.table(table, measure: "erank") == expected)
        #expect(Display.table(table, measure: "erankk").hasPrefix("no column named 'erankk'; did you mean 'erank'?"))
    }

    @Test func gridRowsOfEncoderDecoderTablesNameTheStack() throws {
        var table = Table()
        try table.append("stack", .string(["enc", "dec", "dec"]))
        try table.append("layer", .int([0, 0, 0]))
        try table.append("component", .string(["q", "q", "xq"]))
        try table.append("rank", .int([8, 7, 6]))
        let expected = """
        rank   q  xq
        enc 0  8
        dec 0  7   6
        """
        #expect(Display.table(table, measure: "rank") == expected)
    }
}

@Suite struct ProjectBuiltinTests {
    @Test func projectSweepsRowsAndNeedsAnEmbeddingForDeltas() throws {
        // Embedding = [I4; 1 1 1 1]: token 4 scores the sum of a vector, tokens 0…3 its entries.
        let model = try diagonalBERT("m", scale: 1)
        guard case let .table(table) = try call("project", [.model(model)], ["layer": .number(0), "component": .string("ff1"),
                                                                             "index": .list([.number(0), .number(3)]), "top": .number(2)]) else {
            Issue.record("project did not return a table"); return
        }
        #expect(table.columnNames == ["layer", "index", "rank", "token_id", "token", "score"])
        // ff1 key 0 is column 0 of diag(5,4,3,2) (d × d_ff): 5·e0 → tokens 0 and 4 score 5; key 3 is 2·e3.
        #expect(try table.column("index") == .int([0, 0, 3, 3]))
        #expect(try table.column("token_id") == .int([0, 4, 3, 4]))
        #expect(try table.column("score") == .double([5, 5, 2, 2]))
        let delta = try ModelArithmetic.delta(diagonalBERT("ft", scale: 2), model)
        #expect(throws: ArgumentError.self) { try call("project", [.model(delta)]) }
        guard case let .table(tuned) = try call("project", [.model(delta)], ["using": .model(model), "layer": .number(0),
                                                                             "index": .number(0), "top": .number(1)]) else {
            Issue.record("project did not return a table"); return
        }
        // Δff2 row 0 = e0 (diag(1,1,0,0) rows), read through the base embedding: token 0 (and 4) score 1.
        #expect(try tuned.column("token_id") == .int([0]))
    }
}

@Suite struct AlignBuiltinTests {
    @Test func alignOfAModelWithItselfMatchesEachVectorToItself() throws {
        let model = Value.model(try diagonalBERT("m", scale: 1))
        guard case let .table(layers) = try call("align", [model, model], ["component": .string("ff1")]) else {
            Issue.record("align did not return a table"); return
        }
        #expect(layers.columnNames == ["layer", "b0"])
        #expect(layers.matrices["similarity"]?.columns == MatrixAxis("layer_b", .int([0])))
        // ff1 keys 0…3 are 5e0, 4e1, 3e2, 2e3 and keys 4, 5 are zero: four best matches of cosine 1 and two of
        // 0 (a zero vector has no direction) on each side, so the layer score is 4/6.
        guard case let .double(scores) = try layers.column("b0") else { Issue.record("b0 not doubles"); return }
        #expect(abs(scores[0] - 4.0 / 6.0) < 1e-5)
        guard case let .table(matching) = try call("align", [model, model], ["component": .string("ff1"), "pair": .list([.number(0), .number(0)])]) else {
            Issue.record("align with a pair did not return a table"); return
        }
        #expect(matching.matrices["similarity"]?.values.shape == [1, 1])
        #expect(matching.matrices["scores"]?.values.shape == [6, 6])
        #expect(matching.matrices["scores"]?.rows == MatrixAxis("index_a", .int(Array(0..<6))))
        guard case let .int(columns) = try matching.column("index_b") else { Issue.record("index_b not ints"); return }
        #expect(Array(columns.prefix(4)) == [0, 1, 2, 3])
        #expect(throws: ArgumentError.self) { try call("align", [model, model], ["pair": .list([.number(0)])]) }
    }
}
