// Pictures side by side: a grid of equal cells with a white margin, for figures of many optimised inputs.
import Foundation

extension RGBImage {
    /// `images` in rows of `columns`, each centred in a cell as large as the largest, `padding` white pixels between
    /// cells and around them.
    public static func grid(_ images: [RGBImage], columns: Int, padding: Int = 2) throws -> RGBImage {
        guard !images.isEmpty else { throw EngineError.invalidArgument("a grid needs at least one picture") }
        guard columns > 0, padding >= 0 else {
            throw EngineError.invalidArgument("a grid needs columns ≥ 1 and padding ≥ 0, got \(columns) and \(padding)")
        }
        let cellWidth = images.map(\.width).max() ?? 1, cellHeight = images.map(\.height).max() ?? 1
        let across = min(columns, images.count), down = (images.count + columns - 1) / columns
        let width = across * cellWidth + (across + 1) * padding, height = down * cellHeight + (down + 1) * padding
        guard let count = Shape.elementCount([height, width, 3]), count <= ImageFile.maximumPixels * 3 else {
            throw EngineError.invalidArgument("a grid of \(images.count) pictures of \(cellWidth) × \(cellHeight) is too large")
        }
        var pixels = [Float](repeating: 1, count: count)
        for (number, image) in images.enumerated() {
            let left = padding + (number % columns) * (cellWidth + padding) + (cellWidth - image.width) / 2
            let top = padding + (number / columns) * (cellHeight + padding) + (cellHeight - image.height) / 2
            for row in 0..<image.height {
                let target = ((top + row) * width + left) * 3, source = row * image.width * 3
                pixels.replaceSubrange(target..<(target + image.width * 3), with: image.pixels[source..<(source + image.width * 3)])
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }
}
