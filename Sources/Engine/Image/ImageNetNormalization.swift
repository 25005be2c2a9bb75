// The ImageNet mean and standard deviation that DINOv2 (and most vision models) normalise their inputs with.
import Foundation

/// ImageNet normalisation between pictures (height × width × 3 in [0, 1]) and model inputs (3 × height × width).
public enum ImageNetNormalization {
    /// Per-channel mean of ImageNet's training pictures (R, G, B).
    public static let mean: [Float] = [0.485, 0.456, 0.406]
    /// Per-channel standard deviation (R, G, B).
    public static let deviation: [Float] = [0.229, 0.224, 0.225]

    /// The model input: channels first, (x − mean) / std.
    public static func normalize(_ image: RGBImage) -> [Float] {
        let plane = image.width * image.height
        var out = [Float](repeating: 0, count: 3 * plane)
        for pixel in 0..<plane {
            for channel in 0..<3 {
                out[channel * plane + pixel] = (image.pixels[pixel * 3 + channel] - mean[channel]) / deviation[channel]
            }
        }
        return out
    }

    /// The picture a model input shows: x · std + mean, back to height × width × 3 (not clamped).
    public static func picture(_ input: [Float], width: Int, height: Int) throws -> RGBImage {
        let plane = width * height
        guard input.count == 3 * plane else {
            throw EngineError.invalidArgument("a 3 × \(height) × \(width) input has \(3 * plane) values, got \(input.count)")
        }
        var pixels = [Float](repeating: 0, count: 3 * plane)
        for pixel in 0..<plane {
            for channel in 0..<3 {
                pixels[pixel * 3 + channel] = input[channel * plane + pixel] * deviation[channel] + mean[channel]
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }
}
