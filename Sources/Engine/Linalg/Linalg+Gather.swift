// Gathering chosen rows of a matrix into a new contiguous matrix.
import Foundation

extension Linalg {
    /// The rows `indices` of a matrix, in that order (a copy); `name` is used in errors.
    public static func gatherRows(_ tensor: Tensor, _ indices: [Int], name: String? = nil) throws -> Tensor {
        guard let (rows, columns) = tensor.matrixShape else {
            throw EngineError.invalidArgument("\(name.map { "\($0): " } ?? "")rows need a matrix, got \(Shape.describe(tensor.shape))")
        }
        if let bad = indices.first(where: { $0 < 0 || $0 >= rows }) {
            throw EngineError.invalidArgument("\(name.map { "\($0): " } ?? "")index \(bad) out of range 0…\(rows - 1)")
        }
        return try Tensor.build(shape: [indices.count, columns], storedType: tensor.storedType) { out in
            guard let base = out.baseAddress else { return }
            for (position, index) in indices.enumerated() {
                (base + position * columns).update(from: tensor.storage.pointer + index * columns, count: columns)
            }
        }
    }
}
