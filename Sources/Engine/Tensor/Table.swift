// A table: named, typed columns of equal length — the shape of most analysis results.

/// One typed column of a table.
public enum Column: Sendable, Equatable {
    case double([Double])
    case int([Int])
    case string([String])
    /// True/false per row: a mask (`r.layer == 5`), or a flag column.
    case bool([Bool])

    /// Number of rows.
    public var count: Int {
        switch self {
        case let .double(values): return values.count
        case let .int(values): return values.count
        case let .string(values): return values.count
        case let .bool(values): return values.count
        }
    }
}

/// Named columns of equal length, in order.
public struct Table: Sendable, Equatable {
    /// Column names in display and export order.
    public private(set) var columnNames: [String]
    /// Columns by name.
    public private(set) var columns: [String: Column]
    /// Extra named results that travel with the table (e.g. spectra), not shown as columns.
    public var attachments: [String: Tensor] = [:]
    /// Matrix-shaped results the table shows as rows (`align`'s layer × layer similarity, a pivot, the score
    /// matrix of a matching), by name; exports write each as a 2-D dataset with both axes labelled. Row and
    /// column selections drop them: a view that no longer covers the matrix must not export it.
    public var matrices: [String: LabelledMatrix] = [:]

    public static func == (lhs: Table, rhs: Table) -> Bool {
        lhs.columnNames == rhs.columnNames && lhs.columns == rhs.columns
    }

    /// An empty table.
    public init() {
        columnNames = []
        columns = [:]
    }

    /// Number of rows (0 for a table without columns).
    public var rowCount: Int { columnNames.first.flatMap { columns[$0]?.count } ?? 0 }

    /// Appends a column; throws when its length differs from the table's.
    public mutating func append(_ name: String, _ column: Column) throws {
        if !columnNames.isEmpty, column.count != rowCount {
            throw EngineError.invalidArgument("column '\(name)' has \(column.count) rows, the table has \(rowCount)")
        }
        if columns[name] == nil { columnNames.append(name) }
        columns[name] = column
    }

    /// The column with a name.
    public func column(_ name: String) throws -> Column {
        guard let column = columns[name] else {
            throw EngineError.unknownName(name, context: "column", suggestion: Suggest.closest(to: name, in: columnNames))
        }
        return column
    }
}
