// Table builtins: build tables, take columns and rows, group, pivot, stack and join them.
import Engine

enum TableBuiltins {
    static let all: [Builtin] = [
        Builtin(name: "table", parameters: [], variadic: true, openKeywords: true, group: "tables",
                summary: "a table from named columns (lists, columns, 1-D tensors, or one value for every row) or from a list of records",
                example: "table(layer=r.layer, ratio=rd.erank / r.erank)") { arguments in
            var columns: [(String, Value)] = []
            for value in arguments.positional {
                switch value {
                case let .column(column):
                    guard !column.name.isEmpty else { throw ArgumentError("table(): a computed column needs a name: table(name=…)") }
                    columns.append((column.name, value))
                case let .list(items): columns += try recordColumns(items)
                case let .table(table): columns += table.columnNames.compactMap { name in table.columns[name].map { (name, .column(ColumnValue(name: name, values: $0))) } }
                default: throw ArgumentError("table(): positional arguments are columns, tables or a list of records, got \(value.typeName)")
                }
            }
            columns += arguments.extraKeywords
            return .table(try build(columns))
        },
        Builtin(name: "column", parameters: [.required("values"), .optional("name", "\"\"")], group: "tables",
                summary: "a list (or 1-D tensor) as a column, which works row by row: column([1, 2]) + r.layer",
                example: "column([1, 2, 3]) * 2") { arguments in
            let name = try arguments.string("name", default: "")
            switch arguments.value("values") ?? .none {
            case let .column(column): return .column(ColumnValue(name: name.isEmpty ? column.name : name, values: column.values))
            case let .tensor(tensor) where tensor.ndim == 1: return .column(ColumnValue(name: name, values: .double(tensor.buffer.map(Double.init))))
            case let .list(items): return .column(ColumnValue(name: name, values: try Column.from(items, what: "column()")))
            case let other: throw ArgumentError("column(): 'values' must be a list or a 1-D tensor, got \(other.typeName)")
            }
        },
        Builtin(name: "group", parameters: [.required("table"), .required("by"), .optional("agg", "\"mean\""), .optional("values", "all number columns")],
                group: "tables",
                summary: "one row per distinct value of the 'by' columns, the others summarised by mean, sum, min, max, count or std",
                example: "group(all, by=[\"task\", \"layer\"], agg=\"mean\")") { arguments in
            let aggregations = try (arguments.has("agg") ? AnalysisBuiltins.strings(arguments, "agg") : ["mean"]).map { name -> Aggregation in
                guard let aggregation = Aggregation(rawValue: name) else {
                    throw ArgumentError("group(): no aggregation '\(name)'" + Suggest.hint(for: name, in: Aggregation.allCases.map(\.rawValue)))
                }
                return aggregation
            }
            let values = arguments.has("values") ? try AnalysisBuiltins.strings(arguments, "values") : nil
            return .table(try arguments.table("table").grouped(by: try AnalysisBuiltins.strings(arguments, "by"), aggregations: aggregations, values: values))
        },
        Builtin(name: "pivot", parameters: [.required("table"), .required("rows"), .required("columns"), .required("values")], group: "tables",
                summary: "a long table as a grid: a row per value of 'rows', a column per value of 'columns', holding 'values'",
                example: "pivot(r, rows=\"layer\", columns=\"component\", values=\"erank\")") { arguments in
            .table(try arguments.table("table").pivot(rows: try arguments.string("rows"), columns: try arguments.string("columns"),
                                                       values: try arguments.string("values")))
        },
        Builtin(name: "concat", parameters: [.required("items"), .optional("key", "none"), .optional("labels", "positions"), .optional("axis", "0")],
                group: "tables",
                summary: "tables stacked row-wise (key=\"model\" adds a column saying which; a record's field names label them), or tensors joined along an axis",
                example: "concat({base: rank(base), ft: rank(ft)}, key=\"model\")") { arguments in
            var items: [Value], labels: [String]
            switch arguments.value("items") ?? .none {
            case let .list(list): items = list; labels = list.indices.map(String.init)
            case let .record(record): items = record.fields.map(\.value); labels = record.keys
            case let other: throw ArgumentError("concat(): 'items' must be a list or record of tables or tensors, got \(other.typeName)")
            }
            if arguments.has("labels") {
                labels = try arguments.list("labels").map(\.plainText)
            }
            if items.allSatisfy({ if case .tensor = $0 { true } else { false } }), !items.isEmpty {
                let tensors = items.compactMap { if case let .tensor(tensor) = $0 { tensor } else { nil } }
                return .tensor(try Tensor.concatenate(tensors, axis: try arguments.int("axis", default: 0)))
            }
            let tables = try items.enumerated().map { position, item -> Table in
                guard case let .table(table) = item else {
                    throw ArgumentError("concat(): item \(position) is \(item.typeName); concat takes tables, or tensors, all of one kind")
                }
                return table
            }
            return try concat(tables, labels: labels, arguments)
        },
        Builtin(name: "head", parameters: [.required("x"), .optional("n", "5")], group: "tables",
                summary: "the first n rows of a table (items of a list or column, rows of a tensor)", example: "head(sort(r, by=\"erank\"), 3)") { arguments in
            try ends(arguments, first: true)
        },
        Builtin(name: "tail", parameters: [.required("x"), .optional("n", "5")], group: "tables",
                summary: "the last n rows of a table (items of a list or column, rows of a tensor)", example: "tail(r, 6)") { arguments in
            try ends(arguments, first: false)
        },
    ]

