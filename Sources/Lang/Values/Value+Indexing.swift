// Indexing `x[i]`, slicing `x[a:b]` and attribute access `x.name` on values.
import Engine

extension Value {
    /// `self[index]`.
    func subscripted(by index: Value) throws -> Value {
        switch (self, index) {
        case let (.list(items), .number(n, _)):
            return items[try Value.position(n, count: items.count, of: "list")]
        case let (.string(text), .number(n, _)):
            let characters = Array(text)
            return .string(String(characters[try Value.position(n, count: characters.count, of: "string")]))
        case let (.tensor(tensor), .number(n, _)):
            guard let first = tensor.shape.first else { throw RuntimeError("cannot index a scalar tensor") }
            let row = try Value.position(n, count: first, of: "tensor of shape \(Shape.describe(tensor.shape))")
            let result = try Linalg.rows(tensor, row..<row + 1, keepAxis: false)
            if result.shape.isEmpty { return .number(Double(result.buffer[0])) }
            return .tensor(result)
        case let (.record(record), .string(key)):
            guard let value = record[key] else {
                throw RuntimeError(Value.unknown("field", key, in: record.keys))
            }
            return value
        case let (.model(model), .string(name)):
            return .tensor(try model.tensor(name))
        case let (.table(table), .string(name)):
            return .column(ColumnValue(name: name, values: try table.column(name)))
        case let (.table(table), .number(n, _)):
            let row = try Value.position(n, count: table.rowCount, of: "table")
            return .record(Value.row(row, of: table))
        case let (.column(column), _):
            return try Value.subscripted(column, by: index)
        case let (.tensor(tensor), .column(mask)):
            guard case let .bool(flags) = mask.values else { throw RuntimeError("a tensor is indexed by a number or a mask, got a \(mask.values.kindName) column") }
            return .tensor(try tensor.selecting(flags))
        case let (.table(table), _):
            if let selected = try Value.subscripted(table, by: index) { return selected }
            throw RuntimeError("a table is indexed by a column name, a row number, a mask or a list of names or rows; got \(index.typeName)")
        case let (.zoo(zoo), .number(n, _)):
            return .model(try zoo.model(at: try Value.position(n, count: zoo.entries.count, of: "zoo")))
        case let (.zoo(zoo), .string(name)):
            guard let position = zoo.entries.firstIndex(where: { $0.name == name }) else {
                throw RuntimeError(Value.unknown("model", name, in: zoo.entries.map(\.name), of: "zoo"))
            }
            return .model(try zoo.model(at: position))
        case let (.vectors(vectors), .number(n, _)):
            let row = try Value.position(n, count: vectors.count, of: "vectors")
            return .tensor(try Linalg.rows(vectors.matrix, row..<row + 1, keepAxis: false))
        case (.list, _), (.string, _), (.tensor, _):
            throw RuntimeError("\(typeName) index must be a number, got \(index.typeName)")
        case (.record, _), (.model, _):
            throw RuntimeError("\(typeName) index must be a string, got \(index.typeName)")
        default:
            throw RuntimeError("cannot index \(typeName)")
        }
    }

    /// `self[lower:upper]` with Python's clamping of out-of-range bounds.
    func sliced(_ lower: Double?, _ upper: Double?) throws -> Value {
        func bounds(_ count: Int) throws -> Range<Int> {
            func clamp(_ bound: Double?, _ fallback: Int) throws -> Int {
                guard let bound else { return fallback }
                guard bound.rounded() == bound, abs(bound) < 9e15 else { throw RuntimeError("slice bound must be a whole number, got \(Value.format(bound))") }
                let position = Int(bound) < 0 ? Int(bound) + count : Int(bound)
                return min(max(position, 0), count)
            }
            let start = try clamp(lower, 0), end = try clamp(upper, count)
            return start..<max(start, end)
        }
        switch self {
        case let .list(items): return .list(Array(items[try bounds(items.count)]))
        case let .string(text):
            let characters = Array(text)
            return .string(String(characters[try bounds(characters.count)]))
        case let .tensor(tensor):
            guard let first = tensor.shape.first else { throw RuntimeError("cannot slice a scalar tensor") }
            return .tensor(try Linalg.rows(tensor, try bounds(first)))
        case let .column(column):
            return .column(ColumnValue(name: column.name, values: column.values.selecting(Array(try bounds(column.values.count)))))
        case let .table(table):
            return .table(try table.rows(Array(try bounds(table.rowCount))))
        default: throw RuntimeError("cannot slice \(typeName)")
        }
    }

