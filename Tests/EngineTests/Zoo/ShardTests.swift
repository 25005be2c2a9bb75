// Shards of a zoo: hand-derived splits, coverage without overlap, and the Slurm environment.
import Testing
@testable import Engine

@Test func shardRangesAreContiguousBalancedAndHandDerived() throws {
    // 10 models in 4 shards: ⌊i·10/4⌋ … ⌊(i+1)·10/4⌋ = 0, 2, 5, 7, 10.
    let ranges = try (0..<4).map { try Zoo.shardRange(index: $0, count: 4, total: 10) }
    #expect(ranges == [0..<2, 2..<5, 5..<7, 7..<10])
    // More shards than models: some are empty, none overlaps, all together cover the zoo once.
    let sparse = try (0..<5).map { try Zoo.shardRange(index: $0, count: 5, total: 3) }
    #expect(sparse.map(\.count) == [0, 1, 0, 1, 1])
    #expect(sparse.flatMap { Array($0) } == [0, 1, 2])
    #expect(throws: EngineError.self) { try Zoo.shardRange(index: 4, count: 4, total: 10) }
    #expect(throws: EngineError.self) { try Zoo.shardRange(index: 0, count: 0, total: 10) }
}

@Test func shardKeepsNamesInZooOrder() throws {
    let entries = (0..<7).map { ZooEntry(path: "/m\($0)", name: "m\($0)", label: nil) }
    let zoo = Zoo(entries: entries, source: "test") { _ in throw EngineError.invalidArgument("not loaded in this test") }
    #expect(try zoo.shard(1, of: 3).entries.map(\.name) == ["m2", "m3"])
    #expect(try zoo.shard(2, of: 3).entries.map(\.name) == ["m4", "m5", "m6"])
}

@Test func slurmTaskComesFromTheEnvironment() throws {
    #expect(try SlurmArrayTask.id(["SLURM_ARRAY_TASK_ID": "3"]) == 3)
    #expect(try SlurmArrayTask.count(["SLURM_ARRAY_TASK_COUNT": "4"]) == 4)
    #expect(throws: EngineError.self) { try SlurmArrayTask.id([:]) }
    #expect(throws: EngineError.self) { try SlurmArrayTask.id(["SLURM_ARRAY_TASK_ID": "x"]) }
}

@Test func sha256MatchesThePublishedTestVectors() {
    // FIPS 180-4 examples: "abc", the empty message, and a two-block message.
    var abc = SHA256()
    abc.update(Array("abc".utf8))
    #expect(abc.hexDigest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    var empty = SHA256()
    #expect(empty.hexDigest() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    var long = SHA256()
    long.update(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
    #expect(long.hexDigest() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
}
