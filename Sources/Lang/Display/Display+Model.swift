// The full display of a model or delta (`show m`).
import Engine
import Foundation

extension Display {
    /// Family, layers, widths, heads, vocabulary, parameter count, dtypes and source; then the schema.
    static func model(_ model: Model) -> String {
        var lines = [modelHeadline(model)]
        modelDetails(model, into: &lines)
        return lines.joined(separator: "\n")
    }

    /// One line: `bert · 6 layers × 384 (ff 1536, 12 heads) · vocab 30522 · 22.7 M params · f32 · mapped from …`.
    static func modelHeadline(_ model: Model) -> String {
        let architecture = model.architecture
        var parts: [String] = [model.kind == .delta ? "delta (\(architecture.family))" : architecture.family]
        let stacks = Set(architecture.layerEntries.compactMap(\.stack))
        if architecture.layers > 0 {
            var layers = architecture.layers == 1 ? "1 layer" : "\(architecture.layers) layers"
            if stacks.count > 1 {
                let decoder = (architecture.layerEntries.filter { $0.stack == "dec" }.compactMap(\.layer).max() ?? -1) + 1
                layers = "enc \(architecture.layers) + dec \(decoder) layers"
            }
            var details: [String] = []
            if architecture.feedForward > 0 { details.append("ff \(architecture.feedForward)") }
            if architecture.heads > 0 { details.append("\(architecture.heads) heads") }
            if architecture.keyValueHeads != architecture.heads, architecture.keyValueHeads > 0 {
                details.append("\(architecture.keyValueHeads) kv heads")
            }
            parts.append("\(layers) × \(architecture.width)" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))"))
        } else {
            parts.append("\(model.parameters.count) tensors")
        }
        if let size = ModelSummary.vocabularySize(model) { parts.append("vocab \(size)") }
        parts.append("\(count(model.parameterCount)) params")
        parts.append(ModelSummary.storedTypes(model).joined(separator: ", "))
        let verb = model.format?.contains("memory-mapped") == true ? "mapped from" : (model.format == nil ? "from" : "read from")
        parts.append("\(verb) \(model.source)")
        return parts.joined(separator: " · ")
    }

    /// The rest of the full display: schema and, for deltas, parameters present on one side only.
    private static func modelDetails(_ model: Model, into lines: inout [String]) {
        let architecture = model.architecture
        if architecture.entries.isEmpty {
            lines.append("  " + ModelSummary.missingSchema(model))
        } else {
            let modelLevel = architecture.entries.filter { $0.layer == nil }.map(\.name)
            let perLayer = ModelSummary.components(model).joined(separator: " ")
            lines.append("  schema: " + (modelLevel + (perLayer.isEmpty ? [] : ["per layer \(perLayer)"])).joined(separator: ", "))
        }
        if model.parameters.contains(where: { $0.quantization != nil }) {
            let types = ModelSummary.tensorsByType(model).map { "\($0.type) \($0.tensors)" }
            lines.append("  tensors by stored type: " + types.joined(separator: ", ") + " (schema(m) lists each tensor's)")
        }
        for (side, names) in [("left (fine-tuned)", model.onlyInLeft), ("right (base)", model.onlyInRight)] where !names.isEmpty {
            let shown = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", … (\(names.count) in all)" : "")
            lines.append("  only in \(side): \(shown)")
        }
    }

    /// 22_713_216 → `22.7 M`.
    static func count(_ value: Int) -> String {
        let number = Double(value)
        for (scale, unit) in [(1e9, "G"), (1e6, "M"), (1e3, "k")] where number >= scale {
            return String(format: "%.1f %@", number / scale, unit)
        }
        return String(value)
    }
}
