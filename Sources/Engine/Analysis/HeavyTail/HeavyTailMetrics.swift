// WeightWatcher's per-matrix metrics of one empirical spectral density (the eigenvalues λ = σ² of WᵀW).
import Foundation

/// Everything WeightWatcher 0.7.7's `analyze(mp_fit=True, randomize=True)` reports for one matrix, computed
/// from its singular values (and, for `randDistance`, those of the matrix with its elements shuffled).
///
/// λ are the squared singular values, not normalised by N (WeightWatcher's default `normalize=False`);
/// logarithms are base 10 except in the entropies (natural). M = min(rows, columns), N = max.
public struct HeavyTailMetrics: Sendable, Equatable {
    /// min(rows, columns): the number of eigenvalues.
    public let m: Int
    /// max(rows, columns).
    public let n: Int
    /// The power-law fit of the tail; nil when it failed (fewer than two eigenvalues above 1e-5).
    public let fit: PowerLawFit?
    /// The Marchenko–Pastur fit of the bulk; nil for a zero matrix.
    public let marchenkoPastur: MarchenkoPasturFit?
    /// λmax = σmax².
    public let lambdaMax: Double
    /// log10 Σλ = log10 ‖W‖F².
    public let logNorm: Double
    /// log10 λmax.
    public let logSpectralNorm: Double
    /// α · log10 λmax.
    public let alphaWeighted: Double
    /// log10 Σ λ^α (the Schatten α-norm to the power α).
    public let logAlphaNorm: Double
    /// Σλ / λmax = ‖W‖F²/‖W‖₂².
    public let stableRank: Double
    /// #{σ > σmax · N · ε(float64)}: WeightWatcher's threshold (its SVD runs in float64).
    public let matrixRank: Int
    /// −Σ p ln p / ln(rank), p = λ/Σλ + 1e-10: the spectral entropy normalised by its maximum.
    public let entropy: Double
    /// Jensen–Shannon distance between the sorted eigenvalues of W and of W shuffled, each read as a
    /// distribution (nil unless a shuffled spectrum was given).
    public let randDistance: Double?

    /// The fitted exponent, −1 when the fit failed (WeightWatcher's convention).
    public var alpha: Double { fit?.alpha ?? -1 }

    /// WeightWatcher's reading of α: "over-trained" below 2, "under-trained" above 6, "" between.
    public var warning: String {
        alpha < 2 ? "over-trained" : alpha > 6 ? "under-trained" : ""
    }

    /// The metrics of a `spectrum`; `shuffled` is the spectrum of the same matrix with its elements permuted.
    public init(_ spectrum: Spectrum, shuffled: Spectrum? = nil) {
        m = min(spectrum.rows, spectrum.columns)
        n = max(spectrum.rows, spectrum.columns)
        let lambdas = HeavyTailMetrics.eigenvalues(spectrum)
        fit = PowerLawFit(eigenvalues: lambdas)
        marchenkoPastur = MarchenkoPasturFit(eigenvalues: lambdas, rows: spectrum.rows, columns: spectrum.columns)
        let total = lambdas.reduce(0, +)
        lambdaMax = lambdas.max() ?? 0
        logNorm = Foundation.log10(total)
        logSpectralNorm = Foundation.log10(lambdaMax)
        let alpha = fit?.alpha ?? -1
        alphaWeighted = alpha * logSpectralNorm
        logAlphaNorm = Foundation.log10(lambdas.reduce(0) { $0 + Foundation.pow($1, alpha) })
        stableRank = total / lambdaMax
        let threshold = lambdaMax.squareRoot() * Double(n) * Double.ulpOfOne
        let rank = lambdas.reduce(0) { $1.squareRoot() > threshold ? $0 + 1 : $0 }
        matrixRank = rank
        var entropySum = 0.0
        for lambda in lambdas {
            let p = lambda / total + 1e-10
            entropySum -= p * Foundation.log(p)
        }
        entropy = entropySum / Foundation.log(Double(rank) + 1e-10)
        randDistance = shuffled.map { HeavyTailMetrics.jensenShannon(lambdas, HeavyTailMetrics.eigenvalues($0)) }
    }

    /// λ = σ² in double, ascending.
    static func eigenvalues(_ spectrum: Spectrum) -> [Double] {
        spectrum.values.reversed().map { Double($0) * Double($0) }
    }

    /// √((KL(p‖m) + KL(q‖m))/2), m = (p + q)/2, after normalising each to sum 1 (scipy's `entropy`, natural log),
    /// paired element by element as WeightWatcher pairs the two sorted eigenvalue arrays.
    static func jensenShannon(_ first: [Double], _ second: [Double]) -> Double {
        let count = min(first.count, second.count)
        let p = Array(first.suffix(count)), q = Array(second.suffix(count))
        let sumP = p.reduce(0, +), sumQ = q.reduce(0, +)
        guard sumP > 0, sumQ > 0 else { return 0 }
        let mixture = zip(p, q).map { ($0 + $1) / 2 }
        let sumM = mixture.reduce(0, +)
        func divergence(_ values: [Double], _ sum: Double) -> Double {
            var total = 0.0
            for (value, middle) in zip(values, mixture) where value > 0 {
                let a = value / sum, b = middle / sumM
                total += a * Foundation.log(a / b)
            }
            return total
        }
        return ((divergence(p, sumP) + divergence(q, sumQ)) / 2).squareRoot()
    }
}
