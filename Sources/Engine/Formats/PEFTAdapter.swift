// Reading a PEFT LoRA adapter directory as a lazy low-rank delta (or the adapted model) over a base model.
import Foundation

/// A PEFT LoRA adapter: `adapter_config.json` plus `adapter_model.safetensors` (or `adapter_model.bin`).
///
/// For each target module PEFT's update is ΔW = s·B·A with s = lora_alpha/r (lora_alpha/√r with
/// `use_rslora`), r and alpha taken from `rank_pattern`/`alpha_pattern` when a pattern matches the module
/// (PEFT's `get_pattern_key`: the pattern must match a dot-separated tail of the module name), and ΔW
/// transposed for `fan_in_fan_out` (GPT-2's Conv1D) and for embeddings (`lora_embedding_A/B`).
/// Tensors under `modules_to_save` are full replacement weights: their delta is saved − base.
public struct PEFTAdapter: Sendable {
    /// The adapter directory.
    public let directory: String
    /// The parsed `adapter_config.json`.
    public let config: JSONValue
    /// The adapter's tensors by name, with PEFT's `base_model.model.` prefix removed.
    let tensors: [String: Parameter]
    /// The weights file read (for messages).
    let weightsPath: String

    /// The files PEFT writes, in the order they are looked for.
    static let configFile = "adapter_config.json"
    static let weightFiles = ["adapter_model.safetensors", "adapter_model.bin"]

    /// Whether `directory` holds a PEFT adapter (an `adapter_config.json`).
    public static func isAdapter(_ directory: String) -> Bool {
        FileManager.default.fileExists(atPath: FilePath.join(directory, configFile))
    }

    /// Reads the config and maps the weights (nothing is loaded until used).
    public init(directory: String) throws {
        self.directory = directory
        let configPath = FilePath.join(directory, PEFTAdapter.configFile)
        guard let data = FileManager.default.contents(atPath: configPath) else {
            throw EngineError.io(path: configPath, message: "cannot read the adapter config")
        }
        config = try JSONValue.parse(data, path: configPath)
        let type = config["peft_type"]?.stringValue ?? "LORA"
        guard type == "LORA" else {
            throw EngineError.unsupported("\(configPath): peft_type \(type) is not supported; only LORA adapters are")
        }
        if config["use_dora"]?.boolValue == true {
            throw EngineError.unsupported("\(configPath): use_dora is set; DoRA's magnitude vector is not supported, only plain LoRA")
        }
        let listing = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        guard let file = PEFTAdapter.weightFiles.first(where: listing.contains) else {
            throw EngineError.io(path: directory, message: "no adapter weights (looked for \(PEFTAdapter.weightFiles.joined(separator: ", ")))")
        }
        weightsPath = FilePath.join(directory, file)
        var tensors: [String: Parameter] = [:]
        for parameter in try ModelLoader.readWeights(weightsPath).parameters {
            tensors[PEFTAdapter.moduleKey(parameter.name)] = parameter
        }
        self.tensors = tensors
    }

    /// A tensor name without PEFT's wrapper prefix (and without the adapter name older PEFT versions kept).
    static func moduleKey(_ name: String) -> String {
        var key = name
        for prefix in ["base_model.model."] where key.hasPrefix(prefix) { key.removeFirst(prefix.count) }
        for part in ["lora_A", "lora_B"] { key = key.replacingOccurrences(of: ".\(part).default.", with: ".\(part).") }
        return key
    }

    /// One LoRA module of the adapter: its module path and its two factor tensors.
    private struct Module {
        let path: String
        let a: Parameter
        let b: Parameter
        let embedding: Bool
    }

    /// The adapter's LoRA modules and its full replacement tensors (`modules_to_save`), by module path.
    private func modules() throws -> (lora: [Module], saved: [String: Parameter]) {
        var lora: [Module] = []
        var saved: [String: Parameter] = [:]
        for (key, parameter) in tensors.sorted(by: { $0.key < $1.key }) {
            let forms = [(".lora_A.weight", ".lora_B.weight", false), (".lora_embedding_A", ".lora_embedding_B", true)]
            if let (suffixA, suffixB, embedding) = forms.first(where: { key.hasSuffix($0.0) }) {
                let path = String(key.dropLast(suffixA.count))
                guard let b = tensors[path + suffixB] else {
                    throw EngineError.malformed(path: weightsPath, message: "\(parameter.name) has no matching \(path + suffixB)")
                }
                lora.append(Module(path: path, a: parameter, b: b, embedding: embedding))
            } else if key.hasSuffix(".lora_B.weight") || key.hasSuffix(".lora_embedding_B") {
                continue
            } else if key.contains(".lora_") {
                throw EngineError.unsupported("\(weightsPath): \(parameter.name) is not a LoRA factor mvs reads (lora_A/lora_B weights, lora_embedding_A/B)")
            } else {
                saved[key] = parameter
            }
        }
        return (lora, saved)
    }

