// Fuzzes the HDF5 importer's value mapping, the part that is ours: a file libhdf5 builds in memory from the input's
// recipe is imported (mvs's layouts included: records, tables, models, vectors, clusterings), shown as the REPL
// shows it, and every imported model's parameters are read. libhdf5's own parsing of damaged files is not fuzzed here.
@testable import Engine
import FuzzDriver
@testable import Lang

runFuzzer { bytes in
    var decisions = Decisions(bytes: bytes)
    let writer = try HDF5Writer(creating: "fuzz.h5", displayPath: "fuzz.h5", inMemory: true)
    defer { try? writer.close() }
    Recipe.build(&decisions, into: writer)
    let value = IOBuiltins.value(try HDF5Importer(file: writer.reader()).group(at: ""))
    _ = Display.full(value)
    _ = Display.echo(value)
    try readParameters(value)
}

/// Reads every parameter of every model inside `value`, as `rank` or `norm` would.
func readParameters(_ value: Value) throws {
    switch value {
    case let .model(model): for parameter in model.parameters { _ = try parameter.load() }
    case let .list(items): for item in items { try readParameters(item) }
    case let .record(record): for field in record.fields { try readParameters(field.value) }
    default: break
    }
}
