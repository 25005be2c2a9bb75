// Thin SVD with singular vectors (sgesdd) and the R factor of a QR decomposition (sgeqrf), float32.
import CLapack
import Foundation

/// A thin singular value decomposition A = U·diag(S)·Vᵀ of an m × n matrix, k = min(m, n).
public struct ThinSVD: Sendable {
    /// Left singular vectors, m × k.
    public let u: Tensor
    /// Singular values, non-increasing, k of them.
    public let s: [Float]
    /// Right singular vectors transposed, k × n.
    public let vt: Tensor
}

extension Linalg {
    /// The thin SVD of a matrix through `sgesdd` (jobz = S); `name` labels errors.
    ///
    /// The row-major m × n buffer is handed to column-major LAPACK as its n × m transpose, so nothing is
    /// copied beyond the scratch LAPACK overwrites: Aᵀ = U'·S·V'ᵀ gives A = V'·S·U'ᵀ, and the column-major
    /// V'ᵀ (k × m) is exactly row-major U (m × k), the column-major U' (n × k) exactly row-major Vᵀ (k × n).
    public static func thinSVD(_ tensor: Tensor, name: String? = nil) throws -> ThinSVD {
        let label = name ?? "matrix \(Shape.describe(tensor.shape))"
        guard let (rows, columns) = tensor.matrixShape else {
            throw EngineError.invalidArgument("\(label): an SVD needs a matrix, got \(Shape.describe(tensor.shape))")
        }
        let k = min(rows, columns)
        guard rows <= Int(Int32.max), columns <= Int(Int32.max) else {
            throw EngineError.unsupported("\(label) \(Shape.describe(tensor.shape)) is too large for LAPACK")
        }
        guard k > 0 else {
            return ThinSVD(u: try Tensor(shape: [rows, 0], values: []), s: [], vt: try Tensor(shape: [0, columns], values: []))
        }
        // sgesdd overwrites its input, and a stored tensor may be a read-only file mapping.
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: tensor.count)
        defer { scratch.deallocate() }
        scratch.update(from: tensor.storage.pointer, count: tensor.count)
        for index in 0..<tensor.count where !scratch[index].isFinite {
            throw EngineError.numerical("\(label): element \(index) is \(scratch[index]), no SVD")
        }
        var values = [Float](repeating: 0, count: k)
        var info: Int32 = 0
        var rightT: Tensor?
        let u = try Tensor.build(shape: [rows, k]) { vPrimeT in
            rightT = try Tensor.build(shape: [k, columns]) { uPrime in
                info = values.withUnsafeMutableBufferPointer { output in
                    LAPACKE_sgesdd(LAPACK_COL_MAJOR, Int8(UInt8(ascii: "S")), Int32(columns), Int32(rows),
                                   scratch, Int32(columns), output.baseAddress,
                                   uPrime.baseAddress, Int32(columns), vPrimeT.baseAddress, Int32(k))
                }
            }
        }
        if info < 0 { throw EngineError.numerical("\(label): sgesdd rejected argument \(-info)") }
        if info > 0 { throw EngineError.numerical("\(label): sgesdd did not converge (info \(info))") }
        guard let rightT else { throw EngineError.numerical("\(label): sgesdd produced no vectors") }
        return ThinSVD(u: u, s: values, vt: rightT)
    }

    /// The R factor (min(m, r) × r, upper trapezoidal) of the QR decomposition of an m × r matrix, by `sgeqrf`.
    ///
    /// Only R is needed to get exact singular values of a product of thin factors (Q is orthonormal).
    public static func qrR(_ tensor: Tensor, name: String? = nil) throws -> Tensor {
        let label = name ?? "matrix \(Shape.describe(tensor.shape))"
        guard let (rows, columns) = tensor.matrixShape else {
            throw EngineError.invalidArgument("\(label): a QR decomposition needs a matrix, got \(Shape.describe(tensor.shape))")
        }
        guard rows <= Int(Int32.max), columns <= Int(Int32.max) else {
            throw EngineError.unsupported("\(label) \(Shape.describe(tensor.shape)) is too large for LAPACK")
        }
        let k = min(rows, columns)
        guard k > 0 else { return try Tensor(shape: [k, columns], values: []) }
        // Column-major m × r is what LAPACK factors in place: copy the (thin, small) factor transposed.
        var a = [Float](repeating: 0, count: rows * columns)
        let source = tensor.buffer
        for row in 0..<rows { for column in 0..<columns { a[column * rows + row] = source[row * columns + column] } }
        var tau = [Float](repeating: 0, count: k)
        let info = LAPACKE_sgeqrf(LAPACK_COL_MAJOR, Int32(rows), Int32(columns), &a, Int32(rows), &tau)
        if info != 0 { throw EngineError.numerical("\(label): sgeqrf failed (info \(info))") }
        return try Tensor.build(shape: [k, columns]) { out in
            for row in 0..<k {
                for column in 0..<columns { out[row * columns + column] = column >= row ? a[column * rows + row] : 0 }
            }
        }
    }
}

extension Linalg {
    /// The Moore–Penrose pseudo-inverse (n × m) of an m × n matrix from its thin SVD (`sgesdd`): V·diag(1/σ)·Uᵀ,
    /// singular values at or below σmax·max(m, n)·ε(float32) — numpy's `matrix_rank` tolerance — treated as zero.
    public static func pseudoInverse(_ tensor: Tensor, name: String? = nil) throws -> Tensor {
        let svd = try thinSVD(tensor, name: name)
        guard let (rows, columns) = tensor.matrixShape else {
            throw EngineError.invalidArgument("a pseudo-inverse needs a matrix, got \(Shape.describe(tensor.shape))")
        }
        let k = svd.s.count
        let tolerance = (svd.s.first ?? 0) * Float(max(rows, columns)) * Float.ulpOfOne
        // diag(1/σ)·Uᵀ (k × m), then Vᵀᵀ times it: one sgemm.
        let u = svd.u.storage.pointer
        let scaledUT = try Tensor.build(shape: [k, rows]) { out in
            for i in 0..<k {
                let inverse = svd.s[i] > tolerance ? 1 / svd.s[i] : 0
                for row in 0..<rows { out[i * rows + row] = u[row * k + i] * inverse }
            }
        }
        return try matmul(svd.vt, scaledUT, transposeA: true)
    }
}
