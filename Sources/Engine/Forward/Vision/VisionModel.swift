// A vision transformer's stem feeding a stack of layers: the ViT's own blocks, or a language model's encoder layers.
import Foundation

/// The layers image tokens run through after the ViT's stem.
enum VisionStack {
    /// The ViT's own LayerScale blocks and final LayerNorm.
    case vit
    /// A BERT-family encoder's post-norm layers, entered through its embedding LayerNorm (its word, position and
    /// token-type embeddings are not used: the ViT's stem takes their place).
    case encoder(BERTWeights)
}

/// What one layer of either stack keeps for its backward pass.
enum VisionLayerCache {
    case block(ViTBlockCache)
    /// An encoder layer's cache with the encoder it ran in (its weights are shared, not copied).
    case encoder(BERTWeights, LayerCache)
}

/// A forward pass over one image's tokens (cls first, then the patches row by row).
struct VisionPass {
    /// Hidden states 0…through, each tokens × d: 0 is the stem's output (through the encoder's embedding LayerNorm
    /// for a language stack), l the output of layer l − 1; after every ViT block, the last is after the final norm.
    let states: [[Float]]
    let layers: [VisionLayerCache]
    /// The language stack's embedding LayerNorm on the stem's output.
    let entryNorm: NormCache?
    /// The ViT's final LayerNorm, when every block ran.
    let finalNorm: NormCache?
    let tokens: Int
}

/// A DINOv2 stem with its own blocks, or with a language model's encoder of the same width ("the hybrid"), bidirectional
/// or under a causal mask; runs on ImageNet-normalised 3 × H × W inputs and gives gradients back to them.
public struct VisionModel {
    let vit: ViTWeights
    let stack: VisionStack
    /// Whether attention is causal (token i sees tokens 0…i; cls first, patches row by row).
    public let causal: Bool
    /// The model in words, for tables and messages ("DINOv2 ViT (12 blocks)", "DINOv2 stem + minilm (6 layers, causal)").
    public let description: String

    /// The ViT's own blocks (`stack` nil), or its stem feeding `stack`'s encoder layers; `causal` masks attention.
    public init(vision: Model, stack: Model? = nil, causal: Bool = false) throws {
        vit = try ViTWeights(model: vision)
        self.causal = causal
        let mask = causal ? ", causal" : ""
        if let stack {
            guard BERTWeights.matches(stack) else {
                throw EngineError.unsupported("\(stack.name): the stack must be a BERT-family encoder (MiniLM, BERT), family '\(stack.architecture.family)'")
            }
            let encoder = try BERTWeights(model: stack)
            guard encoder.width == vit.width else {
                throw EngineError.unsupported("\(stack.name) is \(encoder.width) wide and \(vision.name)'s stem \(vit.width): a stack must have the stem's width")
            }
            self.stack = .encoder(encoder)
            description = "\(vision.name) stem + \(stack.name) (\(encoder.layerCount) layers\(mask))"
        } else {
            self.stack = .vit
            description = "\(vision.name) (\(vit.layerCount) blocks\(mask))"
        }
    }

    /// Layers of the stack (hidden states run 0…layerCount).
    public var layerCount: Int {
        switch stack {
        case .vit: return vit.layerCount
        case let .encoder(encoder): return encoder.layerCount
        }
    }

    /// FF width of the stack's layers.
    public var feedForward: Int {
        switch stack {
        case .vit: return vit.feedForward
        case let .encoder(encoder): return encoder.feedForward
        }
    }

    /// Token width d.
    public var width: Int { vit.width }
    /// Side of a patch in pixels.
    public var patchSize: Int { vit.patchSize }

    /// The patch grid and position embeddings of one input size, computed once per optimisation.
    struct Geometry {
        let rows, columns: Int
        let positions: [Float]
        var tokens: Int { 1 + rows * columns }
    }

    func geometry(height: Int, width: Int) throws -> Geometry {
        let (rows, columns) = try vit.grid(height: height, width: width)
        return Geometry(rows: rows, columns: columns, positions: try vit.positions(rows: rows, columns: columns))
    }

