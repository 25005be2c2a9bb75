// Tests for matrix products with operands transposed in place, against hand-computed products.
import Testing
@testable import Engine

@Suite struct LinalgTests {
    /// a = [[1, 2, 3], [4, 5, 6]].
    private func a() throws -> Tensor { try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]) }

    @Test func transposedOperandsMatchHandProducts() throws {
        let a = try a()
        // aᵀa: dot products of the columns (1, 4), (2, 5), (3, 6).
        let gram = try Linalg.matmul(a, a, transposeA: true)
        #expect(gram.shape == [3, 3])
        #expect(gram.values == [17, 22, 27, 22, 29, 36, 27, 36, 45])
        // aaᵀ: dot products of the rows (1, 2, 3), (4, 5, 6).
        let outer = try Linalg.matmul(a, a, transposeB: true)
        #expect(outer.shape == [2, 2])
        #expect(outer.values == [14, 32, 32, 77])
        // aᵀbᵀ = (ba)ᵀ with b = [[1, 0], [0, 1], [1, 1]]: ba = [[1, 2, 3], [4, 5, 6], [5, 7, 9]].
        let b = try Tensor(shape: [3, 2], values: [1, 0, 0, 1, 1, 1])
        let both = try Linalg.matmul(a, b, transposeA: true, transposeB: true)
        #expect(both.shape == [3, 3])
        #expect(both.values == [1, 4, 5, 2, 5, 7, 3, 6, 9])
    }

    @Test func innerDimensionsAreCheckedAfterTransposing() throws {
        let a = try a()
        #expect(throws: EngineError.self) { try Linalg.matmul(a, a) }
        #expect(throws: EngineError.self) { try Linalg.matmul(a, a, transposeA: true, transposeB: true) }
    }

    @Test func rowMeanAndCentringByRankOneUpdate() throws {
        let a = try a()  // rows (1, 2, 3), (4, 5, 6)
        #expect(try Linalg.rowMean(a).values == [2.5, 3.5, 4.5])
        // aᵀa/2 − mean·meanᵀ is the population covariance of the columns: every entry (4−1)²/4 = 2.25.
        let covariance = try Linalg.scaledMinusOuter(try Linalg.matmul(a, a, transposeA: true), scale: 0.5,
                                                     try Linalg.rowMean(a), try Linalg.rowMean(a))
        #expect(covariance.values.allSatisfy { abs($0 - 2.25) < 1e-5 })
        #expect(throws: EngineError.self) { try Linalg.scaledMinusOuter(a, scale: 1, try Linalg.rowMean(a), try Linalg.rowMean(a)) }
    }
}
