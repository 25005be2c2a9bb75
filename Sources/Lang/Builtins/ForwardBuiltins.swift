// Forward-pass builtins: tokens, hidden states, input reconstruction by layer, neuron visualisation.
import Engine

enum ForwardBuiltins {
    static let all: [Builtin] = [
        Builtin(name: "tokens", parameters: [.required("model"), .required("text")], group: "forward",
                summary: "the model's tokens of a text (WordPiece with [CLS] … [SEP], or GPT-2 byte-level BPE): a table of position, piece and id",
                example: "tokens(m, \"The cat sat.\")") { arguments in
            let pieces = try Tokenizer.of(arguments.model("model")).encode(arguments.string("text"))
            var table = Table()
            try table.append("position", .int(Array(pieces.indices)))
            try table.append("piece", .string(pieces.map(\.piece)))
            try table.append("id", .int(pieces.map(\.id)))
            return .table(table)
        },
        Builtin(name: "hidden", parameters: [.required("model"), .required("text"), .optional("stack", "none"), .optional("causal", "false"),
                                             .optional("layer", "all"), .optional("layers", "all")],
                group: "forward",
                summary: "hidden states for a text (or a list of token ids), or for a picture of a DINOv2 ViT (its stem feeding stack=, causal=): a (layers+1) × tokens × d tensor (layer=n: that state, tokens × d; layers=[…]: those states); passes exist for \(DifferentiableWeights.families) and stitched models",
                example: "h = hidden(m, \"The cat sat.\")") { arguments in
            try chosenStates(of: try allHiddenStates(arguments), arguments)
        },
        Builtin(name: "stitch", parameters: [.required("first"), .required("rest"), .required("k"), .optional("resume", "k")],
                group: "forward",
                summary: "zero-shot stitching (Dar et al.): blocks 0..<k of `first`, hidden states mapped by h·E₁ᵀ(E₂⁺)ᵀ, then blocks resume… of `rest`; a model for hidden()",
                example: "s = stitch(small, big, 2, resume=4)") { arguments in
            let first = try arguments.model("first"), rest = try arguments.model("rest")
            let blocks = try arguments.int("k")
            return .model(try Stitch.model(first: first, rest: rest, blocks: blocks, resume: try arguments.int("resume", default: blocks)))
        },
        Builtin(name: "reconstruct", parameters: [
            .required("model"), .required("text"), .optional("layer", "0"), .optional("layers", "none"),
            .optional("steps", ReconstructionOptions().steps), .optional("lr", ReconstructionOptions().learningRate),
            .optional("seed", "0"), .optional("loss", "\"l2\""),
        ], group: "forward",
        summary: "recover a text (or a list of token ids) from hidden state `layer` (0 = embeddings) by Adam on input embeddings from noise; layers=\"all\" gives the by-depth table",
        example: "reconstruct(m, \"The cat sat.\", layer=2, steps=200)") { arguments in
            try reconstruct(arguments)
        },
        Builtin(name: "visualize", parameters: [
            .required("model"), .required("layer"), .required("neuron"), .optional("length", VisualizationOptions().length),
            .optional("position", "none"), .optional("steps", VisualizationOptions().steps),
            .optional("lr", VisualizationOptions().learningRate), .optional("seed", "0"), .optional("top", VisualizationOptions().top),
        ], group: "forward",
        summary: "gradient ascent on input embeddings to excite FF neuron `neuron` of layer `layer`; the tokens nearest each optimised position",
        example: "visualize(m, layer=3, neuron=17, length=4)") { arguments in
            try visualize(arguments)
        },
        Builtin(name: "lens", parameters: [.required("model"), .required("text"), .optional("top", "5"),
                                           .optional("layer", "all"), .optional("layers", "all")], group: "forward",
                summary: "the logit lens of a decoder: each hidden state (0 = embeddings, or those of layer=/layers=) through the final norm and the unembedding; a table of the top next tokens per layer and position",
                example: "lens(m, \"The cat sat on the\", top=3)") { arguments in
            try lens(arguments)
        },
    ]

    /// Every hidden state of `hidden`'s input: state 0 (the embeddings) to the output, states × tokens × d.
    private static func allHiddenStates(_ arguments: Arguments) throws -> Tensor {
        if case .tensor? = arguments.value("text") {
            return try VisionBuiltins.visionModel(arguments).hiddenStates(try ImageBuiltins.picture(arguments, "text"))
        }
        let model = try arguments.model("model")
        let ids: [Int]
        if case .list? = arguments.value("text") {
            ids = try AnalysisBuiltins.ints(arguments, "text")
        } else {
            // A stitched model reads text with its first model's tokenizer (the two share a vocabulary).
            ids = try Tokenizer.of(model.stitch?.first ?? model).encode(arguments.string("text")).map(\.id)
        }
        if let stitch = model.stitch { return try stitch.hiddenStates(ids: ids) }
        return try DifferentiableWeights(model: model).hiddenStates(ids: ids)
    }

