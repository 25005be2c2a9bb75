// The Frobenius norm of a whole model (or delta): every parameter read once, both cores, memory bounded.
import Foundation

extension Model {
    /// ‖all weights‖F: the norm of every element of every floating-point parameter together (`norm(model)`),
    /// in double. Integer buffers (BERT's `position_ids`, `token_type_ids`) are bookkeeping, not weights.
    ///
    /// Parameters are read one per core (a delta computes each difference there), and each one's mapped pages
    /// are released when done, so memory stays a few tensors however large the model; the squares are added
    /// in parameter order, so the result does not depend on which core finished first.
    public func frobeniusNorm() throws -> Double {
        let parameters = self.parameters.filter { !$0.dtype.isInteger }
        let squares = Slots<Double>(count: parameters.count)
        try Progress.run("norm", total: parameters.count) { step in
            try WorkSchedule.matrixPerCore.run(count: parameters.count, done: step) { index in
                let norm = Linalg.norm(try parameters[index].load())
                squares[index] = norm * norm
                parameters[index].releasePages?()
            }
        }
        return try squares.values().reduce(0, +).squareRoot()
    }
}
