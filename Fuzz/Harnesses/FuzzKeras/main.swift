// Fuzzes the Keras weights reader (`tf_model.h5`, as `load` reads the tiny Keras BERTs): a file libhdf5 builds in
// memory from the input's recipe, under the names Keras writes (`layer_names`, `weight_names`, `…/layer_._0/…/kernel:0`),
// is read as Keras weights, its family recognised from the names, shown as the REPL shows a model, and every stored
// parameter and canonical matrix read. libhdf5's own parsing of damaged files is not fuzzed here.
@testable import Engine
import FuzzDriver
@testable import FuzzRecipes
@testable import Lang

runFuzzer { bytes in
    let writer = try Recipe.file(bytes, names: recipeNames, path: "tf_model.h5")
    defer { try? writer.close() }
    let model = Model(name: "fuzz", source: "tf_model.h5", format: "keras hdf5", config: nil,
                      parameters: try KerasWeights.parameters(file: writer.reader()))
    _ = Display.full(.model(model))
    for parameter in model.parameters { _ = try parameter.load() }
    for entry in model.architecture.entries { _ = try model.tensor(entry.name) }
}