    /// A copy of `self` with `self[index] = newValue` (lists and records are values).
    func replacing(at index: Value, with newValue: Value) throws -> Value {
        switch (self, index) {
        case let (.list(items), .number(n, _)):
            var copy = items
            copy[try Value.position(n, count: items.count, of: "list")] = newValue
            return .list(copy)
        case let (.record(record), .string(key)):
            var copy = record
            copy[key] = newValue
            return .record(copy)
        case (.list, _): throw RuntimeError("list index must be a number, got \(index.typeName)")
        case (.record, _): throw RuntimeError("record field name must be a string, got \(index.typeName)")
        default: throw RuntimeError("cannot assign into \(typeName) by index; only lists and records can change")
        }
    }

    /// `self.name`; errors name the available attributes or suggest one.
    public func attribute(_ name: String) throws -> Value {
        switch self {
        case let .record(record):
            if let value = record[name] { return value }
            throw RuntimeError(Value.unknown("field", name, in: record.keys))
        case let .table(table):
            if table.columnNames.contains(name), let column = try? table.column(name) { return .column(ColumnValue(name: name, values: column)) }
        default:
            break
        }
        guard let available = attributes else { throw RuntimeError("\(typeName) has no attributes") }
        if let getter = available.first(where: { $0.0 == name }) { return try getter.1() }
        throw RuntimeError(Value.unknown("attribute", name, in: attributeNames, of: typeName))
    }

    /// The names `x.name` accepts (record fields and table columns included), for messages and completion.
    public var attributeNames: [String] {
        switch self {
        case let .record(record): return record.keys
        case let .table(table): return (attributes ?? []).map(\.0) + table.columnNames
        default: return (attributes ?? []).map(\.0)
        }
    }

    /// Named attributes and how to compute them; nil for values without attributes.
    private var attributes: [(String, () throws -> Value)]? {
        let available: [(String, () throws -> Value)]
        switch self {
        case let .model(model):
            available = Value.modelFacts(model).map { ($0.name, $0.value) } + [
                ("names", { .list(model.names.map { .string($0) }) }),
                ("canonical", { .list(model.architecture.entries.map { .string($0.name) }) }),
                ("count", { .number(Double(model.parameterCount)) }),   // as for tensors; `params` in info()
                ("only_in_left", { .list(model.onlyInLeft.map(Value.string)) }),
                ("only_in_right", { .list(model.onlyInRight.map(Value.string)) }),
                ("report", { model.report.map(Value.table) ?? .none }),
            ]
        case let .tensor(tensor):
            available = [
                ("shape", { .list(tensor.shape.map { .number(Double($0)) }) }), ("ndim", { .number(Double(tensor.ndim)) }),
                ("count", { .number(Double(tensor.count)) }), ("dtype", { .string(tensor.storedType.displayName) }),
            ]
        case let .table(table):
            available = [
                ("columns", { .list(table.columnNames.map { .string($0) }) }), ("rows", { .number(Double(table.rowCount)) }),
            ] + table.matrices.keys.sorted().compactMap { name in table.matrices[name].map { matrix in (name, { .tensor(matrix.values) }) } }
        case let .function(function):
            available = [("name", { .string(function.name) })]
        case let .zoo(zoo):
            available = [
                ("names", { .list(zoo.entries.map { .string($0.name) }) }),
                ("labels", { .list(zoo.entries.map { $0.label.map(Value.string) ?? .none }) }),
                ("paths", { .list(zoo.entries.map { .string($0.path) }) }), ("source", { .string(zoo.source) }),
            ]
        case let .vectors(vectors):
            available = [
                ("matrix", { .tensor(vectors.matrix) }), ("names", { .list(vectors.names.map(Value.string)) }),
                ("labels", { vectors.labels.map { .list($0.map(Value.string)) } ?? .none }),
                ("columns", { .list(vectors.columnNames.map(Value.string)) }), ("stat", { .string(vectors.statistic) }),
                ("kind", { .string(vectors.kind.rawValue) }),
            ]
        case let .clustering(clustering):
            available = [
                ("labels", { .list(clustering.assignments.map { .number(Double($0)) }) }),
                ("names", { .list(clustering.names.map(Value.string)) }), ("k", { .number(Double(clustering.clusterCount)) }),
                ("sizes", { .list(clustering.sizes.map { .number(Double($0)) }) }), ("method", { .string(clustering.method) }),
                ("silhouette", { .number(clustering.silhouette) }), ("inertia", { .number(clustering.inertia) }),
                ("ari", { clustering.adjustedRand.map { Value.number($0) } ?? .none }),
                ("nmi", { clustering.mutualInformation.map { Value.number($0) } ?? .none }),
                ("purity", { clustering.purity.map { Value.number($0) } ?? .none }),
                ("centroids", { .tensor(try Tensor(shape: [clustering.clusterCount, clustering.centroids.first?.count ?? 0],
                                                   values: clustering.centroids.joined().map(Float.init))) }),
            ]
        default:
            return nil
        }
        return available
    }

