// Multi-head scaled dot-product attention over flat buffers, shared by the BERT, GPT-2 and Llama passes.
import Foundation

/// Where each head's columns sit in a row-major buffer of tokens × stride.
struct HeadLayout {
    /// Row stride of the buffer.
    let stride: Int
    /// Column where the head's slice starts, by head index.
    let column: (Int) -> Int
}

enum Attention {
    /// softmax(q·kᵀ/√d_head) · v for every head; a head's k and v come from `keyValueHead(head)` (grouped-query
    /// attention maps several query heads onto one); with a `window`, a query sees only the keys less than that
    /// many positions back. Returns the context (tokens × heads·d_head) and the probabilities (heads × tokens ×
    /// tokens), which the backward pass needs.
    static func heads(query: [Float], _ q: HeadLayout, key: [Float], _ k: HeadLayout, value: [Float], _ v: HeadLayout,
                      heads: Int, headWidth: Int, tokens t: Int, causal: Bool, mask: [Bool]?, window: Int? = nil,
                      keyValueHead: (Int) -> Int = { $0 }) -> (context: [Float], probabilities: [Float]) {
        let width = heads * headWidth
        var probabilities = [Float](repeating: 0, count: heads * t * t)
        var context = [Float](repeating: 0, count: t * width)
        let scale = 1 / Float(headWidth).squareRoot()
        for head in 0..<heads {
            let block = head * t * t, source = keyValueHead(head)
            Dense.gemm(query, MatrixView(offset: q.column(head), stride: q.stride), key,
                       MatrixView(offset: k.column(source), stride: k.stride), transposeB: true,
                       m: t, n: t, k: headWidth, into: &probabilities, MatrixView(offset: block, stride: t), alpha: scale)
            softmaxRows(&probabilities, offset: block, rows: t, columns: t, mask: mask, causal: causal, window: window)
            Dense.gemm(probabilities, MatrixView(offset: block, stride: t), value, MatrixView(offset: v.column(source), stride: v.stride),
                       m: t, n: headWidth, k: t, into: &context, MatrixView(offset: head * headWidth, stride: width))
        }
        return (context, probabilities)
    }

    /// Row-wise softmax in place; masked-out columns (and, when causal, columns after the row; with a window,
    /// columns `window` or more before it) get probability 0.
    static func softmaxRows(_ values: inout [Float], offset: Int, rows: Int, columns: Int, mask: [Bool]?, causal: Bool, window: Int? = nil) {
        for row in 0..<rows {
            let start = offset + row * columns
            func visible(_ column: Int) -> Bool {
                (mask?[column] ?? true) && (!causal || column <= row) && (window.map { row - column < $0 } ?? true)
            }
            var largest = -Float.infinity
            for column in 0..<columns where visible(column) { largest = max(largest, values[start + column]) }
            var total: Float = 0
            for column in 0..<columns {
                if visible(column) {
                    let e = Foundation.exp(values[start + column] - largest)
                    values[start + column] = e
                    total += e
                } else {
                    values[start + column] = 0
                }
            }
            // A row whose every key is masked stays all zero rather than dividing by zero.
            if total > 0 { for column in 0..<columns { values[start + column] /= total } }
        }
    }
}
