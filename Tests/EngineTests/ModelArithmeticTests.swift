// Tests for lazy model arithmetic: deltas, onlyIn lists, shape errors, task arithmetic.
import Foundation
import Testing
@testable import Engine

@Suite struct ModelArithmeticTests {
    @Test func deltaSubtractsSharedParametersAndListsTheRest() throws {
        let ft = Fixtures.model("ft", [
            ("w", try Tensor(shape: [2, 2], values: [5, 7, 9, 11])),
            ("head", try Tensor(shape: [1], values: [1])),
        ])
        let base = Fixtures.model("base", [
            ("w", try Tensor(shape: [2, 2], values: [1, 2, 3, 4])),
            ("pooler", try Tensor(shape: [1], values: [1])),
        ])
        let delta = try ModelArithmetic.delta(ft, base)
        #expect(delta.kind == .delta)
        #expect(delta.names == ["w"])
        #expect(delta.onlyInLeft == ["head"])
        #expect(delta.onlyInRight == ["pooler"])
        #expect(try delta.tensor("w").values == [4, 5, 6, 7])
        #expect(delta.name == "ft - base")
    }

    @Test func shapeMismatchNamesTheParameterWithoutReadingData() throws {
        let reads = ReadCounter()
        let a = Model(name: "a", source: "test", config: nil, parameters: [
            Parameter(name: "layer.w", shape: [2, 3], dtype: .f32) { reads.bump(); return try Tensor(shape: [2, 3], values: Array(repeating: 0, count: 6)) },
        ])
        let b = Model(name: "b", source: "test", config: nil, parameters: [
            Parameter(name: "layer.w", shape: [3, 2], dtype: .f32) { reads.bump(); return try Tensor(shape: [3, 2], values: Array(repeating: 0, count: 6)) },
        ])
        do {
            _ = try ModelArithmetic.delta(a, b)
            Issue.record("expected a shape mismatch")
        } catch let error as EngineError {
            #expect(error.description.contains("layer.w"))
            #expect(error.description.contains("2×3"))
            #expect(error.description.contains("3×2"))
        }
        #expect(reads.count == 0)
    }

    @Test func resultIsComputedOnlyWhenRead() throws {
        let reads = ReadCounter()
        let a = Model(name: "a", source: "test", config: nil, parameters: [
            Parameter(name: "w", shape: [2], dtype: .f32) { reads.bump(); return try Tensor(shape: [2], values: [1, 2]) },
        ])
        let scaled = try ModelArithmetic.apply(.multiply, a, scalar: 3, scalarOnLeft: true)
        #expect(reads.count == 0)
        #expect(try scaled.tensor("w").values == [3, 6])
        #expect(reads.count == 1)
        #expect(scaled.name == "3 * a")
    }

    @Test func taskArithmeticInterpolatesWeights() throws {
        let base = try Fixtures.bert(name: "base", seed: 3)
        let ft = try Fixtures.bert(name: "ft", seed: 4)
        let delta = try ModelArithmetic.delta(ft, base)
        let half = try ModelArithmetic.apply(.multiply, delta, scalar: 0.5, scalarOnLeft: true)
        let merged = try ModelArithmetic.apply(.add, base, half)
        #expect(merged.kind == .weights)
        #expect(half.kind == .delta)
        #expect(merged.architecture.family == "bert")
        #expect(merged.name == "base + (0.5 * (ft - base))")
        for name in ["embed", "layer.1.ff2", "layer.0.q"] {
            let b = try base.tensor(name).values, f = try ft.tensor(name).values, m = try merged.tensor(name).values
            for i in b.indices {
                // Hand derivation: b + 0.5(f − b) = (b + f)/2, up to float32 rounding of the intermediate steps.
                #expect(abs(m[i] - (b[i] + f[i]) / 2) <= 1e-6 * max(1, abs(b[i]) + abs(f[i])))
            }
        }
    }

    @Test func kindsFollowWhatTheOperandsAre() {
        #expect(ModelArithmetic.kind(.subtract, .weights, .weights) == .delta)
        #expect(ModelArithmetic.kind(.add, .weights, .delta) == .weights)
        #expect(ModelArithmetic.kind(.add, .delta, .delta) == .delta)
        #expect(ModelArithmetic.kind(.multiply, .delta, .weights) == .delta)
    }
}

/// Counts parameter reads from loader closures (which may run on any thread).
final class ReadCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func bump() { lock.lock(); value += 1; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return value }
}
