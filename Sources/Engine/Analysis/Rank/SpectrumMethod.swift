// How a matrix's singular values are computed: the float32 SVD, the float64 Gram route, or whichever is cheaper.
import Foundation

/// The route to a matrix's singular values (`method=` of `rank`, `spectrum` and `ww`; docs/analyses.md).
public enum SpectrumMethod: String, Sendable, CaseIterable {
    /// The Gram route on tall and wide matrices (long/short ≥ `gramAspect`) and on large ones (short side ≥
    /// `gramSide`), the SVD on the rest.
    case auto
    /// LAPACK `sgesdd`, values only: numpy's `svd(compute_uv=False)` on float32, and the full float32
    /// precision of singular values below √ε64·σmax (≈ 1.5e-8·σmax).
    case svd
    /// √ of the eigenvalues of the float64 Gram matrix on the short side (`dsyrk` + `dsyevd`), at any aspect ratio.
    case gram

    /// The aspect ratio long/short from which `auto` takes the Gram route. Measured on this project's 2-core
    /// machine with OpenBLAS 0.3.21 (docs/bench.md, "Gram route"), CPU time per matrix of Gram/SVD: 1.0–1.4 at
    /// 1:1 (384 and 768 wide), 0.70–0.74 at 1.5:1, 0.59–0.63 at 2:1, 0.46–0.54 at 4:1. Small square matrices keep
    /// the SVD: there the Gram route saves nothing and only the SVD resolves σ below 1.5e-8·σmax.
    public static let gramAspect = 1.5

    /// The short side from which `auto` takes the Gram route at any aspect ratio. sgesdd's level-2 half slows down
    /// once the matrix leaves the 2 MB L2 cache while dsyrk stays at level-3 speed: CPU time Gram/SVD on square
    /// matrices was 0.95 at 768, 0.65 at 1024, 0.9 at 1536 and 0.6 at 2048 (docs/bench.md, "Gram route").
    public static let gramSide = 1024

    /// Whether a rows × columns matrix goes through the Gram route under this method.
    public func usesGram(rows: Int, columns: Int) -> Bool {
        switch self {
        case .svd: return false
        case .gram: return true
        case .auto:
            let short = min(rows, columns), long = max(rows, columns)
            return short > 0 && (short >= SpectrumMethod.gramSide || Double(long) >= SpectrumMethod.gramAspect * Double(short))
        }
    }
}
