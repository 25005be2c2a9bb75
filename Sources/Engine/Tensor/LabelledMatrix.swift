// A matrix whose two axes are named and labelled: the shape a layer × layer similarity or a pivot really has.

/// One labelled axis of a matrix: its name (`layer_a`, `model`) and one label per position.
public struct MatrixAxis: Sendable, Equatable {
    /// The axis name (exports label the dimension with it and name its dimension scale after it).
    public let name: String
    /// A label per position along the axis (layer numbers, model names, pivot headers).
    public let labels: Column

    public init(_ name: String, _ labels: Column) {
        self.name = name
        self.labels = labels
    }
}

/// A 2-D float32 matrix with named, labelled axes. Results whose natural display is a wide table (`align`'s
/// layer × layer similarity, `pivot`) carry it in `Table.matrices`, so the table is what you read and the
/// matrix is what h5py, MATLAB and pandas get: a 2-D dataset with both axes labelled.
public struct LabelledMatrix: Sendable {
    /// rows × columns values.
    public let values: Tensor
    /// The first axis (rows).
    public let rows: MatrixAxis
    /// The second axis (columns).
    public let columns: MatrixAxis

    /// A matrix whose shape must agree with its axes' label counts, and whose axes need distinct names.
    public init(_ values: Tensor, rows: MatrixAxis, columns: MatrixAxis) throws {
        guard values.ndim == 2, values.shape[0] == rows.labels.count, values.shape[1] == columns.labels.count else {
            throw EngineError.shapeMismatch(operation: "labelled matrix (\(rows.name) × \(columns.name))", lhs: values.shape,
                                            rhs: [rows.labels.count, columns.labels.count], name: nil)
        }
        guard rows.name != columns.name else {
            throw EngineError.invalidArgument("a labelled matrix needs two differently named axes, got '\(rows.name)' twice")
        }
        self.values = values
        self.rows = rows
        self.columns = columns
    }
}
