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
                Linalg.addGram(stacked, count: count, size: size, into: &gram)
                step(position + 1)
            }
        }
        let values = Linalg.cosines(fromGram: gram, count: count)
        return (try Tensor(shape: [count, count], values: values), zoo.entries.map(\.name))
    }
}
