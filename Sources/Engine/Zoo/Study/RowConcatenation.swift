// Per-model results stacked by rows: models into a shard, shards into the merged study.
import Foundation

/// Joins values whose first axis runs over models (tables, vector sets, tensors, records of those) in order.
enum RowConcatenation {
    /// `values` (one per part, all of the same kind and layout) as one value, `name` naming it in errors.
    static func values(_ values: [ExportValue], name: String) throws -> ExportValue {
        guard let first = values.first else { throw EngineError.invalidArgument("nothing to join for '\(name)'") }
        switch first {
        case .table:
            return .table(try tables(values.map { value in
                guard case let .table(table) = value else { throw mismatch(name) }
                return table
            }, name: name))
        case .vectors:
            return .vectors(try vectors(values.map { value in
                guard case let .vectors(set) = value else { throw mismatch(name) }
                return set
            }, name: name))
        case .tensor:
            return .tensor(try tensors(values.map { value in
                guard case let .tensor(tensor) = value else { throw mismatch(name) }
                return tensor
            }, name: name))
        case let .record(fields):
            let parts = try values.map { value -> [String: ExportValue] in
                guard case let .record(fields) = value else { throw mismatch(name) }
                return Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            }
            return .record(try fields.map { key, _ in
                let pieces = try parts.map { part -> ExportValue in
                    guard let piece = part[key] else { throw mismatch("\(name)/\(key)") }
                    return piece
                }
                return (key, try self.values(pieces, name: "\(name)/\(key)"))
            })
        default:
            throw EngineError.unsupported("'\(name)' is not a per-model result that shards can join")
        }
    }

    /// Tables with the same columns (names and types), rows in order.
    static func tables(_ tables: [Table], name: String) throws -> Table {
        guard let first = tables.first else { return Table() }
        var joined = Table()
        for column in first.columnNames {
            let parts = try tables.map { table -> Column in
                guard table.columnNames == first.columnNames, let part = table.columns[column] else { throw mismatch(name) }
                return part
            }
            // Every shard's column must have the first shard's element type.
            func joinedValues<Element>(_ values: (Column) -> [Element]?) throws -> [Element] {
                try parts.flatMap { part -> [Element] in
                    guard let elements = values(part) else { throw mismatch("\(name)/\(column)") }
                    return elements
                }
            }
            switch parts[0] {
            case .double: try joined.append(column, .double(try joinedValues { if case let .double(v) = $0 { v } else { nil } }))
            case .int: try joined.append(column, .int(try joinedValues { if case let .int(v) = $0 { v } else { nil } }))
            case .string: try joined.append(column, .string(try joinedValues { if case let .string(v) = $0 { v } else { nil } }))
            case .bool: try joined.append(column, .bool(try joinedValues { if case let .bool(v) = $0 { v } else { nil } }))
            }
        }
        return joined
    }

    /// Tensors of equal trailing shape, stacked along their first axis.
    static func tensors(_ tensors: [Tensor], name: String) throws -> Tensor {
        guard let first = tensors.first, !first.shape.isEmpty else { throw mismatch(name) }
        let trailing = Array(first.shape.dropFirst())
        var rows = 0
        for tensor in tensors {
            guard Array(tensor.shape.dropFirst()) == trailing, !tensor.shape.isEmpty else {
                throw EngineError.shapeMismatch(operation: "joining shards", lhs: first.shape, rhs: tensor.shape, name: name)
            }
            rows += tensor.shape[0]
        }
        return try Tensor(shape: [rows] + trailing, values: tensors.flatMap { Array($0.buffer) })
    }

    /// Vector sets with the same columns and statistic, rows in order; labels only when every part has them.
    static func vectors(_ sets: [VectorSet], name: String) throws -> VectorSet {
        guard let first = sets.first else { throw mismatch(name) }
        for set in sets where set.columnNames != first.columnNames || set.statistic != first.statistic || set.kind != first.kind {
            throw mismatch(name)
        }
        let labels = sets.allSatisfy { $0.labels != nil } ? sets.flatMap { $0.labels ?? [] } : nil
        return VectorSet(matrix: try tensors(sets.map(\.matrix), name: name), names: sets.flatMap(\.names), labels: labels,
                         columnNames: first.columnNames, statistic: first.statistic, kind: first.kind)
    }

    /// The numeric datasets of `value` (written at `path`) whose rows run over models: the ones a merge may map
    /// virtually onto the shards' own datasets. Strings are always copied.
    static func rowDatasets(of value: ExportValue, at path: String) -> [String] {
        switch value {
        case let .table(table):
            return table.columnNames.filter { name in
                if case .string? = table.columns[name] { return false }
                return true
            }.map { "\(path)/\($0)" }
        case .vectors: return ["\(path)/matrix"]
        case .tensor: return [path]
        case let .record(fields): return fields.flatMap { rowDatasets(of: $0.value, at: "\(path)/\($0.key)") }
        default: return []
        }
    }

    private static func mismatch(_ name: String) -> EngineError {
        EngineError.invalidArgument("'\(name)' has a different layout in different shards")
    }
}
