// Analysis builtins: delta, rank, ww, spectrum, project, align.
import Engine

enum AnalysisBuiltins {
    static let all: [Builtin] = [
        Builtin(name: "delta", parameters: [.required("ft"), .required("base")], group: "analysis",
                summary: "ft − base per parameter (lazy); parameters in only one model are listed, not fatal",
                example: "d = delta(ft, base)") { arguments in
            .model(try ModelArithmetic.delta(arguments.model("ft"), arguments.model("base")))
        },
        Builtin(name: "rank", parameters: [
            .required("x"), .optional("measure", "none"), .optional("tol", "none"), .optional("rtol", "none"),
            .optional("p", RankOptions().energyFraction), .optional("components", "all"), .optional("layers", "all"),
            .optional("spectra", "false"), .optional("layer", "all"), .optional("method", "\"auto\""),
        ], group: "analysis",
        summary: "rank, erank, srank, energy, sigma_max, fro of every layer matrix (a table), or of one tensor (a record)",
        example: "rank(base, components=[\"q\", \"ff1\"]) |> show") { arguments in
            try rank(arguments)
        },
        Builtin(name: "ww", parameters: [
            .required("x"), .optional("base", "none"), .optional("components", "all"), .optional("layers", "all"),
            .optional("randomize", "false"), .optional("seed", "0"), .optional("spectra", "true"),
            .optional("method", "\"auto\""),
        ], group: "analysis",
        summary: "WeightWatcher's heavy-tailed spectral metrics (alpha, xmin, D, norms, entropy, MP spikes) of every matrix (a table), or of one tensor (a record)",
        example: "ww(base) |> show") { arguments in
            try ww(arguments)
        },
        Builtin(name: "spectrum", parameters: [.required("x"), .optional("name", "none"), .optional("method", "\"auto\"")], group: "analysis",
                summary: "the singular values (largest first) of a matrix, or of a model's parameter by name",
                example: "spectrum(base, \"layer.3.q\")") { arguments in
            try spectrum(arguments)
        },
        Builtin(name: "project", parameters: [
            .required("x"), .optional("vector", "none"), .optional("layer", "all"), .optional("layers", "all"), .optional("component", "\"ff2\""),
            .optional("index", "all"), .optional("head", "all"), .optional("top", ProjectionOptions().top), .optional("bottom", "false"),
            .optional("embedding", "\"input\""), .optional("layernorm", "false"), .optional("ascii", "false"),
            .optional("alpha", "false"), .optional("ids", "none"), .optional("vocab_limit", "none"), .optional("using", "x"),
        ], group: "analysis",
        summary: "top tokens of parameters read in embedding space: ff2 values, ff1 keys, vo/qk head pairs, or any vector",
        example: "project(base, layer=5, component=\"ff2\", index=17, top=8)") { arguments in
            try project(arguments)
        },
        Builtin(name: "align", parameters: [
            .required("a"), .required("b"), .optional("component", "\"ff2\""), .optional("pair", "none"),
            .optional("embedding", "\"input\""), .optional("measure", "\"cosine\""), .optional("heads", "false"),
            .optional("vocab_limit", "none"),
        ], group: "analysis",
        summary: "compare two models sharing a vocabulary in embedding space (cosine, or measure=\"correlation\" as in Dar et al.): layer × layer (or head × head) similarity, Hungarian matching for pair=[la, lb]",
        example: "align(base, ft, component=\"ff2\", pair=[3, 3])") { arguments in
            try align(arguments)
        },
    ]

    /// Without `pair`: the layer × layer (with `heads`, head × head) similarity as a table (`layer` of a, then
    /// one column `bN` per layer N of b) carrying the matrix `similarity`. With `pair=[la, lb]`: the Hungarian matching of those two
    /// layers (`index_a`, `index_b`, `score`) carrying the matrices `scores` (every pair's score) and `similarity`.
    private static func align(_ arguments: Arguments) throws -> Value {
        let a = try arguments.model("a"), b = try arguments.model("b")
        let component = try arguments.string("component", default: "ff2")
        let choice = try embeddingChoice(arguments)
        var pair: [Int]?
        if arguments.has("pair") {
            pair = try ints(arguments, "pair")
            guard pair?.count == 2 else { throw ArgumentError("align(): 'pair' must be [layer_a, layer_b], got \(pair?.count ?? 0) numbers") }
        }
        let measureName = try arguments.string("measure", default: AlignMeasure.cosine.rawValue)
        guard let measure = AlignMeasure(rawValue: measureName) else {
            throw ArgumentError("align(): 'measure' must be \"cosine\" or \"correlation\", got \"\(measureName)\"")
        }
        var filter = TokenFilter()
        if arguments.has("vocab_limit") { filter.limit = try arguments.int("vocab_limit") }
        let images = try Align.Images(a, b, embedding: choice, measure: measure, filter: filter)
        let alignment = try Align.layers(a, b, component: component, images: images, heads: try arguments.bool("heads", default: false))
        guard let pair else { return .table(try alignment.table()) }
        var matching = try Align.match(a, b, component: component, layerA: pair[0], layerB: pair[1], images: images)
        matching.matrices["similarity"] = alignment.matrix
        return .table(matching)
    }

