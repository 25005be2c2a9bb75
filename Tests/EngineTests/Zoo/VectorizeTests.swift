// Vectorising zoos: sketch properties, profiles against hand computation, recovery of tasks.
import Foundation
import Testing
@testable import Engine

@Test func sketchPreservesInnerProductsOnAverage() throws {
    // E⟨s(x), s(y)⟩ = ⟨x, y⟩: average over 40 seeds approaches the exact inner product.
    var random = SeededRandom(seed: 9)
    let x = try Tensor(shape: [24, 40], values: (0..<960).map { _ in Float(random.gaussian()) })
    let y = try Tensor(shape: [24, 40], values: x.values.map { $0 * 0.6 + Float(random.gaussian()) * 0.8 })
    let exact = zip(x.values, y.values).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    var total = 0.0
    for seed in 0..<40 {
        let sketch = try DeltaSketch(dimension: 256, seed: UInt64(seed))
        var sx = [Float](repeating: 0, count: 256), sy = [Float](repeating: 0, count: 256)
        try sketch.accumulate(x, name: "m", into: &sx)
        try sketch.accumulate(y, name: "m", into: &sy)
        total += zip(sx, sy).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    #expect(abs(total / 40 - exact) / abs(exact) < 0.1)
}

@Test func sketchIsDeterministicPerSeedAndLinear() throws {
    var random = SeededRandom(seed: 2)
    let x = try Tensor(shape: [8, 12], values: (0..<96).map { _ in Float(random.gaussian()) })
    func sketch(_ t: Tensor, seed: UInt64) throws -> [Float] {
        var out = [Float](repeating: 0, count: 64)
        try DeltaSketch(dimension: 64, seed: seed).accumulate(t, name: "layer.0.q", into: &out)
        return out
    }
    #expect(try sketch(x, seed: 0) == sketch(x, seed: 0))
    #expect(try sketch(x, seed: 0) != sketch(x, seed: 1))
    let doubled = try sketch(TensorMath.apply(.multiply, x, scalar: 2), seed: 0)
    for (a, b) in zip(doubled, try sketch(x, seed: 0)) { #expect(abs(a - 2 * b) <= 1e-4 * max(1, abs(a))) }
}

@Test func distinctTensorsGetIndependentProjections() throws {
    // The same matrix u placed in different tensors (same shape) must sketch to nearly orthogonal vectors:
    // the whole deltas are orthogonal, and independent Gaussian maps keep that (|cos| ~ 1/√256 = 0.06); a
    // projection shared between tensors would map both to the same vector (cos = 1).
    var random = SeededRandom(seed: 5)
    let u = try Tensor(shape: [16, 24], values: (0..<384).map { _ in Float(random.gaussian()) })
    let sketch = try DeltaSketch(dimension: 256, seed: 0)
    let names = ["layer.0.q", "layer.0.k", "layer.1.q", "embed"]
    let vectors = try names.map { name -> [Float] in
        var out = [Float](repeating: 0, count: 256)
        try sketch.accumulate(u, name: name, into: &out)
        return out
    }
    func cosine(_ a: [Float], _ b: [Float]) -> Double {
        let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        return dot / (a.reduce(0.0) { $0 + Double($1) * Double($1) } * b.reduce(0.0) { $0 + Double($1) * Double($1) }).squareRoot()
    }
    for i in names.indices {
        for j in names.indices where j > i {
            #expect(abs(cosine(vectors[i], vectors[j])) < 0.3, "\(names[i]) and \(names[j]) share a projection")
        }
    }
    // And a two-tensor delta keeps the inner product of the whole delta: ⟨(u, 0), (0, u)⟩ = 0 in expectation
    // over seeds, while ⟨(u, u), (u, u)⟩ = 2‖u‖².
    var cross = 0.0, same = 0.0
    let squaredNorm = u.values.reduce(0.0) { $0 + Double($1) * Double($1) }
    for seed in 0..<20 {
        let sketch = try DeltaSketch(dimension: 256, seed: UInt64(seed))
        var first = [Float](repeating: 0, count: 256), second = first, both = first
        try sketch.accumulate(u, name: "layer.0.q", into: &first)
        try sketch.accumulate(u, name: "layer.0.k", into: &second)
        try sketch.accumulate(u, name: "layer.0.q", into: &both)
        try sketch.accumulate(u, name: "layer.0.k", into: &both)
        cross += zip(first, second).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } / squaredNorm
        same += both.reduce(0.0) { $0 + Double($1) * Double($1) } / squaredNorm
    }
    #expect(abs(cross / 20) < 0.1)
    #expect(abs(same / 20 - 2) < 0.2)
}

@Test func defaultSketchClustersTasksWhereOnlyDirectionDiffers() throws {
    let (base, zoo) = SyntheticZoo.zoo()
    let vectors = try Vectorize.sketch(zoo, base: base, dimension: 128, seed: 0)
    #expect(vectors.count == 12 && vectors.dimension == 128)
    // Per-model scale varies 16×; normalise rows so k-means sees direction (cosine metric).
    var options = ClusterOptions(k: 3)
    options.metric = .cosine
    let clustering = try Clustering.of(vectors, options: options)
    #expect((clustering.adjustedRand ?? 0) >= 0.9)
    // The size-only profile cannot separate these tasks: every task moves every matrix alike.
    let profile = try Vectorize.profile(zoo, base: base, statisticName: "rel") { try DeltaStatistic.rel.value(delta: $0, base: $1) }
    let byProfile = try Clustering.of(profile, options: ClusterOptions(k: 3))
    #expect((byProfile.adjustedRand ?? 1) < 0.5)
}

@Test func relProfileClustersTasksThatMoveDifferentLayers() throws {
    let (base, zoo) = SyntheticZoo.zoo(tasks: 3, perTask: 4, layers: 3, movedLayers: { Set([$0]) })
    let profile = try Vectorize.profile(zoo, base: base, statisticName: "rel", statistic: { try DeltaStatistic.rel.value(delta: $0, base: $1) },
                                        normalizePerModel: true)
    #expect(profile.columnNames.count == 18 && profile.columnNames[0] == "layer.0.q")
    // normalizePerModel divides each row by its own mean: every row then has mean 1.
    for row in profile.rows { #expect(abs(row.reduce(0, +) / Double(row.count) - 1) < 1e-5) }
    let clustering = try Clustering.of(profile, options: ClusterOptions(k: 3))
    #expect((clustering.adjustedRand ?? 0) >= 0.9)
}

@Test func profileStatisticsMatchHandComputation() throws {
    let base = try Tensor(shape: [2, 2], values: [1, 0, 0, 1])
    let delta = try Tensor(shape: [2, 2], values: [3, 0, 0, 4])
    #expect(try DeltaStatistic.fro.value(delta: delta, base: base) == 5)
    #expect(abs(try DeltaStatistic.rel.value(delta: delta, base: base) - 5 / 2.0.squareRoot()) < 1e-12)
    #expect(abs(try DeltaStatistic.cos.value(delta: delta, base: base) - 7 / (5 * 2.0.squareRoot())) < 1e-12)
    // Entries 3, 0, 0, 4: mean 7/4, central moments by hand.
    let centred = [3 - 1.75, -1.75, -1.75, 4 - 1.75]
    let m2 = centred.map { $0 * $0 }.reduce(0, +) / 4, m4 = centred.map { pow($0, 4) }.reduce(0, +) / 4
    #expect(abs(try DeltaStatistic.kurtosis.value(delta: delta, base: base) - (m4 / (m2 * m2) - 3)) < 1e-12)
}

@Test func similarityEqualsExactCosineOfFlattenedDeltas() throws {
    let (base, zoo) = SyntheticZoo.zoo(tasks: 2, perTask: 2)
    let (matrix, names) = try DeltaSimilarity.cosine(zoo, base: base)
    #expect(names.count == 4 && matrix.shape == [4, 4])
    let entries = base.architecture.layerEntries
    let flattened = try (0..<4).map { index -> [Double] in
        let model = try zoo.model(at: index)
        return try entries.flatMap { entry in
            try TensorMath.apply(.subtract, model.tensor(entry.name), base.tensor(entry.name)).values.map(Double.init)
        }
    }
    for i in 0..<4 {
        for j in 0..<4 {
            let dot = zip(flattened[i], flattened[j]).reduce(0) { $0 + $1.0 * $1.1 }
            let norms = (flattened[i].reduce(0) { $0 + $1 * $1 } * flattened[j].reduce(0) { $0 + $1 * $1 }).squareRoot()
            #expect(abs(Double(matrix.values[i * 4 + j]) - dot / norms) < 1e-5)
        }
    }
}

@Test func manifestReadsPathsNamesLabelsRelativeToItsFolder() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mvs-zoo-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let manifest = folder.appendingPathComponent("manifest.csv")
    // RFC 4180: a quoted field may hold commas, and "" inside it is one quote.
    try "path,label,name\nft/a,\"sent,iment\",first\n/abs/b,topic,\nc,\"say \"\"hi\"\"\",\n".write(to: manifest, atomically: true, encoding: .utf8)
    let zoo = try Zoo.open(manifest.path) { _ in throw EngineError.unsupported("not loaded in this test") }
    #expect(zoo.entries == [ZooEntry(path: "\(folder.path)/ft/a", name: "first", label: "sent,iment"),
                            ZooEntry(path: "/abs/b", name: "b", label: "topic"),
                            ZooEntry(path: "\(folder.path)/c", name: "c", label: "say \"hi\"")])
    try "name,label\nx,y\n".write(to: manifest, atomically: true, encoding: .utf8)
    #expect(throws: EngineError.self) { try Zoo.open(manifest.path) { _ in throw EngineError.interrupted } }
    try "path\n\"unterminated\n".write(to: manifest, atomically: true, encoding: .utf8)
    #expect(throws: EngineError.self) { try Zoo.open(manifest.path) { _ in throw EngineError.interrupted } }
}

