// Architecture families and the canonical schema: canonical names mapped onto raw parameters.
import Foundation

/// How a raw tensor is turned into its canonical orientation (x·W: d_in × d_out).
public enum CanonicalTransform: Sendable, Equatable {
    /// Stored already as d_in × d_out.
    case identity
    /// Stored d_out × d_in (PyTorch Linear): transpose.
    case transpose
    /// A column range of the stored (already d_in × d_out) matrix, e.g. a third of GPT-2's fused c_attn.
    case columns(Range<Int>)
    /// A row range of the stored d_out × d_in matrix, then transposed (fused PyTorch Linear).
    case rowsTransposed(Range<Int>)

    /// Applies the transform; `rawName` names the tensor in errors.
    public func apply(to tensor: Tensor, rawName: String) throws -> Tensor {
        switch self {
        case .identity:
            return tensor
        case .transpose:
            return try Linalg.transpose(tensor, name: rawName)
        case let .columns(range):
            return try Linalg.columns(tensor, range, name: rawName)
        case let .rowsTransposed(range):
            return try Linalg.transpose(Linalg.rows(tensor, range, name: rawName), name: rawName)
        }
    }

    /// Whether the canonical matrix is the transpose of (a slice of) the stored one, so the stored
    /// orientation is the cheap one to read.
    public var isTransposing: Bool {
        switch self {
        case .transpose, .rowsTransposed: return true
        case .identity, .columns: return false
        }
    }

    /// The canonical shape made from a stored shape (nil when a transform that needs a matrix meets something
    /// else; the identity keeps vectors such as norm weights as they are).
    public func shape(fromStored stored: [Int]) -> [Int]? {
        if case .identity = self { return stored }
        guard stored.count == 2 else { return nil }
        switch self {
        case .identity: return stored
        case .transpose: return [stored[1], stored[0]]
        case let .columns(range): return [stored[0], range.count]
        case let .rowsTransposed(range): return [stored[1], range.count]
        }
    }

    /// The transpose of `apply` (d_out × d_in): a PyTorch Linear weight is already stored that way, so it is
    /// returned (or row-sliced) as is instead of being transposed twice.
    public func applyTransposed(to tensor: Tensor, rawName: String) throws -> Tensor {
        switch self {
        case .transpose:
            guard tensor.matrixShape != nil else {
                throw EngineError.invalidArgument("\(rawName): transpose needs a matrix, got \(Shape.describe(tensor.shape))")
            }
            return tensor
        case let .rowsTransposed(range):
            return try Linalg.rows(tensor, range, name: rawName)
        case .identity, .columns:
            return try Linalg.transpose(apply(to: tensor, rawName: rawName), name: rawName)
        }
    }
}

extension CanonicalTransform: CustomStringConvertible {
    /// How the canonical matrix was made from the raw one (`identity`, `transpose`, `columns 0..<384`).
    public var description: String {
        switch self {
        case .identity: return "identity"
        case .transpose: return "transpose"
        case let .columns(range): return "columns \(range.lowerBound)..<\(range.upperBound)"
        case let .rowsTransposed(range): return "rows \(range.lowerBound)..<\(range.upperBound), transposed"
        }
    }
}

/// One canonical matrix: `layer.3.q` is raw `encoder.layer.3.attention.self.query.weight`, transposed.
public struct CanonicalEntry: Sendable, Equatable {
    /// Canonical name (`embed`, `layer.3.q`, `enc.layer.1.ff2`, `dec.layer.0.xq`).
    public let name: String
    /// `enc` or `dec` for encoder–decoder models, nil otherwise.
    public let stack: String?
    /// Layer index, nil for `embed` and other model-level matrices.
    public let layer: Int?
    /// Component (`q`, `k`, `v`, `o`, `ff1`, `ff1g`, `ff2`, `xq`…, `embed`).
    public let component: String
    /// The raw parameter it comes from.
    public let rawName: String
    /// How the raw tensor becomes canonical.
    public let transform: CanonicalTransform
}

/// A model family with its dimensions and canonical schema.
public struct Architecture: Sendable {
    /// Family name (`bert`, `gpt2`, `llama`, `t5`, … or `unknown`).
    public let family: String
    /// Number of layers per stack (0 when unknown).
    public let layers: Int
    /// Model width d_model (0 when unknown).
    public let width: Int
    /// Feed-forward width (0 when unknown).
    public let feedForward: Int
    /// Attention heads (0 when unknown).
    public let heads: Int
    /// Key/value heads for grouped-query attention (equals `heads` otherwise).
    public let keyValueHeads: Int
    /// Canonical entries in schema order.
    public let entries: [CanonicalEntry]

    private let byName: [String: Int]

    public init(family: String, layers: Int, width: Int, feedForward: Int, heads: Int,
                keyValueHeads: Int? = nil, entries: [CanonicalEntry]) {
        self.family = family
        self.layers = layers
        self.width = width
        self.feedForward = feedForward
        self.heads = heads
        self.keyValueHeads = keyValueHeads ?? heads
        self.entries = entries
        var byName: [String: Int] = [:]
        for (position, entry) in entries.enumerated() { byName[entry.name] = position }
        self.byName = byName
    }

    /// The entry with a canonical name.
    public func entry(canonical name: String) -> CanonicalEntry? {
        byName[name].map { entries[$0] }
    }

    /// Entries that are per-layer matrices (what rank, vectorize and align iterate).
    public var layerEntries: [CanonicalEntry] { entries.filter { $0.layer != nil } }
}
