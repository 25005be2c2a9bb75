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

    @Test(arguments: [1, 5, 17], SpectrumMethod.allCases)
    func productOfRandomFactorsHasItsInnerRank(rank: Int, method: SpectrumMethod) throws {
        let left = try Fixtures.random([60, rank], seed: UInt64(rank))
        let right = try Fixtures.random([rank, 40], seed: UInt64(rank + 100))
        let product = try Linalg.matmul(left, right)
        #expect(try Spectrum(of: product, method: method).numericalRank() == rank)
        #expect(try Spectrum(of: Linalg.transpose(product), method: method).numericalRank() == rank)
    }

    /// A 300 × 3 matrix with orthogonal columns: column j is ±a_j on its own 100 rows, so σ_j = a_j·√100 —
    /// and its 3 × 300 transpose, which takes the wide branch (blocks of columns) of the Gram route.
    @Test func gramRouteGivesTheSingularValuesOfOrthogonalColumns() throws {
        let scales: [Float] = [0.5, 4, 0.001]
        var values = [Float](repeating: 0, count: 300 * 3)
        for row in 0..<300 { values[row * 3 + row / 100] = scales[row / 100] * (row % 2 == 0 ? 1 : -1) }
        let tall = try Tensor(shape: [300, 3], values: values)
        for matrix in [tall, try Linalg.transpose(tall)] {
            let got = try Linalg.singularValuesFromGram(matrix)
            for (value, want) in zip(got, [Float(40), 5, 0.01]) { #expect(abs(value - want) <= 1e-6 * want, "\(got)") }
        }
    }

    /// Long sides of several Gram blocks (block = 2^19 / short rows, at least 256), tall and wide: the blocks add up.
    @Test(arguments: [[300_000, 2], [2, 300_000], [600, 1000]])
    func gramRouteAccumulatesBlocks(shape: [Int]) throws {
        // Each row (tall) or column (wide) is a multiple of one unit vector of the short side: σ_j² = Σ of the
        // squared multiples that land on j (every fourth value along the long side, by construction).
        let (rows, columns) = (shape[0], shape[1])
        let short = min(rows, columns), long = max(rows, columns)
        var values = [Float](repeating: 0, count: rows * columns)
        var sums = [Double](repeating: 0, count: short)
        for index in 0..<long {
            let j = (index / 4) % short, value = Float(index % 7) + 1
            values[rows >= columns ? index * columns + j : j * columns + index] = value
            sums[j] += Double(value * value)
        }
        let got = try Linalg.singularValuesFromGram(Tensor(shape: shape, values: values))
        let want = sums.map { $0.squareRoot() }.sorted(by: >)
        for (value, expected) in zip(got, want) { #expect(abs(Double(value) - expected) <= 1e-6 * expected) }
    }

    @Test func autoTakesTheGramRouteFromHalfAsLongAgainAsWideOrFrom1024() {
        #expect(SpectrumMethod.auto.usesGram(rows: 576, columns: 384))
        #expect(SpectrumMethod.auto.usesGram(rows: 384, columns: 30522))
        #expect(!SpectrumMethod.auto.usesGram(rows: 575, columns: 384))
        #expect(!SpectrumMethod.auto.usesGram(rows: 768, columns: 768))
        #expect(!SpectrumMethod.auto.usesGram(rows: 1023, columns: 1100))
        #expect(SpectrumMethod.auto.usesGram(rows: 1024, columns: 1024))
        #expect(SpectrumMethod.auto.usesGram(rows: 2048, columns: 2048))
        #expect(!SpectrumMethod.auto.usesGram(rows: 0, columns: 5))
        #expect(SpectrumMethod.gram.usesGram(rows: 10, columns: 10))
        #expect(!SpectrumMethod.svd.usesGram(rows: 1000, columns: 1))
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
        // The Gram route names the same element, tall or wide, NaN or infinity.
        for (shape, index, value) in [([3, 2], 3, Float.infinity), ([2, 3], 4, -.infinity), ([2, 3], 1, .nan)] {
            var values = [Float](repeating: 1, count: 6)
            values[index] = value
            let matrix = try Tensor(shape: shape, values: values)
            #expect(throws: EngineError.numerical("layer.0.q: element \(index) is \(value), no singular values")) {
                try Linalg.singularValuesFromGram(matrix, name: "layer.0.q")
            }
        }
        #expect(try Linalg.singularValuesFromGram(Tensor(shape: [0, 3], values: [])).isEmpty)
        let vector = try Tensor(shape: [3], values: [1, 2, 3])
        #expect(throws: EngineError.self) { try Linalg.singularValues(vector) }
    }
}
