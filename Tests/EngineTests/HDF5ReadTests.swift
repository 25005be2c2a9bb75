// Reading HDF5 files written by h5py and by Keras through Engine's HDF5File.
import Foundation
import Testing
@testable import Engine

/// Writes a fixture with every kind of dataset and attribute mvs reads, the way h5py users write them.
private let fixtureScript = """
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "w") as f:
    f.attrs["backend"] = "tensorflow"                                   # variable-length str
    f.attrs["layer_names"] = np.array([b"bert", b"dropout_7", b"classifier"], dtype="S10")  # fixed-length bytes
    f.attrs["fixed"] = np.bytes_(b"abc")                                # one fixed-length byte string
    f.attrs["count"] = np.int64(42)
    f.attrs["scale"] = 0.25
    f.attrs["sizes"] = np.array([1.5, 2.5])
    f.attrs["ids"] = np.array([3, -4], dtype=np.int32)
    f.attrs["flag"] = True
    f.attrs["nothing"] = np.array([], dtype=np.float64)                 # Keras writes this for empty weight_names
    f.attrs["labels"] = ["α", "b"]                                      # variable-length UTF-8 array
    g = f.create_group("g")
    g.attrs["weight_names"] = np.array([b"g/sub/w:0", b"g/b:0"], dtype="S9")
    g.create_dataset("b:0", data=np.array([1, 2, 3], dtype=np.int32))
    s = g.create_group("sub")
    s.create_dataset("w:0", data=np.arange(6, dtype=np.float32).reshape(2, 3) / 8)
    s.create_dataset("half", data=np.array([0.5, -2.0], dtype=np.float16))
    s.create_dataset("wide", data=np.array([[1e-3, 2e5]], dtype=np.float64))
    f.create_dataset("scalar", data=7.5)
    f.create_dataset("names", data=["x", "yz"], dtype=h5py.string_dtype())
    f.create_dataset("codes", data=np.array([b"ab", b"c"], dtype="S2"))
"""

@Test func hdf5ReadsH5pyFixture() throws {
    let directory = try HDF5TempDirectory()
    let path = directory.file("fixture.h5")
    try PythonPeer.run(fixtureScript, [path])
    let file = try HDF5File(readingAt: path)

    // h5py does not track creation order, so links come back by name, depth first.
    #expect(try file.datasetPaths() == ["codes", "g/b:0", "g/sub/half", "g/sub/w:0", "g/sub/wide", "names", "scalar"])
    #expect(try file.dataset("g/sub/w:0") == HDF5DatasetInfo(path: "g/sub/w:0", shape: [2, 3], elementType: .float(bytes: 4)))
    #expect(try file.dataset("/g/b:0").elementType == .integer(bytes: 4, signed: true))
    #expect(try file.dataset("g/sub/half").elementType.dtype == .f16)
    #expect(try file.dataset("scalar").shape == [])
    #expect(try file.dataset("names").elementType == .string(variableLength: true))
    #expect(try file.dataset("codes").elementType == .string(variableLength: false))
    #expect(try file.children().map(\.name) == ["codes", "g", "names", "scalar"])
    #expect(try file.children(of: "g").map(\.type) == [.dataset, .group])

    let weights = try file.readTensor("g/sub/w:0")
    #expect(weights.shape == [2, 3])
    #expect(weights.values == [0, 0.125, 0.25, 0.375, 0.5, 0.625])
    #expect(try file.readTensor("g/b:0").values == [1, 2, 3])
    #expect(try file.readTensor("g/b:0").storedType == .i32)
    #expect(try file.readTensor("g/sub/half").values == [0.5, -2.0])
    #expect(try file.readTensor("g/sub/wide").values == [Float(1e-3), 2e5])
    #expect(try file.readTensor("scalar").shape == [])
    #expect(try file.readValue("names") == .strings(["x", "yz"]))
    #expect(try file.readValue("codes") == .strings(["ab", "c"]))
    #expect(try file.readValue("scalar") == .number(7.5))

    #expect(try file.attribute("backend") == .string("tensorflow"))
    #expect(try file.attribute("layer_names") == .strings(["bert", "dropout_7", "classifier"]))
    #expect(try file.attribute("fixed") == .string("abc"))
    #expect(try file.attribute("count") == .integer(42))
    #expect(try file.attribute("scale") == .number(0.25))
    #expect(try file.attribute("sizes") == .numbers([1.5, 2.5]))
    #expect(try file.attribute("ids") == .integers([3, -4]))
    #expect(try file.attribute("flag") == .bool(true))
    #expect(try file.attribute("nothing") == .numbers([]))
    #expect(try file.attribute("labels") == .strings(["α", "b"]))
    #expect(try file.attribute("missing") == nil)
    #expect(try file.attribute("weight_names", of: "g")?.stringsValue == ["g/sub/w:0", "g/b:0"])
    #expect(try file.attributeNames().sorted() == ["backend", "count", "fixed", "flag", "ids", "labels", "layer_names",
                                                   "nothing", "scale", "sizes"])
}

