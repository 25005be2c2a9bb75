// Turns each model of a zoo into a vector: a sketch of its delta, or a profile of a delta statistic.
import Foundation

/// Vectorisation of fine-tuned models relative to a base; streams one model and one tensor at a time.
public enum Vectorize {
    /// One row per model: the `DeltaSketch` of its whole delta over the selected canonical matrices.
    public static func sketch(_ zoo: Zoo, base: Model, dimension: Int = 512, seed: UInt64 = 0,
                              selection: DeltaSelection = DeltaSelection()) throws -> VectorSet {
        let sketch = try DeltaSketch(dimension: dimension, seed: seed)
        let entries = try selection.entries(of: base)
        let rows = try eachModel(zoo, label: "vectorize") { model in
            var accumulator = [Float](repeating: 0, count: dimension)
            for entry in entries {
                try Interruption.check()
                let delta = try DeltaStream.delta(entry, ft: model, base: base)
                try sketch.accumulate(delta, name: entry.name, into: &accumulator)
            }
            return accumulator
        }
        return try VectorSet(matrix: Tensor(shape: [zoo.entries.count, dimension], values: rows.flatMap { $0 }),
                             names: zoo.entries.map(\.name), labels: zoo.labels, columnNames: [], statistic: "sketch")
    }

    /// One row per model: `statistic` of each selected matrix's delta (layer × component, flattened).
    /// With `normalizePerModel`, each row is divided by its own mean (the profile's shape, not its size).
    public static func profile(_ zoo: Zoo, base: Model, statisticName: String,
                               statistic: @escaping (_ delta: Tensor, _ base: Tensor) throws -> Double,
                               normalizePerModel: Bool = false,
                               selection: DeltaSelection = DeltaSelection()) throws -> VectorSet {
        let entries = try selection.entries(of: base)
        let rows = try eachModel(zoo, label: "vectorize") { model -> [Float] in
            var row = try entries.map { entry -> Double in
                try Interruption.check()
                let delta = try DeltaStream.delta(entry, ft: model, base: base)
                return try statistic(delta, try base.tensor(entry.name))
            }
            if normalizePerModel {
                let finite = row.filter(\.isFinite)
                let mean = finite.isEmpty ? 0 : finite.reduce(0, +) / Double(finite.count)
                if mean != 0 { row = row.map { $0 / mean } }
            }
            return row.map(Float.init)
        }
        return try VectorSet(matrix: Tensor(shape: [zoo.entries.count, entries.count], values: rows.flatMap { $0 }),
                             names: zoo.entries.map(\.name), labels: zoo.labels,
                             columnNames: entries.map(\.name), statistic: statisticName)
    }

    /// Runs `body` on each model in turn, opening it just before and releasing it just after.
    static func eachModel<T>(_ zoo: Zoo, label: String, _ body: (Model) throws -> T) throws -> [T] {
        try Progress.run(label, total: zoo.entries.count) { step in
            var results: [T] = []
            results.reserveCapacity(zoo.entries.count)
            for index in zoo.entries.indices {
                try Interruption.check()
                let model = try zoo.member(at: index)
                results.append(try body(model))
                step(index + 1)
            }
            return results
        }
    }
}
