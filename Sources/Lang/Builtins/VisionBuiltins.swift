// Vision builtins: pixel reconstruction by depth and feature visualisation through a ViT or a ViT stem + language stack.
import Engine

enum VisionBuiltins {
    /// Parameters every pixel optimisation shares, with the engine's defaults.
    private static let optimisation: [BuiltinParameter] = [
        .optional("stack", "none"), .optional("causal", "false"), .optional("steps", ImageOptimizationOptions().steps),
        .optional("lr", ImageOptimizationOptions().learningRate), .optional("seed", "0"),
        .optional("jitter", ImageOptimizationOptions().jitter), .optional("blur", ImageOptimizationOptions().blur),
    ]

    static let all: [Builtin] = [
        Builtin(name: "reconstruct_image", parameters: [.required("model"), .required("image"), .optional("layer", "0"),
                                                        .optional("layers", "none")] + optimisation, group: "vision",
                summary: "recover a picture from hidden state `layer` of a ViT (or its stem + stack=, causal=) by Adam on pixels from noise: picture, MSE, PSNR; layers=\"all\" gives the by-depth table and pictures",
                example: "reconstruct_image(vit, cat, layers=[0, 4, 8, 12], steps=100)") { arguments in
            try reconstruct(arguments)
        },
        Builtin(name: "visualize_image", parameters: [.required("model"), .required("layer"), .optional("neuron", "none"),
                                                      .optional("patch", "none"), .optional("size", "224")] + optimisation,
                group: "vision",
                summary: "gradient ascent on pixels from noise: FF neuron `neuron` of `layer` summed over all patches, or all neurons of patch `patch`; with jitter=/blur=; the picture and each patch's change from the noise",
                example: "visualize_image(vit, layer=6, neuron=17, size=112, jitter=4, blur=0.5)") { arguments in
            try visualize(arguments)
        },
    ]

    /// The vision model of a call: `model` (a DINOv2 ViT), its stem feeding `stack` when given, causal when asked.
    static func visionModel(_ arguments: Arguments) throws -> VisionModel {
        let stack = arguments.has("stack") ? try arguments.model("stack") : nil
        return try VisionModel(vision: try arguments.model("model"), stack: stack, causal: try arguments.bool("causal", default: false))
    }

    private static func options(_ arguments: Arguments) throws -> ImageOptimizationOptions {
        var options = ImageOptimizationOptions()
        options.steps = try arguments.int("steps", default: options.steps)
        options.learningRate = Float(try arguments.number("lr", default: Double(options.learningRate)))
        options.seed = try ForwardBuiltins.seed(arguments)
        options.jitter = try arguments.int("jitter", default: options.jitter)
        options.blur = Float(try arguments.number("blur", default: Double(options.blur)))
        return options
    }

    private static func reconstruct(_ arguments: Arguments) throws -> Value {
        let model = try visionModel(arguments), options = try options(arguments)
        let picture = try ImageBuiltins.picture(arguments, "image")
        let chosen = try arguments.layers(count: model.layerCount + 1, of: model.description, note: ", 0 = the stem's output")
        let layers = chosen ?? (arguments.has("layers") || arguments.has("layer") ? Array(0...model.layerCount) : [0])
        let results = try Progress.run("reconstruct_image", total: layers.count * options.steps) { advance in
            try layers.enumerated().map { position, layer in
                try ImageInversion.reconstruct(model, picture: picture, layer: layer, options: options) { advance(position * options.steps + $0) }
            }
        }
        if results.count == 1, !arguments.has("layers"), case .number? = arguments.value("layer") ?? .number(0), let result = results.first {
            return .record(Record([
                ("layer", .number(Double(result.layer))), ("image", .tensor(try result.picture.tensor)),
                ("mse", .number(result.mse)), ("psnr", .number(result.psnr)), ("loss", .number(result.loss)),
            ]))
        }
        var table = Table()
        try table.append("layer", .int(results.map(\.layer)))
        try table.append("mse", .double(results.map(\.mse)))
        try table.append("psnr", .double(results.map(\.psnr)))
        try table.append("loss", .double(results.map(\.loss)))
        return .record(Record([
            ("model", .string(model.description)), ("table", .table(table)),
            ("images", .list(try results.map { .tensor(try $0.picture.tensor) })),
        ]))
    }

    private static func visualize(_ arguments: Arguments) throws -> Value {
        let model = try visionModel(arguments), options = try options(arguments)
        guard let layers = try arguments.layers(count: model.layerCount, of: model.description), layers.count == 1 else {
            throw ArgumentError("visualize_image(): 'layer' must be one layer number")
        }
        let target: ImageVisualizationTarget
        switch (arguments.has("neuron"), arguments.has("patch")) {
        case (true, false): target = .neuron(try arguments.int("neuron"))
        case (false, true): target = .patch(try arguments.int("patch"))
        default: throw ArgumentError("visualize_image(): give neuron= (one FF neuron over all patches) or patch= (all neurons of one patch), not both or neither")
        }
        let size = try arguments.int("size", default: 224)
        let result = try Progress.run("visualize_image", total: options.steps) { advance in
            try ImageInversion.visualize(model, layer: layers[0], target: target, size: size, options: options, report: advance)
        }
        var change = Table()
        try change.append("patch", .int(Array(result.patchChange.indices)))
        try change.append("row", .int(result.patchChange.indices.map { $0 / result.columns }))
        try change.append("column", .int(result.patchChange.indices.map { $0 % result.columns }))
        try change.append("change", .double(result.patchChange))
        try change.append("gradient", .double(result.patchGradient))
        let heat = try RGBImage.heatMap(result.patchChange, rows: result.rows, columns: result.columns, cell: model.patchSize)
        return .record(Record([
            ("model", .string(model.description)), ("layer", .number(Double(layers[0]))),
            ("image", .tensor(try result.picture.tensor)), ("start", .tensor(try result.start.tensor)),
            ("start_objective", .number(result.startObjective)), ("objective", .number(result.finalObjective)),
            ("change", .table(change)),
            ("change_map", .tensor(try Tensor(shape: [result.rows, result.columns], values: result.patchChange.map { Float($0) }))),
            ("gradient_map", .tensor(try Tensor(shape: [result.rows, result.columns], values: result.patchGradient.map { Float($0) }))),
            ("heat", .tensor(try heat.tensor)),
        ]))
    }
}
