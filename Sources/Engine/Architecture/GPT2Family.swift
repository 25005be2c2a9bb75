// GPT-2: Conv1D weights already stored d_in × d_out; the fused `c_attn` is split into q, k, v columns.
import Foundation

enum GPT2Family {
    static let layout = FamilyLayout(prefixes: ["", "transformer."], probe: "h.0.attn.c_attn.weight")

    static func recognise(_ names: ParameterNames) -> Architecture? {
        guard let prefix = layout.prefix(in: names),
              names.has("\(prefix)wte.weight") else { return nil }
        let layers = names.layerCount { "\(prefix)h.\($0).attn.c_attn.weight" }
        let width = names.shape("\(prefix)wte.weight")?.last ?? 0
        var entries = ArchitectureFamilies.modelEntries(names, embed: ["\(prefix)wte.weight"],
                                                        unembed: ["lm_head.weight"], finalNorm: ["\(prefix)ln_f.weight"])
        var perLayer: [CanonicalEntry] = []
        for layer in 0..<layers {
            let fused = "\(prefix)h.\(layer).attn.c_attn.weight"
            // c_attn is d × 3d: columns [0, d) are q, [d, 2d) k, [2d, 3d) v.
            guard names.shape(fused) == [width, 3 * width] else { continue }
            for (index, component) in ["q", "k", "v"].enumerated() {
                let name = ArchitectureFamilies.canonicalName(stack: nil, layer: layer, component: component)
                if let entry = names.entry(name, layer: layer, component: component, key: fused,
                                           transform: .columns(index * width..<(index + 1) * width)) {
                    perLayer.append(entry)
                }
            }
        }
        let stack = LayerStack(path: "\(prefix)h", components: [("o", "attn.c_proj"), ("ff1", "mlp.c_fc"), ("ff2", "mlp.c_proj")],
                               transform: .identity)
        perLayer += stack.entries(names, layers: layers)
        entries += ArchitectureFamilies.ordered(perLayer)
        return Architecture(family: names.modelType ?? "gpt2", layers: layers, width: width,
                            feedForward: names.shape("\(prefix)h.0.mlp.c_fc.weight")?.last ?? 0,
                            heads: ArchitectureFamilies.heads(names), entries: entries)
    }
}
