// Aligning two models that share a vocabulary through their parameters' embedding-space images.
import Foundation

/// How `align` compares a parameter vector a of one model with b of the other through their vocabulary images.
public enum AlignMeasure: String, Sendable, CaseIterable {
    /// cos(E_A·a, E_B·b): the images' cosine (uncentred).
    case cosine
    /// The Pearson correlation of the two images over the vocabulary, Dar et al.'s kernelised correlation:
    /// ((1/n)·aᵀK b − μₐμ_b) / (σₐσ_b) with K = E_AᵀE_B, μₐ = a·mean(E_A), σₐ² = (1/n)·aᵀG_A a − μₐ².
    case correlation
}

/// Unit × unit similarity of two models' vectors of one component, read in vocabulary space; a unit is a
/// layer, or with `heads` one attention head of a layer.
public struct Alignment: Sendable {
    /// The component compared (`ff2`, `ff1`, `q`, …).
    public let component: String
    /// Units of the first model × units of the second: ½(mean best match of each A vector + mean best match
    /// of each B vector); axes `layer_a` × `layer_b` (layer numbers) or `head_a` × `head_b` (`L.h` labels).
    public let matrix: LabelledMatrix

    /// The similarity as a table to read: the unit of the first model (`layer` or `head`), then one column `bX`
    /// per unit X of the second; the matrix itself travels as `matrices["similarity"]`, which export writes.
    public func table() throws -> Table {
        var table = Table()
        let key = matrix.rows.name.hasPrefix("head") ? "head" : "layer"
        try table.append(key, matrix.rows.labels)
        let values = matrix.values.values, rows = matrix.values.shape[0], columns = matrix.values.shape[1]
        for column in 0..<columns {
            try table.append("b\(matrix.columns.labels.keyText(at: column))",
                             .double((0..<rows).map { Double(values[$0 * columns + column]) }))
        }
        table.matrices["similarity"] = matrix
        return table
    }
}

/// Alignment of two models through E·v: cos(E_A·a, E_B·b) = aᵀ(E_AᵀE_B)b / (‖E_A·a‖‖E_B·b‖), or the images'
/// correlation through the same kernels centred.
///
/// The d_A × d_B kernel E_AᵀE_B is formed once, so vocabulary-space cosines cost no more than model-space ones
/// and no vector is ever materialised over the vocabulary.
public enum Align {
    /// The unit × unit similarity of `component` between `a` and `b`: units are layers, or with `heads` the
    /// attention heads of every layer (a head's d_head vectors: its columns of q, k, v, its rows of o).
    /// `images` (of the same two models) is built from `embedding` when not given.
    public static func layers(_ a: Model, _ b: Model, component: String, embedding: EmbeddingChoice = .input,
                              images: Images? = nil, heads: Bool = false,
                              schedule: WorkSchedule = .matrixPerCore) throws -> Alignment {
        let images = try images ?? Images(a, b, embedding: embedding)
        let entriesA = try Rank.selectEntries(a, components: [component], layers: nil)
        let entriesB = try Rank.selectEntries(b, components: [component], layers: nil)
        let (left, right) = try Progress.run("align", total: entriesA.count + entriesB.count) { step in
            var done = 0
            let left = try entriesA.flatMap { entry -> [Unit] in
                defer { done += 1; step(done) }
                try Interruption.check()
                return try units(images.left(Projection.vectors(a, entry)), entry, of: a, heads: heads)
            }
            let right = try entriesB.flatMap { entry -> [Unit] in
                defer { done += 1; step(done) }
                try Interruption.check()
                return try units(images.right(Projection.vectors(b, entry)), entry, of: b, heads: heads)
            }
            return (left, right)
        }
        let slots = Slots<Float>(count: left.count * right.count)
        try schedule.run(count: left.count * right.count, done: { _ in }) { job in
            slots[job] = try bestMatchScore(left[job / right.count].vectors, right[job % right.count].vectors)
        }
        let similarity = try Tensor(shape: [left.count, right.count], values: slots.values())
        let axis = { (name: String, units: [Unit]) in
            MatrixAxis(name, heads ? .string(units.map { "\($0.layer).\($0.head)" }) : .int(units.map(\.layer)))
        }
        let unit = heads ? "head" : "layer"
        return Alignment(component: component,
                         matrix: try LabelledMatrix(similarity, rows: axis("\(unit)_a", left), columns: axis("\(unit)_b", right)))
    }

