// WeightWatcher's Marchenko–Pastur fit of an ESD: the bulk's scale σ, its edge, the spikes above it, mp_softrank.
import Foundation

/// The Marchenko–Pastur (quarter-circle when square) law fitted to an eigenvalue spectrum as
/// WeightWatcher 0.7.7's `mp_fit` does it.
///
/// The eigenvalues of an N × M matrix (N ≥ M, Q = N/M) are rescaled to mean 1; their density is estimated
/// with a linear kernel of bandwidth 0.1 at 1000 points on [0, λmax + 0.5] (singular values instead of
/// eigenvalues when Q = 1); σ minimises the squared difference between the law and that density where the
/// density exceeds 0.01 (a grid σ ∈ [0.05 s, 2 s) in steps of 0.01 s, s = √(λmax/(1+1/√Q)²), then
/// Nelder–Mead from the best grid point: `scipy.optimize.brute` with its default finish). The bulk edge is
/// λ₊ = (σ(1 + 1/√Q))²; spikes are the rescaled eigenvalues above λ₊ + √(Q^−½ λ₊^⅔ M^−⅔) (its
/// Tracy–Widom allowance), and mp_softrank = λ₊ / λmax.
public struct MarchenkoPasturFit: Sendable, Equatable {
    /// The fitted scale σ of the rescaled spectrum (WeightWatcher's `sigma_mp`).
    public let sigma: Double
    /// The bulk edge λ₊ in the units of the original eigenvalues (WeightWatcher's `bulk_max`).
    public let bulkMax: Double
    /// The number of eigenvalues beyond the bulk edge and its Tracy–Widom allowance (`num_spikes`).
    public let spikes: Int
    /// λ₊ / λmax (`mp_softrank`): near 1 when the spectrum is all bulk (random-like), near 0 when spikes dominate.
    public let softRank: Double

    /// The fit of `eigenvalues` (any order) of a matrix with `rows`/`columns`; nil for an empty or zero spectrum.
    public init?(eigenvalues: [Double], rows: Int, columns: Int) {
        let small = min(rows, columns), large = max(rows, columns)
        let total = eigenvalues.reduce(0, +)
        guard small > 0, !eigenvalues.isEmpty, total > 0 else { return nil }
        let q = Double(large) / Double(small)
        let scale = Double(eigenvalues.count) / total
        let rescaled = eigenvalues.map { $0 * scale }.sorted()
        let lambdaMax = rescaled[rescaled.count - 1]
        let square = q == 1
        let samples = square ? rescaled.map { $0.squareRoot() } : rescaled
        let density = MarchenkoPasturFit.density(samples)
        let objective = { (sigma: Double) in MarchenkoPasturFit.residual(sigma, density, q: q) }
        let start = lambdaMax / ((1 + 1 / q.squareRoot()) * (1 + 1 / q.squareRoot()))
        let grid = MarchenkoPasturFit.arange(0.05 * start.squareRoot(), 2 * start.squareRoot(), 0.01 * start.squareRoot())
        var bestIndex = 0, bestValue = Double.infinity
        for (index, sigma) in grid.enumerated() {
            let value = objective(sigma)
            if value < bestValue { (bestIndex, bestValue) = (index, value) }
        }
        let sigma = grid.isEmpty ? start.squareRoot() : NelderMead.minimize(objective, from: grid[bestIndex])
        let edge = (sigma * (1 + 1 / q.squareRoot())) * (sigma * (1 + 1 / q.squareRoot()))
        let tracyWidom = 1 / q.squareRoot() * Foundation.pow(edge, 2.0 / 3) * Foundation.pow(Double(small), -2.0 / 3)
        let cutoff = edge + tracyWidom.squareRoot()
        self.sigma = sigma
        bulkMax = edge / scale
        spikes = rescaled.reduce(0) { $1 > cutoff ? $0 + 1 : $0 }
        softRank = edge / lambdaMax
    }

    /// The kernel density estimate at the grid points where it exceeds 0.01.
    typealias Density = (x: [Double], y: [Double])

    /// sklearn's `KernelDensity(kernel="linear", bandwidth=0.1)` at 1000 points on [0, max + 0.5]:
    /// Σ max(0, 1 − |x − xᵢ|/h) / (n h), summed over the samples within h of each point (samples sorted).
    static func density(_ samples: [Double]) -> Density {
        let bandwidth = 0.1, count = 1000
        let stop = (samples.last ?? 0) + 0.5
        let step = stop / Double(count - 1)
        var xs: [Double] = [], ys: [Double] = []
        var low = 0
        for point in 0..<count {
            // numpy's linspace: start + i·step, with the last point exactly the stop.
            let x = point == count - 1 ? stop : Double(point) * step
            while low < samples.count, samples[low] <= x - bandwidth { low += 1 }
            var sum = 0.0
            var index = low
            while index < samples.count, samples[index] < x + bandwidth {
                sum += 1 - abs(x - samples[index]) / bandwidth
                index += 1
            }
            let y = sum / (Double(samples.count) * bandwidth)
            if y > 0.01 { xs.append(x); ys.append(y) }
        }
        return (xs, ys)
    }

    /// WeightWatcher's `resid_mp` summed: Σ (law(x; σ) − density(x))², or 1000² per point when the MP edges
    /// fall on the wrong side of the density's peak or beyond its support.
    static func residual(_ sigma: Double, _ density: Density, q: Double) -> Double {
        let (xs, ys) = density
        guard let peakIndex = ys.indices.max(by: { ys[$0] < ys[$1] || (ys[$0] == ys[$1] && $0 > $1) }) else { return 0 }
        var law: (Double) -> Double
        if q == 1 {
            // The quarter-circle law of singular values, as WeightWatcher writes it (σ only in the prefactor).
            law = { x in x * x <= 4 ? (1 / (Double.pi * sigma * sigma)) * (4 - x * x).squareRoot() : 0 }
        } else {
            let upper = (sigma * (1 + (1 / q).squareRoot())) * (sigma * (1 + (1 / q).squareRoot()))
            let lower = (sigma * (1 - (1 / q).squareRoot())) * (sigma * (1 - (1 / q).squareRoot()))
            let peak = xs[peakIndex]
            if upper < peak || upper > (xs.last ?? 0) || lower > peak { return 1000 * 1000 * Double(xs.count) }
            law = { x in
                let product = (upper - x) * (x - lower)
                guard product >= 0, x != 0 else { return 0 }
                return (1 / (2 * Double.pi * sigma * sigma * x * (1 / q))) * product.squareRoot()
            }
        }
        var sum = 0.0
        for (x, y) in zip(xs, ys) {
            let gap = law(x) - y
            sum += gap * gap
        }
        return sum
    }

    /// numpy's `arange(start, stop, step)` for floats: ⌈(stop − start)/step⌉ points start + i·δ, δ = (start + step) − start.
    static func arange(_ start: Double, _ stop: Double, _ step: Double) -> [Double] {
        guard step > 0, stop > start else { return [] }
        let count = Int(((stop - start) / step).rounded(.up))
        let delta = (start + step) - start
        return (0..<count).map { start + Double($0) * delta }
    }
}
