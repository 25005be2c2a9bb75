// The tensor-major Gram split into row-block units and shards: hand-derived plans, and sums equal to the direct Gram.
import Testing
@testable import Engine

@Test func gramUnitsSplitStoredRowsToFitTheMemoryBudget() throws {
    // width 4, ff 8: q/k/v/o stored 4 × 4, ff1 stored 8 × 4, ff2 stored 4 × 8 (out × in).
    let (base, _) = SyntheticZoo.zoo(tasks: 1, perTask: 2, layers: 1, width: 4, ff: 8)
    // 2 models · 4 columns · 4 bytes = 32 bytes per stored row of q; 64 bytes hold 2 rows; ff2 rows are 8 wide → 1.
    let units = try ShardedGram.units(base: base, selection: DeltaSelection(), models: 2, memory: 64)
    #expect(units.map(\.label) == ["layer.0.q[0:2]", "layer.0.q[2:4]", "layer.0.k[0:2]", "layer.0.k[2:4]",
                                   "layer.0.v[0:2]", "layer.0.v[2:4]", "layer.0.o[0:2]", "layer.0.o[2:4]",
                                   "layer.0.ff1[0:2]", "layer.0.ff1[2:4]", "layer.0.ff1[4:6]", "layer.0.ff1[6:8]",
                                   "layer.0.ff2[0:1]", "layer.0.ff2[1:2]", "layer.0.ff2[2:3]", "layer.0.ff2[3:4]"])
    #expect(units.allSatisfy { $0.elements == 8 })
    // A generous budget keeps every matrix whole, in canonical orientation.
    let whole = try ShardedGram.units(base: base, selection: DeltaSelection(), models: 2, memory: 1 << 20)
    #expect(whole.map(\.label) == ["layer.0.q", "layer.0.k", "layer.0.v", "layer.0.o", "layer.0.ff1", "layer.0.ff2"])
    #expect(whole.map(\.elements) == [16, 16, 16, 16, 32, 32])
    // Shards by element count: 128 elements in 3 shards; a unit goes where its first element falls (0, 42.7, 85.3).
    let shards = try (0..<3).map { try ShardedGram.shard(whole, index: $0, of: 3).map(\.label) }
    #expect(shards == [["layer.0.q", "layer.0.k", "layer.0.v"], ["layer.0.o", "layer.0.ff1"], ["layer.0.ff2"]])
}

@Test func shardedPartialGramsAddUpToTheDirectGram() throws {
    let (base, zoo) = SyntheticZoo.zoo(tasks: 2, perTask: 2, layers: 2, width: 8, ff: 16)
    // Direct: flatten every canonical delta in double precision and take all inner products.
    let entries = try DeltaSelection().entries(of: base)
    let flat = try zoo.entries.indices.map { index -> [Double] in
        let model = try zoo.model(at: index)
        return try entries.flatMap { entry in
            let (ft, original) = (try model.tensor(entry.name).values, try base.tensor(entry.name).values)
            return (0..<ft.count).map { Double(ft[$0]) - Double(original[$0]) }
        }
    }
    let count = flat.count
    let units = try ShardedGram.units(base: base, selection: DeltaSelection(), models: count, memory: 200)
    #expect(units.count > entries.count)  // the budget forces row blocks
    var summed = [Double](repeating: 0, count: count * count)
    for shard in 0..<3 {
        let partial = try ShardedGram.partial(zoo, base: base, units: try ShardedGram.shard(units, index: shard, of: 3))
        for index in summed.indices { summed[index] += partial[index] }
    }
    for i in 0..<count {
        for j in i..<count {
            let direct = zip(flat[i], flat[j]).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(summed[i * count + j] - direct) <= 1e-5 * abs(direct) + 1e-12, "Gram[\(i), \(j)]")
        }
    }
}
