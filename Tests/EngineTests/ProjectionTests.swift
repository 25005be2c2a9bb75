// Tests for projection onto the vocabulary: running top-k, tokens and filters, and numpy on the real MiniLM.
import Foundation
import Testing
@testable import Engine

@Suite struct ProjectionTests {
    @Test func topKKeepsTheLargestInOrderAndEarlierIdsOnTies() {
        var selection = TopK(capacity: 3)
        let values: [Float] = [1, 5, 3, 5, 2, 9, .nan, 4]
        values.withUnsafeBufferPointer { selection.scan($0.baseAddress!, count: values.count, firstID: 100, sign: 1) }
        #expect(selection.scores == [9, 5, 5])
        #expect(selection.ids == [105, 101, 103])
        var bottom = TopK(capacity: 2)
        values.withUnsafeBufferPointer { bottom.scan($0.baseAddress!, count: values.count, firstID: 0, sign: -1) }
        #expect(bottom.ids == [0, 4])
        var merged = TopK(capacity: 3)
        merged.merge(bottom)
        merged.merge(selection)
        #expect(merged.ids == [105, 101, 103])
    }

    @Test func byteLevelTokensAreDecodedAndWordPieceKept() {
        let bpe = TokenText(raw: ["Ġhello", "Ġworld", "ing", "<s>", "ĠcafÃ©", "Ċ"])
        #expect(bpe.tokens == [" hello", " world", "ing", "<s>", " café", "\n"])
        let wordPiece = TokenText(raw: ["[CLS]", "##ness", "happy", "über", "12"])
        #expect(wordPiece.tokens == ["[CLS]", "##ness", "happy", "über", "12"])
        #expect(wordPiece.isAlphabetic(1) && wordPiece.isAlphabetic(3))
        #expect(!wordPiece.isAlphabetic(0) && !wordPiece.isAlphabetic(4))
        #expect(!wordPiece.isASCII(3) && wordPiece.isASCII(0))
        // SentencePiece byte-fallback tokens (GGUF vocabularies): <0x8D> is half of a UTF-8 character, <0x0A> a newline.
        let pieces = TokenText(raw: ["<0x8D>", "<0xE2>", "<0x0A>", "<0x41>", "<0xZZ>", "<0x8D>x"])
        #expect(!pieces.isASCII(0) && !pieces.isASCII(1))
        #expect(pieces.isASCII(2) && pieces.isASCII(3) && pieces.isASCII(4) && pieces.isASCII(5))
    }

    @Test func filtersKeepOnlyTheAllowedTokens() throws {
        let text = TokenText(raw: ["[PAD]", "cat", "##s", "über", "42", "dog"])
        var filter = TokenFilter()
        filter.alphabeticOnly = true
        #expect(try filter.ids(vocabularySize: 6, text: text) == [1, 2, 3, 5])
        filter.asciiOnly = true
        #expect(try filter.ids(vocabularySize: 6, text: text) == [1, 2, 5])
        filter.limit = 3
        #expect(try filter.ids(vocabularySize: 6, text: text) == [1, 2])
        var ids = TokenFilter()
        ids.allowed = [5, 0, 5]
        #expect(try ids.ids(vocabularySize: 6, text: nil) == [0, 5])
        ids.allowed = [6]
        #expect(throws: EngineError.self) { try ids.ids(vocabularySize: 6, text: nil) }
    }

    /// A hand-built space: E = identity rows (tokens a, b, c, d), so E·v is v itself.
    @Test func projectionOfAVectorThroughAnIdentityEmbedding() throws {
        var identity = [Float](repeating: 0, count: 16)
        for i in 0..<4 { identity[i * 5] = 1 }
        let space = try VocabularySpace(embedding: Tensor(shape: [4, 4], values: identity))
        var options = ProjectionOptions()
        options.top = 2
        let result = try Projection.topTokens(Tensor(shape: [2, 4], values: [0.5, -1, 3, 2, 1, 0, 0, 0]), in: space, options: options)
        #expect(result[0].map(\.id) == [2, 3])
        #expect(result[0].map(\.score) == [3, 2])
        #expect(result[1].map(\.id) == [0, 1])
        options.bottom = true
        #expect(try Projection.topTokens(Tensor(shape: [4], values: [0.5, -1, 3, 2]), in: space, options: options)[0].map(\.score) == [-1, 0.5])
        #expect(throws: EngineError.self) { try Projection.topTokens(Tensor(shape: [3], values: [1, 2, 3]), in: space) }
    }

    @Test func bothSchedulesAndAnyBlockingGiveTheSameSelection() throws {
        let embedding = try Fixtures.random([5000, 16], seed: 11)
        let space = try VocabularySpace(embedding: embedding)
        let vectors = try Fixtures.random([600, 16], seed: 12)
        var options = ProjectionOptions()
        options.schedule = .threadedBLAS
        let sequential = try Projection.topTokens(vectors, in: space, options: options)
        options.schedule = .matrixPerCore
        #expect(try Projection.topTokens(vectors, in: space, options: options) == sequential)
        // Brute force for one vector: every score, sorted.
        let v = Array(vectors.values[16 * 599..<16 * 600]), e = embedding.values
        let scores = (0..<5000).map { id in (0..<16).reduce(Float(0)) { $0 + e[id * 16 + $1] * v[$1] } }
        let expected = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(10)
        #expect(sequential[599].map(\.id) == Array(expected))
    }

