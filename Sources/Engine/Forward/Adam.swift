// Adam (Kingma & Ba 2015) on a flat float32 vector, for the input-embedding optimisations.
import Foundation

/// Adam's state for one parameter vector; `step` applies one update for a gradient of the loss.
struct Adam {
    let learningRate: Float
    let beta1: Float = 0.9
    let beta2: Float = 0.999
    let epsilon: Float = 1e-8
    private var first: [Float]
    private var second: [Float]
    private var count = 0

    init(count: Int, learningRate: Float) {
        self.learningRate = learningRate
        first = [Float](repeating: 0, count: count)
        second = [Float](repeating: 0, count: count)
    }

    /// Moves `x` against `gradient` (minimisation; pass the negated gradient to maximise).
    mutating func step(_ x: inout [Float], gradient: [Float]) {
        count += 1
        let correction1 = 1 - Foundation.pow(beta1, Float(count)), correction2 = 1 - Foundation.pow(beta2, Float(count))
        for index in x.indices {
            first[index] = beta1 * first[index] + (1 - beta1) * gradient[index]
            second[index] = beta2 * second[index] + (1 - beta2) * gradient[index] * gradient[index]
            let update = (first[index] / correction1) / ((second[index] / correction2).squareRoot() + epsilon)
            x[index] -= learningRate * update
        }
    }
}

extension BERTWeights {
    /// For each row of `inputs` (tokens × d), the `top` vocabulary ids whose embeddings are nearest by cosine,
    /// with their cosines, best first.
    func nearestTokens(_ inputs: [Float], tokens: Int, top: Int) -> [[(id: Int, cosine: Float)]] {
        let d = width, vocabulary = vocabularySize
        var scores = [Float](repeating: 0, count: tokens * vocabulary)
        Dense.gemm(inputs, MatrixView(stride: d), word, MatrixView(stride: d), transposeB: true,
                   m: tokens, n: vocabulary, k: d, into: &scores, MatrixView(stride: vocabulary))
        let norms = wordNorms
        return (0..<tokens).map { t in
            var inputNorm: Float = 0
            for column in 0..<d { inputNorm += inputs[t * d + column] * inputs[t * d + column] }
            inputNorm = max(inputNorm.squareRoot(), .leastNormalMagnitude)
            var best: [(id: Int, cosine: Float)] = []
            for id in 0..<vocabulary {
                let cosine = scores[t * vocabulary + id] / (inputNorm * max(norms[id], .leastNormalMagnitude))
                if best.count < top || cosine > best[best.count - 1].cosine {
                    let place = best.firstIndex { cosine > $0.cosine } ?? best.count
                    best.insert((id, cosine), at: place)
                    if best.count > top { best.removeLast() }
                }
            }
            return best
        }
    }

    /// Euclidean norm of each word-embedding row.
    var wordNorms: [Float] {
        (0..<vocabularySize).map { id in
            var total: Float = 0
            for column in 0..<width { total += word[id * width + column] * word[id * width + column] }
            return total.squareRoot()
        }
    }
}
