// Builtins on lists, strings and records: len, range, keys, values, append, sort, map, filter, join, split.
import Engine
import Foundation

enum CollectionBuiltins {
    static let all: [Builtin] = [
        Builtin(name: "len", parameters: [.required("value")], group: "collections",
                summary: "items in a list, characters in a string, fields in a record, rows of a tensor or table",
                example: "len([1, 2, 3])") { arguments in
            switch arguments.value("value") ?? .none {
            case let .list(items): return .number(Double(items.count))
            case let .column(column): return .number(Double(column.values.count))
            case let .string(text): return .number(Double(text.count))
            case let .record(record): return .number(Double(record.fields.count))
            case let .tensor(tensor): return .number(Double(tensor.shape.first ?? 1))
            case let .table(table): return .number(Double(table.rowCount))
            case let .model(model): return .number(Double(model.parameters.count))
            case let .zoo(zoo): return .number(Double(zoo.entries.count))
            case let .vectors(vectors): return .number(Double(vectors.count))
            case let other: throw ArgumentError("len(): \(other.typeName) has no length")
            }
        },
        Builtin(name: "range", parameters: [.required("start"), .optional("stop", "none"), .optional("step", "1")], group: "collections",
                summary: "the list [start, start+step, …] below stop; range(n) is 0…n-1", example: "range(1, 10, 2)") { arguments in
            var start = try arguments.number("start")
            var stop = start
            if arguments.has("stop") { stop = try arguments.number("stop") } else { start = 0 }
            let step = try arguments.number("step", default: 1)
            guard step != 0 else { throw ArgumentError("range(): 'step' must not be 0") }
            let items = ((stop - start) / step).rounded(.up)
            guard items.isFinite, items <= 10_000_000 else {
                throw ArgumentError("range(): \(Value.format(items)) items is too many (limit 10000000)")
            }
            let count = items > 0 ? Int(items) : 0  // negative counts (even -1e19) mean an empty range
            return .list((0..<count).map { .number(start + Double($0) * step) })
        },
        Builtin(name: "keys", parameters: [.required("record")], group: "collections",
                summary: "the field names of a record (or column names of a table)", example: "keys({a: 1, b: 2})") { arguments in
            switch arguments.value("record") ?? .none {
            case let .record(record): return .list(record.keys.map { .string($0) })
            case let .table(table): return .list(table.columnNames.map { .string($0) })
            case let other: throw ArgumentError("keys(): 'record' must be a record, got \(other.typeName)")
            }
        },
        Builtin(name: "values", parameters: [.required("record")], group: "collections",
                summary: "the field values of a record", example: "values({a: 1, b: 2})") { arguments in
            .list(try arguments.record("record").fields.map(\.value))
        },
        Builtin(name: "append", parameters: [.required("list"), .required("item")], group: "collections",
                summary: "a new list with the item added at the end", example: "xs = append(xs, 4)") { arguments in
            let item = arguments.value("item") ?? .none
            try Value.checkNesting([item])
            return .list(try arguments.list("list") + [item])
        },
        Builtin(name: "unique", parameters: [.required("list")], group: "collections",
                summary: "the distinct items of a list, in order of first appearance", example: "unique(zoo.labels)") { arguments in
            var seen: [String] = []
            var items: [Value] = []
            // Items are compared by their display, which is exact for numbers, strings, bools and none.
            for item in try arguments.list("list") where !seen.contains(item.shortDisplay) {
                seen.append(item.shortDisplay)
                items.append(item)
            }
            return .list(items)
        },
        Builtin(name: "sort", parameters: [.required("list"), .optional("key", "none"), .optional("reverse", "false"),
                                           .optional("by", "none"), .optional("descending", "false")], group: "collections",
                summary: "a sorted copy of a list of numbers or strings (optionally by a key function), or of a table by=columns",
                example: "sort(r, by=\"erank\", descending=true)") { arguments in
            if case let .table(table)? = arguments.value("list") { return try TableBuiltins.sort(table, arguments) }
            let items = try arguments.list("list")
            var keys = items
            if arguments.has("key") {
                let key = try arguments.function("key")
                keys = try items.map { try arguments.context.call(key, [$0]) }
            }
            let allNumbers = keys.allSatisfy { if case .number = $0 { return true } else { return false } }
            let allStrings = keys.allSatisfy { if case .string = $0 { return true } else { return false } }
            guard allNumbers || allStrings else { throw ArgumentError("sort(): can only sort numbers or strings (all of one kind)") }
            var order = Array(items.indices)
            order.sort { (try? Value.binary(.less, keys[$0], keys[$1]).isTrue) ?? false }
            if try arguments.bool("reverse", default: false) || arguments.bool("descending", default: false) { order.reverse() }
            return .list(order.map { items[$0] })
        },
        Builtin(name: "map", parameters: [.required("list"), .required("function")], group: "collections",
                summary: "a list of the function applied to each item", example: "map([1, 2], fn(x) = x * 10)") { arguments in
            let function = try arguments.function("function")
            return .list(try arguments.list("list").map { try arguments.context.call(function, [$0]) })
        },
        Builtin(name: "filter", parameters: [.required("list"), .required("function")], group: "collections",
                summary: "the items for which the function returns true", example: "filter(xs, fn(x) = x > 0)") { arguments in
            let function = try arguments.function("function")
            return .list(try arguments.list("list").filter { item in
                guard case let .bool(keep) = try arguments.context.call(function, [item]) else {
                    throw ArgumentError("filter(): the function must return true or false")
                }
                return keep
            })
        },
        Builtin(name: "join", parameters: [.required("list"), .optional("separator", "\"\""), .optional("on", "none")], group: "collections",
                summary: "the items' text joined with a separator; join(a, b, on=\"layer\") matches the rows of two tables",
                example: "join([\"a\", \"b\"], \", \")") { arguments in
            if case let .table(table)? = arguments.value("list") { return try TableBuiltins.join(table, arguments.value("separator"), arguments) }
            return .string(try arguments.list("list").map(\.plainText).joined(separator: try arguments.string("separator", default: "")))
        },
        Builtin(name: "split", parameters: [.required("text"), .optional("separator", "none")], group: "collections",
                summary: "a string split at a separator (default: runs of whitespace)", example: "split(\"a,b\", \",\")") { arguments in
            let text = try arguments.string("text")
            if arguments.has("separator") {
                let separator = try arguments.string("separator")
                guard !separator.isEmpty else { throw ArgumentError("split(): 'separator' must not be empty") }
                return .list(text.components(separatedBy: separator).map { .string($0) })
            }
            return .list(text.split(whereSeparator: { $0.isWhitespace }).map { .string(String($0)) })
        },
    ]
}

extension Value {
    /// Whether the value is `true`.
    var isTrue: Bool {
        if case .bool(true) = self { return true }
        return false
    }
}
