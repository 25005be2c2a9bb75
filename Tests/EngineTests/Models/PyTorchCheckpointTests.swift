// PyTorch zip checkpoints in torch.save's exact layout: strided views, shared storages, float16, wrappers.
import Foundation
import Testing
@testable import Engine

@Suite struct PyTorchCheckpointTests {
    /// The fixtures and numpy's readings, written once for the suite.
    static let fixtures = Result { try ModelFixtures.generate("torch_checkpoints.py") }

    @Test func stateDictMapsOntoTheSchemaWithStridedAndSharedStorages() throws {
        let (directory, reference) = try Self.fixtures.get()
        let model = try ModelLoader.load(directory + "/bert-torch")
        #expect(model.format == "pytorch zip checkpoint")
        #expect(model.architecture.family == "bert")
        #expect(model.architecture.layers == 2)
        #expect(model.parameter(raw: "encoder.layer.0.attention.output.dense.weight")?.dtype == .f16)
        #expect(model.parameter(raw: "embeddings.position_ids")?.dtype == .i64)
        // Every raw tensor and every canonical matrix, as numpy reads them.
        try CanonicalCheck.compare(model, with: try #require(reference["bert-torch"]), exactNames: false)
        #expect(model.architecture.entries.count == 1 + 2 * 6)
    }

    @Test func shardedCheckpointReadsEveryShardThroughItsIndex() throws {
        let (directory, reference) = try Self.fixtures.get()
        let model = try ModelLoader.load(directory + "/bert-torch-sharded")
        #expect(model.format == "2 shards, pytorch zip checkpoint")
        #expect(model.parameters.count == 16)
        try CanonicalCheck.compare(model, with: try #require(reference["bert-torch-sharded"]), exactNames: false)
    }

    @Test func contiguousFloat32StoragesAreViewedNotCopied() throws {
        let (directory, _) = try Self.fixtures.get()
        let parameter = try #require(try ModelLoader.load(directory + "/bert-torch").parameter(raw: "encoder.layer.0.attention.self.query.weight"))
        #expect(try parameter.load().storage.pointer == parameter.load().storage.pointer)
    }

    @Test func trainingCheckpointUnwrapsStateDictAndParameters() throws {
        let (directory, reference) = try Self.fixtures.get()
        let model = try ModelLoader.load(directory + "/checkpoint.pt")
        #expect(model.name == "checkpoint")
        #expect(model.architecture.family == "bert")
        try CanonicalCheck.compare(model, with: try #require(reference["checkpoint"]), exactNames: false)
    }
}
