// Atomic export: existing files are refused or replaced whole, failures leave nothing behind, appends are safe.
import Foundation
import Testing
@testable import Engine

private func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

private struct Broken: Error {}

@Test func hdf5ExportRefusesAnExistingFileUnlessOverwrite() throws {
    let directory = try HDF5TempDirectory()
    let path = directory.file("out.h5")
    try Export.hdf5([("a", .number(1))], to: path)
    let before = try bytes(path)
    #expect(throws: EngineError.exists(path: path, name: nil, appendable: true)) {
        try Export.hdf5([("b", .number(2))], to: path)
    }
    #expect(try bytes(path) == before)
    try Export.hdf5([("b", .number(2))], to: path, options: Export.Options(overwrite: true))
    guard case let .record(fields) = try Import.hdf5(path) else { return }
    #expect(fields.map(\.key) == ["b"])
    #expect(try directory.listing() == ["out.h5"])
}

@Test func hdf5ExportFailureLeavesTheOldFileAndNoTemporary() throws {
    let directory = try HDF5TempDirectory()
    let path = directory.file("model.h5")
    try Export.hdf5([("a", .number(1))], to: path)
    let before = try bytes(path)
    let good = try hdf5TinyBERT()
    // A model whose last parameter fails to load, after others were written.
    let failing = Parameter(name: "z.broken", shape: [2], dtype: .f32) { throw Broken() }
    let model = Model(name: "bad", source: "bad", config: good.config, parameters: good.parameters + [failing])
    #expect(throws: Broken.self) {
        try Export.hdf5([("m", .model(model))], to: path, options: Export.Options(overwrite: true))
    }
    #expect(try bytes(path) == before)
    #expect(try directory.listing() == ["model.h5"])
    // the same for safetensors
    #expect(throws: Broken.self) { try SafetensorsWriter.write(model, to: directory.file("m.safetensors")) }
    #expect(try directory.listing() == ["model.h5"])
}

@Test func hdf5ExportReportsUnwritableTargets() throws {
    let directory = try HDF5TempDirectory()
    let missing = directory.file("no/such/dir/out.h5")
    #expect(throws: EngineError.io(path: missing, message: "cannot write: directory '\(directory.file("no/such/dir"))' does not exist")) {
        try Export.hdf5([("a", .number(1))], to: missing)
    }
    try "x".write(toFile: directory.file("plain"), atomically: false, encoding: .utf8)
    let underFile = directory.file("plain/out.h5")
    #expect(throws: EngineError.io(path: underFile, message: "cannot write: '\(directory.file("plain"))' is not a directory")) {
        try Export.hdf5([("a", .number(1))], to: underFile)
    }
    #expect(throws: EngineError.io(path: directory.path, message: "is a directory")) {
        try Export.hdf5([("a", .number(1))], to: directory.path, options: Export.Options(overwrite: true))
    }
    #expect(throws: EngineError.invalidArgument("cannot export value 'a/b': HDF5 names must be non-empty, not '.' or '..', and without '/'")) {
        try Export.hdf5([("a/b", .number(1))], to: directory.file("x.h5"))
    }
    #expect(try directory.listing() == ["plain"])
}

@Test func hdf5ExportAppendsToExistingFiles() throws {
    let directory = try HDF5TempDirectory()
    let path = directory.file("grow.h5")
    try PythonPeer.run("""
    import sys, h5py, numpy as np
    with h5py.File(sys.argv[1], "w") as f:
        f["theirs"] = np.arange(4.0)
        f.attrs["owner"] = "h5py"
    """, [path])
    try Export.hdf5([("a", .number(1))], to: path, options: Export.Options(append: true, provenance: "first"))
    try Export.hdf5([("b", .string("two"))], to: path, options: Export.Options(append: true, provenance: "second"))
    #expect(throws: EngineError.exists(path: path, name: "a", appendable: true)) {
        try Export.hdf5([("a", .number(9))], to: path, options: Export.Options(append: true))
    }
    try Export.hdf5([("a", .number(3))], to: path, options: Export.Options(overwrite: true, append: true, provenance: "third"))
    try PythonPeer.run("""
    import sys, h5py, numpy as np
    f = h5py.File(sys.argv[1], "r")
    assert list(f["theirs"][()]) == [0, 1, 2, 3] and f.attrs["owner"] == "h5py"
    assert f["a"][()] == 3 and f["b"].asstr()[()] == "two"
    assert list(f.attrs["mvs_provenance"]) == ["first", "second", "third"], list(f.attrs["mvs_provenance"])
    assert "mvs_modified" in f.attrs and "mvs_created" in f.attrs
    """, [path])
    // appending to a file that does not exist yet creates it
    try Export.hdf5([("n", .number(1))], to: directory.file("new.h5"), options: Export.Options(append: true))
    #expect(try directory.listing() == ["grow.h5", "new.h5"])
    try expectH5dumpClean(path)
}

@Test func hdf5ExportRemovesTemporariesOfDeadProcessesOnly() throws {
    let directory = try HDF5TempDirectory()
    // A pid that no process has: probe downward from the top of the pid space.
    var dead: Int32 = 4_194_000
    while kill(dead, 0) == 0 || errno != ESRCH { dead -= 1 }
    let abandoned = directory.file(Export.temporaryName(for: "out.h5", pid: dead))
    let live = directory.file(Export.temporaryName(for: "out.h5", pid: 1))  // pid 1 always exists
    try "half".write(toFile: abandoned, atomically: false, encoding: .utf8)
    try "busy".write(toFile: live, atomically: false, encoding: .utf8)
    try Export.hdf5([("a", .number(1))], to: directory.file("out.h5"))
    #expect(try directory.listing() == [".out.h5.tmp-1", "out.h5"])
}

