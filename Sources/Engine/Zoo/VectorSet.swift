// Vectors for a set of models: a row per model, with names, labels and column descriptions.

/// What the rows of a vector set are.
public enum VectorKind: String, Sendable {
    /// Feature vectors (sketches, profiles): compared by a metric.
    case features
    /// Rows of a square cosine-similarity matrix (`similarity`): distances are 1 − similarity.
    case similarity
}

/// A matrix with one row per model (from `vectorize` or `similarity`), carrying names and labels.
public struct VectorSet: Sendable {
    /// rows × dim values, row-major.
    public let matrix: Tensor
    /// Row names (model names).
    public let names: [String]
    /// Row labels, when known.
    public let labels: [String]?
    /// What each column is (`layer.3.q` for profiles, empty for sketches).
    public let columnNames: [String]
    /// How the vectors were made (`sketch`, `rel`, …), for displays and exports.
    public let statistic: String
    /// Feature vectors or a similarity matrix.
    public let kind: VectorKind

    public init(matrix: Tensor, names: [String], labels: [String]?, columnNames: [String], statistic: String,
                kind: VectorKind = .features) {
        self.kind = kind
        self.matrix = matrix
        self.names = names
        self.labels = labels
        self.columnNames = columnNames
        self.statistic = statistic
    }

    /// Number of models.
    public var count: Int { matrix.shape.first ?? 0 }
    /// Vector length.
    public var dimension: Int { matrix.shape.count > 1 ? matrix.shape[1] : 0 }

    /// Row `index` as doubles.
    public func row(_ index: Int) -> [Double] {
        let dim = dimension
        let start = matrix.storage.pointer + index * dim
        return (0..<dim).map { Double(start[$0]) }
    }

    /// All rows as doubles (clustering works in double precision).
    public var rows: [[Double]] { (0..<count).map(row) }

    /// The same vectors scaled to unit length (zero rows stay zero): only their directions remain.
    public func unitRows() throws -> VectorSet {
        let dimension = self.dimension
        var values = matrix.values
        for row in 0..<count {
            let range = (row * dimension)..<((row + 1) * dimension)
            let length = values[range].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            if length > 0 { for index in range { values[index] = Float(Double(values[index]) / length) } }
        }
        return VectorSet(matrix: try Tensor(shape: matrix.shape, values: values), names: names, labels: labels,
                         columnNames: columnNames, statistic: statistic, kind: kind)
    }
}
