// What every hand-written backward pass provides per layer, and the walk from a pass's layer to that layer's weights.
import Foundation

/// A stack of layers whose backward passes are written by hand (BERT-likes, GPT-2, Llama, the ViT): from the
/// gradient of a layer's output, or of its FF pre-activation, to that of its input.
protocol LayerBackward {
    /// One layer's weights.
    associatedtype LayerWeights
    /// What one layer's forward pass keeps for its backward pass.
    associatedtype LayerCache
    /// The layers, first to last.
    var layers: [LayerWeights] { get }
    /// One layer: from the gradient of its output to that of its input.
    func backward(_ w: LayerWeights, cache: LayerCache, tokens: Int, output: [Float]) -> [Float]
    /// From the gradient of a layer's FF pre-activation (plus the residual stream's, when coming from the layer's
    /// output) to that of the layer's input.
    func backwardFromFeedForward(_ w: LayerWeights, cache: LayerCache, tokens: Int, preActivation: [Float], residual: [Float]?) -> [Float]
}

extension LayerBackward {
    /// Layer `layer` of a pass that kept `cache`: from the gradient of its output to that of its input.
    func backward(layer: Int, cache: LayerCache, tokens: Int, output: [Float]) -> [Float] {
        backward(layers[layer], cache: cache, tokens: tokens, output: output)
    }

    /// Layer `layer` of a pass that kept `cache`: from the gradient of its FF pre-activation to that of its input.
    func backward(layer: Int, cache: LayerCache, tokens: Int, preActivation: [Float]) -> [Float] {
        backwardFromFeedForward(layers[layer], cache: cache, tokens: tokens, preActivation: preActivation, residual: nil)
    }
}
