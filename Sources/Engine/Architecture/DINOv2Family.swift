// DINOv2 vision transformers (Hugging Face's Dinov2Model names, bare, under `dinov2.`, or an exported `backbone.`).
import Foundation

/// DINOv2: a patch-embedding convolution, a cls token and position embeddings, then pre-norm blocks with
/// LayerScale (`layer_scale1/2.lambda1`) and a final LayerNorm. Canonical names: `patch` (the convolution's
/// weight, d × 3 × p × p as stored), `cls` (1 × 1 × d), `pos` (1 × (1 + grid²) × d), `final_norm`, and per layer
/// `q k v o ff1 ff2`. Biases, norms and layer scales keep their raw names (`encoder.layer.L.norm1.weight`,
/// `….layer_scale1.lambda1`, `embeddings.patch_embeddings.projection.bias`, `layernorm.bias` under the prefix),
/// which a forward pass reads through `layout` (docs/onnx.md lists them).
enum DINOv2Family {
    static let layout = FamilyLayout(prefixes: ["", "dinov2.", "backbone."], probe: "embeddings.patch_embeddings.projection.weight")

    static let components: [(component: String, suffix: String)] = [
        ("q", "attention.attention.query"), ("k", "attention.attention.key"), ("v", "attention.attention.value"),
        ("o", "attention.output.dense"), ("ff1", "mlp.fc1"), ("ff2", "mlp.fc2"),
    ]

    /// DINOv2's heads are 64 wide in every size (ViT-S/14: 384 wide, 6 heads), the count when no config says.
    static let headWidth = 64

    static func recognise(_ names: ParameterNames) -> Architecture? {
        guard let prefix = layout.prefix(in: names),
              names.has("\(prefix)encoder.layer.0.attention.attention.query.weight") else { return nil }
        let layers = names.layerCount { "\(prefix)encoder.layer.\($0).attention.attention.query.weight" }
        var entries: [CanonicalEntry] = []
        let width = names.shape("\(prefix)encoder.layer.0.attention.attention.query.weight")?.first ?? 0
        var embeddings = [("patch", "embeddings.patch_embeddings.projection.weight"), ("cls", "embeddings.cls_token"),
                          ("pos", "embeddings.position_embeddings")]
        if !names.has(prefix + "embeddings.position_embeddings") {
            // PyTorch's ONNX export splits the position embeddings where the graph slices them for interpolation:
            // an anonymous 1 × 1 × d row for the cls token and 1 × grid² × d for the patches, both consumed in the
            // embeddings' scope (`/backbone/embeddings/Concat_6:0`, `/backbone/embeddings/Reshape_1:0`).
            let scope = "/" + prefix.split(separator: ".").joined(separator: "/") + (prefix.isEmpty ? "" : "/") + "embeddings/"
            for (key, shape) in names.keys(startingWith: scope) where shape.count == 3 && shape[0] == 1 && shape[2] == width {
                embeddings.append((shape[1] == 1 ? "pos_cls" : "pos_patch", key))
            }
        }
        embeddings.append(("final_norm", "layernorm.weight"))
        for (name, key) in embeddings {
            let full = key.hasPrefix("/") ? key : prefix + key
            if entries.contains(where: { $0.name == name }) { continue }
            if let entry = names.entry(name, component: name, key: full, transform: .identity) { entries.append(entry) }
        }
        entries += LayerStack(path: "\(prefix)encoder.layer", components: components).entries(names, layers: layers)
        let configured = ArchitectureFamilies.heads(names)
        return Architecture(family: names.modelType ?? "dinov2", layers: layers, width: width,
                            feedForward: names.shape("\(prefix)encoder.layer.0.mlp.fc1.weight")?.first ?? 0,
                            heads: configured > 0 ? configured : width / headWidth, entries: entries)
    }
}
