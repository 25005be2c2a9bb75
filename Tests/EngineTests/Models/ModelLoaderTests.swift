// Finding models: paths with ~ and relative paths, files inside model directories, the Hugging Face cache.
import Foundation
import Testing
@testable import Engine

@Suite struct ModelLoaderTests {
    /// A directory holding one tiny BERT-like safetensors model, written by Swift from the format's spec.
    static func tinyModel(in directory: String) throws {
        let header = #"{"embeddings.word_embeddings.weight":{"dtype":"F32","shape":[3,2],"data_offsets":[0,24]},"#
            + #""encoder.layer.0.attention.self.query.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[24,40]}}"#
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init) + Array(header.utf8)
        for value in [Float](stride(from: 0, to: 10, by: 1)) { bytes += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/model.safetensors"))
        try Data(#"{"model_type": "bert", "num_attention_heads": 1}"#.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        try Data("[PAD]\nhello\nworld\n".utf8).write(to: URL(fileURLWithPath: directory + "/vocab.txt"))
    }

    @Test func relativePathsResolveAgainstTheCurrentDirectory() throws {
        let temp = try HDF5TempDirectory()
        try Self.tinyModel(in: temp.file("models/tiny"))
        let model = try ModelLoader.load("models/tiny", currentDirectory: temp.path)
        #expect(model.name == "tiny")
        #expect(model.source == temp.file("models/tiny"))
        #expect(try model.tensor("layer.0.q").values == [6, 8, 7, 9])
        #expect(try model.vocabulary?.tokens() == ["[PAD]", "hello", "world"])
    }

    @Test func tildeExpandsToTheHomeDirectory() {
        #expect(ModelLoader.resolve("~/x/y", currentDirectory: "/elsewhere") == NSHomeDirectory() + "/x/y")
        #expect(ModelLoader.resolve("../a/./b", currentDirectory: "/r/s") == "/r/a/b")
    }

    @Test func aWeightsFileInsideAModelDirectoryPicksUpItsConfig() throws {
        let temp = try HDF5TempDirectory()
        try Self.tinyModel(in: temp.file("tiny"))
        let model = try ModelLoader.load(temp.file("tiny/model.safetensors"))
        #expect(model.name == "tiny")
        #expect(model.config?["num_attention_heads"]?.intValue == 1)
        #expect(model.architecture.heads == 1)
    }

    @Test func hubIDsResolveOfflineToTheSnapshotRefsMainNames() throws {
        let temp = try HDF5TempDirectory()
        let repository = temp.file("hub/models--sentence-transformers--tiny-bert")
        try Self.tinyModel(in: repository + "/snapshots/abc1234def")
        try Self.tinyModel(in: repository + "/snapshots/0000000old")
        try FileManager.default.createDirectory(atPath: repository + "/refs", withIntermediateDirectories: true)
        try Data("abc1234def\n".utf8).write(to: URL(fileURLWithPath: repository + "/refs/main"))
        #expect(try HuggingFaceCache.snapshot(for: "sentence-transformers/tiny-bert", cache: temp.file("hub"))
                == repository + "/snapshots/abc1234def")
        #expect(try HuggingFaceCache.snapshot(for: "sentence-transformers/tiny-bert@0000000", cache: temp.file("hub"))
                == repository + "/snapshots/0000000old")
        #expect(throws: EngineError.self) { try HuggingFaceCache.snapshot(for: "nobody/nothing", cache: temp.file("hub")) }
    }

    @Test func onlyPlausibleNamesAreTreatedAsHubIDs() {
        #expect(HuggingFaceCache.looksLikeID("bert-base-uncased"))
        #expect(HuggingFaceCache.looksLikeID("sentence-transformers/all-MiniLM-L6-v2"))
        #expect(HuggingFaceCache.looksLikeID("org/name@main"))
        #expect(!HuggingFaceCache.looksLikeID("a/b/c"))
        #expect(!HuggingFaceCache.looksLikeID("../x"))
        #expect(!HuggingFaceCache.looksLikeID("/abs/path"))
    }

    @Test func loadingIsLazyAndReadsOnlyTheHeader() throws {
        // A 2 GiB tensor whose data area is a hole in a sparse file: loading must not touch it.
        let temp = try HDF5TempDirectory()
        let path = temp.file("big.safetensors")
        let count = 1 << 29
        var header = #"{"big":{"dtype":"F32","shape":[\#(count)],"data_offsets":[0,\#(4 * count)]}}"#
        // Padded with spaces to 8 bytes, as the format's writers do, so the float32 data is aligned in the map.
        header += String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init) + Array(header.utf8)
        bytes += [0, 0, 128, 63]  // the first element, 1.0
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(8 + header.utf8.count + 4 * count))
        try handle.close()
        let model = try ModelLoader.load(path)
        #expect(model.parameterCount == count)
        let tensor = try model.tensor("big")
        #expect(tensor.buffer[0] == 1)
        // The tensor is a view of the map, so no 2 GiB were read or allocated.
        #expect(try model.tensor("big").storage.pointer == tensor.storage.pointer)
    }
}
