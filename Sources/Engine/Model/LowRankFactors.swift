// A matrix held as the product of two thin factors (a LoRA update B·A), with its exact spectrum.
import Foundation

/// `left · right` with left m × r and right r × n (any scale already folded into `left`).
///
/// A PEFT adapter stores its update this way; the dense product is formed only when a tensor is read, and the
/// singular values come from the factors (QR of each, SVD of the small r × r core) without the m × n product.
public struct LowRankFactors: Sendable {
    /// m × r.
    public let left: Tensor
    /// r × n.
    public let right: Tensor

    /// Factors whose inner dimensions must agree.
    public init(left: Tensor, right: Tensor, name: String) throws {
        guard let (_, r) = left.matrixShape, let (r2, _) = right.matrixShape, r == r2 else {
            throw EngineError.shapeMismatch(operation: "a low-rank product", lhs: left.shape, rhs: right.shape, name: name)
        }
        self.left = left
        self.right = right
    }

    /// The factors of an all-zero m × n matrix (inner dimension 0).
    public static func zero(rows: Int, columns: Int, name: String) throws -> LowRankFactors {
        try LowRankFactors(left: Tensor(shape: [rows, 0], values: []), right: Tensor(shape: [0, columns], values: []), name: name)
    }

    /// The dense shape m × n.
    public var shape: [Int] { [left.shape[0], right.shape[1]] }

    /// The inner dimension r (an upper bound on the rank).
    public var innerRank: Int { left.shape[1] }

    /// The dense m × n product (one sgemm).
    public func product() throws -> Tensor { try Linalg.matmul(left, right) }

    /// The factors of the transpose: (L·R)ᵀ = Rᵀ·Lᵀ.
    public func transposed(name: String) throws -> LowRankFactors {
        try LowRankFactors(left: Linalg.transpose(right), right: Linalg.transpose(left), name: name)
    }

    /// The factors of rows `range` of the product (rows of `left`).
    public func rows(_ range: Range<Int>, name: String) throws -> LowRankFactors {
        try LowRankFactors(left: Linalg.rows(left, range, name: name), right: right, name: name)
    }

    /// The factors of columns `range` of the product (columns of `right`).
    public func columns(_ range: Range<Int>, name: String) throws -> LowRankFactors {
        try LowRankFactors(left: left, right: Linalg.columns(right, range, name: name), name: name)
    }

    /// All min(m, n) singular values of the product, largest first, exact up to float rounding.
    ///
    /// L = Q₁R₁ and Rᵀ = Q₂R₂ give L·R = Q₁(R₁R₂ᵀ)Q₂ᵀ with orthonormal Q's, so σ(L·R) = σ(R₁R₂ᵀ), a matrix no
    /// larger than r × r; the remaining min(m, n) − r values are zero.
    public func singularValues(name: String) throws -> [Float] {
        let count = min(shape[0], shape[1])
        guard innerRank > 0 else { return [Float](repeating: 0, count: count) }
        let r1 = try Linalg.qrR(left, name: name)
        let r2 = try Linalg.qrR(Linalg.transpose(right), name: name)
        var values = try Linalg.singularValues(Linalg.matmul(r1, r2, transposeB: true), name: name)
        values.append(contentsOf: repeatElement(0, count: max(count - values.count, 0)))
        return Array(values.prefix(count))
    }
}

extension Parameter {
    /// An all-zero update of a parameter (a delta the adapter or truncation leaves untouched); a matrix
    /// carries zero-rank factors, so its spectrum is known to be zero without reading anything.
    static func zeroUpdate(name: String, shape: [Int]) -> Parameter {
        var zero: (@Sendable () throws -> LowRankFactors)?
        if shape.count == 2 { zero = { try LowRankFactors.zero(rows: shape[0], columns: shape[1], name: name) } }
        return Parameter(name: name, shape: shape, dtype: .f32, factors: zero) {
            try Tensor.build(shape: shape) { $0.update(repeating: 0) }
        }
    }
}
