// Gram matrices of stacked rows (BLAS ssyrk), accumulated in double precision across blocks.

extension Linalg {
    /// Adds D·Dᵀ to the upper triangle of `gram` (count × count, row-major, double), where D is `stacked` viewed as
    /// count rows of `size` floats. One symmetric rank-k update in float32, summed in double so that many blocks
    /// (tensors, row slices, shards) add up without float32 drift.
    public static func addGram(_ stacked: [Float], count: Int, size: Int, into gram: inout [Double]) {
        guard count > 0, size > 0 else { return }
        var block = [Float](repeating: 0, count: count * count)
        block.withUnsafeMutableBufferPointer { target in
            stacked.withUnsafeBufferPointer { rows in
                guard let a = rows.baseAddress, let c = target.baseAddress else { return }
                gramUpper(n: count, k: size, a, into: c)
            }
        }
        for i in 0..<count {
            for j in i..<count { gram[i * count + j] += Double(block[i * count + j]) }
        }
    }

    /// The cosine matrix (full, symmetric) from a Gram matrix's upper triangle; a zero row has cosine 1 with
    /// itself and 0 with everything else.
    public static func cosines(fromGram gram: [Double], count: Int) -> [Float] {
        (0..<(count * count)).map { index -> Float in
            let i = index / count, j = index % count
            let (low, high) = (min(i, j), max(i, j))
            let denominator = (gram[low * count + low] * gram[high * count + high]).squareRoot()
            return denominator > 0 ? Float(gram[low * count + high] / denominator) : (i == j ? 1 : 0)
        }
    }
}
