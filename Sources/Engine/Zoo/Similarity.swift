// The exact cosine matrix between the full deltas of a zoo, computed tensor-major in one pass.
import Foundation

/// Cosine similarity of task vectors (whole deltas) without ever holding a flattened delta.
public enum DeltaSimilarity {
    /// N × N cosine matrix: for each canonical matrix, every model's delta of it is read once and its
    /// contribution D·Dᵀ added to the Gram matrix (memory: N × one tensor).
    public static func cosine(_ zoo: Zoo, base: Model, selection: DeltaSelection = DeltaSelection()) throws -> (matrix: Tensor, names: [String]) {
        let entries = try selection.entries(of: base)
        let count = zoo.entries.count
        let models = try zoo.entries.indices.map { try zoo.model(at: $0) }  // lazily mapped; no weights read yet
        var gram = [Double](repeating: 0, count: count * count)
        try Progress.run("similarity", total: entries.count) { step in
            for (position, entry) in entries.enumerated() {
                try Interruption.check()
                let size = try base.tensor(entry.name).count
                var stacked = [Float](repeating: 0, count: count * size)
                for (row, model) in models.enumerated() {
                    let delta = try DeltaStream.delta(entry, ft: model, base: base)
                    stacked.withUnsafeMutableBufferPointer { buffer in
                        (buffer.baseAddress! + row * size).update(from: delta.storage.pointer, count: size)
                    }
                }
                var block = [Float](repeating: 0, count: count * count)
                // Gram block of this tensor: D·Dᵀ (symmetric rank-k update, upper triangle).
                Linalg.gramUpper(n: count, k: size, stacked, into: &block)
                for i in 0..<count {
                    for j in i..<count { gram[i * count + j] += Double(block[i * count + j]) }
                }
                step(position + 1)
            }
        }
        let values = (0..<(count * count)).map { index -> Float in
            let i = index / count, j = index % count
            let (low, high) = (min(i, j), max(i, j))
            let denominator = (gram[low * count + low] * gram[high * count + high]).squareRoot()
            return denominator > 0 ? Float(gram[low * count + high] / denominator) : (i == j ? 1 : 0)
        }
        return (try Tensor(shape: [count, count], values: values), zoo.entries.map(\.name))
    }
}
