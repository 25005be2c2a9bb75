// Reductions, sorting, masks and joins along an axis, against values worked out by hand.
import Testing
@testable import Engine

@Suite struct TensorReductionTests {
    /// [[1, 5, 3], [4, 2, 6]] stacked twice along a new first axis, the second copy times 10: shape 2 × 2 × 3.
    private func cube() throws -> Tensor {
        try Tensor(shape: [2, 2, 3], values: [1, 5, 3, 4, 2, 6, 10, 50, 30, 40, 20, 60])
    }

    @Test func everyReductionAlongTheMiddleAxis() throws {
        let t = try cube()
        #expect(try t.reduced(.sum, axis: 1).values == [5, 7, 9, 50, 70, 90])
        #expect(try t.reduced(.mean, axis: -2).values == [2.5, 3.5, 4.5, 25, 35, 45])
        #expect(try t.reduced(.max, axis: 1).values == [4, 5, 6, 40, 50, 60])
        #expect(try t.reduced(.argmin, axis: 1).values == [0, 1, 0, 0, 1, 0])
        #expect(try t.reduced(.std, axis: 1).values == [1.5, 1.5, 1.5, 15, 15, 15])
        #expect(try t.reduced(.norm, axis: 2).values == [Float((35.0).squareRoot()), Float((56.0).squareRoot()),
                                                         Float((3500.0).squareRoot()), Float((5600.0).squareRoot())])
        #expect(try t.reduced(.sum, axis: 0).shape == [2, 3])
        #expect(throws: EngineError.self) { try t.reduced(.sum, axis: 3) }
        let nan = try Tensor(shape: [3], values: [1, .nan, 2])
        #expect(try nan.reduced(.max, axis: 0).values[0].isNaN && nan.reduced(.argmax, axis: 0).values == [1])
    }

    @Test func argsortTopKMasksAndJoins() throws {
        let v = try Tensor(shape: [5], values: [0.5, 2, 1, 2, .nan])
        #expect(try v.argsorted(axis: 0, descending: false).values == [0, 2, 1, 3, 4])
        #expect(try v.argsorted(axis: 0, descending: true).values == [1, 3, 2, 0, 4])
        let top = try v.argsorted(axis: 0, descending: true, limit: 2)
        #expect(try v.gathered(top, axis: 0).values == [2, 2])
        let m = try Tensor(shape: [3, 2], values: [1, 5, 4, 2, 0, 6])
        #expect(try m.selecting([true, false, true]).values == [1, 5, 0, 6])
        #expect(try m.selecting([false, true, true, false, false, true]).values == [5, 4, 6])
        #expect(throws: EngineError.self) { try m.selecting([true, false]) }
        #expect(try Tensor.concatenate([m, m], axis: 1).values == [1, 5, 1, 5, 4, 2, 4, 2, 0, 6, 0, 6])
        #expect(try Tensor.stack([m, m], axis: 1).shape == [3, 2, 2])
        #expect(throws: EngineError.self) { try Tensor.stack([m, v], axis: 0) }
    }
}