@Test func safetensorsSaveRefusesExistingFilesUnlessOverwrite() throws {
    let directory = try HDF5TempDirectory()
    let path = directory.file("d.safetensors")
    let model = try hdf5TinyBERT()
    try SafetensorsWriter.write(model, to: path)
    let before = try bytes(path)
    #expect(throws: EngineError.exists(path: path, name: nil, appendable: false)) {
        try SafetensorsWriter.write(model, to: path)
    }
    #expect(try bytes(path) == before)
    try SafetensorsWriter.write(model, to: path, names: .canonical, overwrite: true)
    #expect(try bytes(path) != before)
    // header: 8-byte length, then JSON padded to a multiple of 8
    let data = try bytes(path)
    let length = data.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
    #expect(length % 8 == 0)
    let header = try JSONValue.parse(data.subdata(in: 8..<(8 + length)), path: path)
    #expect(header["layer.0.q"]?["shape"] == .array([.number(4), .number(4)]))
    #expect(header["__metadata__"]?["mvs_names"] == .string("canonical"))
}

@Test func integerTensorsWithNonFiniteValuesAreAnErrorNotATrap() throws {
    let directory = try HDF5TempDirectory()
    let bad = try Tensor(shape: [2], values: [1, .infinity], storedType: .i64)
    #expect(throws: EngineError.invalidArgument("cannot write 'ids' as integers (i64): it holds inf")) {
        try Export.hdf5([("ids", .tensor(bad))], to: directory.file("bad.h5"))
    }
    let model = Model(name: "m", source: "m", config: nil, parameters: [Parameter(name: "ids", shape: [2], dtype: .i64) { bad }])
    #expect(throws: EngineError.self) { try SafetensorsWriter.write(model, to: directory.file("bad.safetensors")) }
    #expect(try directory.listing() == [])
}

/// Records the durability steps of an atomic export (and the write itself), forwarding each to the system.
private final class StepRecorder {
    var calls: [String] = []
    let directory: String

    init(directory: String) { self.directory = directory }

    private func name(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }

    /// The system's steps, each first noting what it is about to do and what the disk holds at that moment.
    var steps: Export.DurableSteps {
        let system = Export.DurableSteps.system
        return Export.DurableSteps(
            synchronizeFile: { path, display in
                self.calls.append("fsync \(self.name(path)) holding \((try? Data(contentsOf: URL(fileURLWithPath: path)).count) ?? -1) bytes")
                try system.synchronizeFile(path, display)
            },
            rename: { from, to in
                self.calls.append("rename \(self.name(from)) → \(self.name(to))")
                return system.rename(from, to)
            },
            synchronizeDirectory: { directory in
                let listing = (try? FileManager.default.contentsOfDirectory(atPath: directory).sorted()) ?? []
                self.calls.append("fsync directory \(directory == self.directory ? "of the target" : directory) listing \(listing)")
                system.synchronizeDirectory(directory)
            })
    }
}

@Test func atomicWriteFlushesTheTemporaryThenRenamesThenFlushesTheDirectory() throws {
    // A crash after a rename of an unflushed file can leave an empty target; a rename not flushed in its
    // directory can vanish. So: write, fsync(temporary), rename, fsync(directory) — in that order.
    let directory = try HDF5TempDirectory()
    let recorder = StepRecorder(directory: directory.path)
    let temporary = Export.temporaryName(for: "out.bin", pid: getpid())
    try Export.atomically(directory.file("out.bin"), policy: .create(overwrite: false), steps: recorder.steps) { path, seeded in
        recorder.calls.append("write \(URL(fileURLWithPath: path).lastPathComponent) seeded \(seeded)")
        try Data([1, 2, 3, 4, 5]).write(to: URL(fileURLWithPath: path))
    }
    #expect(recorder.calls == ["write \(temporary) seeded false",
                               "fsync \(temporary) holding 5 bytes",
                               "rename \(temporary) → out.bin",
                               "fsync directory of the target listing [\"out.bin\"]"])
    #expect(try bytes(directory.file("out.bin")) == Data([1, 2, 3, 4, 5]))
}

@Test func atomicWriteWhoseRenameFailsRemovesTheTemporaryAndFlushesNoDirectory() throws {
    let directory = try HDF5TempDirectory()
    let recorder = StepRecorder(directory: directory.path)
    var steps = recorder.steps
    steps.rename = { _, _ in recorder.calls.append("rename refused"); errno = EXDEV; return -1 }
    let target = directory.file("out.bin")
    #expect(throws: EngineError.io(path: target, message: "cannot rename the finished file into place: \(String(cString: strerror(EXDEV)))")) {
        try Export.atomically(target, policy: .create(overwrite: false), steps: steps) { path, _ in
            try Data([7]).write(to: URL(fileURLWithPath: path))
        }
    }
    #expect(recorder.calls == ["fsync \(Export.temporaryName(for: "out.bin", pid: getpid())) holding 1 bytes", "rename refused"])
    #expect(try directory.listing().isEmpty)
}