    /// The delta the adapter encodes over `base`: every base parameter, zero where the adapter does not touch it.
    ///
    /// LoRA modules become parameters that carry their factors (exact spectra without a dense SVD); the dense
    /// ΔW is formed per tensor when read. Every shape and name is checked here, before anything is read.
    public func delta(base: Model) throws -> Model {
        let updates = try self.updates(base: base)
        var parameters: [Parameter] = []
        for target in base.parameters {
            parameters.append(updates[target.name] ?? .zeroUpdate(name: target.name, shape: target.shape))
        }
        return Model(name: FilePath.lastComponent(directory), source: directory, format: "peft lora adapter",
                     kind: .delta, config: base.config, parameters: parameters, architecture: base.architecture,
                     vocabulary: base.vocabulary)
    }

    /// The adapted model: `base` with the adapter's update added to the parameters it touches, the rest as stored.
    public func model(base: Model) throws -> Model {
        let updates = try self.updates(base: base)
        let parameters = base.parameters.map { target -> Parameter in
            guard let update = updates[target.name] else { return target }
            let name = target.name
            return Parameter(name: name, shape: target.shape, dtype: .f32) {
                try TensorMath.apply(.add, target.load(), update.load(), name: name)
            }
        }
        return Model(name: "\(base.name) + \(FilePath.lastComponent(directory))", source: directory,
                     format: "peft lora adapter over \(base.source)", kind: .weights, config: base.config,
                     parameters: parameters, architecture: base.architecture, vocabulary: base.vocabulary)
    }

    /// The update of every base parameter the adapter touches, by raw name: LoRA factors or saved − base.
    private func updates(base: Model) throws -> [String: Parameter] {
        let (lora, saved) = try modules()
        let resolver = BaseNames(base)
        try checkTargets(resolver)
        var updates: [String: Parameter] = [:]
        for module in lora {
            let rawName = try resolver.resolve(module.path + ".weight", adapterTensor: module.a.name, adapter: weightsPath)
            guard let target = base.parameter(raw: rawName) else { continue }
            let loader = try factorLoader(module, target: target)
            updates[rawName] = Parameter(name: rawName, shape: target.shape, dtype: .f32, factors: loader) { try loader().product() }
        }
        for (key, replacement) in saved {
            let rawName = try resolver.resolve(key, adapterTensor: replacement.name, adapter: weightsPath)
            guard let target = base.parameter(raw: rawName) else { continue }
            guard replacement.shape == target.shape else {
                throw EngineError.shapeMismatch(operation: "modules_to_save tensor \(replacement.name) of \(weightsPath) over the base",
                                                lhs: replacement.shape, rhs: target.shape, name: rawName)
            }
            updates[rawName] = Parameter(name: rawName, shape: target.shape, dtype: .f32) {
                try TensorMath.apply(.subtract, replacement.load(), target.load(), name: rawName)
            }
        }
        return updates
    }

    /// Every `target_modules` entry must name a module the base has (a list of names; a regex string is PEFT's
    /// own full-match rule and is checked through the tensors instead).
    private func checkTargets(_ resolver: BaseNames) throws {
        guard let targets = config["target_modules"]?.arrayValue else { return }
        for target in targets.compactMap(\.stringValue) where !resolver.hasModule(endingWith: target) {
            throw EngineError.malformed(path: FilePath.join(directory, PEFTAdapter.configFile),
                                        message: "target_modules names '\(target)', a module the base model \(resolver.modelName) does not have")
        }
    }

