// Linear algebra on tensors through OpenBLAS (CBLAS) and LAPACKE; no C type leaves this namespace.
import Foundation

/// Products, norms, transposes and slices of float32 tensors.
public enum Linalg {
    /// Frobenius (or Euclidean) norm of all elements, accumulated in double for accuracy.
    public static func norm(_ tensor: Tensor) -> Double {
        // snrm2 scales to avoid overflow but accumulates in float; a double sum is both safe and exact enough.
        sumOfSquares(tensor.storage.pointer, count: tensor.count).squareRoot()
    }

    /// Σx² of `count` floats, accumulated in double over 16 independent lanes: one running sum is a chain of
    /// dependent adds the compiler may not reorder (2.5 GB/s here); the lanes let it vectorise at memory speed.
    static func sumOfSquares(_ source: UnsafePointer<Float>, count: Int) -> Double {
        let raw = UnsafeRawPointer(source)
        var low = SIMD8<Double>(), high = SIMD8<Double>()
        var index = 0
        while index + 16 <= count {
            let a = SIMD8<Double>(raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self))
            let b = SIMD8<Double>(raw.loadUnaligned(fromByteOffset: (index + 8) * 4, as: SIMD8<Float>.self))
            low += a * a
            high += b * b
            index += 16
        }
        var sum = (low + high).sum()
        while index < count {
            sum += Double(source[index]) * Double(source[index])
            index += 1
        }
        return sum
    }

    /// Matrix product a·b of two 2-D tensors with `cblas_sgemm`; `transposeA` / `transposeB` multiply by aᵀ / bᵀ
    /// instead, read in place by BLAS rather than copied by `transpose` first.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) throws -> Tensor {
        guard let (aRows, aColumns) = a.matrixShape, let (bRows, bColumns) = b.matrixShape else {
            throw EngineError.invalidArgument("matmul needs two matrices, got \(Shape.describe(a.shape)) and \(Shape.describe(b.shape))")
        }
        let (m, k) = transposeA ? (aColumns, aRows) : (aRows, aColumns)
        let (k2, n) = transposeB ? (bColumns, bRows) : (bRows, bColumns)
        guard k == k2 else { throw EngineError.shapeMismatch(operation: "matmul", lhs: [m, k], rhs: [k2, n], name: nil) }
        try checkBLASSize(aRows, aColumns, bRows, bColumns, name: "matmul")
        return try Tensor.build(shape: [m, n]) { out in
            guard let base = out.baseAddress, m > 0, n > 0 else { return }
            if k == 0 { out.update(repeating: 0); return }
            gemm(m: m, n: n, k: k, a.storage.pointer, lda: aColumns, transposeA: transposeA,
                 b.storage.pointer, ldb: bColumns, transposeB: transposeB, base, ldc: n)
        }
    }

    /// The transpose of a matrix (a copy).
    public static func transpose(_ tensor: Tensor, name: String? = nil) throws -> Tensor {
        guard let (rows, columns) = tensor.matrixShape else {
            throw EngineError.invalidArgument("\(name.map { "\($0): " } ?? "")transpose needs a matrix, got \(Shape.describe(tensor.shape))")
        }
        let source = tensor.storage.pointer
        return try Tensor.build(shape: [columns, rows], storedType: tensor.storedType) { out in
            guard !out.isEmpty else { return }  // zero-size: no element to move, whatever the other side
            // Blocked to stay in cache on large matrices.
            let block = 64
            for rowStart in stride(from: 0, to: rows, by: block) {
                for columnStart in stride(from: 0, to: columns, by: block) {
                    for row in rowStart..<min(rowStart + block, rows) {
                        for column in columnStart..<min(columnStart + block, columns) {
                            out[column * rows + row] = source[row * columns + column]
                        }
                    }
                }
            }
        }
    }

    /// Rows `range` along the first axis of a tensor (a copy); with `keepAxis` false a single row drops that axis.
    public static func rows(_ tensor: Tensor, _ range: Range<Int>, name: String? = nil, keepAxis: Bool = true) throws -> Tensor {
        guard let rows = tensor.shape.first, range.lowerBound >= 0, range.upperBound <= rows,
              keepAxis || range.count == 1 else {
            throw EngineError.invalidArgument("\(name.map { "\($0): " } ?? "")rows \(range) out of range for \(Shape.describe(tensor.shape))")
        }
        let inner = Array(tensor.shape.dropFirst())
        let stride = Shape.elementCount(inner) ?? 0
        return try Tensor.build(shape: keepAxis ? [range.count] + inner : inner, storedType: tensor.storedType) { out in
            guard range.count * stride > 0 else { return }
            let start = tensor.storage.pointer + range.lowerBound * stride
            _ = out.initialize(from: UnsafeBufferPointer(start: start, count: range.count * stride))
        }
    }

    /// Columns `range` of a matrix (a copy).
    public static func columns(_ tensor: Tensor, _ range: Range<Int>, name: String? = nil) throws -> Tensor {
        guard let (rows, columns) = tensor.matrixShape, range.lowerBound >= 0, range.upperBound <= columns else {
            throw EngineError.invalidArgument("\(name.map { "\($0): " } ?? "")columns \(range) out of range for \(Shape.describe(tensor.shape))")
        }
        let width = range.count
        return try Tensor.build(shape: [rows, width], storedType: tensor.storedType) { out in
            for row in 0..<rows {
                let start = tensor.storage.pointer + row * columns + range.lowerBound
                for column in 0..<width { out[row * width + column] = start[column] }
            }
        }
    }
}
