// Tests for WeightWatcher's metrics: the power-law fit, the norms, the MP fit and rand_distance, against hand derivations.
import Foundation
import Testing
@testable import Engine

@Suite struct HeavyTailTests {
    /// The definition evaluated for every candidate with no shortcut: α = 1 + n/Σ ln(λ/xmin) and
    /// D = max |1 − (λⱼ/xmin)^(1−α) − j/n|, D = 1 where α ≤ 1, the first smallest D wins.
    private func bruteForce(_ eigenvalues: [Double]) -> (alpha: Double, xmin: Double, distance: Double) {
        let data = eigenvalues.filter { $0 > 1e-5 }.sorted()
        var best = (alpha: 0.0, xmin: 0.0, distance: Double.infinity)
        for i in 0..<(data.count - 1) {
            let tail = Array(data[i...])
            let n = Double(tail.count)
            let alpha = 1 + n / tail.reduce(0) { $0 + log($1 / data[i]) }
            var distance = 1.0
            if alpha > 1 {
                distance = tail.enumerated().map { j, x in abs(1 - pow(x / data[i], 1 - alpha) - Double(j) / n) }.max() ?? 0
            }
            if distance < best.distance { best = (alpha, data[i], distance) }
        }
        return best
    }

    /// Exact quantiles of a Pareto law with exponent `alpha` and xmin 1, below a bulk of `bulk` values in (0.1, 1).
    private func paretoSpectrum(alpha: Double, tail: Int, bulk: Int) -> [Double] {
        let quantiles = (0..<tail).map { pow(1 - (Double($0) + 0.5) / Double(tail), -1 / (alpha - 1)) }
        let noise = (0..<bulk).map { 0.1 + 0.9 * (Double($0) + 0.5) / Double(bulk) }
        return quantiles + noise
    }

    @Test func alphaAndDistanceOfAThreeValueTailByHand() {
        // ln λ = 0, 1, 2. Candidate 0: n = 3, Σ ln(λ/1) = 3, α = 2; D = max(0, 1 − e⁻¹ − ⅓, 1 − e⁻² − ⅔) = 1 − e⁻¹ − ⅓.
        // Candidate 1: n = 2, Σ = 1, α = 3; D = 1 − e⁻² − ½ ≈ 0.365 > 0.299, so candidate 0 wins.
        let logs = [0.0, 1, 2]
        let suffix = [3.0, 3, 2, 0]
        let choice = PowerLawFit.standard(logs, suffix)
        #expect(choice.index == 0)
        #expect(abs(choice.alpha - 2) < 1e-12)
        #expect(abs(choice.distance - (1 - exp(-1) - 1.0 / 3)) < 1e-12)
    }

    @Test func aSmallSampleWithNoEightValueTailUsesAllOfIt() throws {
        // Three values: no tail of 8, so α = 1 + (n − 1)/Σ ln(λ/λ₀) = 1 + 2/3 and D = 1 − e^(−2/3) − ⅓.
        let fit = try #require(PowerLawFit(eigenvalues: [1, exp(1), exp(2)]))
        #expect(abs(fit.alpha - 5.0 / 3) < 1e-12)
        #expect(abs(fit.distance - (1 - exp(-2.0 / 3) - 1.0 / 3)) < 1e-12)
        #expect(fit.xmin == 1)
        #expect(fit.tailCount == 3)
        #expect(abs(fit.sigma - (2.0 / 3) / sqrt(3.0)) < 1e-12)
    }

    @Test func theFitRecoversAParetoTailAndMatchesTheBruteForceDefinition() throws {
        for alpha in [2.0, 3.5, 6.0] {
            let spectrum = paretoSpectrum(alpha: alpha, tail: 120, bulk: 260)
            let fit = try #require(PowerLawFit(eigenvalues: spectrum))
            let reference = bruteForce(spectrum)
            // The prefix sums and the early stop change nothing: same winner, same α and D.
            #expect(fit.xmin == reference.xmin)
            #expect(abs(fit.alpha - reference.alpha) < 1e-9 * reference.alpha)
            #expect(abs(fit.distance - reference.distance) < 1e-12)
            // And the fit finds the law it was built from: α within 10 %, xmin at the tail's start.
            #expect(abs(fit.alpha - alpha) < 0.1 * alpha)
            #expect(fit.xmin > 0.9 && fit.xmin < 2)
            #expect(fit.tailCount == spectrum.filter { $0 >= fit.xmin }.count)
            #expect(fit.xmax == spectrum.max())
        }
    }

    @Test func valuesAtOrBelowTheThresholdAreLeftOutAndTooFewFail() {
        #expect(PowerLawFit(eigenvalues: [1e-6, 2]) == nil)
        #expect(PowerLawFit(eigenvalues: []) == nil)
    }