    /// A layer's vectors (as rows), or with `heads` each head's d_head rows.
    private struct Unit {
        let layer: Int
        let head: Int
        let vectors: Tensor
    }

    /// The units of one layer matrix's image rows: the whole layer, or one per head (d_head = width / heads).
    private static func units(_ rows: Tensor, _ entry: CanonicalEntry, of model: Model, heads: Bool) throws -> [Unit] {
        let layer = entry.layer ?? 0
        guard heads else { return [Unit(layer: layer, head: 0, vectors: rows)] }
        let architecture = model.architecture
        guard ["q", "k", "v", "o"].contains(entry.component), architecture.heads > 0, architecture.width % architecture.heads == 0 else {
            throw EngineError.invalidArgument("align(heads=true) splits attention matrices (q, k, v, o) of a model with a known head count; got \(entry.name) of \(model.name) (\(architecture.heads) heads)")
        }
        let width = architecture.width / architecture.heads, count = rows.shape[0]
        guard count % width == 0 else {
            throw EngineError.invalidArgument("\(entry.name) of \(model.name): \(count) vectors do not split into heads of \(width)")
        }
        return try (0..<(count / width)).map { head in
            Unit(layer: layer, head: head, vectors: try Linalg.rows(rows, (head * width)..<((head + 1) * width), name: entry.name))
        }
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

    /// The two models' embeddings as kernels: vectors become unit rows whose dot products are vocabulary-space cosines
    /// (or, centred, correlations). Built once per pair of models (three vocab-sized products), so `align(pair=)`
    /// shares it between `layers` and `match`.
    public struct Images: Sendable {
        let kernel: Tensor      // E_Aᵀ E_B, d_A × d_B (centred: E_AᵀE_B/n − mean_A mean_Bᵀ)
        let gramA: Tensor       // E_Aᵀ E_A (centred likewise)
        let gramB: Tensor       // E_Bᵀ E_B

        /// The kernels of `a`'s and `b`'s chosen embeddings restricted by `filter`; they must share a vocabulary.
        public init(_ a: Model, _ b: Model, embedding: EmbeddingChoice, measure: AlignMeasure = .cosine,
                    filter: TokenFilter = TokenFilter()) throws {
            let spaceA = try VocabularySpace.of(a, embedding: embedding, filter: filter)
            if a === b {
                // A model with itself: the three kernels are one Gram matrix (a third of the work, which matters
                // for a 262,144-token vocabulary).
                let gram = try Images.kernel(spaceA, spaceA, measure)
                (kernel, gramA, gramB) = (gram, gram, gram)
                return
            }
            let spaceB = try VocabularySpace.of(b, embedding: embedding, filter: filter)
            guard spaceA.count == spaceB.count else {
                throw EngineError.shapeMismatch(operation: "align (the models must share a vocabulary)",
                                                lhs: spaceA.matrix.shape, rhs: spaceB.matrix.shape, name: "embed")
            }
            if let tokensA = spaceA.text?.tokens, let tokensB = spaceB.text?.tokens, tokensA != tokensB,
               let first = zip(tokensA, tokensB).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
                throw EngineError.invalidArgument("align needs a shared vocabulary: token \(first.offset) is '\(first.element.0)' in \(a.name) and '\(first.element.1)' in \(b.name)")
            }
            kernel = try Images.kernel(spaceA, spaceB, measure)
            gramA = try Images.kernel(spaceA, spaceA, measure)
            gramB = try Images.kernel(spaceB, spaceB, measure)
        }

        /// XᵀY over the kept tokens, or for correlations XᵀY/n − mean(X)·mean(Y)ᵀ: the covariance of the images
        /// x·Xᵀ and y·Yᵀ is xᵀ(that)y, so no vocabulary-long vector is needed to centre them.
        private static func kernel(_ x: VocabularySpace, _ y: VocabularySpace, _ measure: AlignMeasure) throws -> Tensor {
            let product = try Linalg.matmul(x.matrix, y.matrix, transposeA: true)
            guard measure == .correlation else { return product }
            guard x.count > 0 else { throw EngineError.invalidArgument("align(measure=\"correlation\") needs at least one token") }
            return try Linalg.scaledMinusOuter(product, scale: 1 / Float(x.count), Linalg.rowMean(x.matrix), Linalg.rowMean(y.matrix))
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
