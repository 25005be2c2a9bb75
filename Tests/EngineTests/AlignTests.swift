// Tests for the Hungarian matching and for aligning models in embedding space (MiniLM with itself, permuted, unrelated).
import Foundation
import Testing
@testable import Engine

@Suite struct HungarianTests {
    @Test func handExampleAndRectangularShapes() throws {
        // Greedy would take 9 (row 0, col 0) and then 1 + 1; the optimum is 8 + 8 + 7 = 23.
        let scores: [Double] = [9, 8, 1,
                                8, 1, 1,
                                1, 7, 7]
        let assignment = try Hungarian.maximise(scores, rows: 3, columns: 3)
        let total = assignment.enumerated().reduce(0.0) { $0 + scores[$1.offset * 3 + ($1.element ?? 0)] }
        #expect(total == 23)
        #expect(try Hungarian.maximise([1, 5, 3, 2, 0, 4], rows: 2, columns: 3) == [1, 2])
        #expect(try Hungarian.maximise([1, 2, 5, 0, 3, 4], rows: 3, columns: 2) == [nil, 0, 1])
        #expect(try Hungarian.maximise([], rows: 0, columns: 3) == [])
        #expect(throws: EngineError.self) { try Hungarian.maximise([1, .nan], rows: 1, columns: 2) }
    }

    @Test(arguments: [1, 2, 3, 4])
    func matchesBruteForceOnRandomMatrices(seed: UInt64) throws {
        let n = 6
        var generator = SeededGenerator(seed: seed)
        let scores = (0..<(n * n)).map { _ in Double(generator.normal()) }
        let assignment = try Hungarian.maximise(scores, rows: n, columns: n).compactMap { $0 }
        #expect(Set(assignment).count == n)
        let best = permutations(Array(0..<n)).map { perm in perm.enumerated().reduce(0.0) { $0 + scores[$1.offset * n + $1.element] } }.max() ?? 0
        let got = assignment.enumerated().reduce(0.0) { $0 + scores[$1.offset * n + $1.element] }
        #expect(abs(got - best) < 1e-9)
    }

    private func permutations(_ items: [Int]) -> [[Int]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index -> [[Int]] in
            var rest = items
            let head = rest.remove(at: index)
            return permutations(rest).map { [head] + $0 }
        }
    }
}

@Suite struct AlignTests {
    private func miniLM() throws -> Model {
        try ModelLoader.load(PythonOracle.models.appendingPathComponent("minilm").path)
    }

    @Test func miniLMAgainstItselfIsTheIdentity() throws {
        let model = try miniLM()
        let alignment = try Align.layers(model, model, component: "o")
        #expect(alignment.matrix.values.shape == [6, 6])
        let values = alignment.matrix.values.values
        for row in 0..<6 {
            #expect(abs(values[row * 6 + row] - 1) < 1e-4)
            for column in 0..<6 where column != row { #expect(values[row * 6 + column] < values[row * 6 + row] - 0.05) }
        }
        let matching = try Align.match(model, model, component: "o", layerA: 3, layerB: 3)
        #expect(try matching.column("index_b") == .int(Array(0..<384)))
        guard case let .double(scores) = try matching.column("score") else { Issue.record("scores not doubles"); return }
        #expect(scores.allSatisfy { abs($0 - 1) < 1e-4 })
    }

    @Test func permutedKeysAreRecoveredAndCosinesMatchABruteForceImage() throws {
        let model = try miniLM()
        let raw = "encoder.layer.2.intermediate.dense.weight"   // rows are the ff1 keys
        guard let parameter = model.parameter(raw: raw) else { Issue.record("no \(raw)"); return }
        let original = try parameter.load()
        var generator = SeededGenerator(seed: 5)
        let permutation = Array(0..<1536).shuffled(using: &generator)
        let permuted = try Linalg.gatherRows(original, permutation)
        let parameters = model.parameters.map { p in
            p.name == raw ? Parameter(name: raw, shape: p.shape, dtype: .f32) { permuted } : p
        }
        let shuffled = Model(name: "shuffled", source: "test", config: model.config, parameters: parameters,
                             architecture: model.architecture, vocabulary: model.vocabulary)
        let matching = try Align.match(model, shuffled, component: "ff1", layerA: 2, layerB: 2)
        // Key i of the original is key j of the shuffled copy where permutation[j] = i.
        var inverse = [Int](repeating: 0, count: 1536)
        for (j, i) in permutation.enumerated() { inverse[i] = j }
        #expect(try matching.column("index_b") == .int(inverse))

        // One off-diagonal pair, computed the long way: the two 30522-long images and their cosine.
        let cross = try Align.match(model, model, component: "ff1", layerA: 0, layerB: 1)
        guard case let .int(columns) = try cross.column("index_b"), case let .double(scores) = try cross.column("score") else {
            Issue.record("bad match table"); return
        }
        let embed = try model.tensor("embed")
        let a = try Linalg.gatherRows(Projection.vectors(model, model.architecture.entry(canonical: "layer.0.ff1")!), [0])
        let b = try Linalg.gatherRows(Projection.vectors(model, model.architecture.entry(canonical: "layer.1.ff1")!), [columns[0]])
        let imageA = try Linalg.matmul(embed, Linalg.transpose(a)).values, imageB = try Linalg.matmul(embed, Linalg.transpose(b)).values
        var dot = 0.0, normA = 0.0, normB = 0.0
        for i in imageA.indices {
            dot += Double(imageA[i]) * Double(imageB[i]); normA += Double(imageA[i] * imageA[i]); normB += Double(imageB[i] * imageB[i])
        }
        #expect(abs(scores[0] - dot / (normA * normB).squareRoot()) < 1e-4)
    }

    @Test func unrelatedModelsScoreBelowAFineTunedCopy() throws {
        let base = try Fixtures.bert(layers: 3, width: 16, feedForward: 32, vocab: 300, seed: 1)
        let other = try Fixtures.bert(layers: 3, width: 16, feedForward: 32, vocab: 300, seed: 2)
        let noise = try Fixtures.bert(layers: 3, width: 16, feedForward: 32, vocab: 300, seed: 3)
        let tuned = try ModelArithmetic.apply(.add, base, ModelArithmetic.apply(.multiply, noise, scalar: 0.05, scalarOnLeft: false))
        let selfAligned = try Align.layers(base, tuned, component: "ff2").matrix.values.values
        let unrelated = try Align.layers(base, other, component: "ff2").matrix.values.values
        for layer in 0..<3 {
            #expect(selfAligned[layer * 3 + layer] > 0.95)
            #expect(unrelated[layer * 3 + layer] < 0.8)
        }
    }
}
