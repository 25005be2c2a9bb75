// A grid of numbers as a picture: each cell a block of one viridis colour, for per-patch maps over an image.
import Foundation

extension RGBImage {
    /// `values` (rows × columns, row by row) as a picture of `cell` × `cell` pixel blocks coloured by viridis from the
    /// smallest value (dark violet) to `maximum` (yellow; the largest value when nil): the map shows the contrast
    /// between cells, not their distance from zero.
    public static func heatMap(_ values: [Double], rows: Int, columns: Int, cell: Int, maximum: Double? = nil) throws -> RGBImage {
        guard rows > 0, columns > 0, cell > 0, values.count == rows * columns else {
            throw EngineError.invalidArgument("a \(rows) × \(columns) heat map needs \(rows * columns) values, got \(values.count)")
        }
        let low = values.min() ?? 0, high = maximum ?? values.max() ?? 1
        let span = high > low ? high - low : 1
        let width = columns * cell, height = rows * cell
        var pixels = [Float](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let colour = ColourScale.sequential(min(max((values[(y / cell) * columns + x / cell] - low) / span, 0), 1))
                let index = (y * width + x) * 3
                pixels[index] = Float(colour.red) / 255
                pixels[index + 1] = Float(colour.green) / 255
                pixels[index + 2] = Float(colour.blue) / 255
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }
}
