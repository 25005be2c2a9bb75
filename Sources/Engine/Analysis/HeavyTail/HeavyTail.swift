// WeightWatcher's table over a model: the heavy-tailed spectral metrics of every matrix it would analyse.
import Foundation

/// What `HeavyTail.table` analyses and computes.
public struct HeavyTailOptions: Sendable {
    /// Only these components' per-layer matrices (`q`, `ff1`, …); with `layers`, model-level matrices are left out.
    public var components: [String]?
    /// Only these layers' matrices.
    public var layers: [Int]?
    /// Also compute `rand_distance` from the spectrum of each matrix with its elements shuffled (a second SVD each).
    public var randomize = false
    /// Seed of the shuffles (each matrix gets its own stream, labelled by its name).
    public var seed: UInt64 = 0
    /// Attach every matrix's eigenvalues λ = σ² (largest first) to the table, keyed by row name.
    public var includeSpectra = false
    /// How the matrices are spread over the cores (as for `rank`).
    public var schedule: WorkSchedule = .matrixPerCore
    /// How each matrix's eigenvalues are computed (as for `rank`: the float64 Gram route on tall and wide matrices).
    public var method: SpectrumMethod = .auto

    public init() {}
}

/// One matrix the analysis covers: its row name and where it comes from.
public struct HeavyTailSubject: Sendable {
    /// Canonical name where the matrix has one (`embed`, `layer.3.q`), the raw parameter name otherwise.
    public let name: String
    /// `enc`/`dec` for encoder–decoder models.
    public let stack: String?
    /// The layer index, −1 for model-level matrices.
    public let layer: Int
    /// The canonical component (`q`, `ff1`, `embed`); for a raw parameter its name without `.weight`.
    public let component: String
    let entry: CanonicalEntry?
}

/// WeightWatcher's per-matrix analysis (`analyze(mp_fit=True)`, optionally `randomize=True`) over a model or delta.
public enum HeavyTail {
    /// The metric columns in table order; the names are WeightWatcher's `details` columns.
    public static let measures = ["alpha", "alpha_weighted", "xmin", "xmax", "D", "sigma", "num_pl_spikes",
                                  "log_norm", "log_spectral_norm", "log_alpha_norm", "stable_rank", "entropy",
                                  "matrix_rank", "lambda_max", "num_spikes", "mp_softrank", "bulk_max", "sigma_mp"]

    /// WeightWatcher's size filter: M = min(rows, columns) in 8…15000 and N = max ≤ 50000.
    static func analysable(_ shape: [Int]) -> Bool {
        guard shape.count == 2 else { return false }
        return (8...15000).contains(min(shape[0], shape[1])) && max(shape[0], shape[1]) <= 50000
    }

    /// The matrices WeightWatcher would analyse: every 2-D floating-point parameter passing its size filter,
    /// named canonically where possible. Fused parameters (GPT-2's c_attn) are analysed as their canonical
    /// parts (q, k, v), which WeightWatcher does not split. Model-level matrices first, in parameter order,
    /// then the per-layer ones in schema order. `components`/`layers` keep only per-layer matrices.
    public static func subjects(_ model: Model, components: [String]? = nil, layers: [Int]? = nil) throws -> [HeavyTailSubject] {
        let restricted = components != nil || layers != nil
        let perLayer = model.architecture.layerEntries.isEmpty && !restricted
            ? [] : try Rank.selectEntries(model, components: components, layers: layers)
        let shapes = Dictionary(model.parameters.map { ($0.name, $0.shape) }, uniquingKeysWith: { first, _ in first })
        var subjects: [HeavyTailSubject] = []
        if !restricted {
            let covered = Set(model.architecture.layerEntries.map(\.rawName))
            let canonical = Dictionary(model.architecture.entries.filter { $0.layer == nil }.map { ($0.rawName, $0) },
                                       uniquingKeysWith: { first, _ in first })
            for parameter in model.parameters
            where !covered.contains(parameter.name) && !parameter.dtype.isInteger && analysable(parameter.shape) {
                let entry = canonical[parameter.name].flatMap { $0.transform == .identity ? $0 : nil }
                // A raw matrix's component is its name without `.weight`, so rows stay apart in a grid.
                let component = entry?.component
                    ?? (parameter.name.hasSuffix(".weight") ? String(parameter.name.dropLast(".weight".count)) : parameter.name)
                subjects.append(HeavyTailSubject(name: entry?.name ?? parameter.name, stack: nil, layer: -1,
                                                 component: component, entry: entry))
            }
        }
        for entry in perLayer {
            guard let shape = shapes[entry.rawName].flatMap(entry.transform.shape(fromStored:)), analysable(shape) else { continue }
            subjects.append(HeavyTailSubject(name: entry.name, stack: entry.stack, layer: entry.layer ?? -1,
                                             component: entry.component, entry: entry))
        }
        return subjects
    }

