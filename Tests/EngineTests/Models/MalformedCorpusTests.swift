// The malformed-file corpus: every broken file gives one precise error naming the file and the problem.
import Foundation
import Testing
@testable import Engine

@Suite struct MalformedCorpusTests {
    /// The corpus and its manifest, written once for the suite.
    static let corpus = Result { () throws -> (directory: String, manifest: [JSONValue]) in
        let (directory, manifest) = try ModelFixtures.generate("malformed.py")
        return (directory, manifest.arrayValue ?? [])
    }

    @Test func corpusHasAtLeastThirtyCases() throws {
        let manifest = try Self.corpus.get().manifest
        #expect(manifest.count >= 30)
        #expect(manifest.filter { $0["load"]?.stringValue?.hasSuffix(".gguf") == true }.count >= 15)
        #expect(manifest.filter { $0["load"]?.stringValue?.hasSuffix(".onnx") == true }.count >= 20)
    }

    @Test func everyMalformedFileGivesAPreciseError() throws {
        let (directory, manifest) = try Self.corpus.get()
        for item in manifest {
            let load = item["load"]?.stringValue ?? "", names = item["names"]?.stringValue ?? "", expected = item["error"]?.stringValue ?? ""
            do {
                let model = try ModelLoader.load(directory + "/" + load)
                // Loading is lazy: a problem found only on reading must surface when every tensor is read.
                for parameter in model.parameters { _ = try parameter.load() }
                Issue.record("\(load) loaded without an error")
            } catch let error as EngineError {
                let message = error.description
                #expect(message.contains(names), "\(load): error does not name \(names): \(message)")
                #expect(message.contains(expected), "\(load): expected '\(expected)' in: \(message)")
            } catch {
                Issue.record("\(load): not an EngineError: \(error)")
            }
        }
    }
}
