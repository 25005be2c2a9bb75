// Row means and rank-one updates (BLAS sgemv, sger): centring a kernel without touching its rows again.
import CLapack

extension Linalg {
    /// The mean of a matrix's rows (a d-vector for a tokens × d embedding), as one `sgemv` of its transpose
    /// with a vector of 1/rows.
    public static func rowMean(_ matrix: Tensor) throws -> Tensor {
        guard let (rows, columns) = matrix.matrixShape else {
            throw EngineError.invalidArgument("a row mean needs a matrix, got \(Shape.describe(matrix.shape))")
        }
        try checkBLASSize(rows, columns, name: "row mean")
        let weights = [Float](repeating: rows > 0 ? 1 / Float(rows) : 0, count: rows)
        return try Tensor.build(shape: [columns]) { out in
            guard let base = out.baseAddress, columns > 0 else { return }
            if rows == 0 { out.update(repeating: 0); return }
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(rows), Int32(columns), 1, matrix.storage.pointer, Int32(columns),
                        weights, 1, 0, base, 1)
        }
    }

    /// scale·c − x·yᵀ for an m × n matrix c, an m-vector x and an n-vector y (`sscal` then `sger`).
    public static func scaledMinusOuter(_ c: Tensor, scale: Float, _ x: Tensor, _ y: Tensor) throws -> Tensor {
        guard let (rows, columns) = c.matrixShape, x.count == rows, y.count == columns else {
            throw EngineError.shapeMismatch(operation: "rank-one update", lhs: c.shape, rhs: [x.count, y.count], name: nil)
        }
        try checkBLASSize(rows, columns, name: "rank-one update")
        return try Tensor.build(shape: [rows, columns]) { out in
            guard let base = out.baseAddress, rows > 0, columns > 0 else { return }
            _ = out.initialize(from: UnsafeBufferPointer(start: c.storage.pointer, count: rows * columns))
            cblas_sscal(Int32(rows * columns), scale, base, 1)
            cblas_sger(CblasRowMajor, Int32(rows), Int32(columns), -1, x.storage.pointer, 1, y.storage.pointer, 1, base, Int32(columns))
        }
    }
}
