// Tests for the thin SVD, the QR R factor and exact spectra of low-rank factors, against hand-derived values.
import Foundation
import Testing
@testable import Engine

@Suite struct FactorizationTests {
    @Test func qrRFactorOfAHandMatrix() throws {
        // Columns (3, 4) and (0, 5): |r11| = ‖(3, 4)‖ = 5, r12 = ±(3·0 + 4·5)/5 = ±4, |r22| = √(25 − 16) = 3.
        let r = try Linalg.qrR(Tensor(shape: [2, 2], values: [3, 0, 4, 5]))
        #expect(r.shape == [2, 2])
        let v = r.values
        #expect(abs(abs(v[0]) - 5) < 1e-5 && abs(abs(v[1]) - 4) < 1e-5 && v[2] == 0 && abs(abs(v[3]) - 3) < 1e-5)
        // A tall 3 × 1 column: R is 1 × 1 holding its length.
        let column = try Linalg.qrR(Tensor(shape: [3, 1], values: [2, 3, 6]))
        #expect(column.shape == [1, 1] && abs(abs(column.values[0]) - 7) < 1e-5)
    }

    @Test func pseudoInverseOfHandMatrices() throws {
        // diag(2, 4) stacked on a zero row: the pseudo-inverse is [[1/2, 0, 0], [0, 1/4, 0]].
        let tall = try Linalg.pseudoInverse(Tensor(shape: [3, 2], values: [2, 0, 0, 4, 0, 0]))
        #expect(tall.shape == [2, 3])
        #expect(zip(tall.values, [0.5, 0, 0, 0, 0.25, 0] as [Float]).allSatisfy { abs($0 - $1) < 1e-6 })
        // A rank-1 matrix [[1, 2], [2, 4]] = v·vᵀ with v = (1, 2): its pseudo-inverse is v·vᵀ / ‖v‖⁴ = A / 25, and the
        // zero singular value is dropped instead of inverted.
        let rankOne = try Linalg.pseudoInverse(Tensor(shape: [2, 2], values: [1, 2, 2, 4]))
        #expect(zip(rankOne.values, [1, 2, 2, 4].map { Float($0) / 25 }).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func thinSVDReconstructsAndHasHandSingularValues() throws {
        // [[3, 0], [0, 2], [0, 0]]: σ = 3, 2 with u, v the unit axes (up to sign).
        let a = try Tensor(shape: [3, 2], values: [3, 0, 0, 2, 0, 0])
        let svd = try Linalg.thinSVD(a)
        #expect(svd.u.shape == [3, 2] && svd.vt.shape == [2, 2])
        #expect(abs(svd.s[0] - 3) < 1e-6 && abs(svd.s[1] - 2) < 1e-6)
        // A non-symmetric 2 × 3 matrix rebuilt from U·diag(S)·Vᵀ.
        let b = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let parts = try Linalg.thinSVD(b)
        let scaled = try Tensor.build(shape: [2, 2]) { out in
            for row in 0..<2 { for column in 0..<2 { out[row * 2 + column] = parts.u.values[row * 2 + column] * parts.s[column] } }
        }
        let rebuilt = try Linalg.matmul(scaled, parts.vt)
        for (x, y) in zip(rebuilt.values, b.values) { #expect(abs(x - y) < 1e-5) }
        // σ of [[1, 2, 3], [4, 5, 6]]: the eigenvalues of aaᵀ = [[14, 32], [32, 77]] are (91 ± √(91² − 4·54))/2.
        let root = (91.0 * 91 - 4 * 54).squareRoot()
        #expect(abs(Double(parts.s[0]) - ((91 + root) / 2).squareRoot()) < 1e-4)
        #expect(abs(Double(parts.s[1]) - ((91 - root) / 2).squareRoot()) < 1e-4)
    }

    @Test func lowRankSpectrumComesFromTheFactors() throws {
        // left (3 × 2) · right (2 × 4) = [[3, 0, 0, 0], [0, 2, 0, 0], [0, 0, 0, 0]]: σ = 3, 2, 0.
        let factors = try LowRankFactors(left: Tensor(shape: [3, 2], values: [1, 0, 0, 2, 0, 0]),
                                         right: Tensor(shape: [2, 4], values: [3, 0, 0, 0, 0, 1, 0, 0]), name: "w")
        let values = try factors.singularValues(name: "w")
        #expect(values.count == 3)
        #expect(abs(values[0] - 3) < 1e-5 && abs(values[1] - 2) < 1e-5 && values[2] == 0)
        #expect(try factors.product().values == [3, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0])
        // Slices and the transpose keep the product: columns 1..<2 hold only the 2.
        #expect(try factors.columns(1..<2, name: "w").singularValues(name: "w") == [2])
        #expect(try factors.transposed(name: "w").product().shape == [4, 3])
        #expect(try LowRankFactors.zero(rows: 2, columns: 5, name: "z").singularValues(name: "z") == [0, 0])
        #expect(throws: EngineError.self) {
            try LowRankFactors(left: Tensor(shape: [3, 2], values: [Float](repeating: 1, count: 6)),
                               right: Tensor(shape: [3, 1], values: [1, 1, 1]), name: "bad")
        }
    }
}
