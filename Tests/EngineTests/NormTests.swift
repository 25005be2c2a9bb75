// Frobenius norms of tensors and whole models against sums derived by hand.
import Foundation
import Testing
@testable import Engine

@Suite struct NormTests {
    /// 1, 2, …, n as a float32 tensor (exact), whose Σk² is n(n+1)(2n+1)/6.
    static func counting(_ n: Int) throws -> Tensor {
        try Tensor(shape: [n], values: (1...n).map(Float.init))
    }

    static func sumOfSquares(_ n: Int) -> Double { Double(n * (n + 1) * (2 * n + 1) / 6) }

    /// Lengths below, at and around the 16-lane blocks, so both the lanes and the tail are exercised.
    @Test(arguments: [1, 15, 16, 17, 1001, 4096])
    func tensorNormIsTheSquareRootOfTheSumOfSquares(n: Int) throws {
        #expect(Linalg.norm(try Self.counting(n)) == Self.sumOfSquares(n).squareRoot())
    }

    @Test func unalignedStartIsReadCorrectly() throws {
        let values = (1...33).map(Float.init)
        values.withUnsafeBufferPointer { buffer in
            // From the third element on: 3² + … + 33², an address not 32-byte aligned.
            #expect(Linalg.sumOfSquares(buffer.baseAddress! + 2, count: 31) == Self.sumOfSquares(33) - 1 - 4)
        }
    }

    @Test func modelNormCoversEveryParameterOnce() throws {
        let ones = try Tensor(shape: [3, 5], values: Array(repeating: 1, count: 15))
        let model = Fixtures.model("m", [("a", ones), ("b", try Self.counting(1001)), ("c", try Self.counting(7))])
        #expect(try model.frobeniusNorm() == (15 + Self.sumOfSquares(1001) + Self.sumOfSquares(7)).squareRoot())
    }

    @Test func deltaNormOfAConstantShift() throws {
        let base = try Fixtures.bert(layers: 2, width: 8, feedForward: 16, vocab: 20)
        let shifted = try ModelArithmetic.apply(.add, base, scalar: 2, scalarOnLeft: false)
        // Every element moves by 2: ‖Δ‖ = 2·√(parameter count), up to float32 rounding of w + 2 − w.
        let want = 2 * Double(base.parameterCount).squareRoot()
        #expect(abs(try ModelArithmetic.delta(shifted, base).frobeniusNorm() - want) <= 1e-5 * want)
    }
}
