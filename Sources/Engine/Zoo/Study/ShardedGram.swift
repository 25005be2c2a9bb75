// The exact Gram matrix of full deltas, split tensor-major into units that separate tasks compute and a merge sums.
import Foundation

/// One piece of the tensor-major Gram: a canonical matrix of the base, whole or as a block of its stored rows.
public struct GramUnit: Equatable, Sendable {
    /// The matrix.
    public let entry: CanonicalEntry
    /// A block of stored (raw) rows, or nil for the whole matrix in canonical orientation.
    public let rows: Range<Int>?
    /// Elements per model.
    public let elements: Int

    /// `layer.3.ff1` or `layer.3.ff1[0:512]` (stored rows), as recorded in Gram shard files.
    public var label: String { rows.map { "\(entry.name)[\($0.lowerBound):\($0.upperBound)]" } ?? entry.name }
}

/// Plans and computes the sharded Gram: Σ over units of D·Dᵀ, D = one unit's delta from every model (a row each).
public enum ShardedGram {
    /// Every unit, in schema order. A matrix whose slices for all `models` would exceed `memory` bytes is split into
    /// blocks of stored rows (the Frobenius inner product does not care about orientation, and stored rows are
    /// contiguous in the mapped file, so a block reads only its own bytes).
    public static func units(base: Model, selection: DeltaSelection, models: Int, memory: Int) throws -> [GramUnit] {
        try selection.entries(of: base).flatMap { entry -> [GramUnit] in
            guard let raw = base.parameter(raw: entry.rawName), raw.shape.count == 2,
                  entry.transform == .identity || entry.transform == .transpose else {
                return [GramUnit(entry: entry, rows: nil, elements: try base.tensor(entry.name).count)]
            }
            let (rows, columns) = (raw.shape[0], raw.shape[1])
            let perRow = max(1, models) * columns * MemoryLayout<Float>.size
            let block = max(1, memory / max(1, perRow))
            guard block < rows else { return [GramUnit(entry: entry, rows: nil, elements: rows * columns)] }
            return stride(from: 0, to: rows, by: block).map { start in
                let end = min(rows, start + block)
                return GramUnit(entry: entry, rows: start..<end, elements: (end - start) * columns)
            }
        }
    }

    /// The units of Gram shard `index` of `count`: contiguous in schema order, balanced by elements (a unit goes to
    /// the shard its first element falls in), so every unit is in exactly one shard.
    public static func shard(_ units: [GramUnit], index: Int, of count: Int) throws -> [GramUnit] {
        _ = try Zoo.shardRange(index: index, count: count, total: units.count)  // validates index and count
        let total = units.reduce(0) { $0 + $1.elements }
        var before = 0
        var chosen: [GramUnit] = []
        for unit in units {
            let (scaled, overflow) = before.multipliedReportingOverflow(by: count)
            guard !overflow else { throw EngineError.invalidArgument("the Gram of \(total) elements per model in \(count) shards: too large") }
            if total > 0, scaled / total == index { chosen.append(unit) }
            before += unit.elements
        }
        return chosen
    }

    /// The partial Gram (upper triangle of models × models, double) of `units` over every model of `zoo`.
    ///
    /// Each model is opened again for each unit and released after it, so a task holds one unit's slice per model
    /// plus the accumulator, never more of a model's mapped pages.
    public static func partial(_ zoo: Zoo, base: Model, units: [GramUnit]) throws -> [Double] {
        let count = zoo.entries.count
        var gram = [Double](repeating: 0, count: count * count)
        try Progress.run("gram", total: units.count) { step in
            for (position, unit) in units.enumerated() {
                var stacked = [Float](repeating: 0, count: count * unit.elements)
                let baseRaw = try unit.rows.map { _ in try rawTensor(base, unit) }
                for row in 0..<count {
                    try Interruption.check()
                    let model = try zoo.member(at: row)
                    try stacked.withUnsafeMutableBufferPointer { buffer in
                        guard let target = buffer.baseAddress.map({ $0 + row * unit.elements }) else { return }
                        if let rows = unit.rows, let baseRaw {
                            let ft = try rawTensor(model, unit)
                            guard ft.shape == baseRaw.shape else {
                                throw EngineError.shapeMismatch(operation: "delta", lhs: ft.shape, rhs: baseRaw.shape, name: "\(model.name): \(unit.entry.rawName)")
                            }
                            let offset = rows.lowerBound * (ft.shape.last ?? 1)
                            // Both tensors (and the mapped files behind them) must outlive the raw pointers.
                            withExtendedLifetime((ft, baseRaw, model)) {
                                let a = ft.storage.pointer + offset, b = baseRaw.storage.pointer + offset
                                for k in 0..<unit.elements { target[k] = a[k] - b[k] }
                            }
                        } else {
                            let delta = try DeltaStream.delta(unit.entry, ft: model, base: base)
                            guard delta.count == unit.elements else {
                                throw EngineError.malformed(path: zoo.entries[row].path, message: "'\(unit.entry.name)' has \(delta.count) elements, the base \(unit.elements)")
                            }
                            withExtendedLifetime(delta) { target.update(from: delta.storage.pointer, count: unit.elements) }
                        }
                    }
                }
                Linalg.addGram(stacked, count: count, size: unit.elements, into: &gram)
                step(position + 1)
            }
        }
        return gram
    }

    /// The stored tensor behind `unit` in `model`, which must keep the base's layout for it.
    private static func rawTensor(_ model: Model, _ unit: GramUnit) throws -> Tensor {
        guard let entry = model.architecture.entry(canonical: unit.entry.name), entry.rawName == unit.entry.rawName,
              entry.transform == unit.entry.transform, let parameter = model.parameter(raw: entry.rawName) else {
            throw EngineError.malformed(path: model.source, message: "does not store '\(unit.entry.name)' as the base does (\(unit.entry.rawName)); the sharded Gram needs one layout across the zoo")
        }
        return try parameter.load()
    }
}