    /// The states `layer=` / `layers=` choose (all when neither is given): one number gives that state alone
    /// (tokens × d), a list those states in order of depth.
    private static func chosenStates(of states: Tensor, _ arguments: Arguments) throws -> Value {
        let count = states.shape.first ?? 0
        guard let chosen = try arguments.layers(count: count, of: try arguments.model("model").name,
                                                note: ", hidden state 0 being the embeddings") else { return .tensor(states) }
        let picked = try states.selecting((0..<count).map(chosen.contains))
        if case .number? = arguments.value(arguments.has("layer") ? "layer" : "layers") {
            return .tensor(try picked.reshaped(Array(states.shape.dropFirst())))
        }
        return .tensor(picked)
    }

    private static func lens(_ arguments: Arguments) throws -> Value {
        let top = try arguments.int("top", default: 5)
        guard top >= 1 else { throw ArgumentError("lens(): 'top' must be at least 1, got \(top)") }
        let (weights, pieces) = try encoded(arguments)
        let states = try arguments.layers(count: weights.layerCount + 1, of: try arguments.model("model").name,
                                          note: ", hidden state 0 being the embeddings")
        let entries = try LogitLens.run(weights, ids: pieces.map(\.id), top: top, states: states)
        let vocabulary = try arguments.model("model").vocabulary?.tokens() ?? []
        var table = Table()
        try table.append("layer", .int(entries.map(\.layer)))
        try table.append("position", .int(entries.map(\.position)))
        // The input as the vocabulary shows it (" France"), like the token column, not the tokenizer's raw piece ("ĠFrance").
        try table.append("input", .string(entries.map { piece(pieces[$0.position].id, in: vocabulary) }))
        try table.append("rank", .int(entries.map(\.rank)))
        try table.append("token", .string(entries.map { piece($0.id, in: vocabulary) }))
        try table.append("id", .int(entries.map(\.id)))
        try table.append("logit", .double(entries.map { Double($0.logit) }))
        try table.append("probability", .double(entries.map { Double($0.probability) }))
        return .table(table)
    }

    private static func visualize(_ arguments: Arguments) throws -> Value {
        let model = try arguments.model("model")
        let weights = try DifferentiableWeights(model: model)
        var options = VisualizationOptions()
        options.length = try arguments.int("length", default: options.length)
        options.steps = try arguments.int("steps", default: options.steps)
        options.learningRate = Float(try arguments.number("lr", default: Double(options.learningRate)))
        options.top = try arguments.int("top", default: options.top)
        if arguments.has("position") { options.position = try arguments.int("position") }
        options.seed = try seed(arguments)
        guard let layers = try arguments.layers(count: weights.layerCount, of: model.name), layers.count == 1 else {
            throw ArgumentError("visualize(): 'layer' must be one layer number")
        }
        let layer = layers[0], neuron = try arguments.int("neuron")
        let result = try Progress.run("visualize", total: options.steps) { advance in
            try Visualization.run(weights, layer: layer, neuron: neuron, options: options, report: advance)
        }
        let vocabulary = try model.vocabulary?.tokens() ?? []
        var positions: [Int] = [], ranks: [Int] = [], tokens: [String] = [], ids: [Int] = [], cosines: [Double] = []
        for (position, nearest) in result.nearest.enumerated() {
            for (rank, entry) in nearest.enumerated() {
                positions.append(position); ranks.append(rank + 1); ids.append(entry.id); cosines.append(Double(entry.cosine))
                tokens.append(piece(entry.id, in: vocabulary))
            }
        }
        var table = Table()
        try table.append("position", .int(positions))
        try table.append("rank", .int(ranks))
        try table.append("token", .string(tokens))
        try table.append("id", .int(ids))
        try table.append("cosine", .double(cosines))
        return .record(Record([
            ("layer", .number(Double(layer))), ("neuron", .number(Double(neuron))),
            ("start", .number(result.startObjective)), ("objective", .number(result.finalObjective)),
            ("activations", .tensor(try Tensor(shape: [result.activations.count], values: result.activations))),
            ("inputs", .tensor(try Tensor(shape: [options.length, weights.width], values: result.inputs))),
            ("tokens", .table(table)),
        ]))
    }

