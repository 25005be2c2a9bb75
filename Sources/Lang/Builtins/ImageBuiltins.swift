// Picture builtins: PNG/JPEG in, resizing, PNG and grids out, HDF5 Images; pictures are height × width × 3 tensors in [0, 1].
import Engine
import Foundation

enum ImageBuiltins {
    static let all: [Builtin] = [
        Builtin(name: "image", parameters: [.required("path"), .optional("size", "none")], group: "images",
                summary: "read a PNG or JPEG file as a height × width × 3 tensor in [0, 1]; size=224 scales the shorter side to 224 (bicubic) and keeps the central square",
                example: "cat = image(\"chelsea.png\", size=224)") { arguments in
            var picture = try ImageFile.read(FilePath.expandingTilde(try arguments.string("path")))
            if arguments.has("size") { picture = try picture.fitted(to: try arguments.int("size")) }
            return .tensor(try picture.tensor)
        },
        Builtin(name: "resize", parameters: [.required("image"), .required("width"), .required("height")], group: "images",
                summary: "a picture resampled to width × height with Pillow's antialiased bicubic",
                example: "resize(cat, 112, 112)") { arguments in
            let resized = try picture(arguments, "image").resized(width: try arguments.int("width"), height: try arguments.int("height"))
            return .tensor(try resized.tensor)
        },
        Builtin(name: "write_image", parameters: [.required("path"), .required("image"), .optional("stretch", "false"),
                                                  .optional("overwrite", "false")], group: "images",
                summary: "write a picture (height × width × 3, or height × width grey) as an 8-bit PNG, values clamped to [0, 1]; stretch=true maps min…max to 0…1 first",
                example: "write_image(\"cat.png\", cat)") { arguments in
            var image = try picture(arguments, "image")
            if try arguments.bool("stretch", default: false) { image = image.stretched }
            try ImageFile.writePNG(image, to: FilePath.expandingTilde(try arguments.string("path")),
                                   overwrite: try arguments.bool("overwrite", default: false))
            return .none
        },
        Builtin(name: "image_grid", parameters: [.required("images"), .optional("columns", "4"), .optional("padding", "2"),
                                                 .optional("stretch", "false")], group: "images",
                summary: "pictures side by side in rows of `columns` on white; stretch=true maps each picture's min…max to 0…1 first",
                example: "write_image(\"grid.png\", image_grid([a, b, c, d], columns=2))") { arguments in
            let stretch = try arguments.bool("stretch", default: false)
            let images = try arguments.list("images").enumerated().map { index, value -> RGBImage in
                guard case let .tensor(tensor) = value else {
                    throw ArgumentError("image_grid(): item \(index) of 'images' is a \(value.typeName), not a picture tensor")
                }
                let image = try RGBImage(tensor: tensor, name: "item \(index) of 'images'")
                return stretch ? image.stretched : image
            }
            let grid = try RGBImage.grid(images, columns: try arguments.int("columns", default: 4),
                                         padding: try arguments.int("padding", default: 2))
            return .tensor(try grid.tensor)
        },
        Builtin(name: "heat_map", parameters: [.required("values"), .optional("cell", "14"), .optional("maximum", "none")],
                group: "images",
                summary: "a rows × columns tensor as a picture of cell × cell blocks coloured by viridis from its smallest value to its largest (or maximum=)",
                example: "write_image(\"change.png\", heat_map(v.change_map))") { arguments in
            let values = try arguments.tensor("values")
            guard values.ndim == 2 else {
                throw ArgumentError("heat_map(): 'values' must be a rows × columns tensor, got \(Shape.describe(values.shape))")
            }
            let maximum = arguments.has("maximum") ? try arguments.number("maximum") : nil
            let picture = try RGBImage.heatMap(values.values.map(Double.init), rows: values.shape[0], columns: values.shape[1],
                                               cell: try arguments.int("cell", default: 14), maximum: maximum)
            return .tensor(try picture.tensor)
        },
        Builtin(name: "export_images", parameters: [.required("path"), .optional("overwrite", "false")], openKeywords: true,
                group: "images",
                summary: "write pictures to an HDF5 file as HDF5 Images (8-bit, CLASS=IMAGE, IMAGE_TRUECOLOR, INTERLACE_PIXEL), each under /name, atomically",
                example: "export_images(\"pictures.h5\", cat=cat, grid=g)") { arguments in
            let path = FilePath.expandingTilde(try arguments.string("path"))
            let values = arguments.extraKeywords
            guard !values.isEmpty else {
                throw ArgumentError("export_images(): nothing to write; name each picture: export_images(\"\(path)\", name=picture)")
            }
            let images = try values.map { name, value -> (name: String, value: ExportValue) in
                guard case let .tensor(tensor) = value else {
                    throw ArgumentError("export_images(): '\(name)' is a \(value.typeName), not a picture tensor")
                }
                return (name, .image(try RGBImage(tensor: tensor, name: "'\(name)'")))
            }
            try Export.hdf5(images, to: path, options: Export.Options(overwrite: try arguments.bool("overwrite", default: false),
                                                                      provenance: arguments.context.sourceText))
            return .none
        },
    ]

    /// The picture in argument `name`: a height × width × 3 or height × width tensor.
    static func picture(_ arguments: Arguments, _ name: String) throws -> RGBImage {
        try RGBImage(tensor: try arguments.tensor(name), name: "'\(name)'")
    }
}
