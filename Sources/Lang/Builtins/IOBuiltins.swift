// I/O builtins: export to and import from HDF5, save as safetensors.
import Engine
import Foundation

enum IOBuiltins {
    static let all: [Builtin] = [
        Builtin(name: "export", parameters: [.required("path"), .optional("mode", "\"w\""), .optional("overwrite", "false"),
                                             .optional("compress", "auto"), .optional("names", "\"canonical\"")],
                openKeywords: true, group: "io",
                summary: "write values to an HDF5 file, each under /name (atomic: the old file survives any failure)",
                example: "export(\"results.h5\", rank=r, delta=d)") { arguments in
            try export(arguments)
            return .none
        },
        Builtin(name: "import", parameters: [.required("path"), .optional("metadata", "false")], group: "io",
                summary: "read an HDF5 file as a record: datasets as tensors, groups as records, mvs exports as what they were",
                example: "r = import(\"results.h5\")") { arguments in
            try importFile(arguments)
        },
        Builtin(name: "h5", parameters: [.required("path"), .optional("metadata", "false")], group: "io",
                summary: "the same as import(path): read an HDF5 file as a record", example: "h5(\"results.h5\").rank") { arguments in
            try importFile(arguments)
        },
        Builtin(name: "h5ls", parameters: [.required("path")], group: "io",
                summary: "a table of every dataset in an HDF5 file (path, shape, dtype) without reading the data",
                example: "h5ls(\"results.h5\") |> show") { arguments in
            .table(try listing(HDF5File(readingAt: expandedPath(arguments))))
        },
        Builtin(name: "save", parameters: [.required("path"), .required("model"), .optional("names", "\"raw\""),
                                           .optional("overwrite", "false"), .optional("format", "\"safetensors\"")], group: "io",
                summary: "write a model or delta as safetensors (raw names by default; names=\"canonical\" for canonical ones), or a low-rank delta as a PEFT adapter directory (format=\"peft\")",
                example: "save(\"delta.safetensors\", ft - base)") { arguments in
            let path = try expandedPath(arguments)
            let overwrite = try arguments.bool("overwrite", default: false)
            switch try arguments.string("format", default: "safetensors") {
            case "safetensors":
                try SafetensorsWriter.write(try arguments.model("model"), to: path,
                                            names: try modelNames(arguments, default: .raw), overwrite: overwrite)
            case "peft":
                try PEFTWriter.write(try arguments.model("model"), to: path, overwrite: overwrite)
            case let other:
                throw ArgumentError("save(): format must be \"safetensors\" or \"peft\", got \"\(other)\"")
            }
            return .none
        },
    ]

    private static func expandedPath(_ arguments: Arguments) throws -> String {
        FilePath.expandingTilde(try arguments.string("path"))
    }

    private static func modelNames(_ arguments: Arguments, default fallback: Export.ModelNames) throws -> Export.ModelNames {
        let text = try arguments.string("names", default: fallback.rawValue)
        guard let names = Export.ModelNames(rawValue: text) else {
            throw ArgumentError("\(arguments.callee)(): names must be \"canonical\" or \"raw\", got \"\(text)\"")
        }
        return names
    }

    private static func export(_ arguments: Arguments) throws {
        let path = try expandedPath(arguments)
        // export(path, r) passes r as the mode: every exported value needs a name, so say that instead.
        if let value = arguments.value("mode") {
            guard case .string = value else {
                throw ArgumentError("export(): values go by name, each becomes /name in the file: export(\"\(path)\", name=value)")
            }
        }
        let mode = try arguments.string("mode", default: "w")
        guard mode == "w" || mode == "a" else {
            throw ArgumentError("export(): mode must be \"w\" (new file) or \"a\" (add to a file), got \"\(mode)\"")
        }
        var compress: Bool?
        if arguments.has("compress") { compress = try arguments.bool("compress", default: false) }
        let options = Export.Options(overwrite: try arguments.bool("overwrite", default: false), append: mode == "a",
                                     compress: compress, modelNames: try modelNames(arguments, default: .canonical),
                                     provenance: arguments.context.sourceText)
        let values = arguments.extraKeywords
        guard !values.isEmpty else {
            throw ArgumentError("export(): nothing to write; name each value: export(\"\(path)\", name=value)")
        }
        try Export.hdf5(try values.map { name, value in (name, try exportValue(value, name: name)) }, to: path, options: options)
        // At the prompt, say what was written (as plot does); scripts stay quiet unless they print.
        if arguments.context.terminal != nil {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            let bytes = size.map { $0 >= 1_000_000 ? String(format: " · %.1f MB", Double($0) / 1e6)
                                                   : $0 >= 1_000 ? String(format: " · %.1f kB", Double($0) / 1e3) : " · \($0) bytes" } ?? ""
            arguments.context.write("wrote \(path): \(values.map(\.0).joined(separator: ", "))\(bytes)")
        }
    }

    /// One row per dataset: its path, shape (`2×3`, `scalar`) and element type.
    private static func listing(_ file: HDF5File) throws -> Table {
        let datasets = try file.datasets()
        var table = Table()
        try table.append("path", .string(datasets.map(\.path)))
        try table.append("shape", .string(datasets.map { Shape.describe($0.shape) }))
        try table.append("dtype", .string(datasets.map { $0.elementType.description }))
        return table
    }

    private static func importFile(_ arguments: Arguments) throws -> Value {
        value(try Import.hdf5(try expandedPath(arguments), metadata: try arguments.bool("metadata", default: false)))
    }

    /// A language value as export sees it; functions cannot be written.
    static func exportValue(_ value: Value, name: String) throws -> ExportValue {
        switch value {
        case let .number(number, _): return .number(number)
        case let .bool(flag): return .bool(flag)
        case let .string(text): return .string(text)
        case .none: return .none
        case let .list(items): return .list(try items.map { try exportValue($0, name: name) })
        case let .record(record): return .record(try record.fields.map { ($0.key, try exportValue($0.value, name: "\(name).\($0.key)")) })
        case let .tensor(tensor): return .tensor(tensor)
        case let .model(model): return .model(model)
        case let .table(table): return .table(table)
        case let .column(column): return .table(try Table(columns: [(column.name.isEmpty ? name : column.name, column.values)]))
        case .function: throw ArgumentError("export(): '\(name)' is a function, which cannot be written to HDF5")
        case .zoo: throw ArgumentError("export(): '\(name)' is a zoo; export its vectors (vectorize) or a model from it")
        case let .vectors(vectors): return .vectors(vectors)
        case let .clustering(clustering): return .clustering(clustering)
        }
    }

    /// An imported value in the language; every kind comes back as the value that was exported.
    static func value(_ imported: ExportValue) -> Value {
        switch imported {
        case let .number(number): return .number(number)
        case let .bool(flag): return .bool(flag)
        case let .string(text): return .string(text)
        case .none: return .none
        case let .list(items): return .list(items.map(value))
        case let .record(fields): return .record(Record(fields.map { ($0.key, value($0.value)) }))
        case let .tensor(tensor): return .tensor(tensor)
        case let .model(model): return .model(model)
        case let .table(table): return .table(table)
        case let .vectors(vectors): return .vectors(vectors)
        case let .clustering(clustering): return .clustering(clustering)
        case let .image(image): return (try? image.tensor).map(Value.tensor) ?? .none
        }
    }
}
