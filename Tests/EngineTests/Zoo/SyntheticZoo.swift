// In-memory BERT-layout models and zoos of synthetic fine-tunes with known task labels, for tests.
import Foundation
@testable import Engine

enum SyntheticZoo {
    static let components: [(String, String, Bool)] = [
        ("q", "attention.self.query", false), ("k", "attention.self.key", false), ("v", "attention.self.value", false),
        ("o", "attention.output.dense", false), ("ff1", "intermediate.dense", true), ("ff2", "output.dense", false),
    ]

    /// Stored (out × in) shape of a BERT Linear weight for a component.
    static func storedShape(_ raw: String, width: Int, ff: Int) -> [Int] {
        switch raw {
        case "intermediate.dense": return [ff, width]
        case "output.dense": return [width, ff]
        default: return [width, width]
        }
    }

    /// A model whose raw tensors are `tensors` (name → values), BERT layout.
    static func model(name: String, tensors: [(String, [Int], [Float])]) -> Model {
        let parameters = tensors.map { entry in
            let (rawName, shape, values) = entry
            return Parameter(name: rawName, shape: shape, dtype: .f32) { try Tensor(shape: shape, values: values) }
        }
        return Model(name: name, source: "memory:\(name)", config: nil, parameters: parameters)
    }

    /// Random base weights.
    static func baseTensors(layers: Int, width: Int, ff: Int, vocab: Int = 50, seed: UInt64 = 1) -> [(String, [Int], [Float])] {
        var random = SeededRandom(seed: seed)
        var tensors: [(String, [Int], [Float])] = [("embeddings.word_embeddings.weight", [vocab, width],
                                                    (0..<(vocab * width)).map { _ in Float(random.gaussian() * 0.05) })]
        for layer in 0..<layers {
            for (_, raw, _) in components {
                let shape = storedShape(raw, width: width, ff: ff)
                tensors.append(("encoder.layer.\(layer).\(raw).weight", shape,
                                (0..<(shape[0] * shape[1])).map { _ in Float(random.gaussian() * 0.05) }))
            }
        }
        return tensors
    }

    /// A fine-tune: base + scale·(task's rank-2 update on `layers` of every matrix) + small noise.
    static func fineTune(_ base: [(String, [Int], [Float])], task: Int, scale: Float, movedLayers: Set<Int>?,
                         noiseSeed: UInt64) -> [(String, [Int], [Float])] {
        var noise = SeededRandom(seed: noiseSeed)
        return base.map { entry in
            let (name, shape, values) = entry
            let layer = name.split(separator: ".").dropFirst(2).first.flatMap { Int($0) }
            var updated = values
            if let layer, movedLayers?.contains(layer) ?? true {
                var direction = SeededRandom(seed: 1000 + UInt64(task), label: name)
                let rows = shape[0], columns = shape[1]
                let u = (0..<(2 * rows)).map { _ in Float(direction.gaussian()) }
                let v = (0..<(2 * columns)).map { _ in Float(direction.gaussian()) }
                for r in 0..<rows {
                    for c in 0..<columns {
                        let lowRank = u[r] * v[c] + u[rows + r] * v[columns + c]
                        updated[r * columns + c] += scale * 0.01 * lowRank
                    }
                }
            }
            for index in updated.indices { updated[index] += Float(noise.gaussian()) * 0.002 * scale }
            return (name, shape, updated)
        }
    }

    /// A zoo of `tasks` × `perTask` fine-tunes with learning-rate-like scales varying within each task.
    static func zoo(tasks: Int = 3, perTask: Int = 4, layers: Int = 2, width: Int = 16, ff: Int = 32,
                    movedLayers: ((Int) -> Set<Int>?)? = nil) -> (base: Model, zoo: Zoo) {
        let baseTensors = baseTensors(layers: layers, width: width, ff: ff)
        var models: [String: Model] = [:]
        var entries: [ZooEntry] = []
        let scales: [Float] = [0.5, 1, 2, 4, 8, 3]
        for task in 0..<tasks {
            for member in 0..<perTask {
                let name = "task\(task)-\(member)"
                let tensors = fineTune(baseTensors, task: task, scale: scales[member % scales.count],
                                       movedLayers: movedLayers?(task), noiseSeed: UInt64(task * 100 + member))
                models[name] = model(name: name, tensors: tensors)
                entries.append(ZooEntry(path: name, name: name, label: "task\(task)"))
            }
        }
        let frozen = models
        let zoo = Zoo(entries: entries, source: "memory") { path in
            guard let model = frozen[path] else { throw EngineError.io(path: path, message: "no such model") }
            return model
        }
        return (model(name: "base", tensors: baseTensors), zoo)
    }
}
