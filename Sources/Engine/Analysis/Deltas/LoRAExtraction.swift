// `lora`: a dense delta cut to low rank per matrix (truncated SVD), as factors a PEFT adapter can hold.
import Foundation

/// How many singular values `lora` keeps per matrix.
public struct LoRAOptions: Sendable {
    /// Keep at most this many (every matrix must have at least this many).
    public var rank: Int?
    /// Keep the σ above this fraction of the matrix's σmax (with `rank`, whichever keeps fewer).
    public var threshold: Double?
    /// Also factor the token embedding (PEFT's `lora_embedding_A/B`, as mergekit's `--embed-lora`).
    public var embeddings = true
    /// How the matrices are spread over the cores.
    public var schedule: WorkSchedule = .matrixPerCore

    public init(rank: Int? = nil, threshold: Double? = nil) {
        self.rank = rank
        self.threshold = threshold
    }
}

/// The layout of a stored matrix as PEFT sees its module.
public enum LoRALayout: String, Sendable {
    /// A PyTorch Linear, stored out × in: ΔW = B·A.
    case linear
    /// GPT-2's Conv1D, stored in × out (`fan_in_fan_out`): ΔW = (B·A)ᵀ.
    case conv1d
    /// A token embedding, stored vocab × d: ΔW = (B·A)ᵀ with `lora_embedding_A/B`.
    case embedding

    /// The layout of the stored parameter behind a canonical entry (nil for layouts PEFT cannot target).
    static func of(_ entry: CanonicalEntry) -> LoRALayout? {
        if entry.component == "embed" { return entry.transform == .identity ? .embedding : nil }
        switch entry.transform {
        case .transpose, .rowsTransposed: return .linear
        case .identity, .columns: return entry.rawName.contains("/") ? nil : .conv1d
        }
    }
}

/// Truncated SVDs of a delta's matrices.
public enum LoRAExtraction {
    /// The stored matrices `lora` factors, with their layouts: every raw parameter behind a canonical entry
    /// (a fused GPT-2 `c_attn` once, whole), in file order.
    public static func targets(_ model: Model, embeddings: Bool = true) -> [(parameter: Parameter, layout: LoRALayout)] {
        var layouts: [String: LoRALayout] = [:]
        for entry in model.architecture.entries where embeddings || entry.component != "embed" {
            if let layout = LoRALayout.of(entry) { layouts[entry.rawName] = layout }
        }
        return model.parameters.compactMap { parameter in
            guard parameter.shape.count == 2, let layout = layouts[parameter.name] else { return nil }
            return (parameter, layout)
        }
    }

