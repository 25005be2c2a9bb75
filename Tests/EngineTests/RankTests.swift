// Tests for whole-model rank tables: columns, filters, schedules, spectra, and numpy on the real MiniLM.
import Foundation
import Testing
@testable import Engine

@Suite struct RankTests {
    @Test func tableHasTheDocumentedColumnsAndOneRowPerMatrix() throws {
        let model = try Fixtures.bert(layers: 3)
        let table = try Rank.table(model)
        #expect(table.columnNames == ["layer", "component", "rank", "erank", "srank", "energy", "sigma_max", "fro"])
        #expect(table.rowCount == 18)
        #expect(try table.column("component") == .string(Array(repeating: ["q", "k", "v", "o", "ff1", "ff2"], count: 3).flatMap { $0 }))
        // Random Gaussian 8×8 and 8×16 matrices have full rank 8.
        #expect(try table.column("rank") == .int(Array(repeating: 8, count: 18)))
    }

    @Test func filtersRestrictTheWorkAndCheckTheirArguments() throws {
        let model = try Fixtures.bert(layers: 3)
        var options = RankOptions()
        options.components = ["q", "ff1"]
        options.layers = [0, 2]
        let table = try Rank.table(model, options: options)
        #expect(try table.column("layer") == .int([0, 0, 2, 2]))
        #expect(try table.column("component") == .string(["q", "ff1", "q", "ff1"]))
        options.components = ["fff1"]
        #expect { try Rank.table(model, options: options) } throws: { error in
            (error as? EngineError)?.description.contains("did you mean 'ff1'") == true
        }
        options.components = nil
        options.layers = [3]
        #expect { try Rank.table(model, options: options) } throws: { error in
            (error as? EngineError)?.description.contains("layer 3 out of range") == true
        }
    }

    @Test func bothSchedulesGiveTheSameTable() throws {
        let model = try Fixtures.bert(layers: 4, width: 16, feedForward: 32)
        var options = RankOptions()
        options.schedule = .threadedBLAS
        let sequential = try Rank.table(model, options: options)
        options.schedule = .matrixPerCore
        #expect(try Rank.table(model, options: options) == sequential)
    }

    @Test func spectraAreAttachedOnRequest() throws {
        let model = try Fixtures.bert(layers: 1)
        var options = RankOptions()
        options.includeSpectra = true
        let table = try Rank.table(model, options: options)
        #expect(table.attachments.keys.sorted() == ["layer.0.ff1", "layer.0.ff2", "layer.0.k", "layer.0.o", "layer.0.q", "layer.0.v"])
        let direct = try Linalg.singularValues(model.tensor("layer.0.ff1"))
        // The table reads the stored (transposed) matrix: equal up to float32 rounding in LAPACK.
        func close(_ values: [Float]?) -> Bool {
            guard let values, values.count == direct.count else { return false }
            return zip(values, direct).allSatisfy { abs($0 - $1) <= 1e-5 * direct[0] }
        }
        #expect(close(table.attachments["layer.0.ff1"]?.values))
        #expect(close(try Rank.spectrum(model, "layer.0.ff1").values))
        // A raw name works too.
        #expect(close(try Rank.spectrum(model, "encoder.layer.0.intermediate.dense.weight").values))
    }

    @Test func lowRankUpdateShowsInTheDelta() throws {
        let base = try Fixtures.bert(layers: 2, width: 12, feedForward: 24)
        let update = try Linalg.matmul(Fixtures.random([24, 2], seed: 77), Fixtures.random([2, 12], seed: 78))
        let name = "encoder.layer.1.intermediate.dense.weight"
        let tuned = try TensorMath.apply(.add, base.tensor(name), update)
        var tensors: [(String, Tensor)] = []
        for parameter in base.parameters { tensors.append((parameter.name, parameter.name == name ? tuned : try parameter.load())) }
        let ft = Fixtures.model("ft", tensors)
        let table = try Rank.table(ModelArithmetic.delta(ft, base))
        guard case let .int(ranks) = try table.column("rank") else { Issue.record("rank is not an int column"); return }
        // Only layer.1.ff1 changed, by a rank-2 update; the other deltas are exactly zero.
        #expect(ranks == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0])
    }

    @Test func progressCountsEveryMatrix() throws {
        let model = try Fixtures.bert(layers: 2)
        let recorder = ProgressRecorder()
        try Progress.$scoped.withValue(recorder) { _ = try Rank.table(model) }
        #expect(recorder.events.first == "begin rank 12")
        #expect(recorder.events.contains("advance 12"))
        #expect(recorder.events.last == "end")
    }

    @Test func encoderDecoderTablesHaveAStackColumn() throws {
        var tensors: [(String, Tensor)] = [("shared.weight", try Fixtures.random([20, 8], seed: 1))]
        var seed: UInt64 = 2
        func add(_ name: String, _ shape: [Int]) throws {
            seed += 1
            tensors.append((name, try Fixtures.random(shape, seed: seed)))
        }
        for stack in ["encoder", "decoder"] {
            for part in ["q", "k", "v", "o"] { try add("\(stack).block.0.layer.0.SelfAttention.\(part).weight", [8, 8]) }
        }
        for part in ["q", "k", "v", "o"] { try add("decoder.block.0.layer.1.EncDecAttention.\(part).weight", [8, 8]) }
        for (stack, index) in [("encoder", 1), ("decoder", 2)] {
            try add("\(stack).block.0.layer.\(index).DenseReluDense.wi.weight", [16, 8])
            try add("\(stack).block.0.layer.\(index).DenseReluDense.wo.weight", [8, 16])
        }
        let table = try Rank.table(Fixtures.model("t5", tensors))
        #expect(table.columnNames.prefix(3) == ["stack", "layer", "component"])
        #expect(try table.column("stack") == .string(Array(repeating: "enc", count: 6) + Array(repeating: "dec", count: 10)))
        #expect(try table.column("component") == .string(["q", "k", "v", "o", "ff1", "ff2",
                                                          "q", "k", "v", "o", "xq", "xk", "xv", "xo", "ff1", "ff2"]))
    }

    @Test func modelWithoutSchemaIsATypedError() throws {
        let model = Fixtures.model("odd", [("w", try Fixtures.random([3, 3], seed: 1))])
        #expect(throws: EngineError.self) { try Rank.table(model) }
        #expect(try Rank.spectrum(model, "w").values.count == 3)
    }

    /// The real MiniLM and a synthetic rank-4 fine-tune of it, against numpy (`svd`, `matrix_rank`), by every route.
    @Test func miniLMAndItsDeltaMatchNumpy() throws {
        let directory = try PythonOracle.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = PythonOracle.repository.appendingPathComponent("Tests/Interop/oracles/analysis_oracle.py").path
        let output = try PythonOracle.run("import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
                                          [script, "rank", PythonOracle.models.appendingPathComponent("minilm").path, directory.path])
        let manifest = try JSONValue.parse(output, path: "oracle")
        func model(_ key: String, prefix: String) throws -> Model {
            let tensors = try (manifest[key]?.arrayValue ?? []).map { item -> (String, Tensor) in
                let name = String((item["name"]?.stringValue ?? "").dropFirst(prefix.count))
                let shape = (item["shape"]?.arrayValue ?? []).compactMap(\.intValue)
                return (name, try PythonOracle.rawTensor(URL(fileURLWithPath: item["file"]?.stringValue ?? ""), shape: shape))
            }
            return Fixtures.model(key, tensors)
        }
        let base = try model("base", prefix: "base."), ft = try model("ft", prefix: "ft.")
        let rows = manifest["rows"]?.arrayValue ?? []
        #expect(rows.count == 36)
        for method in SpectrumMethod.allCases {
            var options = RankOptions()
            options.method = method
            for (key, table) in [("base", try Rank.table(base, options: options)),
                                 ("delta", try Rank.table(ModelArithmetic.delta(ft, base), options: options))] {
                #expect(table.rowCount == rows.count)
                for (index, row) in rows.enumerated() {
                    let want = row[key]
                    let label = "\(method) \(key) layer \(row["layer"]?.intValue ?? -1) \(row["component"]?.stringValue ?? "")"
                    #expect(intCell(table, "rank", index) == want?["rank"]?.intValue, "\(label) rank")
                    #expect(intCell(table, "energy", index) == want?["energy"]?.intValue, "\(label) energy")
                    for measure in ["erank", "srank", "sigma_max", "fro"] {
                        let expected = want?[measure]?.doubleValue ?? .nan
                        let got = doubleCell(table, measure, index)
                        #expect(abs(got - expected) <= 1e-3 * abs(expected), "\(label) \(measure): \(got) vs numpy \(expected)")
                    }
                }
            }
        }
    }

    /// The float64 Gram route against sgesdd on real quantised models: every count equal, erank and srank to 1e-4.
    /// Three layers each (first, middle, last) keep the debug-build test short; scripts/bench checks every matrix.
    @Test(arguments: ["smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", "gemma3/gemma-3-270m-q4_k_m.gguf"])
    func gramRouteEqualsTheSVDOnRealModels(file: String) throws {
        guard ModelFixtures.hasRealModel(file) else { return }
        let model = try ModelLoader.load(ModelCache.directory + "/" + file)
        var options = RankOptions()
        let last = model.architecture.layers - 1
        options.layers = [0, last / 2, last]
        options.method = .svd
        let svd = try Rank.table(model, options: options)
        options.method = .gram
        let gram = try Rank.table(model, options: options)
        #expect(svd.rowCount == 21)
        for name in ["rank", "energy"] { #expect(try gram.column(name) == svd.column(name), "\(file) \(name)") }
        for name in ["erank", "srank", "sigma_max", "fro"] {
            for row in 0..<svd.rowCount {
                let want = doubleCell(svd, name, row), got = doubleCell(gram, name, row)
                #expect(abs(got - want) <= 1e-4 * want, "\(file) row \(row) \(name): \(got) vs \(want)")
            }
        }
    }

    private func intCell(_ table: Table, _ name: String, _ row: Int) -> Int? {
        if case let .int(values)? = table.columns[name] { return values[row] }
        return nil
    }

    private func doubleCell(_ table: Table, _ name: String, _ row: Int) -> Double {
        if case let .double(values)? = table.columns[name] { return values[row] }
        return .nan
    }
}

/// Records progress events as text.
final class ProgressRecorder: ProgressReporter, @unchecked Sendable {
    private let lock = NSLock()
    private var log: [String] = []
    var events: [String] { lock.lock(); defer { lock.unlock() }; return log }
    private func add(_ event: String) { lock.lock(); log.append(event); lock.unlock() }
    func begin(_ label: String, total: Int) { add("begin \(label) \(total)") }
    func advance(_ done: Int) { add("advance \(done)") }
    func end() { add("end") }
}
