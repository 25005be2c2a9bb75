// What reconstruct and visualize need of a model: a forward pass on input embeddings and its backward pass to them.
import Foundation

/// A forward pass over one sequence: its hidden states, 0 = input to the first layer, l = output of layer l − 1,
/// and what each layer kept for the backward pass.
protocol ForwardPass {
    associatedtype LayerCache
    var states: [[Float]] { get }
    var layers: [LayerCache] { get }
    var tokens: Int { get }
}

/// A decoder's forward pass (GPT-2, Llama), with everything its backward pass needs.
struct DecoderPass<LayerCache>: ForwardPass {
    /// Hidden states 0…through as Hugging Face reports them (the last layer's after the final norm).
    let states: [[Float]]
    let layers: [LayerCache]
    /// The final norm's statistics, when the pass ran through every layer.
    let finalNorm: NormCache?
    let tokens: Int
}

extension DecoderPass {
    /// Runs `input` (tokens × d, positions already in) through `layers`, keeping every output; when `complete`
    /// (every layer ran), the last state is replaced by its final norm, as Hugging Face reports the last hidden state.
    init<Layer>(input: [Float], tokens: Int, layers: ArraySlice<Layer>, complete: Bool,
                forward: (Layer, [Float]) -> ([Float], LayerCache), finalNorm: ([Float]) -> ([Float], NormCache)) throws {
        var x = input
        var states = [x], caches: [LayerCache] = []
        for layer in layers {
            try Interruption.check()
            let cache: LayerCache
            (x, cache) = forward(layer, x)
            states.append(x)
            caches.append(cache)
        }
        var statistics: NormCache?
        if complete {
            let normed: [Float]
            (normed, statistics) = finalNorm(x)
            states[states.count - 1] = normed
        }
        self.init(states: states, layers: caches, finalNorm: statistics, tokens: tokens)
    }
}

/// A model whose hidden states and FF pre-activations can be differentiated with respect to its input word
/// embeddings (BERT-family encoders, GPT-2 and Llama-family decoders).
protocol InputDifferentiable: LayerBackward {
    /// A forward pass with everything its backward pass needs.
    associatedtype Pass: ForwardPass where Pass.LayerCache == LayerCache
    var width: Int { get }
    var feedForward: Int { get }
    var layerCount: Int { get }
    var vocabularySize: Int { get }
    /// Word embeddings, vocabulary × d.
    var word: [Float] { get }
    /// How many input positions the model has room for.
    var inputPositions: Int { get }
    /// Runs the model on input word embeddings (tokens × d) up to hidden state `through` (0 = embedding output).
    func run(inputs: [Float], tokens: Int, through: Int) throws -> Pass
    /// The FF pre-activation (tokens × ff) of layer `layer`, for a pass run through `layer + 1`.
    func preActivation(_ pass: Pass, layer: Int) -> [Float]
    /// Through the final norm that the last state has after the last layer (decoders), else the identity.
    func backwardFinalNorm(_ pass: Pass, gradient: [Float]) -> [Float]
    /// From the gradient of state 0 to that of the input word embeddings (the identity when positions are added
    /// as constants and nothing else happens before the first layer).
    func backwardEmbedding(_ pass: Pass, gradient: [Float]) -> [Float]
}

/// The weights of a model that `Reconstruction` and `Visualization` can work on (see `families`).
public struct DifferentiableWeights {
    let model: any InputDifferentiable

    /// Each forward pass with the test that picks it, tried in order: the one list of what hidden states,
    /// reconstruction and visualisation cover.
    private static let passes: [(family: String, matches: @Sendable (Model) -> Bool,
                                 read: @Sendable (Model) throws -> any InputDifferentiable)] = [
        ("Llama", { LlamaWeights.matches($0) }, { try LlamaWeights(model: $0) }),
        ("GPT-2", { GPT2Weights.matches($0) }, { try GPT2Weights(model: $0) }),
        ("BERT-likes", { BERTWeights.matches($0) }, { try BERTWeights(model: $0) }),
    ]

    /// The families a forward pass exists for, in words ("Llama, GPT-2 and BERT-likes").
    public static var families: String {
        let names = passes.map(\.family)
        return names.dropLast().joined(separator: ", ") + (names.count > 1 ? " and " : "") + (names.last ?? "")
    }

    /// The first pass whose test accepts the model.
    public init(model: Model) throws {
        guard let pass = DifferentiableWeights.passes.first(where: { $0.matches(model) }) else {
            throw EngineError.unsupported("\(model.name): no forward pass for family '\(model.architecture.family)'"
                                          + " (there are passes for \(DifferentiableWeights.families))")
        }
        self.model = try pass.read(model)
    }