    /// A delta whose targeted matrices are rank-truncated (factors L = U·√S, R = √S·Vᵀ in stored
    /// orientation, as mergekit's `distribute_scale`), every other parameter zero; `report` holds one row per
    /// matrix with the rank kept and the fraction of ‖ΔW‖F² (energy) kept.
    public static func extract(_ delta: Model, options: LoRAOptions) throws -> Model {
        guard options.rank != nil || options.threshold != nil else {
            throw EngineError.invalidArgument("lora(): give rank=r or threshold=t (σ kept above t·σmax)")
        }
        if let rank = options.rank, rank < 1 { throw EngineError.invalidArgument("lora(): rank must be at least 1, got \(rank)") }
        if let threshold = options.threshold, !(0..<1).contains(threshold) {
            throw EngineError.invalidArgument("lora(): threshold must be in [0, 1), got \(threshold)")
        }
        let targets = self.targets(delta, embeddings: options.embeddings)
        guard !targets.isEmpty else {
            throw EngineError.unsupported("lora(): \(delta.name) has no matrices PEFT can target (architecture '\(delta.architecture.family)')")
        }
        if let rank = options.rank {
            for (parameter, _) in targets where rank > min(parameter.shape[0], parameter.shape[1]) {
                throw EngineError.invalidArgument("lora(): rank \(rank) is larger than \(parameter.name) (\(Shape.describe(parameter.shape))) allows: at most \(min(parameter.shape[0], parameter.shape[1]))")
            }
        }
        let slots = Slots<(factors: LowRankFactors, kept: Int, energy: Double, sigmaMax: Double)>(count: targets.count)
        try Progress.run("lora", total: targets.count) { step in
            try options.schedule.run(count: targets.count, done: step) { index in
                slots[index] = try truncate(targets[index].parameter, options: options)
            }
        }
        let results = try slots.values()
        var byName: [String: LowRankFactors] = [:]
        for ((parameter, _), result) in zip(targets, results) where result.kept > 0 { byName[parameter.name] = result.factors }

        var report = Table()
        try report.append("name", .string(targets.map(\.parameter.name)))
        try report.append("layout", .string(targets.map(\.layout.rawValue)))
        try report.append("shape", .string(targets.map { Shape.describe($0.parameter.shape) }))
        try report.append("rank", .int(results.map(\.kept)))
        try report.append("energy", .double(results.map(\.energy)))
        try report.append("sigma_max", .double(results.map(\.sigmaMax)))

        let parameters = delta.parameters.map { parameter -> Parameter in
            let (name, shape) = (parameter.name, parameter.shape)
            if let factors = byName[name] {
                return Parameter(name: name, shape: shape, dtype: .f32, factors: { factors }) { try factors.product() }
            }
            return .zeroUpdate(name: name, shape: shape)
        }
        let how = options.rank.map { "rank \($0)" } ?? ""
        let label = [how, options.threshold.map { "σ > \($0)·σmax" } ?? ""].filter { !$0.isEmpty }.joined(separator: ", ")
        return Model(name: "lora(\(delta.name), \(label))", source: "computed: lora of \(delta.source)", kind: .delta,
                     config: delta.config, parameters: parameters, architecture: delta.architecture,
                     vocabulary: delta.vocabulary, report: report)
    }

    /// One matrix's truncated SVD: the factors, how many σ were kept, the energy fraction kept and σmax.
    private static func truncate(_ parameter: Parameter, options: LoRAOptions) throws
        -> (factors: LowRankFactors, kept: Int, energy: Double, sigmaMax: Double) {
        let tensor = try parameter.load()
        // A matrix fine-tuning left alone needs no SVD (most of them, for an adapter's delta).
        if !tensor.buffer.contains(where: { $0 != 0 }) {
            return (try LowRankFactors.zero(rows: parameter.shape[0], columns: parameter.shape[1], name: parameter.name), 0, 1, 0)
        }
        let svd = try Linalg.thinSVD(tensor, name: parameter.name)
        let top = Double(svd.s.first ?? 0)
        var kept = options.rank ?? svd.s.count
        if let threshold = options.threshold {
            kept = min(kept, svd.s.reduce(0) { Double($1) > threshold * top ? $0 + 1 : $0 })
        }
        let total = svd.s.reduce(0.0) { $0 + Double($1) * Double($1) }
        let energy = total > 0 ? svd.s.prefix(kept).reduce(0.0) { $0 + Double($1) * Double($1) } / total : 1
        let (rows, columns, k) = (parameter.shape[0], parameter.shape[1], svd.s.count)
        let roots = svd.s.prefix(kept).map { Float(Double($0).squareRoot()) }
        let left = try Tensor.build(shape: [rows, kept]) { out in
            for row in 0..<rows { for j in 0..<kept { out[row * kept + j] = svd.u.buffer[row * k + j] * roots[j] } }
        }
        let right = try Tensor.build(shape: [kept, columns]) { out in
            for j in 0..<kept { for column in 0..<columns { out[j * columns + column] = svd.vt.buffer[j * columns + column] * roots[j] } }
        }
        return (try LowRankFactors(left: left, right: right, name: parameter.name), kept, energy, top)
    }
}
