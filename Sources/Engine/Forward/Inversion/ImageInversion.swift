// Pixels from noise through a vision model: reconstructing a picture from one layer's output, and feature visualisation.
import Foundation

/// Settings of the pixel optimisations (reconstruction and visualisation).
public struct ImageOptimizationOptions: Sendable {
    /// Adam steps.
    public var steps = 200
    /// Adam's learning rate, in ImageNet-normalised units (1 ≈ 0.22 of the pixel range).
    public var learningRate: Float = 0.05
    /// Seed of the starting noise and of the jitter.
    public var seed: UInt64 = 0
    /// Shift the input by a random 0…`jitter` pixels each way before every forward pass (wrapping around); 0 = off.
    public var jitter = 0
    /// Blur the input with a Gaussian of this standard deviation (pixels) after every step; 0 = off.
    public var blur: Float = 0

    public init() {}
}

/// What feature visualisation maximises, at one layer's FF pre-activations.
public enum ImageVisualizationTarget: Sendable, Equatable {
    /// One FF neuron's pre-activation summed over every patch token (the cls token excluded).
    case neuron(Int)
    /// All FF neurons of one patch token (0-based, row by row): the sum of their squared pre-activations.
    case patch(Int)
}

/// One layer's reconstruction of a picture.
public struct ImageReconstructionResult: Sendable {
    /// Hidden state matched (0 = the stem's output).
    public let layer: Int
    /// The recovered picture, clamped to [0, 1].
    public let picture: RGBImage
    /// Mean squared error against the original picture (both in [0, 1]) and the PSNR, 10·log₁₀(1 / MSE) dB.
    public let mse: Double
    public let psnr: Double
    /// The loss (mean squared difference of the hidden states) at the last step.
    public let loss: Double
}

/// A visualisation's optimised picture and how far each patch moved from the starting noise.
public struct ImageVisualizationResult: Sendable {
    /// The optimised picture (clamped to [0, 1]) and the starting noise.
    public let picture: RGBImage
    public let start: RGBImage
    /// The objective on the starting noise and on the result (without jitter).
    public let startObjective: Double
    public let finalObjective: Double
    /// Per patch (row by row): the root mean square change of its pixels from the starting noise, in [0, 1] units.
    public let patchChange: [Double]
    /// Per patch: the root mean square of the objective's gradient with respect to its (normalised) pixels at the
    /// starting noise. Adam scales each pixel's step by its own gradient history, so the change can be alike where
    /// the gradients differ by orders of magnitude; this shows how strongly each patch drives the objective.
    public let patchGradient: [Double]
    /// The patch grid.
    public let rows: Int
    public let columns: Int
}

/// Gradient descent and ascent on the pixels of a vision model's input.
public enum ImageInversion {
    /// Recovers `picture` (sides multiples of the patch size) from hidden state `layer`, by Adam on the normalised
    /// pixels from seeded noise, minimising the mean squared difference of the states; `report(k)` after step k.
    public static func reconstruct(_ model: VisionModel, picture: RGBImage, layer: Int, options: ImageOptimizationOptions,
                                   report: (Int) -> Void = { _ in }) throws -> ImageReconstructionResult {
        try check(options)
        guard layer >= 0, layer <= model.layerCount else {
            throw EngineError.invalidArgument("layer \(layer) is outside 0…\(model.layerCount) (0 = the stem's output)")
        }
        let geometry = try model.geometry(height: picture.height, width: picture.width)
        let target = try model.run(ImageNetNormalization.normalize(picture), geometry, through: layer).states[layer]
        var loss = 0.0
        let input = try optimise(model, geometry, options: options, label: "reconstruct-image", through: layer, report: report) { pass in
            let (value, gradient) = Reconstruction.lossAndGradient(pass.states[layer], target: target, kind: .l2)
            loss = value
            return (-value, model.backward(pass, geometry, state: layer, gradient: gradient.map { -$0 }))
        }
        let recovered = try clampedPicture(input, height: picture.height, width: picture.width)
        let mse = zip(recovered.pixels, picture.pixels).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
            / Double(max(picture.pixels.count, 1))
        return ImageReconstructionResult(layer: layer, picture: recovered, mse: mse, psnr: 10 * Foundation.log10(1 / max(mse, 1e-12)),
                                         loss: loss)
    }

