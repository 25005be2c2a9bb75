// A colour picture as float32 RGB in [0, 1] (height × width × 3, row-major) and its conversions to tensors and bytes.
import Foundation

/// A colour picture: `height × width × 3` float32 samples, nominally in [0, 1], row by row, R G B per pixel.
public struct RGBImage: Sendable, Equatable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Samples, height × width × 3.
    public var pixels: [Float]

    /// A picture of the given size; `pixels` must hold height × width × 3 samples.
    public init(width: Int, height: Int, pixels: [Float]) throws {
        guard width > 0, height > 0, let count = Shape.elementCount([height, width, 3]), pixels.count == count else {
            throw EngineError.invalidArgument("a \(width) × \(height) RGB picture needs \(width) × \(height) × 3 samples, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A picture from 8-bit samples (0…255 → 0…1).
    init(width: Int, height: Int, bytes: UnsafeBufferPointer<UInt8>) throws {
        try self.init(width: width, height: height, pixels: bytes.map { Float($0) / 255 })
    }

    /// A picture from a tensor: height × width × 3 (RGB) or height × width (grey, copied to all three channels).
    /// `name` is used in messages.
    public init(tensor: Tensor, name: String = "the image") throws {
        let shape = tensor.shape
        if shape.count == 3, shape[2] == 3 {
            try self.init(width: shape[1], height: shape[0], pixels: tensor.values)
        } else if shape.count == 2 {
            let grey = tensor.values
            try self.init(width: shape[1], height: shape[0], pixels: grey.flatMap { [$0, $0, $0] })
        } else {
            throw EngineError.invalidArgument("\(name) is \(Shape.describe(shape)); a picture is height × width × 3 (RGB) or height × width (grey)")
        }
    }

    /// The picture as a height × width × 3 tensor.
    public var tensor: Tensor {
        get throws { try Tensor(shape: [height, width, 3], values: pixels) }
    }

    /// 8-bit samples: each clamped to [0, 1], scaled by 255 and rounded (NaN becomes 0).
    var bytes: [UInt8] {
        pixels.map { value in
            guard !value.isNaN else { return 0 }
            return UInt8((min(max(value, 0), 1) * 255).rounded())
        }
    }

    /// The picture with its samples stretched so the smallest becomes 0 and the largest 1 (a constant picture
    /// becomes mid-grey): how optimised inputs and gradients are shown.
    public var stretched: RGBImage {
        let finite = pixels.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), high > low else {
            var copy = self
            copy.pixels = [Float](repeating: 0.5, count: pixels.count)
            return copy
        }
        var copy = self
        copy.pixels = pixels.map { $0.isFinite ? ($0 - low) / (high - low) : 0 }
        return copy
    }
}
