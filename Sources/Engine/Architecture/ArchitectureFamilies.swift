// Chooses the architecture family of a model from its config and parameter names.
import Foundation

extension Architecture {
    /// The family's schema when one matches; otherwise an `unknown` architecture with no canonical entries.
    public static func infer(config: JSONValue?, parameters: [Parameter]) -> Architecture {
        let names = ParameterNames(config: config, parameters: parameters)
        for family in ArchitectureFamilies.all {
            if let architecture = family(names) { return architecture }
        }
        return Architecture(family: "unknown", layers: 0, width: 0, feedForward: 0, heads: 0, entries: [])
    }
}

/// A recogniser: returns the architecture when the names (and config) are of its family.
typealias ArchitectureRecogniser = @Sendable (_ names: ParameterNames) -> Architecture?

/// Every known family, tried in order, and what their schemas share.
enum ArchitectureFamilies {
    static let all: [ArchitectureRecogniser] = [
        BERTFamily.recognise, DistilBERTFamily.recognise, GPT2Family.recognise,
        LlamaFamily.recognise, T5Family.recognise, BARTFamily.recognise, OPTFamily.recognise, DINOv2Family.recognise,
    ]

    /// The canonical name of a per-layer matrix: `layer.3.q`, or `enc.layer.3.q` in a stack.
    static func canonicalName(stack: String?, layer: Int, component: String) -> String {
        (stack.map { "\($0)." } ?? "") + "layer.\(layer).\(component)"
    }

    /// Canonical components in schema order.
    static let componentOrder = ["q", "k", "v", "o", "xq", "xk", "xv", "xo", "ff1", "ff1g", "ff2"]

    /// Per-layer entries sorted by stack (`enc` before `dec`), layer, then component in schema order.
    static func ordered(_ entries: [CanonicalEntry]) -> [CanonicalEntry] {
        func rank(_ entry: CanonicalEntry) -> (Int, Int, Int) {
            let stack = entry.stack == "dec" ? 1 : 0
            return (stack, entry.layer ?? -1, componentOrder.firstIndex(of: entry.component) ?? componentOrder.count)
        }
        return entries.sorted { rank($0) < rank($1) }
    }

    /// Model-level entries: the input embedding (`embed`, vocab × d), the output embedding when stored
    /// separately (`unembed`, vocab × d like `embed`) and the final norm's weight (`final_norm`).
    static func modelEntries(_ names: ParameterNames, embed: [String], unembed: [String], finalNorm: [String]) -> [CanonicalEntry] {
        var entries: [CanonicalEntry] = []
        for (name, keys) in [("embed", embed), ("unembed", unembed), ("final_norm", finalNorm)] {
            if let key = keys.first(where: names.has),
               let entry = names.entry(name, component: name, key: key, transform: .identity) {
                entries.append(entry)
            }
        }
        return entries
    }

    /// The number of attention heads from the config, under any of the names families use.
    static func heads(_ names: ParameterNames) -> Int {
        names.configInt("num_attention_heads", "n_head", "num_heads", "n_heads", "encoder_attention_heads") ?? 0
    }
}