    /// Gradient ascent on the pixels of a `size` × `size` input from seeded noise to maximise `target` at layer `layer`'s
    /// FF pre-activations.
    public static func visualize(_ model: VisionModel, layer: Int, target: ImageVisualizationTarget, size: Int,
                                 options: ImageOptimizationOptions, report: (Int) -> Void = { _ in }) throws -> ImageVisualizationResult {
        try check(options)
        guard layer >= 0, layer < model.layerCount else {
            throw EngineError.invalidArgument("layer \(layer) is outside 0..<\(model.layerCount)")
        }
        let geometry = try model.geometry(height: size, width: size)
        let ff = model.feedForward, patches = geometry.rows * geometry.columns
        switch target {
        case let .neuron(neuron) where neuron < 0 || neuron >= ff:
            throw EngineError.invalidArgument("neuron \(neuron) is outside 0..<\(ff) (the FF width)")
        case let .patch(patch) where patch < 0 || patch >= patches:
            throw EngineError.invalidArgument("patch \(patch) is outside 0..<\(patches) (a \(geometry.rows) × \(geometry.columns) grid)")
        default: break
        }
        /// The objective and its gradient with respect to the pre-activations (tokens × ff; token 0 is cls).
        func objective(_ u: [Float]) -> (Double, [Float]) {
            var gradient = [Float](repeating: 0, count: u.count), total = 0.0
            switch target {
            case let .neuron(neuron):
                for token in 1...patches {
                    total += Double(u[token * ff + neuron])
                    gradient[token * ff + neuron] = 1
                }
            case let .patch(patch):
                for index in ((1 + patch) * ff)..<((2 + patch) * ff) {
                    total += Double(u[index]) * Double(u[index])
                    gradient[index] = 2 * u[index]
                }
            }
            return (total, gradient)
        }
        let start = startingNoise(model, geometry, seed: options.seed)
        let startPass = try model.run(start, geometry, through: layer + 1)
        let (startObjective, startSelector) = objective(model.preActivation(startPass, layer: layer))
        let startGradient = model.backward(startPass, geometry, layer: layer, preActivation: startSelector)
        let input = try optimise(model, geometry, options: options, label: "visualize-image", through: layer + 1, report: report) { pass in
            let (value, gradient) = objective(model.preActivation(pass, layer: layer))
            return (value, model.backward(pass, geometry, layer: layer, preActivation: gradient))
        }
        let finalObjective = objective(model.preActivation(try model.run(input, geometry, through: layer + 1), layer: layer)).0
        let picture = try clampedPicture(input, height: size, width: size)
        let noise = try clampedPicture(start, height: size, width: size)
        let p = model.patchSize, plane = size * size
        /// The root mean square over one patch's 3 · p · p samples of `value(channel, y, x)`.
        func perPatch(_ value: (Int, Int, Int) -> Double) -> [Double] {
            (0..<patches).map { patch in
                let row = patch / geometry.columns, column = patch % geometry.columns
                var total = 0.0
                for y in (row * p)..<((row + 1) * p) {
                    for x in (column * p)..<((column + 1) * p) {
                        for channel in 0..<3 { total += value(channel, y, x) * value(channel, y, x) }
                    }
                }
                return (total / Double(3 * p * p)).squareRoot()
            }
        }
        let change = perPatch { channel, y, x in
            Double(picture.pixels[(y * size + x) * 3 + channel] - noise.pixels[(y * size + x) * 3 + channel])
        }
        let gradient = perPatch { channel, y, x in Double(startGradient[channel * plane + y * size + x]) }
        return ImageVisualizationResult(picture: picture, start: noise, startObjective: startObjective, finalObjective: finalObjective,
                                        patchChange: change, patchGradient: gradient, rows: geometry.rows, columns: geometry.columns)
    }

    private static func check(_ options: ImageOptimizationOptions) throws {
        guard options.steps > 0 else { throw EngineError.invalidArgument("steps must be positive, got \(options.steps)") }
        guard options.learningRate > 0, options.learningRate.isFinite else {
            throw EngineError.invalidArgument("the learning rate must be positive, got \(options.learningRate)")
        }
        guard options.jitter >= 0, options.blur >= 0, options.blur.isFinite else {
            throw EngineError.invalidArgument("jitter and blur must be ≥ 0, got \(options.jitter) and \(options.blur)")
        }
    }

