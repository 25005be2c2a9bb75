// The parameter names families match against: raw names, with TensorFlow/Keras names normalised.
import Foundation

/// Raw parameters indexed by a PyTorch-style key, so one recogniser per family serves PyTorch,
/// safetensors and Keras checkpoints alike. Keras `…/layer_._3/…/kernel:0` becomes `….layer.3.….weight`,
/// marked input-major (Keras kernels are stored d_in × d_out, the transpose of a PyTorch Linear). A GGUF
/// model's config names its llama.cpp architecture (`gguf_architecture`), and its `blk.3.attn_q.weight` becomes
/// `model.layers.3.self_attn.q_proj.weight` (GGUF stores Linear weights out × in, as PyTorch does). An ONNX MatMul
/// weight named by its node (`/encoder/layer.0/attention/self/query/MatMul`) becomes
/// `encoder.layer.0.attention.self.query.weight`, input-major like a Keras kernel.
struct ParameterNames {
    private struct Stored {
        let raw: String
        let shape: [Int]
        let inputMajor: Bool
    }

    /// The model's config.json, when there is one.
    let config: JSONValue?
    private var byKey: [String: Stored] = [:]

    init(config: JSONValue?, parameters: [Parameter]) {
        self.config = config
        let gguf = config?["gguf_architecture"]?.stringValue
        for parameter in parameters {
            let (key, inputMajor) = gguf.flatMap { GGUFNames.huggingFaceKey(parameter.name, architecture: $0) }.map { ($0, false) }
                ?? ParameterNames.normalise(parameter.name)
            if byKey[key] == nil {
                byKey[key] = Stored(raw: parameter.name, shape: parameter.shape, inputMajor: inputMajor)
            }
        }
    }

    /// Whether a parameter with this (normalised) key exists.
    func has(_ key: String) -> Bool { byKey[key] != nil }

    /// The raw name stored under a (normalised) key.
    func raw(_ key: String) -> String? { byKey[key]?.raw }

    /// The shape of a key in PyTorch orientation (a Keras kernel's dimensions are reversed).
    func shape(_ key: String) -> [Int]? {
        guard let stored = byKey[key] else { return nil }
        return stored.inputMajor ? stored.shape.reversed() : stored.shape
    }

    /// The keys starting with `prefix`, sorted, with their shapes in PyTorch orientation.
    func keys(startingWith prefix: String) -> [(key: String, shape: [Int])] {
        byKey.keys.filter { $0.hasPrefix(prefix) }.sorted().compactMap { key in shape(key).map { (key, $0) } }
    }

    /// The first prefix among `prefixes` for which `prefix + suffix` exists.
    func prefix(among prefixes: [String], having suffix: String) -> String? {
        prefixes.first { has($0 + suffix) }
    }

    /// Number of consecutive layers 0, 1, … for which `format(L)` exists.
    func layerCount(_ format: (Int) -> String) -> Int {
        var count = 0
        while has(format(count)) { count += 1 }
        return count
    }

    /// A canonical entry for `key`, with `transform` written for a PyTorch-stored tensor and adjusted
    /// when the stored tensor is input-major; nil when the key is absent.
    func entry(_ name: String, stack: String? = nil, layer: Int? = nil, component: String,
               key: String, transform: CanonicalTransform) -> CanonicalEntry? {
        guard let stored = byKey[key] else { return nil }
        var adjusted = transform
        if stored.inputMajor {
            switch transform {
            case .transpose: adjusted = .identity
            case .identity: adjusted = .transpose
            case let .rowsTransposed(range): adjusted = .columns(range)
            case let .columns(range): adjusted = .rowsTransposed(range)
            }
        }
        return CanonicalEntry(name: name, stack: stack, layer: layer, component: component,
                              rawName: stored.raw, transform: adjusted)
    }

    /// An integer from the config under the first of `keys` present.
    func configInt(_ keys: String...) -> Int? {
        for key in keys { if let value = config?[key]?.intValue { return value } }
        return nil
    }

    /// The config's `model_type`, when present.
    var modelType: String? { config?["model_type"]?.stringValue }

    /// The PyTorch-style key of a raw name, and whether the stored tensor is input-major (a Keras kernel).
    static func normalise(_ raw: String) -> (key: String, inputMajor: Bool) {
        // ONNX initializers named by the node consuming them (`ONNXWeights.names`); only MatMul weights map onto a module.
        if raw.hasPrefix("/") { return raw.hasSuffix("/MatMul") ? (onnxMatMulKey(raw), true) : (raw, false) }
        guard raw.contains("/") || raw.hasSuffix(":0") else { return (raw, false) }
        var parts = raw.split(separator: "/").map(String.init)
        if let last = parts.last, let colon = last.lastIndex(of: ":") { parts[parts.count - 1] = String(last[..<colon]) }
        // Keras models scope every weight under the model class (`tf_bert_for_sequence_classification/…`).
        if parts.count > 1, parts[0].hasPrefix("tf") { parts.removeFirst() }
        var inputMajor = false
        if let last = parts.last {
            switch last {
            case "kernel": parts[parts.count - 1] = "weight"; inputMajor = true
            case "gamma", "embeddings": parts[parts.count - 1] = "weight"
            case "beta": parts[parts.count - 1] = "bias"
            default: break
            }
        }
        // `layer_._3` (Keras list naming) becomes `layer.3`.
        let key = parts.map { $0.replacingOccurrences(of: "_._", with: ".") }.joined(separator: ".")
        return (key, inputMajor)
    }

    /// The PyTorch key of an ONNX MatMul weight named by its node (`ONNXWeights.names`): PyTorch's exporter names
    /// a node by its module scope, one `/`-separated part per module, a container's child written `parent.N`
    /// after the container's own part (`/model/model.0/auto_model/encoder/layer.0/…/query/MatMul`). The key is
    /// the module path with `.weight` (`model.0.auto_model.encoder.layer.0.….query.weight`); the tensor is
    /// d_in × d_out, the transpose of the Linear weight PyTorch stores.
    static func onnxMatMulKey(_ raw: String) -> String {
        var modules: [Substring] = []
        for part in raw.split(separator: "/").dropLast() {
            if let last = modules.last, part.hasPrefix(last + ".") { modules.removeLast() }
            modules.append(part)
        }
        return modules.joined(separator: ".") + ".weight"
    }
}