    @Test func normMetricsOfADiagonalMatrixByHand() throws {
        // σ = 3, 2, 1 (and zeros): λ = 9, 4, 1; Σλ = 14; rank 3 of 8 × 10.
        var values = [Float](repeating: 0, count: 80)
        values[0] = 3; values[11] = 2; values[22] = 1
        let metrics = HeavyTailMetrics(try Spectrum(of: Tensor(shape: [8, 10], values: values)))
        #expect(metrics.m == 8 && metrics.n == 10)
        #expect(abs(metrics.logNorm - log10(14.0)) < 1e-12)
        #expect(abs(metrics.logSpectralNorm - log10(9.0)) < 1e-12)
        #expect(abs(metrics.stableRank - 14.0 / 9) < 1e-12)
        #expect(metrics.matrixRank == 3)
        #expect(metrics.lambdaMax == 9)
        // p = λ/14 + 1e-10 (five zeros contribute 1e-10·ln 1e-10 each), divided by ln 3.
        let p = [9.0, 4, 1].map { $0 / 14 + 1e-10 } + [Double](repeating: 1e-10, count: 5)
        let entropy = -p.reduce(0) { $0 + $1 * log($1) } / log(3 + 1e-10)
        #expect(abs(metrics.entropy - entropy) < 1e-12)
        let alpha = metrics.alpha
        #expect(abs(metrics.alphaWeighted - alpha * log10(9.0)) < 1e-12)
        #expect(abs(metrics.logAlphaNorm - log10(pow(9, alpha) + pow(4, alpha) + 1)) < 1e-9)
    }

    @Test func matrixRankToleranceScalesWithTheLargerDimension() {
        // σ = (1, 1e-14) of a 4 × 100 matrix: the threshold σmax·max(4, 100)·ε(float64) = 2.2e-14 leaves rank 1
        // (numpy's float64 matrix_rank says so); with min(4, 100) it would be 8.9e-16 and σ₂ would count.
        #expect(HeavyTailMetrics(Spectrum(values: [1, 1e-14, 0, 0], rows: 4, columns: 100)).matrixRank == 1)
        #expect(HeavyTailMetrics(Spectrum(values: [1, 1e-14, 0, 0], rows: 100, columns: 4)).matrixRank == 1)
    }

    @Test func nelderMeadFindsTheMinimumOfAParabola() {
        let minimum = NelderMead.minimize({ ($0 - 3) * ($0 - 3) }, from: 1)
        #expect(abs(minimum - 3) < 1e-3)
    }

    @Test func jensenShannonOfDisjointAndEqualDistributions() {
        // p = (1, 0), q = (0, 1): m = (½, ½), KL(p‖m) = KL(q‖m) = ln 2, so the distance is √ln 2.
        #expect(abs(HeavyTailMetrics.jensenShannon([1, 0], [0, 1]) - sqrt(log(2.0))) < 1e-12)
        #expect(HeavyTailMetrics.jensenShannon([1, 2, 3], [2, 4, 6]) < 1e-12)
    }

    @Test func aGaussianMatrixIsAllBulkAndARankOneSpikeStandsOut() throws {
        // 200 × 800 i.i.d. N(0, 1): the ESD is Marchenko–Pastur, so the fit puts the edge just above λmax
        // (mp_softrank ≈ 1, rescaled σ ≈ 1) and finds no spike. Adding 0.5 to every element adds
        // 0.5·√(200·800)·u·vᵀ with unit u, v: one singular value ≈ 200 against the bulk edge √800 + √200 ≈ 42.
        var generator = SeededRandom(seed: 7)
        let rows = 200, columns = 800
        var values = (0..<(rows * columns)).map { _ in Float(generator.gaussian()) }
        let bulk = HeavyTailMetrics(try Spectrum(of: Tensor(shape: [rows, columns], values: values)))
        let fit = try #require(bulk.marchenkoPastur)
        #expect(fit.spikes == 0)
        #expect(abs(fit.sigma - 1) < 0.1)
        #expect(fit.softRank > 0.85 && fit.softRank < 1.15)
        for index in values.indices { values[index] += 0.5 }
        let spiked = HeavyTailMetrics(try Spectrum(of: Tensor(shape: [rows, columns], values: values)))
        #expect(spiked.marchenkoPastur?.spikes == 1)
    }

    @Test func randDistanceIsSmallForAShuffledGaussianAndLargeForALowRankMatrix() throws {
        var generator = SeededRandom(seed: 3)
        let noise = try Tensor(shape: [64, 128], values: (0..<(64 * 128)).map { _ in Float(generator.gaussian()) })
        var options = HeavyTailOptions()
        options.randomize = true
        let (random, _) = try HeavyTail.analyse(matrix: noise, name: "noise", options: options)
        // Rank 2 (outer products of two sequences): the shuffled copy is full rank, so the ESDs differ a lot.
        let lowRank = try Tensor(shape: [64, 128], values: (0..<(64 * 128)).map { index in
            let i = Double(index / 128), j = Double(index % 128)
            return Float(sin(i) * cos(j) + 0.5 * cos(2 * i) * sin(3 * j))
        })
        let (structured, _) = try HeavyTail.analyse(matrix: lowRank, name: "low", options: options)
        let small = try #require(random.randDistance), large = try #require(structured.randDistance)
        #expect(small < 0.1)
        #expect(large > 0.5)
        // Seeded: the same seed gives the same shuffle.
        let (again, _) = try HeavyTail.analyse(matrix: noise, name: "noise", options: options)
        #expect(again.randDistance == random.randDistance)
    }
}
