// Aligning two models that share a vocabulary through their parameters' embedding-space images.
import Foundation

/// Layer × layer similarity of two models' vectors of one component, read in vocabulary space.
public struct Alignment: Sendable {
    /// The component compared (`ff2`, `ff1`, `q`, …).
    public let component: String
    /// Layers of the first model (rows of `similarity`).
    public let layersA: [Int]
    /// Layers of the second model (columns of `similarity`).
    public let layersB: [Int]
    /// layersA × layersB: ½(mean best match of each A vector + mean best match of each B vector).
    public let similarity: Tensor

    /// The similarity with its axes `layer_a` and `layer_b` labelled by layer number.
    public func matrix() throws -> LabelledMatrix {
        try LabelledMatrix(similarity, rows: MatrixAxis("layer_a", .int(layersA)), columns: MatrixAxis("layer_b", .int(layersB)))
    }

    /// The similarity as a table to read: `layer` (of the first model), then one column `bN` per layer N of the
    /// second; the matrix itself travels as `matrices["similarity"]`, which is what export writes.
    public func table() throws -> Table {
        var table = Table()
        try table.append("layer", .int(layersA))
        let values = similarity.values
        for (column, layer) in layersB.enumerated() {
            try table.append("b\(layer)", .double(layersA.indices.map { Double(values[$0 * layersB.count + column]) }))
        }
        table.matrices["similarity"] = try matrix()
        return table
    }
}

/// Alignment of two models through E·v: cos(E_A·a, E_B·b) = aᵀ(E_AᵀE_B)b / (‖E_A·a‖‖E_B·b‖).
///
/// The d_A × d_B kernel E_AᵀE_B is formed once, so vocabulary-space cosines cost no more than model-space ones
/// and no vector is ever materialised over the vocabulary.
public enum Align {
    /// The layer × layer similarity of `component` between `a` and `b`; `images` (of the same two models) is
    /// built from `embedding` when not given.
    public static func layers(_ a: Model, _ b: Model, component: String, embedding: EmbeddingChoice = .input,
                              images: Images? = nil, schedule: WorkSchedule = .matrixPerCore) throws -> Alignment {
        let images = try images ?? Images(a, b, embedding: embedding)
        let entriesA = try Rank.selectEntries(a, components: [component], layers: nil)
        let entriesB = try Rank.selectEntries(b, components: [component], layers: nil)
        let (left, right) = try Progress.run("align", total: entriesA.count + entriesB.count) { step in
            var done = 0
            let left = try entriesA.map { entry -> Tensor in
                defer { done += 1; step(done) }
                try Interruption.check()
                return try images.left(Projection.vectors(a, entry))
            }
            let right = try entriesB.map { entry -> Tensor in
                defer { done += 1; step(done) }
                try Interruption.check()
                return try images.right(Projection.vectors(b, entry))
            }
            return (left, right)
        }
        let slots = Slots<Float>(count: left.count * right.count)
        try schedule.run(count: left.count * right.count, done: { _ in }) { job in
            slots[job] = try bestMatchScore(left[job / right.count], right[job % right.count])
        }
        let similarity = try Tensor(shape: [left.count, right.count], values: slots.values())
        return Alignment(component: component, layersA: entriesA.compactMap(\.layer), layersB: entriesB.compactMap(\.layer),
                         similarity: similarity)
    }

    /// The one-to-one matching (Hungarian) of layer `layerA`'s vectors of `a` with layer `layerB`'s of `b`,
    /// as a table `index_a`, `index_b`, `score` (the vocabulary-space cosine of each matched pair) carrying the
    /// whole score matrix it maximised as `matrices["scores"]`; `images` (of the same two models) is built from
    /// `embedding` when not given.
    public static func match(_ a: Model, _ b: Model, component: String, layerA: Int, layerB: Int,
                             embedding: EmbeddingChoice = .input, images: Images? = nil) throws -> Table {
        let images = try images ?? Images(a, b, embedding: embedding)
        guard let entryA = try Rank.selectEntries(a, components: [component], layers: [layerA]).first,
              let entryB = try Rank.selectEntries(b, components: [component], layers: [layerB]).first else {
            throw EngineError.invalidArgument("no \(component) matrix in layer \(layerA) of \(a.name) or layer \(layerB) of \(b.name)")
        }
        let left = try images.left(Projection.vectors(a, entryA)), right = try images.right(Projection.vectors(b, entryB))
        let cosines = try Linalg.matmul(left, right, transposeB: true)
        let rows = left.shape[0], columns = right.shape[0]
        let assignment = try Hungarian.maximise(cosines.values.map(Double.init), rows: rows, columns: columns)
        var indexA: [Int] = [], indexB: [Int] = [], scores: [Double] = []
        for (row, column) in assignment.enumerated() {
            guard let column else { continue }
            indexA.append(row)
            indexB.append(column)
            scores.append(Double(cosines.storage.pointer[row * columns + column]))
        }
        var table = Table()
        try table.append("index_a", .int(indexA))
        try table.append("index_b", .int(indexB))
        try table.append("score", .double(scores))
        table.matrices["scores"] = try LabelledMatrix(cosines, rows: MatrixAxis("index_a", .int(Array(0..<rows))),
                                                      columns: MatrixAxis("index_b", .int(Array(0..<columns))))
        return table
    }