    /// The scale s of a module: alpha/r (alpha/√r with rsLoRA), with rank_pattern and alpha_pattern applied.
    func scale(module path: String, storedRank: Int, tensorName: String) throws -> Float {
        let configPath = FilePath.join(directory, PEFTAdapter.configFile)
        let rank = try PEFTAdapter.patternValue(config["rank_pattern"], module: path, configPath: configPath)?.intValue
            ?? config["r"]?.intValue ?? 8
        let alpha = try PEFTAdapter.patternValue(config["alpha_pattern"], module: path, configPath: configPath)?.doubleValue
            ?? config["lora_alpha"]?.doubleValue ?? 8
        guard rank == storedRank else {
            throw EngineError.malformed(path: weightsPath, message: "\(tensorName) has rank \(storedRank) but adapter_config.json gives r = \(rank) for \(path)")
        }
        guard rank > 0 else { throw EngineError.malformed(path: configPath, message: "r must be positive, got \(rank)") }
        let rslora = config["use_rslora"]?.boolValue ?? false
        return Float(rslora ? alpha / Double(rank).squareRoot() : alpha / Double(rank))
    }

    /// The value of the first pattern key matching `module` as PEFT's `get_pattern_key` does: `(.*\.)?(key)$`.
    static func patternValue(_ patterns: JSONValue?, module: String, configPath: String) throws -> JSONValue? {
        guard case let .object(members)? = patterns else { return nil }
        for (key, value) in members {
            guard let regex = try? NSRegularExpression(pattern: "^(.*\\.)?(\(key))$") else {
                throw EngineError.malformed(path: configPath, message: "pattern '\(key)' is not a valid regular expression")
            }
            let range = NSRange(module.startIndex..., in: module)
            if regex.firstMatch(in: module, range: range) != nil { return value }
        }
        return nil
    }

    /// How to read one module's factors in the base tensor's stored orientation, checked against its shape.
    private func factorLoader(_ module: Module, target: Parameter) throws -> @Sendable () throws -> LowRankFactors {
        let (a, b) = (module.a, module.b)
        guard a.shape.count == 2, b.shape.count == 2, a.shape[0] == b.shape[1] else {
            throw EngineError.malformed(path: weightsPath, message: "\(a.name) \(Shape.describe(a.shape)) and \(b.name) \(Shape.describe(b.shape)) are not LoRA factors of one rank")
        }
        let scale = try self.scale(module: module.path, storedRank: a.shape[0], tensorName: a.name)
        // Linear: stored out × in = B·A. Conv1D (fan_in_fan_out) and embeddings: stored (B·A)ᵀ = Aᵀ·Bᵀ.
        let direct = [b.shape[0], a.shape[1]], transposed = [a.shape[1], b.shape[0]]
        let fanInFanOut = config["fan_in_fan_out"]?.boolValue ?? false
        let transpose: Bool
        if module.embedding || (fanInFanOut && target.shape == transposed) || (target.shape == transposed && target.shape != direct) {
            transpose = true
        } else {
            transpose = false
        }
        let expected = transpose ? transposed : direct
        guard target.shape == expected else {
            throw EngineError.shapeMismatch(operation: "the LoRA update \(Shape.describe(b.shape)) · \(Shape.describe(a.shape)) of \(weightsPath)",
                                            lhs: expected, rhs: target.shape, name: target.name)
        }
        let name = target.name
        return {
            let left = try TensorMath.apply(.multiply, b.load(), scalar: scale)
            let factors = try LowRankFactors(left: left, right: a.load(), name: name)
            return transpose ? try factors.transposed(name: name) : factors
        }
    }
}

/// The base model's raw names, matched against an adapter's module paths, which may carry one prefix more or
/// less than the base (`bert.encoder…` in a classifier's adapter against a bare `encoder…` checkpoint).
private struct BaseNames {
    let modelName: String
    private let names: Set<String>
    private let modules: [String]

    init(_ base: Model) {
        modelName = base.name
        names = Set(base.names)
        modules = base.names.map { $0.split(separator: ".").dropLast().joined(separator: ".") }
    }

    /// The base's raw name for an adapter key, or a precise error naming the adapter tensor.
    func resolve(_ key: String, adapterTensor: String, adapter: String) throws -> String {
        if names.contains(key) { return key }
        var parts = key.split(separator: ".")
        while parts.count > 2 {
            parts.removeFirst()
            let shorter = parts.joined(separator: ".")
            if names.contains(shorter) { return shorter }
        }
        let longer = names.filter { $0.hasSuffix("." + key) }
        if longer.count == 1, let only = longer.first { return only }
        throw EngineError.unknownName(key, context: "module of the base model \(modelName) for adapter tensor \(adapterTensor) (\(adapter))",
                                      suggestion: Suggest.closest(to: key, in: Array(names)))
    }

    /// Whether some module path equals `target` or ends with `.target` (PEFT's list matching).
    func hasModule(endingWith target: String) -> Bool {
        modules.contains { $0 == target || $0.hasSuffix("." + target) }
    }
}
