// The weights of a DINOv2-style vision transformer: patch embedding, cls token, position grid, LayerScale blocks.
import Foundation

/// One pre-norm block's weights; matrices in x·W orientation (d_in × d_out, row-major).
struct ViTBlockWeights: SeparateProjectionAttention {
    let norm1Weight, norm1Bias, query, queryBias, key, keyBias, value, valueBias, output, outputBias, scale1: [Float]
    let norm2Weight, norm2Bias, ff1, ff1Bias, ff2, ff2Bias, scale2: [Float]
}

/// A DINOv2 vision transformer (ViT with LayerScale, pre-LayerNorm blocks and a final LayerNorm), as Hugging Face's
/// `Dinov2Model` or its ONNX export names it.
public struct ViTWeights {
    /// Model width d.
    public let width: Int
    /// Attention heads.
    public let heads: Int
    /// Feed-forward width.
    public let feedForward: Int
    /// Side of a square patch in pixels (14 for DINOv2).
    public let patchSize: Int
    /// Side of the position-embedding grid the model was trained with (37 for DINOv2 at 518 pixels).
    public let positionGrid: Int
    /// The patch convolution as a matrix, d × (3 · p · p) (PyTorch's d × 3 × p × p flattened), and its bias.
    let patch, patchBias: [Float]
    /// The cls token, d.
    let cls: [Float]
    /// The cls token's position embedding (d) and the patch grid's (grid × grid × d, row by row).
    let clsPosition, gridPositions: [Float]
    let layers: [ViTBlockWeights]
    let finalNormWeight, finalNormBias: [Float]
    /// LayerNorm epsilon (`layer_norm_eps`, DINOv2's 1e-6 when no config says).
    let epsilon: Float

    /// Blocks in the model.
    public var layerCount: Int { layers.count }

    /// Reads every weight of `model` (Hugging Face's `Dinov2Model` names, bare or under a prefix, with the canonical
    /// `patch`, `cls`, `pos` or `pos_cls` + `pos_patch`, and `layer.L.*`); throws naming a missing or misshapen tensor.
    public init(model: Model) throws {
        guard let reader = WeightReader(model: model, layout: DINOv2Family.layout), reader.has("encoder.layer.0.norm1.weight") else {
            throw EngineError.unsupported("\(model.name): not a DINOv2-style vision transformer (no embeddings.patch_embeddings and encoder.layer.0.norm1; family '\(model.architecture.family)')")
        }
        let architecture = model.architecture
        let d = architecture.width, heads = architecture.heads, ff = architecture.feedForward
        guard d > 0, heads > 0, d % heads == 0, ff > 0, architecture.layers > 0 else {
            throw EngineError.unsupported("\(model.name): width \(d), \(heads) heads and FF width \(ff) do not make a vision transformer")
        }
        func raw(_ key: String, count: Int) throws -> [Float] { try reader.raw(key, count: count) }
        func canonical(_ name: String, _ shape: [Int]) throws -> [Float] { try reader.canonical(name, shape) }
        let patchTensor = try model.tensor("patch")
        guard patchTensor.ndim == 4, patchTensor.shape[0] == d, patchTensor.shape[1] == 3,
              patchTensor.shape[2] == patchTensor.shape[3], patchTensor.shape[2] > 0 else {
            throw EngineError.shapeMismatch(operation: "the vision forward pass (patch: d × 3 × p × p)", lhs: patchTensor.shape,
                                            rhs: [d, 3, 14, 14], name: "patch")
        }
        width = d
        self.heads = heads
        feedForward = ff
        patchSize = patchTensor.shape[2]
        patch = patchTensor.values
        patchBias = try raw("embeddings.patch_embeddings.projection.bias", count: d)
        cls = try canonical("cls", [1, 1, d])
        // Position embeddings: one 1 × (1 + grid²) × d tensor, or (ONNX exports) the cls row and the grid apart.
        let positions: [Float]
        if model.architecture.entries.contains(where: { $0.name == "pos" }) {
            positions = try model.tensor("pos").values
        } else {
            positions = try model.tensor("pos_cls").values + model.tensor("pos_patch").values
        }
        let cells = positions.count / d - 1, grid = Int(Double(max(cells, 0)).squareRoot().rounded())
        guard positions.count % d == 0, cells > 0, grid * grid == cells else {
            throw EngineError.malformed(path: model.source, message: "\(model.name): the position embeddings (\(positions.count) values) are not 1 + a square grid of \(d)-wide rows")
        }
        positionGrid = grid
        clsPosition = Array(positions[0..<d])
        gridPositions = Array(positions[d...])
        finalNormWeight = try raw("layernorm.weight", count: d)
        finalNormBias = try raw("layernorm.bias", count: d)
        epsilon = Float(model.config?["layer_norm_eps"]?.doubleValue ?? 1e-6)
        layers = try (0..<architecture.layers).map { layer in
            let base = "encoder.layer.\(layer)."
            return ViTBlockWeights(
                norm1Weight: try raw(base + "norm1.weight", count: d), norm1Bias: try raw(base + "norm1.bias", count: d),
                query: try canonical("layer.\(layer).q", [d, d]), queryBias: try raw(base + "attention.attention.query.bias", count: d),
                key: try canonical("layer.\(layer).k", [d, d]), keyBias: try raw(base + "attention.attention.key.bias", count: d),
                value: try canonical("layer.\(layer).v", [d, d]), valueBias: try raw(base + "attention.attention.value.bias", count: d),
                output: try canonical("layer.\(layer).o", [d, d]), outputBias: try raw(base + "attention.output.dense.bias", count: d),
                scale1: try raw(base + "layer_scale1.lambda1", count: d),
                norm2Weight: try raw(base + "norm2.weight", count: d), norm2Bias: try raw(base + "norm2.bias", count: d),
                ff1: try canonical("layer.\(layer).ff1", [d, ff]), ff1Bias: try raw(base + "mlp.fc1.bias", count: ff),
                ff2: try canonical("layer.\(layer).ff2", [ff, d]), ff2Bias: try raw(base + "mlp.fc2.bias", count: d),
                scale2: try raw(base + "layer_scale2.lambda1", count: d))
        }
    }
}
