// The power-law fit of an eigenvalue tail as WeightWatcher 0.7.7 does it: MLE α per xmin, the smallest KS distance wins.
import Foundation

/// A continuous power law p(λ) ∝ λ^−α fitted to the tail λ ≥ xmin of an empirical spectral density.
///
/// WeightWatcher's default fit (`WWFit`, `pl_package="ww"`, `fix_fingers=False`): the eigenvalues above
/// 1e-5, sorted; every one but the largest is an xmin candidate; for the tail of n values from candidate i,
/// α = 1 + n / Σ ln(λⱼ/xmin) and D = maxⱼ |1 − (λⱼ/xmin)^(1−α) − j/n| (j = 0…n−1, the empirical CDF
/// taken before each step); the first candidate with the smallest D wins. Tails shorter than 20 values use
/// its small-sample fit instead (see `smallSample`).
public struct PowerLawFit: Sendable, Equatable {
    /// The fitted exponent α.
    public let alpha: Double
    /// The smallest eigenvalue of the fitted tail.
    public let xmin: Double
    /// The largest eigenvalue (WeightWatcher's `xmax`).
    public let xmax: Double
    /// The Kolmogorov–Smirnov distance of the fit, as WeightWatcher measures it.
    public let distance: Double
    /// The standard error (α − 1)/√n of α.
    public let sigma: Double
    /// The number of eigenvalues in the tail (λ ≥ xmin among all eigenvalues: WeightWatcher's `num_pl_spikes`).
    public let tailCount: Int

    /// Eigenvalues at or below this are left out of the fit (WeightWatcher's `EVALS_THRESH`).
    public static let threshold = 1e-5
    /// Fewer fitted eigenvalues than this use the small-sample fit (`SMALL_N_CUTOFF`).
    public static let smallSampleCutoff = 20

    /// The fit of `eigenvalues` (any order); nil when fewer than two exceed `threshold` (WeightWatcher then
    /// reports a failed fit, α = −1).
    ///
    /// Cost: one sort, one prefix sum of logarithms (so α of every candidate is O(1)), and for D a scan of
    /// each candidate's tail that stops as soon as it reaches the best D so far: the candidate cannot win
    /// then (ties keep the earlier one, as numpy's argmin does), so only winners are scanned to the end.
    public init?(eigenvalues: [Double]) {
        let data = eigenvalues.filter { $0 > PowerLawFit.threshold }.sorted()
        guard data.count >= 2 else { return nil }
        let logs = data.map { Foundation.log($0) }
        // suffix[i] = Σ_{j ≥ i} ln λⱼ, so Σ ln(λⱼ/λᵢ) over the tail is suffix[i] − n·ln λᵢ.
        var suffix = [Double](repeating: 0, count: data.count + 1)
        for index in stride(from: data.count - 1, through: 0, by: -1) { suffix[index] = suffix[index + 1] + logs[index] }
        let choice = data.count < PowerLawFit.smallSampleCutoff
            ? PowerLawFit.smallSample(logs, suffix) : PowerLawFit.standard(logs, suffix)
        let tail = Double(data.count - choice.index)
        alpha = choice.alpha
        xmin = data[choice.index]
        xmax = data[data.count - 1]
        distance = choice.distance
        sigma = (choice.alpha - 1) / tail.squareRoot()
        let cut = xmin
        tailCount = eigenvalues.reduce(0) { $1 >= cut ? $0 + 1 : $0 }
    }

    /// The winning candidate: its index in the sorted data, α and D.
    typealias Choice = (index: Int, alpha: Double, distance: Double)

    /// WeightWatcher's `fit_power_law_standard`: MLE α per candidate, the first smallest D wins.
    static func standard(_ logs: [Double], _ suffix: [Double]) -> Choice {
        var best: Choice = (0, 0, .infinity)
        for index in 0..<(logs.count - 1) {
            let n = logs.count - index
            let alpha = 1 + Double(n) / (suffix[index] - Double(n) * logs[index])
            // A candidate whose α ≤ 1 keeps D = 1 (WeightWatcher's initial value) and can still win if all do.
            guard alpha > 1 else {
                if 1 < best.distance { best = (index, alpha, 1) }
                continue
            }
            if let distance = ksDistance(logs, from: index, alpha: alpha, below: best.distance) {
                best = (index, alpha, distance)
            }
        }
        return best
    }

    /// WeightWatcher's `fit_powerlaw_smallN`: α = 1 + (n − 1)/Σ ln(λ/xmin) over tails of at least 8 values,
    /// chosen by the smallest D − 0.868/√n; all of the data as the tail when no candidate qualifies.
    static func smallSample(_ logs: [Double], _ suffix: [Double]) -> Choice {
        var best: Choice?
        var bestObjective = Double.infinity
        for index in 0..<(logs.count - 1) {
            let n = logs.count - index
            let sum = suffix[index] - Double(n) * logs[index]
            guard n >= 8, sum > 1e-12 else { continue }
            let alpha = 1 + Double(n - 1) / sum
            guard alpha > 1, let distance = ksDistance(logs, from: index, alpha: alpha, below: .infinity) else { continue }
            let objective = distance - 0.868 / Double(n).squareRoot()
            if objective < bestObjective { (best, bestObjective) = ((index, alpha, distance), objective) }
        }
        if let best { return best }
        let n = logs.count
        let sum = suffix[0] - Double(n) * logs[0]
        guard sum > 1e-12 else { return (0, 1, 1) }
        let alpha = 1 + Double(n - 1) / sum
        return (0, alpha, ksDistance(logs, from: 0, alpha: alpha, below: .infinity) ?? 1)
    }

    /// maxⱼ |1 − (λⱼ/λ_from)^(1−α) − j/n| over the tail starting at `from`, or nil as soon as it reaches `below`.
    static func ksDistance(_ logs: [Double], from start: Int, alpha: Double, below bound: Double) -> Double? {
        let n = Double(logs.count - start)
        let base = logs[start]
        var largest = 0.0
        for offset in 0..<(logs.count - start) {
            let theoretical = 1 - Foundation.exp((1 - alpha) * (logs[start + offset] - base))
            let gap = abs(theoretical - Double(offset) / n)
            if gap > largest {
                largest = gap
                if largest >= bound { return nil }
            }
        }
        return largest
    }
}
