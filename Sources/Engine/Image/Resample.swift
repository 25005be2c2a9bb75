// Bicubic resampling of channels-last grids: Pillow's (pictures) and PyTorch's / ONNX Resize's (position embeddings).
import Foundation

/// Separable bicubic resampling of a height × width × channels float32 grid.
public enum Resample {
    /// Which bicubic: the two differ in the kernel's a, in antialiasing and at the edges.
    public enum Filter: Sendable {
        /// Pillow's `Image.resize(…, BICUBIC)`, as Hugging Face's DINOv2 image processor uses it: a = −0.5; when
        /// shrinking, the kernel is stretched by the factor (antialiased); taps outside the picture are dropped and
        /// the rest renormalised.
        case pillow
        /// PyTorch's `interpolate(mode="bicubic", align_corners=False)` and ONNX `Resize` (cubic, half_pixel,
        /// cubic_coeff_a = −0.75): four taps at the half-pixel source position, indices clamped to the edge, no
        /// antialiasing. DINOv2 interpolates its 37 × 37 position embeddings this way.
        case torch
    }

    /// The cubic convolution kernel (Keys 1981) with parameter `a`.
    static func cubic(_ distance: Double, a: Double) -> Double {
        let x = abs(distance)
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0
    }

    /// For each output index along one axis, the input indices and weights that make it.
    static func taps(from input: Int, to output: Int, filter: Filter) -> [[(index: Int, weight: Float)]] {
        let scale = Double(input) / Double(output)
        switch filter {
        case .pillow:
            let stretch = max(scale, 1), support = 2 * stretch
            return (0..<output).map { position in
                let centre = (Double(position) + 0.5) * scale
                let low = max(Int(centre - support + 0.5), 0), high = min(Int(centre + support + 0.5), input)
                var taps = (low..<max(high, low)).map { index in
                    (index: index, weight: cubic((Double(index) - centre + 0.5) / stretch, a: -0.5))
                }
                let total = taps.reduce(0) { $0 + $1.weight }
                if total != 0 { taps = taps.map { ($0.index, $0.weight / total) } }
                return taps.map { ($0.index, Float($0.weight)) }
            }
        case .torch:
            return (0..<output).map { position in
                let source = (Double(position) + 0.5) * scale - 0.5
                let floor = source.rounded(.down), t = source - floor
                let weights = [cubic(t + 1, a: -0.75), cubic(t, a: -0.75), cubic(1 - t, a: -0.75), cubic(2 - t, a: -0.75)]
                return weights.enumerated().map { offset, weight in
                    (index: min(max(Int(floor) - 1 + offset, 0), input - 1), weight: Float(weight))
                }
            }
        }
    }

    /// Resamples `values` (height × width × channels) to toHeight × toWidth × channels: rows first, then columns,
    /// as Pillow does, without rounding in between.
    public static func resize(_ values: [Float], height: Int, width: Int, channels: Int,
                              toHeight: Int, toWidth: Int, filter: Filter) throws -> [Float] {
        guard height > 0, width > 0, channels > 0, toHeight > 0, toWidth > 0,
              Shape.elementCount([height, width, channels]) == values.count,
              let outputCount = Shape.elementCount([toHeight, toWidth, channels]) else {
            throw EngineError.invalidArgument("cannot resize \(height) × \(width) × \(channels) (\(values.count) values) to \(toHeight) × \(toWidth)")
        }
        let columns = taps(from: width, to: toWidth, filter: filter)
        var across = [Float](repeating: 0, count: height * toWidth * channels)
        for row in 0..<height {
            for (column, weights) in columns.enumerated() {
                let target = (row * toWidth + column) * channels
                for (index, weight) in weights {
                    let source = (row * width + index) * channels
                    for channel in 0..<channels { across[target + channel] += weight * values[source + channel] }
                }
            }
        }
        let rows = taps(from: height, to: toHeight, filter: filter)
        var out = [Float](repeating: 0, count: outputCount)
        for (row, weights) in rows.enumerated() {
            for (index, weight) in weights {
                let source = index * toWidth * channels, target = row * toWidth * channels
                for offset in 0..<(toWidth * channels) { out[target + offset] += weight * across[source + offset] }
            }
        }
        return out
    }
}

extension RGBImage {
    /// The picture resampled to `width` × `height` with Pillow's bicubic.
    public func resized(width: Int, height: Int) throws -> RGBImage {
        try RGBImage(width: width, height: height,
                     pixels: Resample.resize(pixels, height: self.height, width: self.width, channels: 3,
                                             toHeight: height, toWidth: width, filter: .pillow))
    }

    /// The `width` × `height` window whose top-left corner is at (`left`, `top`).
    public func cropped(left: Int, top: Int, width: Int, height: Int) throws -> RGBImage {
        guard left >= 0, top >= 0, width > 0, height > 0, left + width <= self.width, top + height <= self.height else {
            throw EngineError.invalidArgument("the window \(width) × \(height) at (\(left), \(top)) is not inside the \(self.width) × \(self.height) picture")
        }
        var out: [Float] = []
        out.reserveCapacity(width * height * 3)
        for row in top..<(top + height) {
            out += pixels[((row * self.width + left) * 3)..<((row * self.width + left + width) * 3)]
        }
        return try RGBImage(width: width, height: height, pixels: out)
    }

    /// The picture scaled so its shorter side is `size` (Pillow's bicubic), then cut to the central `size` × `size`
    /// square: how the vision verbs bring a photograph to the model's input.
    public func fitted(to size: Int) throws -> RGBImage {
        guard size > 0 else { throw EngineError.invalidArgument("the picture size must be positive, got \(size)") }
        if width == size, height == size { return self }
        let shorter = min(width, height)
        let scaledWidth = max(size, Int((Double(width) * Double(size) / Double(shorter)).rounded()))
        let scaledHeight = max(size, Int((Double(height) * Double(size) / Double(shorter)).rounded()))
        let scaled = try resized(width: scaledWidth, height: scaledHeight)
        return try scaled.cropped(left: (scaledWidth - size) / 2, top: (scaledHeight - size) / 2, width: size, height: size)
    }
}