    /// Runs a normalised 3 × H × W input through the stem and the first `through` layers.
    func run(_ input: [Float], _ geometry: Geometry, through: Int) throws -> VisionPass {
        guard through >= 0, through <= layerCount else {
            throw EngineError.invalidArgument("layer \(through) is outside 0…\(layerCount) (0 = the stem's output)")
        }
        let t = geometry.tokens, d = width
        var x = vit.embed(input, rows: geometry.rows, columns: geometry.columns, positions: geometry.positions)
        var entryNorm: NormCache?
        if case let .encoder(encoder) = stack {
            (x, entryNorm) = BERTWeights.layerNorm(x, rows: t, width: d, weight: encoder.embeddingNormWeight,
                                                   bias: encoder.embeddingNormBias, epsilon: encoder.epsilon)
        }
        var states = [x], caches: [VisionLayerCache] = []
        for layer in 0..<through {
            try Interruption.check()
            switch stack {
            case .vit:
                let (out, cache) = vit.forward(vit.layers[layer], x, tokens: t, causal: causal)
                (x, caches) = (out, caches + [.block(cache)])
            case let .encoder(encoder):
                let (out, cache) = encoder.forward(encoder.layers[layer], embedded: x, tokens: t, mask: nil, causal: causal)
                (x, caches) = (out, caches + [.encoder(encoder, cache)])
            }
            states.append(x)
        }
        var finalNorm: NormCache?
        if case .vit = stack, through == layerCount {
            let normed: [Float]
            (normed, finalNorm) = vit.finalNorm(x, tokens: t)
            states[states.count - 1] = normed
        }
        return VisionPass(states: states, layers: caches, entryNorm: entryNorm, finalNorm: finalNorm, tokens: t)
    }

    /// Layer `layer`'s FF pre-activation, tokens × ff (the pass must have run through layer + 1).
    func preActivation(_ pass: VisionPass, layer: Int) -> [Float] {
        switch pass.layers[layer] {
        case let .block(cache): return cache.preActivation
        case let .encoder(_, cache): return cache.preActivation
        }
    }

    /// From the gradient of layer `layer`'s output to that of its input.
    private func backwardLayer(_ pass: VisionPass, _ layer: Int, output: [Float]) -> [Float] {
        switch pass.layers[layer] {
        case let .encoder(encoder, cache):
            return encoder.backward(layer: layer, cache: cache, tokens: pass.tokens, output: output)
        case let .block(cache):
            return vit.backward(layer: layer, cache: cache, tokens: pass.tokens, output: output)
        }
    }

    /// From the gradient of state 0 to that of the normalised input.
    private func backwardStem(_ pass: VisionPass, _ geometry: Geometry, gradient: [Float]) -> [Float] {
        var upstream = gradient
        if case let .encoder(encoder) = stack, let norm = pass.entryNorm {
            upstream = BERTWeights.layerNormBackward(upstream, cache: norm, weight: encoder.embeddingNormWeight, rows: pass.tokens, width: width)
        }
        return vit.embedBackward(upstream, rows: geometry.rows, columns: geometry.columns)
    }

    /// The gradient with respect to the normalised input of ⟨gradient, state `state`⟩.
    func backward(_ pass: VisionPass, _ geometry: Geometry, state: Int, gradient: [Float]) -> [Float] {
        var upstream = gradient
        if let finalNorm = pass.finalNorm, state == layerCount {
            upstream = BERTWeights.layerNormBackward(upstream, cache: finalNorm, weight: vit.finalNormWeight, rows: pass.tokens, width: width)
        }
        for layer in (0..<state).reversed() { upstream = backwardLayer(pass, layer, output: upstream) }
        return backwardStem(pass, geometry, gradient: upstream)
    }

    /// The gradient with respect to the normalised input of ⟨gradient, layer `layer`'s FF pre-activation⟩.
    func backward(_ pass: VisionPass, _ geometry: Geometry, layer: Int, preActivation gradient: [Float]) -> [Float] {
        var upstream: [Float]
        switch pass.layers[layer] {
        case let .encoder(encoder, cache):
            upstream = encoder.backward(layer: layer, cache: cache, tokens: pass.tokens, preActivation: gradient)
        case let .block(cache):
            upstream = vit.backward(layer: layer, cache: cache, tokens: pass.tokens, preActivation: gradient)
        }
        for below in (0..<layer).reversed() { upstream = backwardLayer(pass, below, output: upstream) }
        return backwardStem(pass, geometry, gradient: upstream)
    }

    /// Every hidden state of a picture (its sides multiples of the patch size): (layers + 1) × tokens × d.
    public func hiddenStates(_ picture: RGBImage) throws -> Tensor {
        let geometry = try geometry(height: picture.height, width: picture.width)
        let pass = try run(ImageNetNormalization.normalize(picture), geometry, through: layerCount)
        return try Tensor(shape: [layerCount + 1, geometry.tokens, width], values: pass.states.flatMap { $0 })
    }
}
