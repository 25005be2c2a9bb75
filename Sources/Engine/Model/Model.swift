// A model: an ordered map of lazily loaded parameters, its architecture, config, vocabulary and source.
import Foundation

/// One stored parameter: its raw name, shape and stored type, and how to read it (lazily).
public struct Parameter: Sendable {
    /// The name as stored in the file (`encoder.layer.0.attention.self.query.weight`).
    public let name: String
    /// Stored shape.
    public let shape: [Int]
    /// Stored element type.
    public let dtype: DType
    /// The block-quantised type it is stored as (GGUF's `Q4_K`), dequantised to float32 on every read;
    /// nil for plain element types.
    public let quantization: String?
    /// Reads (or computes) the float32 tensor; called on every access, so keep it cheap or cache upstream.
    public let load: @Sendable () throws -> Tensor
    /// For a low-rank update (a LoRA delta): its factors in stored orientation, so spectra need no dense SVD.
    public let factors: (@Sendable () throws -> LowRankFactors)?
    /// Drops the memory-mapped pages that `load` reads from this process (see `MappedFile.releasePages`);
    /// nil when the parameter is not read from a map.
    public let releasePages: (@Sendable () -> Void)?

    /// A parameter whose tensor comes from `load` (and, for a low-rank update, whose factors come from `factors`;
    /// for one read from a memory map, whose pages `releasePages` drops).
    public init(name: String, shape: [Int], dtype: DType, quantization: String? = nil,
                factors: (@Sendable () throws -> LowRankFactors)? = nil,
                releasePages: (@Sendable () -> Void)? = nil,
                load: @escaping @Sendable () throws -> Tensor) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.quantization = quantization
        self.factors = factors
        self.releasePages = releasePages
        self.load = load
    }

    /// The stored type for displays: the quantisation (`q4_k`) or the element type (`f32`).
    public var storedTypeName: String { quantization?.lowercased() ?? dtype.displayName }

    /// Elements in the parameter.
    public var count: Int { Shape.elementCount(shape) ?? 0 }
}

/// Whether a model holds weights, or the difference between two models' weights.
public enum ModelKind: String, Sendable {
    case weights
    case delta
}

/// A loaded (or computed) transformer model.
public final class Model: Sendable {
    /// Short display name (file or directory name, or `ft - base`).
    public let name: String
    /// Where it was read from (a file or directory), or a description for computed models.
    public let source: String
    /// How the weights were read (`safetensors, memory-mapped`, `pytorch zip`, `keras hdf5`); nil when computed.
    public let format: String?
    /// Weights or a delta.
    public let kind: ModelKind
    /// The contents of `config.json`, when there was one.
    public let config: JSONValue?
    /// Parameters in file order.
    public let parameters: [Parameter]
    /// The architecture and canonical schema.
    public let architecture: Architecture
    /// Token strings by id, read on first use.
    public let vocabulary: VocabularySource?
    /// Parameters of a delta present only in its left (fine-tuned) operand.
    public let onlyInLeft: [String]
    /// Parameters of a delta present only in its right (base) operand.
    public let onlyInRight: [String]
    /// What produced a computed model, per matrix (e.g. the energy `lora` kept); nil for loaded models.
    public let report: Table?
    /// Values derived from this model and kept with it (e.g. its tokenizer), made on first use.
    public let derived = DerivedValues()
    /// The key/value metadata of a GGUF file (tokenizer, hyper-parameters), nil for other formats.
    public let gguf: GGUFMetadata?
    /// For a stitched model (`stitch`): which blocks of which model run, and the translation between them.
    public let stitch: Stitch?

    private let index: [String: Int]

    /// Builds a model; the architecture is inferred from `config` and names unless given.
    public init(name: String, source: String, format: String? = nil, kind: ModelKind = .weights, config: JSONValue?,
                parameters: [Parameter], architecture: Architecture? = nil,
                vocabulary: VocabularySource? = nil, gguf: GGUFMetadata? = nil,
                onlyInLeft: [String] = [], onlyInRight: [String] = [], report: Table? = nil, stitch: Stitch? = nil) {
        self.name = name
        self.source = source
        self.format = format
        self.kind = kind
        self.config = config
        self.parameters = parameters
        self.vocabulary = vocabulary
        self.gguf = gguf
        self.onlyInLeft = onlyInLeft
        self.onlyInRight = onlyInRight
        self.report = report
        self.stitch = stitch
        var index: [String: Int] = [:]
        for (position, parameter) in parameters.enumerated() { index[parameter.name] = position }
        self.index = index
        self.architecture = architecture ?? Architecture.infer(config: config, parameters: parameters)
    }

    /// Raw parameter names in file order.
    public var names: [String] { parameters.map(\.name) }

    /// Total number of elements over all parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// The parameter stored under a raw name.
    public func parameter(raw name: String) -> Parameter? {
        index[name].map { parameters[$0] }
    }

    /// The tensor for a canonical name (`layer.3.q`) or a raw name, in canonical orientation.
    public func tensor(_ name: String) throws -> Tensor {
        if let entry = architecture.entry(canonical: name) {
            return try entry.transform.apply(to: storedParameter(entry).load(), rawName: entry.rawName)
        }
        if let parameter = parameter(raw: name) { return try parameter.load() }
        if let counted = fromEnd(name) { return try tensor(counted) }
        throw unknownParameter(name)
    }

    /// The transpose of a canonical matrix (d_out × d_in), read without transposing twice
    /// (see `CanonicalTransform.applyTransposed`).
    public func transposedTensor(_ entry: CanonicalEntry) throws -> Tensor {
        try entry.transform.applyTransposed(to: storedParameter(entry).load(), rawName: entry.rawName)
    }

    /// The low-rank factors of a canonical matrix in canonical orientation, when its parameter carries them.
    public func canonicalFactors(_ entry: CanonicalEntry) throws -> LowRankFactors? {
        guard let factors = try storedParameter(entry).factors?() else { return nil }
        let name = entry.rawName
        switch entry.transform {
        case .identity: return factors
        case .transpose: return try factors.transposed(name: name)
        case let .columns(range): return try factors.columns(range, name: name)
        case let .rowsTransposed(range): return try factors.rows(range, name: name).transposed(name: name)
        }
    }

    /// Drops the mapped pages a canonical matrix was read from, once a sweep is done with it (a no-op for
    /// parameters not read from a map); reading it again faults them back in.
    public func releasePages(_ entry: CanonicalEntry) {
        parameter(raw: entry.rawName)?.releasePages?()
    }

    /// The stored parameter a canonical entry reads.
    private func storedParameter(_ entry: CanonicalEntry) throws -> Parameter {
        guard let parameter = parameter(raw: entry.rawName) else {
            throw EngineError.unknownName(entry.rawName, context: "parameter in \(self.name)", suggestion: nil)
        }
        return parameter
    }
}
