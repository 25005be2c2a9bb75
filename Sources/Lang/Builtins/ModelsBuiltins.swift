// Model builtins: loading models and reading their parameters, names, schema and vocabularies.
import Engine

enum ModelBuiltins {
    static let all: [Builtin] = [
        Builtin(name: "load", parameters: [.required("path"), .optional("base", "none"), .optional("delta", "false"),
                                           .optional("vocab", "none"), .optional("config", "none")], group: "models",
                summary: "load a model: a weights file, a Hugging Face directory, a cached hub id (never downloads), or a PEFT adapter over base= (delta=true: the update alone); vocab= takes the vocabulary and tokenizer from another directory, config= a record laid over its config",
                example: "m = load(\"~/models/minilm\")") { arguments in
            let path = try arguments.string("path")
            guard arguments.has("base") || arguments.has("delta") else {
                let vocabulary = arguments.has("vocab") ? try arguments.string("vocab") : nil
                let config = arguments.has("config") ? try arguments.record("config").json() : nil
                return .model(try ModelLoader.load(path, vocabulary: vocabulary, config: config))
            }
            if arguments.has("vocab") || arguments.has("config") {
                throw EngineError.invalidArgument("vocab= and config= apply to a model, not to an adapter loaded over base=")
            }
            let base = arguments.has("base") ? try arguments.model("base") : nil
            return .model(try ModelLoader.loadAdapter(path, base: base, delta: try arguments.bool("delta", default: false)))
        },
        Builtin(name: "names", parameters: [.required("model")], group: "models",
                summary: "the raw parameter names of a model, in file order", example: "names(m)") { arguments in
            .list(try arguments.model("model").names.map(Value.string))
        },
        Builtin(name: "canonical", parameters: [.required("model")], group: "models",
                summary: "the canonical names of a model (embed, layer.L.q k v o ff1 ff2, …), in schema order",
                example: "canonical(m)") { arguments in
            .list(try arguments.model("model").architecture.entries.map { Value.string($0.name) })
        },
        Builtin(name: "schema", parameters: [.required("model")], group: "models",
                summary: "a table mapping each canonical name to its raw parameter, shape and orientation",
                example: "schema(m) |> show") { arguments in
            .table(try schemaTable(arguments.model("model")))
        },
        Builtin(name: "vocab", parameters: [.required("model"), .optional("id", "none")], group: "models",
                summary: "token strings by id (all, one id, or a list of ids), read lazily from the model's vocabulary file",
                example: "vocab(m, 2023)") { arguments in
            try vocabulary(arguments)
        },
        Builtin(name: "info", parameters: [.required("model")], group: "models",
                summary: "a record describing a model: family, sizes, parameter count, dtypes, source and config",
                example: "info(m).layers") { arguments in
            .record(try info(arguments.model("model")))
        },
        Builtin(name: "config", parameters: [.required("model")], group: "models",
                summary: "the model's config.json as a record (none when there was none)",
                example: "config(m).hidden_size") { arguments in
            try arguments.model("model").config.map(Value.init(json:)) ?? .none
        },
    ]

    private static func vocabulary(_ arguments: Arguments) throws -> Value {
        let model = try arguments.model("model")
        guard let source = model.vocabulary else {
            throw ArgumentError("vocab(): \(model.name) has no vocabulary file (looked for tokenizer.json, vocab.json, vocab.txt next to its weights)")
        }
        let tokens = try source.tokens()
        func token(_ value: Value) throws -> Value {
            guard case let .number(number, _) = value, number.rounded() == number, number >= 0, number < Double(tokens.count) else {
                throw ArgumentError("vocab(): token id must be a whole number in 0..<\(tokens.count), got \(value.shortDisplay)")
            }
            return .string(tokens[Int(number)])
        }
        guard arguments.has("id"), let id = arguments.value("id") else { return .list(tokens.map(Value.string)) }
        if case let .list(ids) = id { return .list(try ids.map(token)) }
        return try token(id)
    }

    /// Every fact `m.NAME` offers that is cheap to compute, in one record.
    private static func info(_ model: Model) -> Record {
        Record(Value.modelFacts(model).map { ($0.name, $0.value()) })
    }

    private static func schemaTable(_ model: Model) throws -> Table {
        let entries = model.architecture.entries
        var table = Table()
        try table.append("name", .string(entries.map(\.name)))
        try table.append("layer", .int(entries.map { $0.layer ?? -1 }))
        try table.append("component", .string(entries.map(\.component)))
        try table.append("raw", .string(entries.map(\.rawName)))
        try table.append("stored", .string(entries.map { Shape.describe(model.parameter(raw: $0.rawName)?.shape ?? []) }))
        try table.append("type", .string(entries.map { model.parameter(raw: $0.rawName)?.storedTypeName ?? "" }))
        try table.append("transform", .string(entries.map { ModelSummary.describe($0.transform) }))
        return table
    }
}
