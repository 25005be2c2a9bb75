// HDF5 export checked with h5py and h5dump, import round trips, and safetensors read by Python.
import Foundation
import Testing
@testable import Engine

/// Deterministic, distinct values for test tensors.
private func tensor(_ shape: [Int], seed: Double, storedType: DType = .f32) throws -> Tensor {
    let count = Shape.elementCount(shape) ?? 0
    return try Tensor(shape: shape, values: (0..<count).map { Float(sin(Double($0) * 0.37 + seed)) }, storedType: storedType)
}

/// A two-layer BERT (width 4, feed-forward 6, vocabulary 5) built from tensors, with biases, a norm and int ids.
func hdf5TinyBERT(seed: Double = 0, name: String = "tiny", vocabulary: VocabularySource? = nil) throws -> Model {
    var shapes: [(String, [Int], DType)] = [("embeddings.word_embeddings.weight", [5, 4], .f32),
                                            ("embeddings.LayerNorm.weight", [4], .f32),
                                            ("embeddings.position_ids", [1, 7], .i64)]
    for layer in 0..<2 {
        let prefix = "encoder.layer.\(layer)."
        shapes += [(prefix + "attention.self.query.weight", [4, 4], .f32), (prefix + "attention.self.query.bias", [4], .f32),
                   (prefix + "attention.self.key.weight", [4, 4], .f32), (prefix + "attention.self.value.weight", [4, 4], .f32),
                   (prefix + "attention.output.dense.weight", [4, 4], .f32), (prefix + "intermediate.dense.weight", [6, 4], .f32),
                   (prefix + "output.dense.weight", [4, 6], .f32)]
    }
    let parameters = try shapes.enumerated().map { index, item -> Parameter in
        let (rawName, shape, dtype) = item
        let value = dtype == .i64
            ? try Tensor(shape: shape, values: (0..<7).map(Float.init), storedType: .i64)
            : try tensor(shape, seed: seed + Double(index), storedType: dtype)
        return Parameter(name: rawName, shape: shape, dtype: dtype) { value }
    }
    let config = try JSONValue.parse(Data(#"{"model_type": "bert", "num_attention_heads": 2, "hidden_size": 4, "note": "a \"quoted\" é"}"#.utf8), path: "config.json")
    return Model(name: name, source: "/models/\(name)", config: config, parameters: parameters, vocabulary: vocabulary)
}

/// A small table of every column type.
func hdf5SampleTable() throws -> Table {
    var table = Table()
    try table.append("layer", .int([0, 0, 1]))
    try table.append("component", .string(["q", "k", "ünïcode"]))
    try table.append("rank", .double([3.5, 4, .nan]))
    return table
}

@Test func hdf5ExportsTensorsNumbersAndStringsForH5py() throws {
    let directory = try HDF5TempDirectory()
    let path = directory.file("values.h5")
    let big = try tensor([600, 600], seed: 1)  // 1.4 MB: chunked and compressed by default
    try Export.hdf5([("small", .tensor(try tensor([2, 3], seed: 2))), ("big", .tensor(big)),
                     ("ids", .tensor(try Tensor(shape: [3], values: [1, 2, 3], storedType: .i64))),
                     ("n", .number(2.5)), ("s", .string("héllo")), ("flag", .bool(true)), ("nothing", .none)],
                    to: path, options: Export.Options(provenance: "x = 1\nexport(\"values.h5\", n=2.5)"))
    try PythonPeer.run("""
    import sys, math, h5py, numpy as np
    f = h5py.File(sys.argv[1], "r")
    small = f["small"]
    assert small.dtype == np.float32 and small.shape == (2, 3), (small.dtype, small.shape)
    expect = np.sin(np.arange(6) * 0.37 + 2).astype(np.float32).reshape(2, 3)
    assert np.array_equal(small[()], expect)
    assert small.compression is None and small.chunks is None
    big = f["big"]
    assert big.compression == "gzip" and big.shuffle and big.chunks is not None, (big.compression, big.chunks)
    assert np.prod(big.chunks) * 4 <= 1 << 20
    assert np.array_equal(big[()], np.sin(np.arange(360000) * 0.37 + 1).astype(np.float32).reshape(600, 600))
    assert f["ids"].dtype == np.int64 and list(f["ids"][()]) == [1, 2, 3] and f["ids"].attrs["orig_dtype"] == "i64"
    assert f["small"].attrs["mvs_type"] == "tensor"
    assert f["n"][()] == 2.5 and f["n"].shape == ()
    assert f["s"].asstr()[()] == "héllo"
    assert f["flag"][()] == True and f["flag"].dtype == np.bool_
    assert isinstance(f["nothing"][()], h5py.Empty)
    assert f.attrs["mvs_version"] == "0.1.0"
    assert f.attrs["mvs_created"].endswith("Z")
    assert list(f.attrs["mvs_provenance"]) == ['x = 1\\nexport("values.h5", n=2.5)']
    assert list(f) == ["small", "big", "ids", "n", "s", "flag", "nothing"], list(f)
    """, [path])
    try expectH5dumpClean(path)
}

@Test func hdf5ExportsTablesThatRebuildWithoutPandas() throws {
    let directory = try HDF5TempDirectory()
    let path = directory.file("table.h5")
    var table = try hdf5SampleTable()
    table.attachments["spectrum"] = try tensor([3], seed: 0)
    try Export.hdf5([("rank", .table(table))], to: path)
    try PythonPeer.run("""
    import sys, math, h5py, numpy as np
    f = h5py.File(sys.argv[1], "r")
    g = f["rank"]
    order = list(g.attrs["columns"])
    assert order == ["layer", "component", "rank"] and all(isinstance(k, str) for k in order), order
    data = {k: g[k][()] for k in order}
    assert data["layer"].dtype == np.int64 and list(data["layer"]) == [0, 0, 1]
    assert list(g["component"].asstr()[()]) == ["q", "k", "ünïcode"]
    assert data["rank"].dtype == np.float64 and list(data["rank"][:2]) == [3.5, 4.0] and math.isnan(data["rank"][2])
    assert g["rank"].dims[0].label == "row"
    assert g.attrs["mvs_type"] == "table"
    grid = g["grid/rank"]  # layers x components, with the axes as dimension scales
    assert grid.shape == (2, 3) and list(grid.dims[0][0][()]) == [0, 1]
    assert [d.label for d in grid.dims] == ["layer", "component"]
    assert list(grid.dims[1][0].asstr()[()]) == ["q", "k", "ünïcode"]
    assert grid[0, 0] == 3.5 and grid[0, 1] == 4 and all(math.isnan(x) for x in [grid[0, 2], grid[1, 0], grid[1, 1], grid[1, 2]])
    assert sorted(g["grid"]) == ["component", "layer", "rank"]
    assert np.allclose(g["attachments/spectrum"][()], np.sin(np.arange(3) * 0.37).astype(np.float32))
    """, [path])
    guard case let .record(fields) = try Import.hdf5(path), case let .table(back) = fields.first?.value else {
        Issue.record("a table must import as a table")
        return
    }
    #expect(back.columnNames == table.columnNames)
    #expect(try back.column("layer") == .int([0, 0, 1]))
    #expect(try back.column("component") == .string(["q", "k", "ünïcode"]))
    guard case let .double(ranks) = try back.column("rank") else { Issue.record("rank must stay float64"); return }
    #expect(ranks[0] == 3.5 && ranks[1] == 4 && ranks[2].isNaN)
    #expect(back.attachments["spectrum"]?.values == table.attachments["spectrum"]?.values)
}

@Test func hdf5ExportsTableMatricesAsLabelledTwoDimensionalDatasets() throws {
    let directory = try HDF5TempDirectory()
    let path = directory.file("matrices.h5")
    var table = try hdf5SampleTable()
    let similarity = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
    table.matrices["similarity"] = try LabelledMatrix(similarity, rows: MatrixAxis("layer_a", .int([0, 1])),
                                                      columns: MatrixAxis("model", .string(["x", "y", "z"])))
    table.matrices["other"] = try LabelledMatrix(try Tensor(shape: [1, 3], values: [7, 8, 9]), rows: MatrixAxis("k", .double([0.5])),
                                                 columns: MatrixAxis("model", .string(["x", "y", "z"])))
    try Export.hdf5([("t", .table(table))], to: path)
    try PythonPeer.run("""
    import sys, h5py, numpy as np
    f = h5py.File(sys.argv[1], "r")
    s = f["t/similarity"]
    assert s[()].shape == (2, 3) and s.dtype == np.float32 and s[()].tolist() == [[1, 2, 3], [4, 5, 6]]
    assert [d.label for d in s.dims] == ["layer_a", "model"]
    assert list(s.dims[0][0][()]) == [0, 1] and list(s.dims[1][0].asstr()[()]) == ["x", "y", "z"]
    # Two matrices with the same axis share one scale.
    assert f["t/other"].dims[1][0].name == s.dims[1][0].name == "/t/axes/model"
    assert list(f["t"].attrs["matrices"]) == ["other", "similarity"] and list(f["t"].attrs["columns"]) == ["layer", "component", "rank"]
    """, [path])
    guard case let .record(fields) = try Import.hdf5(path), case let .table(back) = fields.first?.value else {
        Issue.record("a table must import as a table")
        return
    }
    #expect(back.matrices["similarity"]?.values.values == similarity.values)
    #expect(back.matrices["similarity"]?.rows == MatrixAxis("layer_a", .int([0, 1])))
    #expect(back.matrices["other"]?.rows == MatrixAxis("k", .double([0.5])))

    var clash = try hdf5SampleTable()
    clash.matrices["rank"] = table.matrices["other"]
    #expect(throws: EngineError.self) { try Export.hdf5([("t", .table(clash))], to: directory.file("clash.h5")) }
    #expect(!FileManager.default.fileExists(atPath: directory.file("clash.h5")))
}

@Test func hdf5ExportsModelsWithCanonicalAndRawNamesReadableByH5pyAndSafetensors() throws {
    let directory = try HDF5TempDirectory()
    let model = try hdf5TinyBERT()
    let h5 = directory.file("model.h5"), raw = directory.file("raw.h5")
    let weights = directory.file("model.safetensors"), canonical = directory.file("canonical.safetensors")
    try Export.hdf5([("m", .model(model))], to: h5)
    try Export.hdf5([("m", .model(model))], to: raw, options: Export.Options(modelNames: .raw))
    try SafetensorsWriter.write(model, to: weights)
    try SafetensorsWriter.write(model, to: canonical, names: .canonical)
    try PythonPeer.run("""
    import sys, json, h5py, numpy as np
    from safetensors.numpy import load_file
    from safetensors import safe_open
    h5, raw_h5, weights, canonical = sys.argv[1:5]
    st = load_file(weights)
    assert st["embeddings.position_ids"].dtype == np.int64 and list(st["embeddings.position_ids"][0]) == list(range(7))
    assert st["encoder.layer.1.output.dense.weight"].shape == (4, 6)
    with safe_open(weights, "np") as handle:
        meta = handle.metadata()
    assert meta["format"] == "pt" and meta["mvs_names"] == "raw", meta
    f = h5py.File(h5, "r")
    m = f["m"]
    assert m.attrs["mvs_type"] == "model" and m.attrs["family"] == "bert" and m.attrs["layers"] == 2
    assert json.loads(m.attrs["config"])["note"] == 'a "quoted" é'
    assert m.attrs["source"] == "/models/tiny" and m.attrs["names"] == "canonical"
    # canonical matrices in canonical orientation (d_in x d_out) = raw PyTorch weights transposed
    for layer in range(2):
        for comp, rawname in [("q", "attention.self.query"), ("k", "attention.self.key"), ("v", "attention.self.value"),
                              ("o", "attention.output.dense"), ("ff1", "intermediate.dense"), ("ff2", "output.dense")]:
            d = m[f"layer.{layer}.{comp}"]
            full = f"encoder.layer.{layer}.{rawname}.weight"
            assert np.array_equal(d[()], st[full].T), (layer, comp)
            assert d.attrs["raw_name"] == full and d.attrs["layer"] == layer and d.attrs["component"] == comp
            assert d.attrs["orig_dtype"] == "f32" and d.attrs["transform"] == "transpose"
            assert [dim.label for dim in d.dims] == ["in", "out"]
    assert np.array_equal(m["embed"][()], st["embeddings.word_embeddings.weight"])
    assert "layer" not in m["embed"].attrs and m["embed"].attrs["component"] == "embed"
    # parameters without a canonical name keep their raw names; nothing is lost
    assert np.array_equal(m["embeddings.LayerNorm.weight"][()], st["embeddings.LayerNorm.weight"])
    assert np.array_equal(m["encoder.layer.0.attention.self.query.bias"][()], st["encoder.layer.0.attention.self.query.bias"])
    assert m["embeddings.position_ids"].dtype == np.int64
    assert "encoder.layer.0.attention.self.query.weight" not in m
    assert len(m) == 13 + 4, sorted(m)  # embed + 12 layer matrices, then norm, ids and 2 biases
    r = h5py.File(raw_h5, "r")["m"]
    assert sorted(r) == sorted(st), (sorted(r), sorted(st))
    for k in st:
        assert np.array_equal(r[k][()], st[k]), k
    ct = load_file(canonical)
    assert np.array_equal(ct["layer.1.ff1"], st["encoder.layer.1.intermediate.dense.weight"].T)
    assert "encoder.layer.1.intermediate.dense.weight" not in ct and "embeddings.LayerNorm.weight" in ct
    """, [h5, raw, weights, canonical])
    try expectH5dumpClean(h5)
    try expectH5dumpClean(raw)
    // Raw names import as the original model: the schema is inferred again and canonical names work.
    guard case let .record(fields) = try Import.hdf5(raw), case let .model(back) = fields.first?.value else {
        Issue.record("a raw export must import as a model")
        return
    }
    #expect(back.names == model.names)
    #expect(back.architecture.entries.map(\.name) == model.architecture.entries.map(\.name))
    #expect(try back.tensor("layer.1.q").values == model.tensor("layer.1.q").values)
}

@Test func hdf5ExportThenImportGivesBackEqualValues() throws {
    let directory = try HDF5TempDirectory()
    let path = directory.file("round.h5")
    let base = try hdf5TinyBERT(seed: 0, name: "base"), tuned = try hdf5TinyBERT(seed: 0.5, name: "ft")
    let delta = try ModelArithmetic.delta(tuned, base)
    let zeroD = try Tensor(shape: [], values: [4])
    let record: ExportValue = .record([("alpha", .number(0.5)), ("label", .string("x")), ("ok", .bool(false)),
                                       ("missing", .none), ("sizes", .list([.number(1), .number(2)])),
                                       ("names", .list([.string("a"), .string("b")])),
                                       ("weights", .tensor(try tensor([2, 2], seed: 3))),
                                       ("inner", .record([("deep", .list([.number(1), .string("two"), .list([])]))]))])
    let values: [(name: String, value: ExportValue)] = [
        ("t", .tensor(try tensor([3, 2, 2], seed: 4))), ("scalar_tensor", .tensor(zeroD)), ("n", .number(-3)),
        ("s", .string("ß")), ("b", .bool(true)), ("none", .none), ("empty", .list([])),
        ("mixed", .list([.number(1), .string("a"), .tensor(try tensor([2], seed: 5))])),
        ("r", record), ("table", .table(try hdf5SampleTable())), ("base", .model(base)), ("delta", .model(delta)),
    ]
    try Export.hdf5(values, to: path, options: Export.Options(compress: true))
    guard case let .record(fields) = try Import.hdf5(path) else { Issue.record("import must give a record"); return }
    #expect(fields.map(\.key) == values.map(\.name))
    for ((name, original), (_, back)) in zip(values, fields) {
        #expect(try sameValue(original, back), "\(name)")
    }
    // the imported delta is still a delta, and canonical names read the same matrices
    guard case let .model(importedDelta) = fields[11].value else { Issue.record("delta must import as a model"); return }
    #expect(importedDelta.kind == .delta)
    #expect(importedDelta.architecture.family == "bert")
    #expect(try importedDelta.tensor("layer.1.ff2").values == delta.tensor("layer.1.ff2").values)
    #expect(try importedDelta.tensor("embeddings.position_ids").storedType == .f32)
    guard case let .model(importedBase) = fields[10].value else { Issue.record("model must import as a model"); return }
    #expect(try importedBase.tensor("embeddings.position_ids").storedType == .i64)
    #expect(importedBase.parameter(raw: "embeddings.position_ids")?.dtype == .i64)
    // with metadata, the root attributes come back too
    guard case let .record(withMeta) = try Import.hdf5(path, metadata: true) else { return }
    #expect(withMeta.contains { $0.key == "mvs_version" })
}

/// Structural equality of exported and imported values (models compared parameter by parameter, canonically).
private func sameValue(_ a: ExportValue, _ b: ExportValue) throws -> Bool {
    switch (a, b) {
    case let (.number(x), .number(y)): return x == y
    case let (.bool(x), .bool(y)): return x == y
    case let (.string(x), .string(y)): return x == y
    case (.none, .none): return true
    case let (.list(x), .list(y)): return try x.count == y.count && zip(x, y).allSatisfy { try sameValue($0, $1) }
    case let (.record(x), .record(y)):
        return try x.map(\.key) == y.map(\.key) && zip(x, y).allSatisfy { try sameValue($0.value, $1.value) }
    case let (.tensor(x), .tensor(y)): return x.shape == y.shape && x.values == y.values && x.storedType == y.storedType
    case let (.table(x), .table(y)):
        return x.columnNames == y.columnNames && x.columnNames.allSatisfy { name in
            switch (x.columns[name], y.columns[name]) {
            case let (.double(p)?, .double(q)?): return p.count == q.count && zip(p, q).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
            case let (p?, q?): return p == q
            default: return false
            }
        }
    case let (.model(x), .model(y)):
        guard x.kind == y.kind, x.config == y.config, x.source == y.source, x.onlyInLeft == y.onlyInLeft else { return false }
        let canonical = x.architecture.entries.map(\.name)
        let covered = Set(x.architecture.entries.map(\.rawName))
        let names = canonical + x.names.filter { !covered.contains($0) }
        guard Set(names) == Set(y.names) else { return false }
        return try names.allSatisfy { try x.tensor($0).values == y.tensor($0).values && x.tensor($0).shape == y.tensor($0).shape }
    default: return false
    }
}

/// h5dump reads the whole file without an error.
func expectH5dumpClean(_ path: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/h5dump")
    process.arguments = [path]
    let errors = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    try process.run()
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "h5dump failed: \(text)")
    #expect(!text.lowercased().contains("error"), "h5dump: \(text)")
}

@Test func hdf5ExportsVectorsAndClusteringsWithDimensionScales() throws {
    let directory = try HDF5TempDirectory()
    let path = directory.file("zoo.h5")
    let matrix = try Tensor(shape: [4, 2], values: [0, 0, 0, 1, 5, 5, 5, 6])
    let vectors = VectorSet(matrix: matrix, names: ["m0", "m1", "m2", "m3"], labels: ["a", "a", "b", "b"],
                            columnNames: ["layer.0.q", "layer.0.k"], statistic: "rel")
    // Two well-separated pairs: any k-means run finds them, so labels, centroids and scores are known by hand.
    let clustering = try Clustering.of(vectors, options: ClusterOptions(k: 2))
    #expect(clustering.assignments == [0, 0, 1, 1] || clustering.assignments == [1, 1, 0, 0])
    try Export.hdf5([("v", .vectors(vectors)), ("c", .clustering(clustering))], to: path)
    try PythonPeer.run("""
    import sys, h5py, numpy as np
    f = h5py.File(sys.argv[1], "r")
    v = f["v"]
    assert v.attrs["mvs_type"] == "vectors" and v.attrs["statistic"] == "rel"
    assert np.array_equal(v["matrix"][()], np.array([[0, 0], [0, 1], [5, 5], [5, 6]], dtype=np.float32))
    assert [d.label for d in v["matrix"].dims] == ["model", "feature"]
    assert list(v["matrix"].dims[0][0].asstr()[()]) == ["m0", "m1", "m2", "m3"]
    assert list(v["matrix"].dims[1][0].asstr()[()]) == ["layer.0.q", "layer.0.k"]
    assert list(v["labels"].asstr()[()]) == ["a", "a", "b", "b"]
    c = f["c"]
    labels = list(c["labels"][()])
    assert labels in ([0, 0, 1, 1], [1, 1, 0, 0]) and c["labels"].dtype == np.int64
    assert list(c["labels"].dims[0][0].asstr()[()]) == ["m0", "m1", "m2", "m3"]
    first = labels[0]
    assert np.allclose(c["centroids"][first], [0, 0.5]) and np.allclose(c["centroids"][1 - first], [5, 5.5])
    assert list(c["sizes"][()]) == [2, 2] and list(c["true_labels"].asstr()[()]) == ["a", "a", "b", "b"]
    assert c.attrs["k"] == 2 and c.attrs["method"].startswith("kmeans"), dict(c.attrs)
    assert np.isclose(c.attrs["ari"], 1.0) and np.isclose(c.attrs["purity"], 1.0), dict(c.attrs)
    assert np.isclose(c.attrs["inertia"], 1.0) and 0 < c.attrs["silhouette"] <= 1
    """, [path])
    try expectH5dumpClean(path)
    guard case let .record(fields) = try Import.hdf5(path), case let .vectors(back) = fields[0].value,
          case let .clustering(again) = fields[1].value else { Issue.record("vectors and clustering must import"); return }
    #expect(back.matrix.values == matrix.values && back.names == vectors.names && back.labels == vectors.labels)
    #expect(back.columnNames == vectors.columnNames && back.statistic == "rel")
    // The clustering comes back as written: the hand-known labels, centroids (0, 0.5) and (5, 5.5), ARI 1, inertia 1.
    #expect(again.assignments == clustering.assignments && again.clusterCount == 2 && again.names == vectors.names)
    #expect(again.labels == ["a", "a", "b", "b"] && again.method == clustering.method)
    #expect(again.centroids[again.assignments[0]] == [0, 0.5] && again.centroids[again.assignments[2]] == [5, 5.5])
    #expect(again.adjustedRand == clustering.adjustedRand && again.purity == 1 && again.inertia == clustering.inertia)
    #expect(again.silhouette == clustering.silhouette && abs((again.adjustedRand ?? 0) - 1) < 1e-12)
}

@Test func hdf5ImportsH5pyFilesGenerically() throws {
    let directory = try HDF5TempDirectory()
    let path = directory.file("theirs.h5")
    try PythonPeer.run("""
    import sys, h5py, numpy as np
    with h5py.File(sys.argv[1], "w") as f:
        f.attrs["title"] = "run 7"
        f.attrs["tags"] = np.array([b"x", b"yy"], dtype="S2")
        f["w"] = np.arange(6, dtype=np.float64).reshape(2, 3)
        f["lr"] = 0.001
        f["words"] = np.array([b"ab", b"c"], dtype="S2")
        f["labels"] = ["α", "β"]
        g = f.create_group("g")
        g["mask"] = np.array([True, False])
        g["w"] = np.int32(5)
        g.attrs["w"] = "clash"
        f["empty"] = h5py.Empty("f4")
    """, [path])
    guard case let .record(fields) = try Import.hdf5(path) else { Issue.record("a record"); return }
    #expect(fields.map(\.key) == ["empty", "g", "labels", "lr", "w", "words", "title", "tags"])
    let byName = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    guard case let .tensor(w)? = byName["w"] else { Issue.record("w must be a tensor"); return }
    #expect(w.shape == [2, 3] && w.values == [0, 1, 2, 3, 4, 5] && w.storedType == .f64)
    guard case let .number(lr)? = byName["lr"], case let .string(title)? = byName["title"] else { Issue.record("scalars"); return }
    #expect(lr == 0.001 && title == "run 7")
    guard case let .list(words)? = byName["words"], case let .list(labels)? = byName["labels"],
          case let .list(tags)? = byName["tags"], case .none? = byName["empty"] else { Issue.record("lists"); return }
    #expect(words.compactMap { if case let .string(s) = $0 { return s } else { return nil } } == ["ab", "c"])
    #expect(labels.compactMap { if case let .string(s) = $0 { return s } else { return nil } } == ["α", "β"])
    #expect(tags.count == 2)
    guard case let .record(group)? = byName["g"] else { Issue.record("g must be a record"); return }
    #expect(group.map(\.key) == ["mask", "w", "@w"])
    guard case let .list(mask) = group[0].value, case let .number(five) = group[1].value else { Issue.record("g members"); return }
    #expect(mask.count == 2 && five == 5)
}

private struct UnreadableVocabulary: Error, CustomStringConvertible { var description: String { "vocab.txt: unreadable" } }

@Test func hdf5ModelsCarryTheirVocabulary() throws {
    let directory = try HDF5TempDirectory()
    let path = directory.file("vocab.h5")
    let tokens = ["[PAD]", "the", "##s", "ü", "[SEP]"]
    let model = try hdf5TinyBERT(vocabulary: VocabularySource { tokens })
    let broken = try hdf5TinyBERT(name: "broken", vocabulary: VocabularySource { throw UnreadableVocabulary() })
    try Export.hdf5([("m", .model(model)), ("b", .model(broken))], to: path)
    try PythonPeer.run("""
    import sys, h5py
    f = h5py.File(sys.argv[1], "r")
    assert list(f["m/mvs_vocabulary"].asstr()[()]) == ["[PAD]", "the", "##s", "ü", "[SEP]"]
    assert "mvs_vocabulary" not in f["b"] and f["b"].attrs["vocabulary_error"] == "vocab.txt: unreadable"
    """, [path])
    guard case let .record(fields) = try Import.hdf5(path), case let .model(back) = fields[0].value else {
        Issue.record("the model must import")
        return
    }
    #expect(try back.vocabulary?.tokens() == tokens)
    #expect(!back.names.contains("mvs_vocabulary"))
}
