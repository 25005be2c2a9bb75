// Singular values of a matrix: LAPACKE_sgesdd (values only, float32) or the eigenvalues of its float64 Gram matrix.
import CLapack
import Foundation

extension Linalg {
    /// The singular values of a 2-D tensor, largest first, computed in float32 by `sgesdd`.
    ///
    /// `name` (a parameter) is used in errors. The input is copied into a scratch buffer because
    /// `sgesdd` overwrites its matrix; stored tensors may be read-only file mappings.
    public static func singularValues(_ tensor: Tensor, name: String? = nil) throws -> [Float] {
        let (rows, columns) = try lapackShape(tensor, name: name)
        let count = min(rows, columns)
        guard count > 0 else { return [] }
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: tensor.count)
        defer { scratch.deallocate() }
        scratch.update(from: tensor.storage.pointer, count: tensor.count)
        let label = name ?? "matrix \(Shape.describe(tensor.shape))"
        // LAPACK only checks for NaN; an infinity would come back as NaN singular values instead.
        if let index = (0..<tensor.count).first(where: { !scratch[$0].isFinite }) {
            throw nonFinite(label, index: index, value: scratch[index])
        }
        var values = [Float](repeating: 0, count: count)
        var unusedU: Float = 0, unusedVT: Float = 0
        // A row-major rows × columns buffer is, read column-major, its transpose (columns × rows with
        // leading dimension `columns`); the transpose has the same singular values. Row-major LAPACKE
        // would copy the matrix and insists on ldvt ≥ n even when no vectors are asked for.
        let info = values.withUnsafeMutableBufferPointer { output in
            LAPACKE_sgesdd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), Int32(columns), Int32(rows),
                           scratch, Int32(columns), output.baseAddress, &unusedU, 1, &unusedVT, 1)
        }
        if info < 0 { throw EngineError.numerical("\(label): sgesdd rejected argument \(-info)") }
        if info > 0 { throw EngineError.numerical("\(label): sgesdd did not converge (info \(info))") }
        return values
    }

    /// The singular values of a 2-D tensor, largest first, as √λ of the eigenvalues λ of its Gram matrix on
    /// the short side (WᵀW for a tall W, WWᵀ for a wide one), formed in float64 by `dsyrk` and diagonalised by
    /// `dsyevd` (values only); eigenvalues below zero (rounding) are clamped to zero.
    ///
    /// Costs long·short² + 4/3·short³ flops against sgesdd's ≈ 4·long·short², so it is several times faster on
    /// tall or wide matrices. Products of float32 numbers are exact in float64, so every σ² carries an absolute
    /// error of a few ε64·σmax²: σ ≥ √ε64·σmax (≈ 1.5e-8·σmax) is as accurate as sgesdd's float32 result or
    /// better; smaller σ, below float32's own resolution of σmax, come out as rounding noise or 0.
    /// The long side is read in blocks converted to float64, so the extra memory is the short² Gram plus one
    /// block, never a float64 copy of the matrix.
    public static func singularValuesFromGram(_ tensor: Tensor, name: String? = nil) throws -> [Float] {
        let (rows, columns) = try lapackShape(tensor, name: name)
        let short = min(rows, columns), long = max(rows, columns)
        guard short > 0 else { return [] }
        let tall = rows >= columns
        let source = tensor.storage.pointer
        var gram = [Double](repeating: 0, count: short * short)
        // Blocks of ≈ 4 MB of float64 along the long side, never thinner than 256 (dsyrk's k).
        let block = min(long, max(256, (1 << 19) / short))
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: block * short)
        defer { scratch.deallocate() }
        gram.withUnsafeMutableBufferPointer { target in
            guard let g = target.baseAddress else { return }
            for start in stride(from: 0, to: long, by: block) {
                let count = min(block, long - start)
                if tall {
                    // Rows start..<start+count are contiguous: G += BᵀB with B count × short.
                    let rowsBase = source + start * columns
                    for index in 0..<(count * columns) { scratch[index] = Double(rowsBase[index]) }
                    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(short), Int32(count),
                                1, scratch, Int32(short), 1, g, Int32(short))
                } else {
                    // Columns start..<start+count of every row: G += BBᵀ with B short × count.
                    for row in 0..<short {
                        let from = source + row * columns + start, to = scratch + row * count
                        for index in 0..<count { to[index] = Double(from[index]) }
                    }
                    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(short), Int32(count),
                                1, scratch, Int32(count), 1, g, Int32(short))
                }
            }
        }
        let label = name ?? "matrix \(Shape.describe(tensor.shape))"
        // The diagonal holds Σw² of every row or column: infinite or NaN exactly when an element is (a float32
        // square cannot overflow float64), so the elements are searched only on that failure.
        if (0..<short).contains(where: { !gram[$0 * short + $0].isFinite }) {
            let index = (0..<tensor.count).first(where: { !source[$0].isFinite }) ?? 0
            throw nonFinite(label, index: index, value: source[index])
        }
        var eigenvalues = [Double](repeating: 0, count: short)
        // The row-major upper triangle that dsyrk wrote is, read column-major, the lower one.
        let info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), Int8(UInt8(ascii: "L")),
                                  Int32(short), &gram, Int32(short), &eigenvalues)
        if info < 0 { throw EngineError.numerical("\(label): dsyevd rejected argument \(-info)") }
        if info > 0 { throw EngineError.numerical("\(label): dsyevd did not converge (info \(info))") }
        return eigenvalues.reversed().map { Float(max($0, 0).squareRoot()) }
    }

    /// A matrix's rows and columns, checked to fit LAPACK's 32-bit sizes; `name` labels the errors.
    private static func lapackShape(_ tensor: Tensor, name: String?) throws -> (Int, Int) {
        guard let (rows, columns) = tensor.matrixShape else {
            throw EngineError.invalidArgument("\(name.map { "\($0): " } ?? "")singular values need a matrix, got \(Shape.describe(tensor.shape))")
        }
        guard rows <= Int(Int32.max), columns <= Int(Int32.max) else {
            throw EngineError.unsupported("\(name ?? "matrix") \(Shape.describe(tensor.shape)) is too large for LAPACK")
        }
        return (rows, columns)
    }

    /// The error for a non-finite element: LAPACK would return NaN singular values or fail.
    private static func nonFinite(_ label: String, index: Int, value: Float) -> EngineError {
        .numerical("\(label): element \(index) is \(value), no singular values")
    }
}
