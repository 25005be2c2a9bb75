// Summaries of a model for displays: vocabulary size, dtypes, schema coverage and what is missing.
import Foundation

/// Facts about a model computed from its metadata only (nothing is read from the weights).
public enum ModelSummary {
    /// Vocabulary size: config's `vocab_size`, else the rows of `embed`.
    public static func vocabularySize(_ model: Model) -> Int? {
        if let size = model.config?["vocab_size"]?.intValue { return size }
        guard let entry = model.architecture.entry(canonical: "embed") else { return nil }
        return model.parameter(raw: entry.rawName)?.shape.first
    }

    /// The distinct stored types (`f32`, `bf16`, or a quantisation such as `q4_k`), most elements first.
    public static func storedTypes(_ model: Model) -> [String] {
        var counts: [String: Int] = [:]
        for parameter in model.parameters { counts[parameter.storedTypeName, default: 0] += parameter.count }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
    }

    /// How many tensors are stored as each type, most tensors first (`q4_1: 210, f32: 61, q8_0: 1`).
    public static func tensorsByType(_ model: Model) -> [(type: String, tensors: Int)] {
        var counts: [String: Int] = [:]
        for parameter in model.parameters { counts[parameter.storedTypeName, default: 0] += 1 }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) }
    }

    /// A canonical transform in words for the schema table (`as stored`, `transposed`, `columns 0..<384`);
    /// the slices read as in the export attribute (`CanonicalTransform.description`).
    public static func describe(_ transform: CanonicalTransform) -> String {
        switch transform {
        case .identity: return "as stored"
        case .transpose: return "transposed"
        case .columns, .rowsTransposed: return transform.description
        }
    }

    /// Per-layer components found, e.g. `q k v o ff1 ff2`, in schema order.
    public static func components(_ model: Model) -> [String] {
        let present = Set(model.architecture.layerEntries.map(\.component))
        return ArchitectureFamilies.componentOrder.filter(present.contains)
    }

    /// Why a model has no canonical schema, naming its family hint and a few raw names.
    public static func missingSchema(_ model: Model) -> String {
        let hint = model.config?["model_type"]?.stringValue.map { " (config model_type '\($0)')" } ?? ""
        let sample = model.names.prefix(3).joined(separator: ", ")
        return "\(model.name): architecture not recognised\(hint), so it has no canonical names (embed, layer.L.q …); raw names still work, e.g. \(sample)"
    }
}
