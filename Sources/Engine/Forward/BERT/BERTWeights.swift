// The weights a BERT-family encoder's forward pass needs, read from a model as flat float32 arrays.
import Foundation

/// One encoder layer's weights; matrices in x·W orientation (d_in × d_out, row-major).
struct BERTLayerWeights: SeparateProjectionAttention {
    let query, queryBias, key, keyBias, value, valueBias: [Float]
    let output, outputBias, attentionNormWeight, attentionNormBias: [Float]
    let ff1, ff1Bias, ff2, ff2Bias, outputNormWeight, outputNormBias: [Float]
}

/// A BERT-family encoder (BERT, MiniLM, RoBERTa-style post-norm layers with absolute positions).
public struct BERTWeights {
    /// Model width d.
    public let width: Int
    /// Attention heads.
    public let heads: Int
    /// Feed-forward width.
    public let feedForward: Int
    /// Vocabulary rows of the word embedding.
    public let vocabularySize: Int
    /// Positions the position embedding covers.
    public let maximumPositions: Int
    /// Word embedding E, vocab × d.
    let word: [Float]
    let position: [Float]
    let tokenType: [Float]
    let embeddingNormWeight: [Float]
    let embeddingNormBias: [Float]
    let layers: [BERTLayerWeights]
    /// LayerNorm epsilon from the config (`layer_norm_eps`, BERT's 1e-12 by default).
    let epsilon: Float
    /// RoBERTa-style models count positions from padding_idx + 1.
    let positionOffset: Int

    /// Number of layers.
    public var layerCount: Int { layers.count }

    /// Whether `model` is a BERT-family encoder with BERT's own attention names (not MPNet's).
    public static func matches(_ model: Model) -> Bool {
        let names = ParameterNames(config: model.config, parameters: model.parameters)
        guard let prefix = BERTFamily.layout.prefix(in: names) else { return false }
        return names.has(prefix + BERTWeights.queryProbe)
    }

    private static let queryProbe = "encoder.layer.0.attention.self.query.weight"

    /// Reads every weight of `model`; throws when it is not a BERT-family encoder or a tensor is missing or misshapen.
    public init(model: Model) throws {
        let architecture = model.architecture
        guard let reader = WeightReader(model: model, layout: BERTFamily.layout),
              reader.has(BERTWeights.queryProbe), architecture.layers > 0 else {
            throw EngineError.unsupported("\(model.name): not a BERT-family encoder with BERT's attention (family \(architecture.family))"
                                          + "; the forward pass covers \(DifferentiableWeights.families)")
        }
        let d = architecture.width
        let heads = architecture.heads
        guard d > 0, heads > 0, d % heads == 0 else {
            throw EngineError.unsupported("\(model.name): width \(d) and \(heads) heads do not give a whole head width (is num_attention_heads in config.json?)")
        }
        func canonical(_ name: String, rows: Int, columns: Int) throws -> [Float] { try reader.canonical(name, [rows, columns]) }
        if let activation = model.config?["hidden_act"]?.stringValue, activation != "gelu" {
            throw EngineError.unsupported("\(model.name): hidden_act '\(activation)' is not supported by the forward pass (only the erf GELU, 'gelu')")
        }
        let ff = architecture.feedForward
        let embed = try reader.embedding(width: d)
        width = d
        self.heads = heads
        feedForward = ff
        vocabularySize = embed.shape[0]
        word = embed.values
        position = try reader.raw("embeddings.position_embeddings.weight")
        maximumPositions = position.count / d
        // A model without token types (some RoBERTa variants) behaves as if type 0 were all zeros.
        tokenType = !reader.has("embeddings.token_type_embeddings.weight")
            ? [Float](repeating: 0, count: d) : Array(try reader.raw("embeddings.token_type_embeddings.weight").prefix(d))
        guard tokenType.count == d, position.count >= d else {
            throw EngineError.malformed(path: model.source, message: "the position or token type embedding of \(model.name) is narrower than its width \(d)")
        }
        embeddingNormWeight = try reader.raw("embeddings.LayerNorm.weight", count: d)
        embeddingNormBias = try reader.raw("embeddings.LayerNorm.bias", count: d)
        epsilon = Float(model.config?["layer_norm_eps"]?.doubleValue ?? 1e-12)
        let modelType = model.config?["model_type"]?.stringValue ?? ""
        positionOffset = ["roberta", "xlm-roberta", "camembert"].contains(modelType)
            ? (model.config?["pad_token_id"]?.intValue ?? 1) + 1 : 0
        layers = try (0..<architecture.layers).map { layer in
            let base = "encoder.layer.\(layer)."
            return BERTLayerWeights(
                query: try canonical("layer.\(layer).q", rows: d, columns: d), queryBias: try reader.raw(base + "attention.self.query.bias", count: d),
                key: try canonical("layer.\(layer).k", rows: d, columns: d), keyBias: try reader.raw(base + "attention.self.key.bias", count: d),
                value: try canonical("layer.\(layer).v", rows: d, columns: d), valueBias: try reader.raw(base + "attention.self.value.bias", count: d),
                output: try canonical("layer.\(layer).o", rows: d, columns: d), outputBias: try reader.raw(base + "attention.output.dense.bias", count: d),
                attentionNormWeight: try reader.raw(base + "attention.output.LayerNorm.weight", count: d),
                attentionNormBias: try reader.raw(base + "attention.output.LayerNorm.bias", count: d),
                ff1: try canonical("layer.\(layer).ff1", rows: d, columns: ff), ff1Bias: try reader.raw(base + "intermediate.dense.bias", count: ff),
                ff2: try canonical("layer.\(layer).ff2", rows: ff, columns: d), ff2Bias: try reader.raw(base + "output.dense.bias", count: d),
                outputNormWeight: try reader.raw(base + "output.LayerNorm.weight", count: d),
                outputNormBias: try reader.raw(base + "output.LayerNorm.bias", count: d))
        }
    }
}