    /// The `embedding=` argument: "input" (default) or "output".
    private static func embeddingChoice(_ arguments: Arguments) throws -> EmbeddingChoice {
        let name = try arguments.string("embedding", default: "input")
        guard let choice = EmbeddingChoice(rawValue: name) else {
            throw ArgumentError("\(arguments.callee)(): 'embedding' must be \"input\" or \"output\", got \"\(name)\"")
        }
        return choice
    }

    private static func project(_ arguments: Arguments) throws -> Value {
        let subject = try arguments.model("x")
        let owner = arguments.has("using") ? try arguments.model("using") : subject
        if owner.kind == .delta {
            throw ArgumentError("project(): the embedding of a delta is itself a difference; say whose embedding to read it through, e.g. using=base")
        }
        var filter = TokenFilter()
        filter.asciiOnly = try arguments.bool("ascii", default: false)
        filter.alphabeticOnly = try arguments.bool("alpha", default: false)
        if arguments.has("ids") { filter.allowed = try ints(arguments, "ids") }
        if arguments.has("vocab_limit") { filter.limit = try arguments.int("vocab_limit") }
        let space = try VocabularySpace.of(owner, embedding: try embeddingChoice(arguments), filter: filter,
                                           finalNorm: try arguments.bool("layernorm", default: false))
        var options = ProjectionOptions()
        options.top = try arguments.int("top", default: options.top)
        options.bottom = try arguments.bool("bottom", default: false)
        let layers = try arguments.layers(count: subject.architecture.layers, of: subject.name)
        if arguments.has("vector") {
            return .table(try vectorTable(arguments.tensor("vector"), space, options))
        }
        let component = try arguments.string("component", default: "ff2")
        if let circuit = HeadCircuit(rawValue: component) {
            let heads = arguments.has("head") ? try ints(arguments, "head") : nil
            return .table(try Projection.headSweep(subject, circuit: circuit, layers: layers, heads: heads, space: space, options: options))
        }
        let indices = arguments.has("index") ? try ints(arguments, "index") : nil
        return .table(try Projection.sweep(subject, component: component, layers: layers, indices: indices,
                                           space: space, options: options))
    }

    /// Top tokens of a vector (or of each row of a matrix) given directly.
    private static func vectorTable(_ vectors: Tensor, _ space: VocabularySpace, _ options: ProjectionOptions) throws -> Table {
        let results = try Projection.topTokens(vectors, in: space, options: options)
        var table = Table()
        let rows = results.enumerated().flatMap { index, tokens in tokens.enumerated().map { (index, $0 + 1, $1) } }
        try table.append("index", .int(rows.map(\.0)))
        try table.append("rank", .int(rows.map(\.1)))
        try table.append("token_id", .int(rows.map(\.2.id)))
        try table.append("token", .string(rows.map(\.2.token)))
        try table.append("score", .double(rows.map { Double($0.2.score) }))
        return table
    }

    private static func rank(_ arguments: Arguments) throws -> Value {
        var options = RankOptions()
        if arguments.has("tol") { options.tolerance = try arguments.number("tol") }
        if arguments.has("rtol") { options.relativeTolerance = try arguments.number("rtol") }
        options.energyFraction = try arguments.number("p", default: options.energyFraction)
        options.method = try spectrumMethod(arguments)
        guard options.energyFraction > 0, options.energyFraction <= 1 else {
            throw ArgumentError("rank(): 'p' must be in (0, 1], got \(Value.format(options.energyFraction))")
        }
        if arguments.has("measure") {
            let measure = try arguments.string("measure")
            guard Rank.measures.contains(measure) else {
                throw ArgumentError("rank(): unknown measure '\(measure)'\(Suggest.hint(for: measure, in: Rank.measures)) (measures: \(Rank.measures.joined(separator: ", ")))")
            }
            options.measures = [measure]
        }
        let subject = try arguments.given("x")
        if case let .tensor(tensor) = subject {
            // One matrix: a record of the measures, or the single number asked for.
            let spectrum = try Spectrum(of: tensor, method: options.method)
            let fields = try options.measures.map { measure -> (key: String, value: Value) in
                (measure, .number(try Rank.measure(measure, of: spectrum, options: options)))
            }
            return fields.count == 1 ? fields[0].value : .record(Record(fields))
        }
        let model = try arguments.model("x")
        if arguments.has("components") { options.components = try strings(arguments, "components") }
        if let layers = try arguments.layers(count: model.architecture.layers, of: model.name) { options.layers = layers }
        options.includeSpectra = try arguments.bool("spectra", default: false)
        return .table(try Rank.table(model, options: options))
    }

