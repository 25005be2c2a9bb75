// Rank measures of every canonical per-layer matrix of a model (or a delta), as a table.
import Foundation

/// What `Rank.table` computes and over which matrices.
public struct RankOptions: Sendable {
    /// Absolute threshold for the numerical rank (σ > tolerance counts).
    public var tolerance: Double?
    /// Threshold relative to σmax; numpy's max(m,n)·ε(float32) when neither bound is given.
    public var relativeTolerance: Double?
    /// The fraction of Σσ² that `energy` must reach.
    public var energyFraction: Double = 0.9
    /// Only these components (`q`, `ff1`, …), all when nil.
    public var components: [String]?
    /// Only these layer indices, all when nil.
    public var layers: [Int]?
    /// Attach every matrix's singular values to the table (`Table.attachments`, keyed by canonical name).
    public var includeSpectra = false
    /// The measure columns to include, in this order (all of `Rank.measures` by default).
    public var measures = Rank.measures
    /// How the matrices are spread over the cores.
    public var schedule: WorkSchedule = .matrixPerCore
    /// How each matrix's singular values are computed (the Gram route on tall and wide matrices by default).
    public var method: SpectrumMethod = .auto

    public init() {}
}

/// Rank analysis over a model's canonical matrices.
public enum Rank {
    /// The measure columns, in table order; scripts and exports rely on these exact names.
    public static let measures = ["rank", "erank", "srank", "energy", "sigma_max", "fro"]

    /// One row per selected canonical per-layer matrix: (`stack`,) `layer`, `component`, then `measures`.
    public static func table(_ model: Model, options: RankOptions = RankOptions()) throws -> Table {
        let entries = try selectEntries(model, components: options.components, layers: options.layers)
        let spectra = try spectra(model, entries, schedule: options.schedule, method: options.method)
        var table = Table()
        if entries.contains(where: { $0.stack != nil }) {
            try table.append("stack", .string(entries.map { $0.stack ?? "" }))
        }
        try table.append("layer", .int(entries.map { $0.layer ?? -1 }))
        try table.append("component", .string(entries.map(\.component)))
        for measure in options.measures {
            try table.append(measure, column(measure, spectra, options))
        }
        if options.includeSpectra {
            for (entry, spectrum) in zip(entries, spectra) {
                table.attachments[entry.name] = try Tensor(shape: [spectrum.values.count], values: spectrum.values)
            }
        }
        return table
    }

    /// One measure of one spectrum, by its column name.
    public static func measure(_ name: String, of spectrum: Spectrum, options: RankOptions = RankOptions()) throws -> Double {
        switch name {
        case "rank":
            return Double(spectrum.numericalRank(tolerance: options.tolerance, relativeTolerance: options.relativeTolerance))
        case "energy": return Double(spectrum.energyRank(fraction: options.energyFraction))
        case "erank": return spectrum.effectiveRank
        case "srank": return spectrum.stableRank
        case "sigma_max": return spectrum.sigmaMax
        case "fro": return spectrum.frobenius
        default:
            throw EngineError.unknownName(name, context: "rank measure", suggestion: Suggest.closest(to: name, in: measures))
        }
    }

    /// One measure over many spectra: the counts (`rank`, `energy`) as integer columns, the rest as doubles.
    static func column(_ name: String, _ spectra: [Spectrum], _ options: RankOptions) throws -> Column {
        let values = try spectra.map { try measure(name, of: $0, options: options) }
        return ["rank", "energy"].contains(name) ? .int(values.map { Int($0) }) : .double(values)
    }

    /// The spectrum of one parameter, by canonical or raw name.
    public static func spectrum(_ model: Model, _ name: String, method: SpectrumMethod = .auto) throws -> Spectrum {
        if let entry = model.architecture.entry(canonical: name) { return try spectrum(model, entry, method: method) }
        let tensor = try model.tensor(name)
        guard tensor.matrixShape != nil else {
            throw EngineError.invalidArgument("\(name) is \(Shape.describe(tensor.shape)), not a matrix; it has no singular values")
        }
        return try Spectrum(of: tensor, name: name, method: method)
    }

    /// The spectra of `entries`, in order, computed under `schedule` with progress and Ctrl-C checks.
    static func spectra(_ model: Model, _ entries: [CanonicalEntry], schedule: WorkSchedule, method: SpectrumMethod) throws -> [Spectrum] {
        let slots = Slots<Spectrum>(count: entries.count)
        try Progress.run("rank", total: entries.count) { step in
            try schedule.run(count: entries.count, done: step) { index in
                slots[index] = try spectrum(model, entries[index], method: method)
                // Done with this matrix: its mapped pages leave the process, so memory stays a few matrices.
                model.releasePages(entries[index])
            }
        }
        return try slots.values()
    }

    /// One canonical matrix's spectrum (σ(Wᵀ) = σ(W), so `matrix` may hand over the stored transpose).
    /// A low-rank update (a LoRA delta) gets its exact spectrum from its factors, without the dense product.
    private static func spectrum(_ model: Model, _ entry: CanonicalEntry, method: SpectrumMethod) throws -> Spectrum {
        if let factors = try model.canonicalFactors(entry) {
            return Spectrum(values: try factors.singularValues(name: entry.name), rows: factors.shape[0], columns: factors.shape[1])
        }
        let spectrum = try Spectrum(of: matrix(model, entry), name: entry.name, method: method)
        return Spectrum(values: spectrum.values, rows: entry.transform.isTransposing ? spectrum.columns : spectrum.rows,
                        columns: entry.transform.isTransposing ? spectrum.rows : spectrum.columns)
    }

    /// A canonical matrix or its transpose, whichever costs no copy: a stored PyTorch Linear is read through
    /// `Model.transposedTensor` and never transposed (for singular values either orientation will do).
    static func matrix(_ model: Model, _ entry: CanonicalEntry) throws -> Tensor {
        entry.transform.isTransposing ? try model.transposedTensor(entry) : try model.tensor(entry.name)
    }

    /// The per-layer entries of `model`, restricted to `components` and `layers` when given.
    public static func selectEntries(_ model: Model, components: [String]?, layers: [Int]?) throws -> [CanonicalEntry] {
        let all = model.architecture.layerEntries
        guard !all.isEmpty else {
            throw EngineError.unsupported("\(model.name): architecture '\(model.architecture.family)' has no canonical layer matrices; use spectrum(x, \"raw name\") on single parameters")
        }
        let known = Array(Set(all.map(\.component))).sorted()
        for component in components ?? [] where !known.contains(component) {
            throw EngineError.unknownName(component, context: "component in \(model.name)",
                                          suggestion: Suggest.closest(to: component, in: known))
        }
        let layerCount = (all.compactMap(\.layer).max() ?? -1) + 1
        for layer in layers ?? [] where !(0..<layerCount).contains(layer) {
            throw EngineError.invalidArgument("layer \(layer) out of range: \(model.name) has layers 0…\(layerCount - 1)")
        }
        return all.filter { entry in
            (components.map { $0.contains(entry.component) } ?? true)
                && (layers.map { list in entry.layer.map(list.contains) ?? false } ?? true)
        }
    }
}