    /// Hidden states after the embeddings: hidden states run 0…layerCount.
    public var layerCount: Int { model.layerCount }
    /// Model width d.
    public var width: Int { model.width }

    /// Hidden states (layers + 1) × tokens × d of token ids, as Hugging Face reports them.
    public func hiddenStates(ids: [Int]) throws -> Tensor { try model.stackedStates(ids: ids) }
}

extension InputDifferentiable {
    /// Hidden state `index` of a pass run at least that far.
    func state(_ pass: Pass, _ index: Int) -> [Float] { pass.states[index] }

    /// Every hidden state of token ids, (layers + 1) × tokens × d.
    func stackedStates(ids: [Int]) throws -> Tensor {
        let pass = try run(inputs: embeddings(of: ids), tokens: ids.count, through: layerCount)
        return try Tensor(shape: [layerCount + 1, ids.count, width], values: pass.states.flatMap { $0 })
    }

    func backwardFinalNorm(_ pass: Pass, gradient: [Float]) -> [Float] { gradient }

    func backwardEmbedding(_ pass: Pass, gradient: [Float]) -> [Float] { gradient }

    /// The gradient with respect to the input embeddings of ⟨gradient, state(pass, state)⟩.
    func backward(_ pass: Pass, state: Int, gradient: [Float]) -> [Float] {
        var upstream = state == layerCount ? backwardFinalNorm(pass, gradient: gradient) : gradient
        for layer in (0..<state).reversed() {
            upstream = backward(layer: layer, cache: pass.layers[layer], tokens: pass.tokens, output: upstream)
        }
        return backwardEmbedding(pass, gradient: upstream)
    }

    /// The gradient with respect to the input embeddings of ⟨gradient, preActivation(pass, layer)⟩.
    func backward(_ pass: Pass, layer: Int, preActivation gradient: [Float]) -> [Float] {
        var upstream = backward(layer: layer, cache: pass.layers[layer], tokens: pass.tokens, preActivation: gradient)
        for below in (0..<layer).reversed() {
            upstream = backward(layer: below, cache: pass.layers[below], tokens: pass.tokens, output: upstream)
        }
        return backwardEmbedding(pass, gradient: upstream)
    }

    /// The embedding rows of token ids (the input the optimisers work on).
    func embeddings(of ids: [Int]) throws -> [Float] {
        var rows: [Float] = []
        rows.reserveCapacity(ids.count * width)
        for id in ids {
            guard id >= 0, id < vocabularySize else {
                throw EngineError.invalidArgument("token id \(id) is outside the vocabulary (0..<\(vocabularySize))")
            }
            rows += word[(id * width)..<((id + 1) * width)]
        }
        return rows
    }

    /// For each row of `inputs` (tokens × d), the `top` vocabulary ids whose embeddings are nearest by cosine,
    /// with their cosines, best first.
    func nearestTokens(_ inputs: [Float], tokens: Int, top: Int) -> [[(id: Int, cosine: Float)]] {
        let d = width, vocabulary = vocabularySize
        var scores = [Float](repeating: 0, count: tokens * vocabulary)
        Dense.gemm(inputs, MatrixView(stride: d), word, MatrixView(stride: d), transposeB: true,
                   m: tokens, n: vocabulary, k: d, into: &scores, MatrixView(stride: vocabulary))
        let norms = wordNorms
        return (0..<tokens).map { t in
            var inputNorm: Float = 0
            for column in 0..<d { inputNorm += inputs[t * d + column] * inputs[t * d + column] }
            inputNorm = max(inputNorm.squareRoot(), .leastNormalMagnitude)
            var best: [(id: Int, cosine: Float)] = []
            for id in 0..<vocabulary {
                let cosine = scores[t * vocabulary + id] / (inputNorm * max(norms[id], .leastNormalMagnitude))
                if best.count < top || cosine > best[best.count - 1].cosine {
                    let place = best.firstIndex { cosine > $0.cosine } ?? best.count
                    best.insert((id, cosine), at: place)
                    if best.count > top { best.removeLast() }
                }
            }
            return best
        }
    }

    /// Euclidean norm of each word-embedding row.
    var wordNorms: [Float] {
        (0..<vocabularySize).map { id in
            var total: Float = 0
            for column in 0..<width { total += word[id * width + column] * word[id * width + column] }
            return total.squareRoot()
        }
    }
}
