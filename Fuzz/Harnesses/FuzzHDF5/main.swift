// Fuzzes the HDF5 importer's value mapping, the part that is ours: a file libhdf5 builds in memory from the input's
// recipe is imported (mvs's layouts included: records, tables, models, vectors, clusterings), shown as the REPL
// shows it, plotted as plot() would (SVG and terminal), and every imported model's parameters are read. libhdf5's own
// parsing of damaged files is not fuzzed here.
@testable import Engine
import FuzzDriver
@testable import FuzzRecipes
@testable import Lang

runFuzzer { bytes in
    let writer = try Recipe.file(bytes, names: recipeNames, path: "fuzz.h5")
    defer { try? writer.close() }
    let value = IOBuiltins.value(try HDF5Importer(file: writer.reader()).group(at: ""))
    _ = Display.full(value)
    _ = Display.echo(value)
    try use(value)
}

/// Uses every value inside `value` as a researcher would next: reads each model's parameters (as `rank` or `norm`
/// do) and draws tables, tensors and vectors (as `plot` does), then renders the charts.
func use(_ value: Value) throws {
    var charts: [Chart] = []
    switch value {
    case let .model(model): for parameter in model.parameters { _ = try parameter.load() }
    case let .list(items): for item in items { try use(item) }
    case let .record(record): for field in record.fields { try use(field.value) }
    case let .table(table): charts.append(try Chart.from(table))
    case let .tensor(tensor): charts.append(try Chart.from(tensor))
    case let .vectors(vectors): charts += [try Chart.scatter(vectors: vectors, clustering: nil, title: nil), Chart.heatmap(vectors: vectors, title: nil)]
    default: break
    }
    for chart in charts {
        _ = SVGRenderer.render(chart)
        _ = TextRenderer.render(chart, width: 80, height: 24, colour: false)
    }
}
