// Per-matrix statistics of a fine-tuning delta, the seed study's layer × component profile.
import Foundation

/// A statistic of one delta matrix ΔW = W_ft − W_base.
public enum DeltaStatistic: String, CaseIterable, Sendable {
    /// ‖ΔW‖F / ‖W_base‖F.
    case rel
    /// ‖ΔW‖F.
    case fro
    /// Cosine between ΔW and W_base (is the update along the weights?).
    case cos
    /// Numerical rank of ΔW (numpy's default tolerance).
    case rank
    /// Effective rank of ΔW (Roy & Vetterli).
    case erank
    /// Stable rank of ΔW.
    case srank
    /// Excess kurtosis of ΔW's entries (heavy tails mark the direction of fine-tuning in MoTHer).
    case kurtosis

    /// The statistic's value for one matrix.
    public func value(delta: Tensor, base: Tensor) throws -> Double {
        switch self {
        case .rank: return Double(try Spectrum(of: delta).numericalRank())
        case .erank: return try Spectrum(of: delta).effectiveRank
        case .srank: return try Spectrum(of: delta).stableRank
        case .rel:
            let denominator = Linalg.norm(base)
            return denominator > 0 ? Linalg.norm(delta) / denominator : .nan
        case .fro:
            return Linalg.norm(delta)
        case .cos:
            var dot = 0.0, deltaSquares = 0.0, baseSquares = 0.0
            let x = delta.buffer, y = base.buffer
            for i in 0..<x.count {
                dot += Double(x[i]) * Double(y[i])
                deltaSquares += Double(x[i]) * Double(x[i])
                baseSquares += Double(y[i]) * Double(y[i])
            }
            let denominator = (deltaSquares * baseSquares).squareRoot()
            return denominator > 0 ? dot / denominator : .nan
        case .kurtosis:
            let values = delta.buffer
            let n = Double(values.count)
            guard n > 0 else { return .nan }
            var mean = 0.0
            for value in values { mean += Double(value) }
            mean /= n
            var second = 0.0, fourth = 0.0
            for value in values {
                let centred = Double(value) - mean
                let squared = centred * centred
                second += squared
                fourth += squared * squared
            }
            second /= n
            fourth /= n
            return second > 0 ? fourth / (second * second) - 3 : .nan
        }
    }
}
