// The default model vector: a seeded Gaussian random projection of the whole delta, streamed by tensor.
import Foundation

/// Projects deltas to `dimension` numbers with a fixed seeded random map, the same for every zoo.
///
/// Each canonical matrix ΔW (m × n) is projected as vec(A·ΔW·B) with Gaussian A (a × m) and B (n × b),
/// a·b = dimension, seeded by (seed, matrix name): a Kronecker-structured Gaussian projection. It keeps
/// inner products in expectation (E[⟨s(x), s(y)⟩] = ⟨x, y⟩ after scaling by 1/√dimension), as a dense
/// Gaussian map would, but costs 2·m·n·b flops per matrix instead of m·n·dimension, and stores only the
/// small factors — so vectorising a zoo is dominated by reading the weights.
public final class DeltaSketch: @unchecked Sendable {  // unchecked: the factor cache is only touched under `lock`
    /// Output length.
    public let dimension: Int
    /// Seed of the projection.
    public let seed: UInt64
    private let rowsOut: Int
    private let columnsOut: Int
    private var factors: [String: (left: [Float], right: [Float])] = [:]
    private let lock = NSLock()

    /// A sketch of `dimension` numbers (≥ 1) with `seed`.
    public init(dimension: Int, seed: UInt64) throws {
        guard dimension >= 1, dimension <= 1 << 16 else {
            throw EngineError.invalidArgument("sketch dimension must be between 1 and 65536, got \(dimension)")
        }
        self.dimension = dimension
        self.seed = seed
        // a·b = dimension with a the largest divisor not above √dimension: balanced small factors.
        var left = Int(Double(dimension).squareRoot())
        while dimension % left != 0 { left -= 1 }
        rowsOut = left
        columnsOut = dimension / left
    }

    private func factors(for name: String, rows: Int, columns: Int) -> (left: [Float], right: [Float]) {
        let key = "\(name)#\(rows)x\(columns)"
        lock.lock()
        defer { lock.unlock() }
        if let cached = factors[key] { return cached }
        var random = SeededRandom(seed: seed, label: key)
        let left = (0..<(rowsOut * rows)).map { _ in Float(random.gaussian()) }
        let right = (0..<(columns * columnsOut)).map { _ in Float(random.gaussian()) }
        factors[key] = (left, right)
        return (left, right)
    }

    /// Adds the projection of matrix `delta` (named `name`) to `accumulator` (length `dimension`).
    public func accumulate(_ delta: Tensor, name: String, into accumulator: inout [Float]) throws {
        let (rows, columns) = delta.matrixShape ?? (1, delta.count)
        let (left, right) = factors(for: name, rows: rows, columns: columns)
        var product = [Float](repeating: 0, count: rows * columnsOut)
        // (rows × columns)·(columns × b) then (a × rows)·(rows × b), accumulated with β = 1.
        Linalg.gemm(m: rows, n: columnsOut, k: columns, delta.storage.pointer, lda: columns,
                    right, ldb: columnsOut, &product, ldc: columnsOut)
        let scale = 1 / Float(dimension).squareRoot()
        Linalg.gemm(m: rowsOut, n: columnsOut, k: rows, alpha: scale, left, lda: rows,
                    product, ldb: columnsOut, beta: 1, &accumulator, ldc: columnsOut)
    }
}