    /// One row per analysed matrix: (`stack`,) `layer`, `component`, `name`, `M`, `N`, then `measures`
    /// (and `rand_distance` when randomising), then `warning`.
    public static func table(_ model: Model, options: HeavyTailOptions = HeavyTailOptions()) throws -> Table {
        let subjects = try subjects(model, components: options.components, layers: options.layers)
        guard !subjects.isEmpty else {
            throw EngineError.invalidArgument("\(model.name): no matrix to analyse (WeightWatcher's filter: 2-D, 8 ≤ min side ≤ 15000, max side ≤ 50000)")
        }
        let slots = Slots<(HeavyTailMetrics, Spectrum)>(count: subjects.count)
        try Progress.run("ww", total: subjects.count) { step in
            try options.schedule.run(count: subjects.count, done: step) { index in
                slots[index] = try analyse(model, subjects[index], options: options)
            }
        }
        let results = try slots.values()
        let metrics = results.map(\.0)
        var table = Table()
        if subjects.contains(where: { $0.stack != nil }) {
            try table.append("stack", .string(subjects.map { $0.stack ?? "" }))
        }
        try table.append("layer", .int(subjects.map(\.layer)))
        try table.append("component", .string(subjects.map(\.component)))
        try table.append("name", .string(subjects.map(\.name)))
        try table.append("M", .int(metrics.map(\.m)))
        try table.append("N", .int(metrics.map(\.n)))
        for measure in measures {
            try table.append(measure, column(measure, metrics))
        }
        if options.randomize { try table.append("rand_distance", column("rand_distance", metrics)) }
        try table.append("warning", .string(metrics.map(\.warning)))
        if options.includeSpectra {
            for (subject, result) in zip(subjects, results) {
                let lambdas = result.1.values.map { $0 * $0 }
                table.attachments[subject.name] = try Tensor(shape: [lambdas.count], values: lambdas)
            }
        }
        return table
    }

    /// The metrics and spectrum of one subject of `model`.
    static func analyse(_ model: Model, _ subject: HeavyTailSubject, options: HeavyTailOptions) throws -> (HeavyTailMetrics, Spectrum) {
        let matrix = try subject.entry.map { try Rank.matrix(model, $0) } ?? model.tensor(subject.name)
        return try analyse(matrix: matrix, name: subject.name, options: options)
    }

    /// The metrics and spectrum of one matrix (`name` labels errors and the shuffle's random stream); when
    /// randomising, the shuffled copy is made from the same tensor with a Fisher–Yates shuffle of its elements.
    public static func analyse(matrix: Tensor, name: String, options: HeavyTailOptions) throws -> (HeavyTailMetrics, Spectrum) {
        let spectrum = try Spectrum(of: matrix, name: name, method: options.method)
        var shuffled: Spectrum?
        if options.randomize {
            var values = matrix.values
            var generator = SeededRandom(seed: options.seed, label: name)
            values.shuffle(using: &generator)
            shuffled = try Spectrum(of: Tensor(shape: matrix.shape, values: values), name: name, method: options.method)
        }
        return (HeavyTailMetrics(spectrum, shuffled: shuffled), spectrum)
    }

    /// Measures reported as whole numbers.
    static let counts: Set = ["num_pl_spikes", "matrix_rank", "num_spikes"]

    /// One metric by its column name (−1 where its fit failed, NaN for `rand_distance` without a shuffle).
    public static func value(_ name: String, of metrics: HeavyTailMetrics) throws -> Double {
        let fit = metrics.fit, mp = metrics.marchenkoPastur
        switch name {
        case "alpha": return metrics.alpha
        case "alpha_weighted": return metrics.alphaWeighted
        case "xmin": return fit?.xmin ?? -1
        case "xmax": return fit?.xmax ?? -1
        case "D": return fit?.distance ?? -1
        case "sigma": return fit?.sigma ?? -1
        case "num_pl_spikes": return Double(fit?.tailCount ?? -1)
        case "log_norm": return metrics.logNorm
        case "log_spectral_norm": return metrics.logSpectralNorm
        case "log_alpha_norm": return metrics.logAlphaNorm
        case "stable_rank": return metrics.stableRank
        case "entropy": return metrics.entropy
        case "matrix_rank": return Double(metrics.matrixRank)
        case "lambda_max": return metrics.lambdaMax
        case "num_spikes": return Double(mp?.spikes ?? -1)
        case "mp_softrank": return mp?.softRank ?? -1
        case "bulk_max": return mp?.bulkMax ?? -1
        case "sigma_mp": return mp?.sigma ?? -1
        case "rand_distance": return metrics.randDistance ?? .nan
        default:
            let known = measures + ["rand_distance"]
            throw EngineError.unknownName(name, context: "ww measure", suggestion: Suggest.closest(to: name, in: known))
        }
    }

    /// One metric of every matrix, by column name (counts as integers).
    static func column(_ name: String, _ metrics: [HeavyTailMetrics]) throws -> Column {
        let values = try metrics.map { try value(name, of: $0) }
        return counts.contains(name) ? .int(values.map { Int($0) }) : .double(values)
    }
}
