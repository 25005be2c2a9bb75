// The DINOv2 forward pass: patches by im2col + sgemm, cls token, bicubically interpolated positions, LayerScale blocks.
import Foundation

/// What one ViT block keeps for its backward pass.
struct ViTBlockCache {
    let norm1: NormCache
    let attention: SelfAttentionCache
    let norm2: NormCache
    let preActivation: [Float]
}

extension ViTWeights {
    /// The position embeddings for a grid of `rows` × `columns` patches, (1 + rows·columns) × d: the cls row, then the
    /// trained grid resampled as DINOv2 does (PyTorch bicubic, a = −0.75, half-pixel, no antialiasing: the ONNX
    /// export's `Resize` node, mode cubic, half_pixel).
    func positions(rows: Int, columns: Int) throws -> [Float] {
        clsPosition + (try Resample.resize(gridPositions, height: positionGrid, width: positionGrid, channels: width,
                                           toHeight: rows, toWidth: columns, filter: .torch))
    }

    /// The patch grid of a height × width input; both must be whole multiples of the patch size.
    func grid(height: Int, width pixels: Int) throws -> (rows: Int, columns: Int) {
        guard height >= patchSize, pixels >= patchSize, height % patchSize == 0, pixels % patchSize == 0 else {
            throw EngineError.invalidArgument("a \(pixels) × \(height) picture does not divide into \(patchSize) × \(patchSize) patches (use a multiple of \(patchSize), e.g. image(path, size=224))")
        }
        return (height / patchSize, pixels / patchSize)
    }

    /// Calls `body(row, pixel)` for every run of `p` samples a patch row holds: `row` indexes the patch matrix
    /// ((rows·columns) × (3·p·p), each row laid out as the convolution weight is: channel, then row, then column inside
    /// the patch, so the stem is one product with the weight) and `pixel` the 3 × height × width input.
    private func patchRuns(rows: Int, columns: Int, _ body: (_ row: Int, _ pixel: Int) -> Void) {
        let p = patchSize, inner = 3 * p * p, pixels = columns * p, plane = rows * p * pixels
        for row in 0..<rows {
            for column in 0..<columns {
                for channel in 0..<3 {
                    for y in 0..<p {
                        body((row * columns + column) * inner + (channel * p + y) * p, channel * plane + (row * p + y) * pixels + column * p)
                    }
                }
            }
        }
    }

    /// The input cut into patches, (rows·columns) × (3·p·p) (see `patchRuns`).
    func patches(_ input: [Float], rows: Int, columns: Int) -> [Float] {
        let p = patchSize
        var out = [Float](repeating: 0, count: rows * columns * 3 * p * p)
        patchRuns(rows: rows, columns: columns) { row, pixel in out.replaceSubrange(row..<(row + p), with: input[pixel..<(pixel + p)]) }
        return out
    }

    /// The inverse of `patches`: gradients of patch rows back onto the 3 × height × width input.
    func unpatch(_ rowsGradient: [Float], rows: Int, columns: Int) -> [Float] {
        let p = patchSize
        var out = [Float](repeating: 0, count: 3 * rows * p * columns * p)
        patchRuns(rows: rows, columns: columns) { row, pixel in
            out.replaceSubrange(pixel..<(pixel + p), with: rowsGradient[row..<(row + p)])
        }
        return out
    }

    /// The stem: tokens (1 + rows·columns) × d = [cls; patches·Wᵀ + b] + positions, for a normalised 3 × H × W input.
    func embed(_ input: [Float], rows: Int, columns: Int, positions: [Float]) -> [Float] {
        let d = width, count = rows * columns, inner = 3 * patchSize * patchSize
        var tokens = [Float](repeating: 0, count: (1 + count) * d)
        for column in 0..<d { tokens[column] = cls[column] }
        for row in 0..<count { for column in 0..<d { tokens[(1 + row) * d + column] = patchBias[column] } }
        Dense.gemm(patches(input, rows: rows, columns: columns), MatrixView(stride: inner), patch, MatrixView(stride: inner),
                   transposeB: true, m: count, n: d, k: inner, into: &tokens, MatrixView(offset: d, stride: d), beta: 1)
        for index in tokens.indices { tokens[index] += positions[index] }
        return tokens
    }

    /// The stem's backward: from the tokens' gradient to the normalised input's (the cls row depends on no pixel).
    func embedBackward(_ gradient: [Float], rows: Int, columns: Int) -> [Float] {
        let d = width, count = rows * columns, inner = 3 * patchSize * patchSize
        var patchGradient = [Float](repeating: 0, count: count * inner)
        Dense.gemm(gradient, MatrixView(offset: d, stride: d), patch, MatrixView(stride: inner),
                   m: count, n: inner, k: d, into: &patchGradient, MatrixView(stride: inner))
        return unpatch(patchGradient, rows: rows, columns: columns)
    }

    /// x + λ₁ ⊙ Attention(LN₁(x)), then + λ₂ ⊙ MLP(LN₂(·)) with the exact GELU; `causal` hides later tokens.
    func forward(_ w: ViTBlockWeights, _ x: [Float], tokens t: Int, causal: Bool) -> ([Float], ViTBlockCache) {
        let d = width
        let (normed, norm1) = BERTWeights.layerNorm(x, rows: t, width: d, weight: w.norm1Weight, bias: w.norm1Bias, epsilon: epsilon)
        let (attended, attention) = w.selfAttention(normed, tokens: t, width: d, heads: heads, causal: causal, mask: nil)
        var h = x
        for index in h.indices { h[index] += w.scale1[index % d] * attended[index] }
        let (normed2, norm2) = BERTWeights.layerNorm(h, rows: t, width: d, weight: w.norm2Weight, bias: w.norm2Bias, epsilon: epsilon)
        let u = Dense.linear(normed2, rows: t, w.ff1, inner: d, outer: feedForward, bias: w.ff1Bias)
        let mlp = Dense.linear(u.map(BERTWeights.gelu), rows: t, w.ff2, inner: feedForward, outer: d, bias: w.ff2Bias)
        var out = h
        for index in out.indices { out[index] += w.scale2[index % d] * mlp[index] }
        return (out, ViTBlockCache(norm1: norm1, attention: attention, norm2: norm2, preActivation: u))
    }

    /// The final LayerNorm.
    func finalNorm(_ x: [Float], tokens t: Int) -> ([Float], NormCache) {
        BERTWeights.layerNorm(x, rows: t, width: width, weight: finalNormWeight, bias: finalNormBias, epsilon: epsilon)
    }
}
