// A small, fast, seeded random generator (SplitMix64) with Gaussian samples, for reproducible sketches.

/// Deterministic pseudo-random numbers: the same seed gives the same stream on every machine.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    private var spareGaussian: Double?

    /// A generator for `seed`.
    public init(seed: UInt64) { state = seed }

    /// A generator for a seed and a label (e.g. a parameter name), so each label gets its own stream.
    public init(seed: UInt64, label: String) {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in label.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        self.init(seed: seed ^ hash)
    }

    /// Next 64 random bits (SplitMix64).
    public mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }

    /// A uniform sample in (0, 1).
    public mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) / Double(1 << 53)
    }

    /// A standard normal sample (Box–Muller, both values used).
    public mutating func gaussian() -> Double {
        if let spare = spareGaussian {
            spareGaussian = nil
            return spare
        }
        let radius = (-2 * Foundation.log(uniform())).squareRoot()
        let angle = 2 * Double.pi * uniform()
        spareGaussian = radius * Foundation.sin(angle)
        return radius * Foundation.cos(angle)
    }
}

import Foundation