    /// `ww(model)`: the table of `HeavyTail.table`; `base=` analyses x − base (WeightWatcher's `base_model=`);
    /// `ww(tensor)`: a record of the metrics of one matrix.
    private static func ww(_ arguments: Arguments) throws -> Value {
        var options = HeavyTailOptions()
        options.randomize = try arguments.bool("randomize", default: false)
        options.seed = try ForwardBuiltins.seed(arguments)
        options.method = try spectrumMethod(arguments)
        guard let subject = arguments.value("x") else { throw ArgumentError("ww() missing argument 'x'") }
        if case let .tensor(tensor) = subject {
            let name = "tensor"
            guard tensor.matrixShape != nil else {
                throw ArgumentError("ww(): needs a matrix (a 2-D tensor), got shape \(Shape.describe(tensor.shape))")
            }
            let (metrics, _) = try HeavyTail.analyse(matrix: tensor, name: name, options: options)
            let measures = HeavyTail.measures + (options.randomize ? ["rand_distance"] : [])
            let fields = try measures.map { measure -> (key: String, value: Value) in
                (measure, .number(try HeavyTail.value(measure, of: metrics)))
            }
            return .record(Record([("M", .number(Double(metrics.m))), ("N", .number(Double(metrics.n)))] + fields
                                  + [("warning", .string(metrics.warning))]))
        }
        var model = try arguments.model("x")
        if arguments.has("base") { model = try ModelArithmetic.delta(model, arguments.model("base")) }
        if arguments.has("components") { options.components = try strings(arguments, "components") }
        if arguments.has("layers") { options.layers = try ints(arguments, "layers") }
        options.includeSpectra = try arguments.bool("spectra", default: true)
        return .table(try HeavyTail.table(model, options: options))
    }

    private static func spectrum(_ arguments: Arguments) throws -> Value {
        let subject = try arguments.given("x")
        let method = try spectrumMethod(arguments)
        let spectrum: Spectrum
        if case let .tensor(tensor) = subject {
            spectrum = try Spectrum(of: tensor, method: method)
        } else {
            spectrum = try Rank.spectrum(arguments.model("x"), arguments.string("name"), method: method)
        }
        return .tensor(try Tensor(shape: [spectrum.values.count], values: spectrum.values))
    }

    /// The `method=` argument of rank, ww and spectrum: "auto" (default), "svd" or "gram".
    private static func spectrumMethod(_ arguments: Arguments) throws -> SpectrumMethod {
        let name = try arguments.string("method", default: SpectrumMethod.auto.rawValue)
        guard let method = SpectrumMethod(rawValue: name) else {
            let known = SpectrumMethod.allCases.map(\.rawValue)
            throw ArgumentError("\(arguments.callee)(): 'method' must be one of \(known.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(name)\"\(Suggest.hint(for: name, in: known))")
        }
        return method
    }

    /// A list argument of strings (a single string is taken as a one-element list).
    static func strings(_ arguments: Arguments, _ name: String) throws -> [String] {
        if case let .string(single)? = arguments.value(name) { return [single] }
        return try arguments.list(name).map { item in
            guard case let .string(text) = item else {
                throw ArgumentError("\(arguments.callee)(): '\(name)' must be a list of strings, found \(item.typeName)")
            }
            return text
        }
    }

    /// A list argument of whole numbers (a single number is taken as a one-element list).
    static func ints(_ arguments: Arguments, _ name: String) throws -> [Int] {
        if case .number? = arguments.value(name) { return [try arguments.int(name)] }
        return try arguments.list(name).map { item in
            guard case let .number(number, _) = item, number.rounded() == number, abs(number) < 1e15 else {
                throw ArgumentError("\(arguments.callee)(): '\(name)' must be a list of whole numbers, found \(item.shortDisplay)")
            }
            return Int(number)
        }
    }
}