    /// The facts about a model that `info(m)` shows and `m.NAME` reads, in display order: the one list of them.
    static func modelFacts(_ model: Model) -> [(name: String, value: () -> Value)] {
        let architecture = model.architecture
        return [
            ("name", { .string(model.name) }), ("kind", { .string(model.kind.rawValue) }),
            ("family", { .string(architecture.family) }), ("layers", { .number(Double(architecture.layers)) }),
            ("width", { .number(Double(architecture.width)) }), ("ff", { .number(Double(architecture.feedForward)) }),
            ("heads", { .number(Double(architecture.heads)) }), ("kv_heads", { .number(Double(architecture.keyValueHeads)) }),
            ("vocab", { ModelSummary.vocabularySize(model).map { .number(Double($0)) } ?? .none }),
            ("params", { .number(Double(model.parameterCount)) }),
            ("tensors", { .number(Double(model.parameters.count)) }),
            ("dtypes", { .list(ModelSummary.storedTypes(model).map(Value.string)) }),
            ("tensor_types", { .record(Record(ModelSummary.tensorsByType(model).map { ($0.type, .number(Double($0.tensors))) })) }),
            ("source", { .string(model.source) }),
            ("format", { model.format.map(Value.string) ?? .none }),
            ("config", { model.config.map(Value.init(json:)) ?? .none }),
        ]
    }

    static func unknown(_ what: String, _ name: String, in candidates: [String], of owner: String? = nil) -> String {
        "no \(what) '\(name)'" + (owner.map { " on \($0)" } ?? "") + Suggest.hint(for: name, in: candidates, listing: "has")
    }

    /// A 0-based position from a possibly negative index, or an error naming the count.
    static func position(_ index: Double, count: Int, of what: String) throws -> Int {
        guard index.rounded() == index, abs(index) < 9e15 else { throw RuntimeError("index must be a whole number, got \(format(index))") }
        let raw = Int(index)
        let position = raw < 0 ? raw + count : raw
        guard position >= 0, position < count else {
            throw RuntimeError("index \(raw) out of range for \(what) of length \(count)")
        }
        return position
    }

    /// One table row as a record.
    static func row(_ row: Int, of table: Table) -> Record {
        var record = Record()
        for name in table.columnNames {
            guard let column = try? table.column(name) else { continue }
            switch column {
            case let .double(values): record[name] = .number(values[row])
            case let .int(values): record[name] = .number(Double(values[row]))
            case let .string(values): record[name] = .string(values[row])
            case let .bool(values): record[name] = .bool(values[row])
            }
        }
        return record
    }

    /// A JSON value as a language value (objects become records).
    init(json: JSONValue) {
        switch json {
        case .null: self = .none
        case let .bool(value): self = .bool(value)
        case let .number(value): self = .number(value)
        case let .string(value): self = .string(value)
        case let .array(items): self = .list(items.map(Value.init(json:)))
        case let .object(members): self = .record(Record(members.map { ($0.key, Value(json: $0.value)) }))
        }
    }

    /// The value as JSON (records become objects): numbers, strings, bools, none, and lists and records of them.
    func json() throws -> JSONValue {
        switch self {
        case .none: return .null
        case let .bool(value): return .bool(value)
        case let .number(value, _): return .number(value)
        case let .string(value): return .string(value)
        case let .list(items): return .array(try items.map { try $0.json() })
        case let .record(record): return try record.json()
        default: throw EngineError.invalidArgument("a \(typeName) cannot be written as JSON (numbers, strings, bools, none, lists and records can)")
        }
    }
}

extension Record {
    /// The record as a JSON object, fields in order.
    func json() throws -> JSONValue {
        .object(try fields.map { ($0.key, try $0.value.json()) })
    }
}