@Test func hdf5ReadErrorsNameTheFileAndObject() throws {
    let directory = try HDF5TempDirectory()
    let path = directory.file("fixture.h5")
    try PythonPeer.run(fixtureScript, [path])
    let file = try HDF5File(readingAt: path)

    #expect(throws: EngineError.unknownName("g/sub/w:1", context: "object in \(path)", suggestion: "g/sub/w:0")) {
        try file.readTensor("g/sub/w:1")
    }
    #expect(throws: EngineError.unsupported("\(path): 'names' holds string, not numbers")) {
        try file.readTensor("names")
    }
    #expect(throws: EngineError.io(path: directory.file("none.h5"), message: "no such file")) {
        try HDF5File(readingAt: directory.file("none.h5"))
    }
    let text = directory.file("text.h5")
    try "not hdf5".write(toFile: text, atomically: false, encoding: .utf8)
    #expect(throws: EngineError.malformed(path: text, message: "not an HDF5 file (no HDF5 signature)")) {
        try HDF5File(readingAt: text)
    }
    // Opening a group as a dataset reports HDF5's own reason, with automatic printing off.
    do {
        _ = try file.readTensor("g")
        Issue.record("reading a group as a tensor must fail")
    } catch let EngineError.io(errorPath, message) {
        #expect(errorPath == path)
        #expect(message.hasPrefix("'/g' is not a dataset: "), "\(message)")
    }
}

@Test func hdf5ReadsKerasCategoriumModel() throws {
    let path = ModelCache.directory + "/categorium/en/tf_model.h5"
    let file = try HDF5File(readingAt: path)
    #expect(try file.attribute("layer_names")?.stringsValue == ["bert", "dropout_7", "classifier"])
    #expect(try file.attribute("backend") == .string("tensorflow"))
    #expect(try file.attribute("weight_names", of: "dropout_7") == .numbers([]))

    // Independent values from h5py: the dataset list with shapes, and the float64 sum of one kernel.
    let expected = try PythonPeer.run("""
    import sys, h5py, numpy as np
    f = h5py.File(sys.argv[1], "r")
    rows = []
    f.visititems(lambda n, o: rows.append(n + " " + "x".join(map(str, o.shape))) if isinstance(o, h5py.Dataset) else None)
    print(len(f["bert"].attrs["weight_names"]))
    print(repr(float(np.asarray(f["bert/tf_bert_for_sequence_classification/bert/encoder/layer_._0/attention/self/query/kernel:0"], dtype=np.float64).sum())))
    print("\\n".join(rows))
    """, [path]).split(separator: "\n").map(String.init)
    let datasets = try file.datasets()
    #expect(datasets.map { "\($0.path) \($0.shape.map(String.init).joined(separator: "x"))" } == Array(expected.dropFirst(2)))
    #expect(try file.attribute("weight_names", of: "bert")?.stringsValue?.count == Int(expected[0]))
    #expect(datasets.allSatisfy { $0.elementType == .float(bytes: 4) })

    let kernel = try file.readTensor("bert/tf_bert_for_sequence_classification/bert/encoder/layer_._0/attention/self/query/kernel:0")
    #expect(kernel.shape == [32, 32])
    let sum = kernel.values.reduce(0.0) { $0 + Double($1) }
    let reference = try #require(Double(expected[1]))
    #expect(abs(sum - reference) <= 1e-9 * max(1, abs(reference)))
}
