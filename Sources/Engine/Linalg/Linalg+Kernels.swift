// Pointer-level BLAS/LAPACK kernels for Engine's own loops: the one place those C calls are made.
import CLapack
import Foundation

extension Linalg {
    /// c = alpha·op(a)·op(b) + beta·c on row-major float32 buffers (BLAS `sgemm`).
    ///
    /// op(a) is m × k and op(b) is k × n; `lda`, `ldb`, `ldc` are the row strides of a, b, c as stored, so
    /// callers address sub-blocks (a head's columns, a block of vocabulary rows) by offset and stride, no copy.
    static func gemm(m: Int, n: Int, k: Int, alpha: Float = 1,
                     _ a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                     _ b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
                     beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blas(m), blas(n), blas(k), alpha, a, blas(lda), b, blas(ldb), beta, c, blas(ldc))
    }

    /// The upper triangle of c = a·aᵀ for a row-major n × k matrix a (BLAS `ssyrk`); c is n × n, row stride n.
    static func gramUpper(n: Int, k: Int, _ a: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>) {
        guard n > 0 else { return }
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, blas(n), blas(k), 1, a, blas(k), 0, c, blas(n))
    }

    /// y += alpha·x over `count` contiguous floats (BLAS `saxpy`, vectorised and threaded by OpenBLAS).
    static func axpy(count: Int, alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        guard count > 0 else { return }
        cblas_saxpy(blas(count), alpha, x, 1, y, 1)
    }

    /// Eigenvalues (ascending) and eigenvectors of a symmetric n × n row-major matrix (LAPACK `dsyev`).
    ///
    /// Only the upper triangle of `matrix` is read; on return it holds the eigenvectors as columns,
    /// column j belonging to eigenvalue j. `label` names the caller in errors.
    static func symmetricEigen(_ matrix: inout [Double], n: Int, label: String) throws -> [Double] {
        guard n > 0 else { return [] }
        guard matrix.count == n * n, n <= Int(Int32.max) else {
            throw EngineError.invalidArgument("\(label): \(matrix.count) values cannot fill a symmetric \(n)×\(n) matrix")
        }
        var eigenvalues = [Double](repeating: 0, count: n)
        let status = LAPACKE_dsyev(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")),
                                   Int32(n), &matrix, Int32(n), &eigenvalues)
        guard status == 0 else { throw EngineError.numerical("\(label): LAPACK dsyev failed (info \(status))") }
        return eigenvalues
    }

    /// Runs `body` with OpenBLAS limited to one thread, restoring the previous count afterwards.
    ///
    /// Used when the caller already keeps every core busy with one matrix each: OpenBLAS's spinning
    /// threads would otherwise fight the caller's (docs/toolchain.md, trap 6).
    static func withOneBLASThread<T>(_ body: () throws -> T) rethrows -> T {
        let previous = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(previous) }
        return try body()
    }

    /// Throws when a matrix dimension does not fit BLAS's 32-bit integers; `name` is used in the error.
    ///
    /// The kernels above take dimensions of tensors already in memory; entry points that receive
    /// tensors from files or users call this first, so the conversion in `blas` cannot fail.
    static func checkBLASSize(_ dimensions: Int..., name: String) throws {
        if let large = dimensions.first(where: { $0 > Int(Int32.max) }) {
            throw EngineError.unsupported("\(name): dimension \(large) is too large for BLAS (32-bit sizes)")
        }
    }

    /// A dimension as BLAS's Int32 (callers hold the invariant that it fits; see `checkBLASSize`).
    private static func blas(_ value: Int) -> Int32 {
        Int32(value)
    }
}