    @Test func miniLMValuesKeysAndHeadsMatchNumpy() throws {
        let directory = PythonOracle.models.appendingPathComponent("minilm")
        let scratch = try PythonOracle.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let script = PythonOracle.repository.appendingPathComponent("Tests/Interop/oracles/analysis_oracle.py").path
        let output = try PythonOracle.run("import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
                                          [script, "project", directory.path, scratch.path])
        let expected = try JSONValue.parse(output, path: "oracle")
        let model = try ModelLoader.load(directory.path)
        let space = try VocabularySpace.of(model)
        var options = ProjectionOptions()
        var bottom = ProjectionOptions()
        bottom.bottom = true
        let vectors = expected["vectors"]?.arrayValue ?? []
        #expect(vectors.count == 48)
        for item in vectors {
            let layer = item["layer"]?.intValue ?? -1, index = item["index"]?.intValue ?? -1
            let component = item["component"]?.stringValue ?? ""
            guard let entry = model.architecture.entry(canonical: "layer.\(layer).\(component)") else {
                Issue.record("no layer.\(layer).\(component)"); continue
            }
            let vector = try Linalg.gatherRows(Projection.vectors(model, entry), [index])
            for (opts, idKey, scoreKey) in [(options, "ids", "scores"), (bottom, "bottom_ids", "bottom_scores")] {
                let got = try Projection.topTokens(vector, in: space, options: opts)[0]
                compare(got.map(\.id), got.map(\.score), item[idKey], item[scoreKey], "\(component) layer \(layer) row \(index) \(idKey)")
            }
        }
        var limited = TokenFilter()
        limited.limit = 2000
        let small = try VocabularySpace.of(model, filter: limited)
        options.top = 10
        for item in expected["heads"]?.arrayValue ?? [] {
            let layer = item["layer"]?.intValue ?? -1, head = item["head"]?.intValue ?? -1
            let circuit = HeadCircuit(rawValue: item["circuit"]?.stringValue ?? "") ?? .vo
            let pairs = try Projection.headPairs(model, layer: layer, head: head, circuit: circuit, space: small, options: options)
            let want = (item["pairs"]?.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.intValue) }
            #expect(pairs.count == want.count)
            let scores = (item["scores"]?.arrayValue ?? []).compactMap(\.doubleValue)
            for (position, pair) in pairs.enumerated() where position < want.count {
                let tie = abs(Double(pair.from.score) - scores[position]) <= 1e-5 * abs(scores[position])
                #expect([pair.from.id, pair.to.id] == want[position] || tie, "\(circuit) layer \(layer) head \(head) #\(position)")
                #expect(abs(Double(pair.from.score) - scores[position]) <= 1e-4 * abs(scores[0]))
            }
        }
    }

    /// Same ids as numpy in the same order, except where two scores are equal to float32 precision.
    private func compare(_ ids: [Int], _ scores: [Float], _ wantIDs: JSONValue?, _ wantScores: JSONValue?, _ label: String) {
        let expectedIDs = (wantIDs?.arrayValue ?? []).compactMap(\.intValue)
        let expectedScores = (wantScores?.arrayValue ?? []).compactMap(\.doubleValue)
        #expect(ids.count == expectedIDs.count, "\(label)")
        for position in 0..<min(ids.count, expectedIDs.count) {
            let difference = abs(Double(scores[position]) - expectedScores[position])
            #expect(difference <= 1e-5 * abs(expectedScores[0]), "\(label) score #\(position)")
            let tie = expectedScores.enumerated().contains { $0.offset != position && abs($0.element - expectedScores[position]) <= 1e-6 * abs(expectedScores[0]) }
            #expect(ids[position] == expectedIDs[position] || tie, "\(label) id #\(position): \(ids) vs numpy \(expectedIDs)")
        }
    }
}

@Suite struct FinalNormTests {
    @Test func layerNormAndRMSNormByHand() {
        // x = (1, 2, 3, 6): mean 3, variance (4 + 1 + 0 + 9)/4 = 3.5.
        var values: [Float] = [1, 2, 3, 6]
        let layer = FinalNorm(weight: [1, 2, 1, 1], bias: [0, 0, 1, 0], epsilon: 0)
        values.withUnsafeMutableBufferPointer { layer.apply($0) }
        let s = Float(3.5).squareRoot()
        let expected: [Float] = [-2 / s, -2 / s, 1, 3 / s]
        for (got, want) in zip(values, expected) { #expect(abs(got - want) < 1e-6) }
        // RMS: mean square (1 + 4 + 9 + 36)/4 = 12.5, no centring.
        var rms: [Float] = [1, 2, 3, 6]
        let norm = FinalNorm(weight: [1, 1, 1, 2], bias: nil, epsilon: 0)
        rms.withUnsafeMutableBufferPointer { norm.apply($0) }
        let r = Float(12.5).squareRoot()
        let wantRMS: [Float] = [1 / r, 2 / r, 3 / r, 12 / r]
        for (got, want) in zip(rms, wantRMS) { #expect(abs(got - want) < 1e-6) }
    }
}
