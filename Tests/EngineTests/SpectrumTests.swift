// Tests for singular values and each rank measure against hand derivations and matrices of known rank.
import Foundation
import Testing
@testable import Engine

@Suite struct SpectrumTests {
    /// diag(3, 2, 1, 0) inside a 4×6 matrix: σ = 3, 2, 1, 0.
    private func diagonal() throws -> Tensor {
        var values = [Float](repeating: 0, count: 24)
        values[0] = 3; values[7] = 2; values[14] = 1
        return try Tensor(shape: [4, 6], values: values)
    }

    @Test func singularValuesOfADiagonalMatrix() throws {
        let values = try Linalg.singularValues(diagonal())
        #expect(values.count == 4)
        for (got, want) in zip(values, [Float(3), 2, 1, 0]) { #expect(abs(got - want) < 1e-6) }
    }

    @Test func everyMeasureOfADiagonalMatrixMatchesItsHandDerivation() throws {
        let spectrum = try Spectrum(of: diagonal())
        #expect(spectrum.numericalRank() == 3)
        // p = (1/2, 1/3, 1/6): H = ½ln2 + ⅓ln3 + ⅙ln6.
        let entropy = 0.5 * log(2.0) + log(3.0) / 3 + log(6.0) / 6
        #expect(abs(spectrum.effectiveRank - exp(entropy)) < 1e-6)
        #expect(abs(spectrum.stableRank - 14.0 / 9.0) < 1e-6)
        // Σσ² = 14; cumulative 9, 13, 14: 0.9·14 = 12.6 needs k = 2, 0.5·14 = 7 needs k = 1, all of it k = 3.
        #expect(spectrum.energyRank(fraction: 0.9) == 2)
        #expect(spectrum.energyRank(fraction: 0.5) == 1)
        #expect(spectrum.energyRank(fraction: 1) == 3)
        #expect(abs(spectrum.sigmaMax - 3) < 1e-6)
        #expect(abs(spectrum.frobenius - 14.0.squareRoot()) < 1e-6)
    }

    @Test func tolerancesAreAbsoluteOrRelative() throws {
        let spectrum = Spectrum(values: [10, 5, 1, 0.01], rows: 4, columns: 4)
        #expect(spectrum.numericalRank() == 4)
        #expect(spectrum.numericalRank(tolerance: 1) == 2)          // strictly above, as numpy
        #expect(spectrum.numericalRank(tolerance: 0.5) == 3)
        #expect(spectrum.numericalRank(relativeTolerance: 0.2) == 2)  // threshold 2
        #expect(spectrum.numericalRank(tolerance: 0.5, relativeTolerance: 0.9) == 3)
    }

    @Test(arguments: [(4, 100), (100, 4)])
    func defaultToleranceScalesWithTheLargerDimension(rows: Int, columns: Int) throws {
        // σ = (1, 1e-6) in a 4×100 matrix (and its transpose): numpy's float32 matrix_rank says 1, because the
        // threshold is 1·max(4, 100)·ε = 1.19e-5; with min(4, 100) it would be 4.8e-7 and σ₂ would count.
        var values = [Float](repeating: 0, count: rows * columns)
        values[rows < columns ? 37 : 37 * columns] = 1
        values[rows < columns ? 3 * columns + 81 : 81 * columns + 3] = 1e-6
        let spectrum = try Spectrum(of: Tensor(shape: [rows, columns], values: values))
        #expect(abs(spectrum.values[0] - 1) < 1e-6 && abs(spectrum.values[1] - 1e-6) < 1e-9)
        #expect(spectrum.numericalRank() == 1)
        #expect(abs(Spectrum.defaultRelativeTolerance(rows, columns) - 100 * 1.1920928955078125e-7) < 1e-15)
    }

    @Test(arguments: [1, 5, 17])
    func productOfRandomFactorsHasItsInnerRank(rank: Int) throws {
        let left = try Fixtures.random([60, rank], seed: UInt64(rank))
        let right = try Fixtures.random([rank, 40], seed: UInt64(rank + 100))
        let product = try Linalg.matmul(left, right)
        #expect(try Spectrum(of: product).numericalRank() == rank)
        #expect(try Spectrum(of: Linalg.transpose(product)).numericalRank() == rank)
    }

    @Test func transposeHasTheSameSpectrum() throws {
        let matrix = try Fixtures.random([7, 13], seed: 9)
        let a = try Linalg.singularValues(matrix)
        let b = try Linalg.singularValues(Linalg.transpose(matrix))
        for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-5 * a[0]) }
        // Σσ² equals the sum of squared entries.
        let frobenius = Linalg.norm(matrix)
        #expect(abs(Spectrum(values: a, rows: 7, columns: 13).frobenius - frobenius) < 1e-4 * frobenius)
    }

    @Test func zeroMatrixHasZeroMeasures() throws {
        let spectrum = try Spectrum(of: Tensor(shape: [3, 2], values: Array(repeating: 0, count: 6)))
        #expect(spectrum.numericalRank() == 0)
        #expect(spectrum.effectiveRank == 0)
        #expect(spectrum.stableRank == 0)
        #expect(spectrum.energyRank(fraction: 0.9) == 0)
    }

    @Test func nonFiniteInputIsATypedError() throws {
        let bad = try Tensor(shape: [2, 2], values: [1, .nan, 0, 1])
        #expect(throws: EngineError.self) { try Linalg.singularValues(bad, name: "layer.0.q") }
        let vector = try Tensor(shape: [3], values: [1, 2, 3])
        #expect(throws: EngineError.self) { try Linalg.singularValues(vector) }
    }
}