    /// ½(mean over rows of the row maximum + mean over columns of the column maximum) of left·rightᵀ.
    static func bestMatchScore(_ left: Tensor, _ right: Tensor) throws -> Float {
        let rows = left.shape[0], columns = right.shape[0], width = left.shape[1]
        guard rows > 0, columns > 0 else { return 0 }
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: rows * columns)
        defer { scratch.deallocate() }
        Linalg.gemm(m: rows, n: columns, k: width, left.storage.pointer, lda: width,
                    right.storage.pointer, ldb: width, transposeB: true, scratch, ldc: columns)
        var rowBest = [Float](repeating: -.infinity, count: rows), columnBest = [Float](repeating: -.infinity, count: columns)
        for row in 0..<rows {
            for column in 0..<columns {
                let value = scratch[row * columns + column]
                rowBest[row] = max(rowBest[row], value)
                columnBest[column] = max(columnBest[column], value)
            }
        }
        let rowMean = rowBest.reduce(0, +) / Float(rows), columnMean = columnBest.reduce(0, +) / Float(columns)
        return (rowMean + columnMean) / 2
    }

    /// The two models' embeddings as kernels: vectors become unit rows whose dot products are vocabulary-space cosines.
    /// Built once per pair of models (three vocab-sized products), so `align(pair=)` shares it between `layers` and `match`.
    public struct Images: Sendable {
        let kernel: Tensor      // E_Aᵀ E_B, d_A × d_B
        let gramA: Tensor       // E_Aᵀ E_A
        let gramB: Tensor       // E_Bᵀ E_B

        /// The kernels of `a`'s and `b`'s chosen embeddings; they must share a vocabulary.
        public init(_ a: Model, _ b: Model, embedding: EmbeddingChoice) throws {
            if a === b {
                // A model with itself: the three kernels are one Gram matrix (a third of the work, which matters
                // for a 262,144-token vocabulary).
                let space = try VocabularySpace.of(a, embedding: embedding)
                kernel = try Linalg.matmul(space.matrix, space.matrix, transposeA: true)
                gramA = kernel
                gramB = kernel
                return
            }
            let spaceA = try VocabularySpace.of(a, embedding: embedding), spaceB = try VocabularySpace.of(b, embedding: embedding)
            guard spaceA.count == spaceB.count else {
                throw EngineError.shapeMismatch(operation: "align (the models must share a vocabulary)",
                                                lhs: spaceA.matrix.shape, rhs: spaceB.matrix.shape, name: "embed")
            }
            if let tokensA = spaceA.text?.tokens, let tokensB = spaceB.text?.tokens, tokensA != tokensB,
               let first = zip(tokensA, tokensB).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
                throw EngineError.invalidArgument("align needs a shared vocabulary: token \(first.offset) is '\(first.element.0)' in \(a.name) and '\(first.element.1)' in \(b.name)")
            }
            kernel = try Linalg.matmul(spaceA.matrix, spaceB.matrix, transposeA: true)
            gramA = try Linalg.matmul(spaceA.matrix, spaceA.matrix, transposeA: true)
            gramB = try Linalg.matmul(spaceB.matrix, spaceB.matrix, transposeA: true)
        }

        /// Rows a·K / ‖E_A·a‖: dotted with `right` rows they give cos(E_A·a, E_B·b).
        func left(_ vectors: Tensor) throws -> Tensor {
            try Images.scaled(Linalg.matmul(vectors, kernel), vectors, gramA)
        }

        /// Rows b / ‖E_B·b‖.
        func right(_ vectors: Tensor) throws -> Tensor {
            try Images.scaled(vectors, vectors, gramB)
        }

        /// `rows` with row i divided by sqrt(vᵢᵀ G vᵢ) (left as zero when that norm is zero).
        private static func scaled(_ rows: Tensor, _ vectors: Tensor, _ gram: Tensor) throws -> Tensor {
            let projected = try Linalg.matmul(vectors, gram)
            let count = vectors.shape[0], width = vectors.shape[1], outWidth = rows.shape[1]
            return try Tensor.build(shape: rows.shape) { out in
                for row in 0..<count {
                    var squared: Double = 0
                    for k in 0..<width {
                        squared += Double(projected.storage.pointer[row * width + k]) * Double(vectors.storage.pointer[row * width + k])
                    }
                    let scale = squared > 0 ? Float(1 / squared.squareRoot()) : 0
                    for k in 0..<outWidth { out[row * outWidth + k] = rows.storage.pointer[row * outWidth + k] * scale }
                }
            }
        }
    }
}
