// One stack of numbered layers, `<path>.L.<suffix>.weight`: the layout every family's schema is made of.
import Foundation

/// Where a family keeps its per-layer matrices: layer L's component `c` is `<path>.L.<suffix of c>.weight`, and
/// layer L exists when its first component does.
struct LayerStack {
    /// Everything before the layer number, prefix included (`model.decoder.layers`, `encoder.block`).
    let path: String
    /// Canonical component and raw suffix (`("q", "self_attn.q_proj")`), in schema order.
    let components: [(component: String, suffix: String)]
    /// `enc` or `dec` in an encoder–decoder model, nil otherwise.
    var stack: String? = nil
    /// How the stored matrices become canonical (PyTorch Linear weights are out × in).
    var transform: CanonicalTransform = .transpose

    /// The raw key of layer `layer`'s matrix with raw suffix `suffix`.
    func key(_ layer: Int, _ suffix: String) -> String { "\(path).\(layer).\(suffix).weight" }

    /// The raw key of layer 0's first component: the name that proves the stack is there.
    var probe: String { key(0, components.first?.suffix ?? "") }

    /// How many consecutive layers have the first component.
    func count(in names: ParameterNames) -> Int {
        names.layerCount { key($0, components.first?.suffix ?? "") }
    }

    /// The stored shape (PyTorch orientation) of layer 0's first matrix of `component` that exists.
    func shape(of component: String, in names: ParameterNames) -> [Int]? {
        components.lazy.filter { $0.component == component }.compactMap { names.shape(key(0, $0.suffix)) }.first
    }

    /// Entries for `layers` layers: each (component, suffix) pair found becomes `layer.L.component`.
    func entries(_ names: ParameterNames, layers: Int) -> [CanonicalEntry] {
        var entries: [CanonicalEntry] = []
        for layer in 0..<layers {
            for (component, suffix) in components {
                let name = ArchitectureFamilies.canonicalName(stack: stack, layer: layer, component: component)
                if let entry = names.entry(name, stack: stack, layer: layer, component: component,
                                           key: key(layer, suffix), transform: transform) {
                    entries.append(entry)
                }
            }
        }
        return entries
    }

    /// The architecture of a model made of this stack (and `others`, a decoder after an encoder) between an
    /// embedding and an optional final norm and output embedding. Layers, width and FF width are this stack's:
    /// `width` defaults to the first component's input width (the layers' d, which ELECTRA and OPT-350m project a
    /// narrower embedding up to), the FF width is `ff1`'s rows.
    func architecture(_ names: ParameterNames, family: String, embed: [String], unembed: [String], finalNorm: [String],
                      others: [LayerStack] = [], width: Int? = nil, keyValueHeads: Int? = nil) -> Architecture {
        let layers = count(in: names)
        var entries = ArchitectureFamilies.modelEntries(names, embed: embed, unembed: unembed, finalNorm: finalNorm)
        for stack in [self] + others { entries += stack.entries(names, layers: stack.count(in: names)) }
        let width = width ?? components.first.flatMap { names.shape(key(0, $0.suffix))?.last }
            ?? embed.first.flatMap { names.shape($0)?.last } ?? 0
        return Architecture(family: names.modelType ?? family, layers: layers, width: width,
                            feedForward: shape(of: "ff1", in: names)?.first ?? 0,
                            heads: ArchitectureFamilies.heads(names), keyValueHeads: keyValueHeads, entries: entries)
    }
}
