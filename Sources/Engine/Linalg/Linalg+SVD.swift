// Singular values of a matrix through LAPACKE_sgesdd (values only, float32).
import CLapack
import Foundation

extension Linalg {
    /// The singular values of a 2-D tensor, largest first, computed in float32 by `sgesdd`.
    ///
    /// `name` (a parameter) is used in errors. The input is copied into a scratch buffer because
    /// `sgesdd` overwrites its matrix; stored tensors may be read-only file mappings.
    public static func singularValues(_ tensor: Tensor, name: String? = nil) throws -> [Float] {
        guard let (rows, columns) = tensor.matrixShape else {
            throw EngineError.invalidArgument("\(name.map { "\($0): " } ?? "")singular values need a matrix, got \(Shape.describe(tensor.shape))")
        }
        let count = min(rows, columns)
        guard count > 0 else { return [] }
        guard rows <= Int(Int32.max), columns <= Int(Int32.max) else {
            throw EngineError.unsupported("\(name ?? "matrix") \(Shape.describe(tensor.shape)) is too large for LAPACK")
        }
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: tensor.count)
        defer { scratch.deallocate() }
        scratch.update(from: tensor.storage.pointer, count: tensor.count)
        let label = name ?? "matrix \(Shape.describe(tensor.shape))"
        // LAPACK only checks for NaN; an infinity would come back as NaN singular values instead.
        for index in 0..<tensor.count where !scratch[index].isFinite {
            throw EngineError.numerical("\(label): element \(index) is \(scratch[index]), no singular values")
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
}