    /// `sort(table, by=…, descending=…)`.
    static func sort(_ table: Table, _ arguments: Arguments) throws -> Value {
        guard arguments.has("by") else {
            throw ArgumentError("sort(): a table is sorted by columns: sort(t, by=\"\(table.columnNames.last ?? "column")\")")
        }
        if arguments.has("key") { throw ArgumentError("sort(): a table is sorted by=column names, not key=") }
        let descending = try arguments.bool("descending", default: false) || arguments.bool("reverse", default: false)
        return .table(try table.sorted(by: try AnalysisBuiltins.strings(arguments, "by"), descending: descending))
    }

    /// `join(left, right, on=…)`.
    static func join(_ left: Table, _ right: Value?, _ arguments: Arguments) throws -> Value {
        guard case let .table(right)? = right else {
            throw ArgumentError("join(): a table joins with another table: join(a, b, on=\"layer\"), got \(right?.typeName ?? "nothing")")
        }
        guard arguments.has("on") else {
            let shared = left.columnNames.filter(right.columnNames.contains)
            throw ArgumentError("join(): say which columns to match with on=" + (shared.isEmpty ? "" : " (both have \(shared.joined(separator: ", ")))"))
        }
        return .table(try Table.joined(left, right, on: try AnalysisBuiltins.strings(arguments, "on")))
    }

    /// `concat` of tables: `labels` (or a record's field names) fill the `key` column.
    static func concat(_ tables: [Table], labels: [String], _ arguments: Arguments) throws -> Value {
        guard arguments.has("key") else { return .table(try Table.concatenated(tables)) }
        return .table(try Table.concatenated(tables, key: try arguments.string("key"), labels: labels))
    }

    /// Columns from a list of records, in order of the fields' first appearance; every record needs every field.
    private static func recordColumns(_ records: [Value]) throws -> [(String, Value)] {
        var order: [String] = []
        var rows: [Record] = []
        for item in records {
            guard case let .record(record) = item else { throw ArgumentError("table(): a list given to table must hold records, found \(item.typeName)") }
            for key in record.keys where !order.contains(key) { order.append(key) }
            rows.append(record)
        }
        return try order.map { key in
            (key, .list(try rows.enumerated().map { position, record in
                guard let value = record[key] else { throw ArgumentError("table(): record \(position) has no field '\(key)'") }
                return value
            }))
        }
    }

    /// A table from named values: lists, columns and 1-D tensors set the row count; single values fill every row.
    private static func build(_ named: [(String, Value)]) throws -> Table {
        var rowCount: Int?
        for (_, value) in named {
            switch value {
            case let .list(items): rowCount = rowCount ?? items.count
            case let .column(column): rowCount = rowCount ?? column.values.count
            case let .tensor(tensor) where tensor.ndim == 1: rowCount = rowCount ?? tensor.count
            default: break
            }
        }
        let count = rowCount ?? 1
        return try Table(columns: try named.map { name, value in
            let column: Column
            switch value {
            case let .list(items): column = try Column.from(items, what: "table(): column '\(name)'")
            case let .column(given): column = given.values
            case let .tensor(tensor) where tensor.ndim == 1: column = .double(tensor.buffer.map(Double.init))
            case .number, .string, .bool: column = try Column.from(Array(repeating: value, count: count), what: "table(): column '\(name)'")
            default: throw ArgumentError("table(): column '\(name)' must be a list, a column, a 1-D tensor or one value, got \(value.typeName)")
            }
            return (name, column)
        })
    }

    /// `head` and `tail`.
    private static func ends(_ arguments: Arguments, first: Bool) throws -> Value {
        let n = try arguments.int("n", default: 5)
        guard n >= 0 else { throw ArgumentError("\(arguments.callee)(): 'n' must not be negative") }
        let value = arguments.value("x") ?? .none
        switch value {
        case let .table(table): return .table(first ? try table.head(n) : try table.tail(n))
        case .list, .column, .tensor:
            let count: Int
            switch value {
            case let .list(items): count = items.count
            case let .column(column): count = column.values.count
            case let .tensor(tensor): count = tensor.shape.first ?? 0
            default: count = 0
            }
            let take = Swift.min(n, count)
            return try value.sliced(Double(first ? 0 : count - take), Double(first ? take : count))
        default: throw ArgumentError("\(arguments.callee)(): 'x' must be a table, list, column or tensor, got \(value.typeName)")
        }
    }
}