    /// The `seed` argument, refused when negative.
    static func seed(_ arguments: Arguments) throws -> UInt64 {
        let seed = try arguments.int("seed", default: 0)
        guard seed >= 0 else { throw ArgumentError("\(arguments.callee)(): 'seed' must be a non-negative whole number, got \(seed)") }
        return UInt64(seed)
    }

    /// The vocabulary piece of a token id, or the id written out when the vocabulary has no such entry.
    private static func piece(_ id: Int, in vocabulary: [String]) -> String {
        vocabulary.indices.contains(id) ? vocabulary[id] : String(id)
    }

    /// The model's weights (a family `DifferentiableWeights` has a pass for) and the tokens of the `text` argument: the tokenizer's,
    /// or, for a list of ids (as `hidden` takes them), those ids with their vocabulary pieces.
    static func encoded(_ arguments: Arguments) throws -> (DifferentiableWeights, [TokenPiece]) {
        let model = try arguments.model("model")
        let weights = try DifferentiableWeights(model: model)
        guard case .list? = arguments.value("text") else {
            return (weights, try Tokenizer.of(model).encode(arguments.string("text")))
        }
        let vocabulary = try model.vocabulary?.tokens() ?? []
        let ids = try AnalysisBuiltins.ints(arguments, "text")
        return (weights, ids.map { TokenPiece(piece: piece($0, in: vocabulary), id: $0) })
    }

    private static func reconstruct(_ arguments: Arguments) throws -> Value {
        let (weights, pieces) = try encoded(arguments)
        var options = ReconstructionOptions()
        options.steps = try arguments.int("steps", default: options.steps)
        options.learningRate = Float(try arguments.number("lr", default: Double(options.learningRate)))
        options.seed = try seed(arguments)
        let lossName = try arguments.string("loss", default: "l2")
        guard let loss = ReconstructionLoss(rawValue: lossName) else {
            throw ArgumentError("reconstruct(): 'loss' must be \"l2\" or \"l1\", got \"\(lossName)\"")
        }
        options.loss = loss
        // Hidden states 0…layerCount: 0 is the embedding output, so there is one more than the model has layers.
        let chosen = try arguments.layers(count: weights.layerCount + 1, of: try arguments.model("model").name, note: ", 0 = the embedding output")
        let layers = chosen ?? (arguments.has("layers") || arguments.has("layer") ? Array(0...weights.layerCount) : [0])
        let ids = pieces.map(\.id)
        let results = try Progress.run("reconstruct", total: layers.count * options.steps) { advance in
            try layers.enumerated().map { position, layer in
                try Reconstruction.run(weights, ids: ids, layer: layer, options: options) { advance(position * options.steps + $0) }
            }
        }
        let vocabulary = try arguments.model("model").vocabulary?.tokens() ?? []
        func token(_ id: Int) -> String { piece(id, in: vocabulary) }
        // One layer given as a number: the per-position record; a list or "all": the by-depth table.
        if results.count == 1, !arguments.has("layers"), case .number? = arguments.value("layer") ?? .number(0), let result = results.first {
            var positions = Table()
            try positions.append("position", .int(Array(ids.indices)))
            try positions.append("true", .string(pieces.map(\.piece)))
            try positions.append("id", .int(ids))
            try positions.append("recovered", .string(result.recoveredIds.map(token)))
            try positions.append("recovered_id", .int(result.recoveredIds))
            try positions.append("match", .int(zip(ids, result.recoveredIds).map { $0 == $1 ? 1 : 0 }))
            try positions.append("cosine", .double(result.cosines))
            try positions.append("error", .double(result.errors))
            return .record(Record([
                ("layer", .number(Double(result.layer))), ("exact", .bool(result.exactMatch)),
                ("accuracy", .number(result.tokenAccuracy)), ("cosine", .number(result.meanCosine)),
                ("loss", .number(result.finalLoss)), ("text", .string(result.recoveredIds.map(token).joined(separator: " "))),
                ("positions", .table(positions)),
                ("inputs", .tensor(try Tensor(shape: [ids.count, weights.width], values: result.inputs))),
            ]))
        }
        var table = Table()
        try table.append("layer", .int(results.map(\.layer)))
        try table.append("exact", .int(results.map { $0.exactMatch ? 1 : 0 }))
        try table.append("accuracy", .double(results.map(\.tokenAccuracy)))
        try table.append("cosine", .double(results.map(\.meanCosine)))
        try table.append("loss", .double(results.map(\.finalLoss)))
        try table.append("recovered", .string(results.map { $0.recoveredIds.map(token).joined(separator: " ") }))
        return .table(table)
    }
}
