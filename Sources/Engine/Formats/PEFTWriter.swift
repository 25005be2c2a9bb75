// Writing a low-rank delta as a PEFT LoRA adapter directory (adapter_config.json + adapter_model.safetensors).
import Foundation

/// Writes the factors a delta carries (from `lora` or a loaded adapter) the way PEFT's `save_pretrained` does.
///
/// Module names are the base checkpoint's raw names without `.weight`, under `base_model.model.`; Linear
/// modules get `lora_A.weight` (r × in) and `lora_B.weight` (out × r); GPT-2's Conv1D the same with
/// `fan_in_fan_out`; the token embedding `lora_embedding_A` (r × vocab) and `lora_embedding_B` (d × r), as
/// mergekit's `--embed-lora`. As mergekit does, `r` and `lora_alpha` are the largest rank and every module
/// of another rank gets `rank_pattern` = `alpha_pattern` = its rank, so PEFT's scale alpha/r is 1 everywhere.
public enum PEFTWriter {
    /// Writes `model` into the directory `path` (created; replaced only with `overwrite`), all or nothing.
    public static func write(_ model: Model, to path: String, overwrite: Bool = false) throws {
        let (tensors, config) = try adapter(of: model)
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = manager.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists, !overwrite { throw EngineError.io(path: path, message: "already exists; pass overwrite=true to replace it") }
        if exists, !isDirectory.boolValue { throw EngineError.io(path: path, message: "exists and is not a directory") }
        let parent = FilePath.deletingLastComponent(path)
        guard manager.fileExists(atPath: parent.isEmpty ? "." : parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EngineError.io(path: path, message: "cannot write: directory '\(parent)' does not exist")
        }
        // Built beside the target and renamed into place, so a failure never leaves a half adapter behind.
        let temporary = path + ".partial-\(getpid())"
        try? manager.removeItem(atPath: temporary)
        do {
            try manager.createDirectory(atPath: temporary, withIntermediateDirectories: false)
            try SafetensorsWriter.write(tensors, to: FilePath.join(temporary, "adapter_model.safetensors"))
            let configPath = FilePath.join(temporary, PEFTAdapter.configFile)
            guard manager.createFile(atPath: configPath, contents: Data((config.serialized() + "\n").utf8)) else {
                throw EngineError.io(path: configPath, message: "cannot write")
            }
            if exists {
                let old = path + ".old-\(getpid())"
                try manager.moveItem(atPath: path, toPath: old)
                try manager.moveItem(atPath: temporary, toPath: path)
                try? manager.removeItem(atPath: old)
            } else {
                try manager.moveItem(atPath: temporary, toPath: path)
            }
        } catch {
            try? manager.removeItem(atPath: temporary)
            if let error = error as? EngineError { throw error }
            throw EngineError.io(path: path, message: "cannot write the adapter: \(error.localizedDescription)")
        }
    }

    /// The adapter's tensors (as a model of raw PEFT names) and its config, checked before anything is written.
    static func adapter(of model: Model) throws -> (tensors: Model, config: JSONValue) {
        var parameters: [Parameter] = []
        var ranks: [(module: String, rank: Int)] = []
        var layouts = Set<LoRALayout>()
        for (parameter, layout) in LoRAExtraction.targets(model) {
            guard let load = parameter.factors else {
                throw EngineError.unsupported("save(format=\"peft\"): \(parameter.name) in \(model.name) is dense; make low-rank factors first: save(path, lora(d, rank=r), format=\"peft\")")
            }
            let factors = try load()
            guard factors.innerRank > 0 else { continue }
            guard parameter.name.hasSuffix(".weight") else {
                throw EngineError.unsupported("save(format=\"peft\"): \(parameter.name) does not name a module's weight, which PEFT cannot target")
            }
            let module = String(parameter.name.dropLast(".weight".count))
            let shape = factors.shape
            let rank = factors.innerRank
            // Stored L·R: a Linear is B·A (B = L, A = R); Conv1D and embeddings store (B·A)ᵀ, so B = Rᵀ, A = Lᵀ.
            let (a, b): (@Sendable () throws -> Tensor, @Sendable () throws -> Tensor) = layout == .linear
                ? ({ factors.right }, { factors.left })
                : ({ try Linalg.transpose(factors.left) }, { try Linalg.transpose(factors.right) })
            let (inputs, outputs) = layout == .linear ? (shape[1], shape[0]) : (shape[0], shape[1])
            let (nameA, nameB) = layout == .embedding
                ? ("base_model.model.\(module).lora_embedding_A", "base_model.model.\(module).lora_embedding_B")
                : ("base_model.model.\(module).lora_A.weight", "base_model.model.\(module).lora_B.weight")
            parameters.append(Parameter(name: nameA, shape: [rank, inputs], dtype: .f32, load: a))
            parameters.append(Parameter(name: nameB, shape: [outputs, rank], dtype: .f32, load: b))
            ranks.append((module, rank))
            if layout != .embedding { layouts.insert(layout) }
        }
        guard let top = ranks.map(\.rank).max() else {
            throw EngineError.invalidArgument("save(format=\"peft\"): \(model.name) has no non-zero low-rank matrix to write")
        }
        guard layouts.count <= 1 else {
            throw EngineError.unsupported("save(format=\"peft\"): \(model.name) mixes Linear and Conv1D matrices, which one fan_in_fan_out cannot describe")
        }
        // Pattern keys are regular expressions in PEFT: the module path's dots are escaped to match only itself.
        let patterns = JSONValue.object(ranks.filter { $0.rank != top }.map {
            (key: NSRegularExpression.escapedPattern(for: $0.module), value: JSONValue.number(Double($0.rank)))
        })
        let baseName = model.config?["_name_or_path"]?.stringValue.map(JSONValue.string) ?? .null
        let config = JSONValue.object([
            ("peft_type", .string("LORA")), ("base_model_name_or_path", baseName), ("task_type", .null),
            ("r", .number(Double(top))), ("lora_alpha", .number(Double(top))),
            ("rank_pattern", patterns), ("alpha_pattern", patterns),
            ("target_modules", .array(ranks.map { .string($0.module) })),
            ("fan_in_fan_out", .bool(layouts.contains(.conv1d))), ("use_rslora", .bool(false)), ("use_dora", .bool(false)),
            ("lora_dropout", .number(0)), ("bias", .string("none")), ("modules_to_save", .null),
            ("init_lora_weights", .bool(true)), ("inference_mode", .bool(true)),
        ])
        let tensors = Model(name: "\(model.name) adapter", source: "computed: PEFT adapter of \(model.source)", kind: .delta,
                            config: nil, parameters: parameters)
        return (tensors, config)
    }
}
