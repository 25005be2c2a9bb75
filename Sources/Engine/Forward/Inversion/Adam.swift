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
