// Row-major float32 matrix products on flat arrays for the forward and backward passes (Linalg.gemm).

/// A view of a matrix inside a flat array: where it starts and its row stride (leading dimension).
struct MatrixView {
    var offset = 0
    var stride: Int
}

/// Products on flat `[Float]` buffers, so the passes can address heads as column slices without copies.
///
/// An array-level front to `Linalg.gemm` (the one sgemm call): the passes keep `[Float]` activations.
enum Dense {
    /// c[m×n] = alpha·op(a)·op(b) + beta·c, where op transposes when asked; a is m×k after op, b k×n.
    static func gemm(_ a: [Float], _ va: MatrixView, transposeA: Bool = false,
                     _ b: [Float], _ vb: MatrixView, transposeB: Bool = false,
                     m: Int, n: Int, k: Int, into c: inout [Float], _ vc: MatrixView,
                     alpha: Float = 1, beta: Float = 0) {
        guard m > 0, n > 0 else { return }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    guard let baseA = pa.baseAddress, let baseB = pb.baseAddress, let baseC = pc.baseAddress else { return }
                    Linalg.gemm(m: m, n: n, k: k, alpha: alpha, baseA + va.offset, lda: va.stride, transposeA: transposeA,
                                baseB + vb.offset, ldb: vb.stride, transposeB: transposeB, beta: beta, baseC + vc.offset, ldc: vc.stride)
                }
            }
        }
    }

    /// x[rows×inner] · w[inner×outer] (+ bias per column): a linear layer in x·W orientation.
    static func linear(_ x: [Float], rows: Int, _ w: [Float], inner: Int, outer: Int, bias: [Float]?) -> [Float] {
        var out = [Float](repeating: 0, count: rows * outer)
        if let bias {
            for row in 0..<rows { for column in 0..<outer { out[row * outer + column] = bias[column] } }
        }
        gemm(x, MatrixView(stride: inner), w, MatrixView(stride: outer), m: rows, n: outer, k: inner,
             into: &out, MatrixView(stride: outer), beta: bias == nil ? 0 : 1)
        return out
    }

    /// dy[rows×outer] · wᵀ: the gradient of a linear layer's input, optionally added into `into`.
    static func linearBackward(_ dy: [Float], rows: Int, _ w: [Float], inner: Int, outer: Int, into dx: inout [Float], accumulate: Bool) {
        gemm(dy, MatrixView(stride: outer), w, MatrixView(stride: outer), transposeB: true, m: rows, n: inner, k: outer,
             into: &dx, MatrixView(stride: inner), beta: accumulate ? 1 : 0)
    }

    /// The gradient of an activation's input through the layer after it: (dy[rows×outer] · wᵀ) ⊙ f′(pre), where
    /// `pre` (rows × inner) is what the activation f was applied to — one FF block's backward up to its first matrix.
    static func activationBackward(_ dy: [Float], rows: Int, _ w: [Float], inner: Int, outer: Int, preActivation: [Float],
                                   derivative: (Float) -> Float) -> [Float] {
        var gradient = [Float](repeating: 0, count: rows * inner)
        linearBackward(dy, rows: rows, w, inner: inner, outer: outer, into: &gradient, accumulate: false)
        for index in gradient.indices { gradient[index] *= derivative(preActivation[index]) }
        return gradient
    }
}