    /// Adam ascent from seeded noise on `score` (its value and gradient with respect to the normalised input of a pass
    /// run through `through`), with the jitter and blur of `options`; pixels stay in [0, 1]. Returns the optimised input.
    private static func optimise(_ model: VisionModel, _ geometry: VisionModel.Geometry, options: ImageOptimizationOptions,
                                 label: String, through: Int, report: (Int) -> Void,
                                 score: (VisionPass) -> (Double, [Float])) throws -> [Float] {
        let height = geometry.rows * model.patchSize, width = geometry.columns * model.patchSize
        var input = startingNoise(model, geometry, seed: options.seed)
        var adam = Adam(count: input.count, learningRate: options.learningRate)
        var random = SeededRandom(seed: options.seed, label: label)
        let kernel = options.blur > 0 ? gaussianKernel(sigma: options.blur) : []
        for step in 1...options.steps {
            try Interruption.check()
            let shift = options.jitter > 0
                ? (Int(random.next() % UInt64(2 * options.jitter + 1)) - options.jitter, Int(random.next() % UInt64(2 * options.jitter + 1)) - options.jitter)
                : (0, 0)
            let pass = try model.run(roll(input, height: height, width: width, by: shift), geometry, through: through)
            let gradient = roll(score(pass).1, height: height, width: width, by: (-shift.0, -shift.1))
            adam.step(&input, gradient: gradient.map { -$0 })
            if !kernel.isEmpty { input = blurred(input, height: height, width: width, kernel: kernel) }
            clamp(&input, plane: height * width)
            report(step)
        }
        return input
    }

    /// Seeded noise around mid-grey (pixels 0.5 + 0.1·N(0, 1), clamped to [0, 1]), normalised.
    static func startingNoise(_ model: VisionModel, _ geometry: VisionModel.Geometry, seed: UInt64) -> [Float] {
        let height = geometry.rows * model.patchSize, width = geometry.columns * model.patchSize
        var random = SeededRandom(seed: seed, label: "image-noise")
        let pixels = (0..<(height * width * 3)).map { _ in Float(min(max(0.5 + 0.1 * random.gaussian(), 0), 1)) }
        // The size is whole patches and the pixel count matches, so this cannot fail.
        return (try? RGBImage(width: width, height: height, pixels: pixels)).map(ImageNetNormalization.normalize) ?? []
    }

    /// Keeps every normalised sample inside the range of pixels 0…1.
    static func clamp(_ input: inout [Float], plane: Int) {
        for channel in 0..<3 {
            let low = -ImageNetNormalization.mean[channel] / ImageNetNormalization.deviation[channel]
            let high = (1 - ImageNetNormalization.mean[channel]) / ImageNetNormalization.deviation[channel]
            for index in (channel * plane)..<((channel + 1) * plane) { input[index] = min(max(input[index], low), high) }
        }
    }

    /// The picture of a normalised input, clamped to [0, 1].
    static func clampedPicture(_ input: [Float], height: Int, width: Int) throws -> RGBImage {
        var picture = try ImageNetNormalization.picture(input, width: width, height: height)
        picture.pixels = picture.pixels.map { min(max($0, 0), 1) }
        return picture
    }

    /// A 3 × height × width input shifted by (down, right) pixels, wrapping around: out[y, x] = in[y − down, x − right].
    static func roll(_ input: [Float], height: Int, width: Int, by shift: (down: Int, right: Int)) -> [Float] {
        if shift == (0, 0) { return input }
        var out = input
        let plane = height * width
        for channel in 0..<3 {
            for y in 0..<height {
                let source = ((y - shift.down) % height + height) % height
                for x in 0..<width {
                    out[channel * plane + y * width + x] = input[channel * plane + source * width + ((x - shift.right) % width + width) % width]
                }
            }
        }
        return out
    }

    /// A normalised Gaussian kernel of standard deviation `sigma` over ±⌈2σ⌉ taps.
    static func gaussianKernel(sigma: Float) -> [Float] {
        let radius = max(1, Int((2 * sigma).rounded(.up)))
        let weights = (-radius...radius).map { Foundation.exp(-Float($0 * $0) / (2 * sigma * sigma)) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    /// Each channel of a 3 × height × width input convolved with `kernel` along rows and columns (edges clamped).
    static func blurred(_ input: [Float], height: Int, width: Int, kernel: [Float]) -> [Float] {
        let radius = kernel.count / 2, plane = height * width
        var across = input, out = input
        for channel in 0..<3 {
            let base = channel * plane
            for y in 0..<height {
                for x in 0..<width {
                    var total: Float = 0
                    for (offset, weight) in kernel.enumerated() {
                        total += weight * input[base + y * width + min(max(x + offset - radius, 0), width - 1)]
                    }
                    across[base + y * width + x] = total
                }
            }
            for y in 0..<height {
                for x in 0..<width {
                    var total: Float = 0
                    for (offset, weight) in kernel.enumerated() {
                        total += weight * across[base + min(max(y + offset - radius, 0), height - 1) * width + x]
                    }
                    out[base + y * width + x] = total
                }
            }
        }
        return out
    }
}
