// The backward pass of multi-head attention: from the context's gradient to those of q, k and v.
import Foundation

extension Attention {
    /// Gradients of q (tokens × heads·d_head) and of k and v (tokens × kvHeads·d_head, contiguous) given the context's
    /// gradient (tokens × heads·d_head) and the forward pass's q, k, v and probabilities. Masked and causally hidden keys
    /// have probability 0, so the softmax backward gives them no gradient without knowing the mask.
    static func backward(context: [Float], query: [Float], _ q: HeadLayout, key: [Float], _ k: HeadLayout,
                         value: [Float], _ v: HeadLayout, probabilities p: [Float], heads: Int, headWidth: Int, tokens t: Int,
                         keyValueHeads: Int? = nil, keyValueHead: (Int) -> Int = { $0 })
        -> (query: [Float], key: [Float], value: [Float]) {
        let width = heads * headWidth, kvWidth = (keyValueHeads ?? heads) * headWidth
        var dq = [Float](repeating: 0, count: t * width)
        var dk = [Float](repeating: 0, count: t * kvWidth), dv = dk
        var scores = [Float](repeating: 0, count: t * t)
        let scale = 1 / Float(headWidth).squareRoot()
        let square = MatrixView(stride: t)
        for head in 0..<heads {
            let source = keyValueHead(head)
            let contextColumn = MatrixView(offset: head * headWidth, stride: width)
            let kvColumn = MatrixView(offset: source * headWidth, stride: kvWidth)
            let block = MatrixView(offset: head * t * t, stride: t)
            // dP = dC·Vᵀ and dV += Pᵀ·dC (several query heads may share one key/value head).
            Dense.gemm(context, contextColumn, value, MatrixView(offset: v.column(source), stride: v.stride), transposeB: true,
                       m: t, n: t, k: headWidth, into: &scores, square)
            Dense.gemm(p, block, transposeA: true, context, contextColumn, m: t, n: headWidth, k: t, into: &dv, kvColumn, beta: 1)
            // Softmax backward: dS = P ⊙ (dP − rowsum(dP ⊙ P)), then the 1/√d_head scale.
            for row in 0..<t {
                var dot: Float = 0
                for column in 0..<t { dot += scores[row * t + column] * p[block.offset + row * t + column] }
                for column in 0..<t {
                    scores[row * t + column] = p[block.offset + row * t + column] * (scores[row * t + column] - dot) * scale
                }
            }
            Dense.gemm(scores, square, key, MatrixView(offset: k.column(source), stride: k.stride),
                       m: t, n: headWidth, k: t, into: &dq, contextColumn)
            Dense.gemm(scores, square, transposeA: true, query, MatrixView(offset: q.column(head), stride: q.stride),
                       m: t, n: headWidth, k: t, into: &dk, kvColumn, beta: 1)
        }
        return (dq, dk, dv)
    }
}
