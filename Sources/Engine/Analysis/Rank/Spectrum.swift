// The singular values of one matrix and the rank measures derived from them.
import Foundation

/// Singular values of a rows × columns matrix (largest first) and the measures `rank` reports.
public struct Spectrum: Sendable, Equatable {
    /// Singular values, non-increasing.
    public let values: [Float]
    /// Rows of the matrix.
    public let rows: Int
    /// Columns of the matrix.
    public let columns: Int

    /// A spectrum from values already computed (sorted here, so any order is accepted).
    public init(values: [Float], rows: Int, columns: Int) {
        self.values = values.sorted(by: >)
        self.rows = rows
        self.columns = columns
    }

    /// The spectrum of a matrix, through `Linalg.singularValues` or `Linalg.singularValuesFromGram` as `method` picks.
    public init(of matrix: Tensor, name: String? = nil, method: SpectrumMethod = .auto) throws {
        let values = matrix.matrixShape.map { method.usesGram(rows: $0.rows, columns: $0.columns) } == true
            ? try Linalg.singularValuesFromGram(matrix, name: name)
            : try Linalg.singularValues(matrix, name: name)
        self.init(values: values, rows: matrix.shape[0], columns: matrix.shape[1])
    }

    /// The largest singular value (the spectral norm); 0 for an empty matrix.
    public var sigmaMax: Double { values.first.map(Double.init) ?? 0 }

    /// Σσ², which equals ‖W‖F²; accumulated in double.
    public var squaredFrobenius: Double { values.reduce(0) { $0 + Double($1) * Double($1) } }

    /// The Frobenius norm ‖W‖F.
    public var frobenius: Double { squaredFrobenius.squareRoot() }

    /// Numerical rank: the number of σ strictly above the threshold, as numpy's `matrix_rank`.
    ///
    /// With neither bound given the threshold is σmax·max(m,n)·ε(float32) (numpy's default for float32
    /// input); `tolerance` is absolute, `relativeTolerance` is multiplied by σmax; `tolerance` wins.
    public func numericalRank(tolerance: Double? = nil, relativeTolerance: Double? = nil) -> Int {
        let threshold = tolerance ?? sigmaMax * (relativeTolerance ?? Spectrum.defaultRelativeTolerance(rows, columns))
        return values.reduce(0) { Double($1) > threshold ? $0 + 1 : $0 }
    }

    /// numpy's default relative tolerance for a float32 matrix: max(m, n)·ε(float32).
    public static func defaultRelativeTolerance(_ rows: Int, _ columns: Int) -> Double {
        Double(max(rows, columns)) * Double(Float.ulpOfOne)
    }

    /// Effective rank (Roy & Vetterli 2007): exp of the Shannon entropy of p = σ/Σσ; 0 for a zero matrix.
    public var effectiveRank: Double {
        let total = values.reduce(0) { $0 + Double($1) }
        guard total > 0 else { return 0 }
        var entropy = 0.0
        for value in values where value > 0 {
            let p = Double(value) / total
            entropy -= p * Foundation.log(p)
        }
        return Foundation.exp(entropy)
    }

    /// Stable rank ‖W‖F²/σmax²; 0 for a zero matrix.
    public var stableRank: Double {
        let top = sigmaMax
        return top > 0 ? squaredFrobenius / (top * top) : 0
    }

    /// The smallest k whose top-k Σσ² reaches `fraction` of the total Σσ²; 0 for a zero matrix.
    public func energyRank(fraction: Double) -> Int {
        let total = squaredFrobenius
        guard total > 0 else { return 0 }
        let target = fraction * total
        var running = 0.0
        for (index, value) in values.enumerated() {
            running += Double(value) * Double(value)
            // Summed in the same order as `squaredFrobenius`, so p = 1 is reached exactly at the last σ > 0.
            if running >= target { return index + 1 }
        }
        return values.count
    }
}