@Test func similarityMatrixClustersTasksAgglomeratively() throws {
    let (base, zoo) = SyntheticZoo.zoo()
    let (matrix, names) = try DeltaSimilarity.cosine(zoo, base: base)
    let vectors = VectorSet(matrix: matrix, names: names, labels: zoo.labels, columnNames: names, statistic: "similarity", kind: .similarity)
    var options = ClusterOptions(k: 3)
    #expect(throws: EngineError.self) { try Clustering.of(vectors, options: options) }
    options.method = "agglomerative"
    options.linkage = .average
    let clustering = try Clustering.of(vectors, options: options)
    #expect(clustering.adjustedRand == 1)
}

@Test func rankProfileOfLowRankUpdatesIsTheirRank() throws {
    // Every moved matrix gets a rank-2 task update plus noise scaled by 0 → use a noiseless delta.
    let base = try Tensor(shape: [6, 5], values: (0..<30).map { Float($0 % 7) })
    let u: [Float] = [1, 2, 0, -1, 3, 1], v: [Float] = [1, 0, 2, 1, -1]
    let delta = try Tensor(shape: [6, 5], values: (0..<30).map { u[$0 / 5] * v[$0 % 5] })
    #expect(try DeltaStatistic.rank.value(delta: delta, base: base) == 1)
    #expect(abs(try DeltaStatistic.srank.value(delta: delta, base: base) - 1) < 1e-5)
    #expect(abs(try DeltaStatistic.erank.value(delta: delta, base: base) - 1) < 1e-3)
}
