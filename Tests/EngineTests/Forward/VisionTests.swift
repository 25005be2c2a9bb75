// The vision forward pass's gradients to pixels (ViT blocks, the hybrid, bidirectional and causal) against central
// differences, causality, and pixel reconstruction and visualisation on a tiny DINOv2.
import Foundation
import Testing
@testable import Engine

enum VisionFixtures {
    /// A DINOv2 with Hugging Face's names: patches of 2 × 2 pixels (12 inputs each, fewer than the width 16, so the
    /// stem is injective), a 3 × 3 position grid (a 4 × 6 picture's 2 × 3 grid is resampled from it), LayerScale.
    static func dinov2(layers: Int = 2, width: Int = 16, heads: Int = 2, feedForward: Int = 24, seed: UInt64 = 29) throws -> Model {
        var random = SeededTensors(seed: seed)
        var tensors: [(String, Tensor)] = try [
            ("embeddings.patch_embeddings.projection.weight", try random([width, 3, 2, 2], scale: 0.5)),
            ("embeddings.patch_embeddings.projection.bias", try random([width], scale: 0.1)),
            ("embeddings.cls_token", try random([1, 1, width], scale: 0.5)),
            ("embeddings.position_embeddings", try random([1, 10, width], scale: 0.3)),
        ] + random.layerNorm("layernorm", width: width)
        let linears = [
            ("attention.attention.query", width, width), ("attention.attention.key", width, width),
            ("attention.attention.value", width, width), ("attention.output.dense", width, width),
            ("mlp.fc1", feedForward, width), ("mlp.fc2", width, feedForward),
        ]
        for layer in 0..<layers {
            let prefix = "encoder.layer.\(layer)."
            tensors += try random.layer(prefix, linears: linears, layerNorms: ["norm1", "norm2"], width: width)
            tensors.append((prefix + "layer_scale1.lambda1", try random([width], scale: 0.3, around: 0.5)))
            tensors.append((prefix + "layer_scale2.lambda1", try random([width], scale: 0.3, around: 0.5)))
        }
        let config = JSONValue.object([
            ("model_type", .string("dinov2")), ("num_attention_heads", .number(Double(heads))), ("layer_norm_eps", .number(1e-6)),
        ])
        return Fixtures.model("tiny-dinov2", tensors, config: config)
    }

    /// The tiny ViT alone, or its stem feeding a tiny BERT of the same width.
    static func vision(hybrid: Bool, causal: Bool) throws -> VisionModel {
        try VisionModel(vision: dinov2(), stack: hybrid ? ForwardFixtures.bert(layers: 2, width: 16, heads: 2, feedForward: 20) : nil,
                        causal: causal)
    }
}

private typealias F = ForwardFixtures

@Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
func visionGradientsToPixelsMatchDifferences(hybrid: Bool, causal: Bool) throws {
    let model = try VisionFixtures.vision(hybrid: hybrid, causal: causal)
    let geometry = try model.geometry(height: 4, width: 6)
    #expect(geometry.rows == 2 && geometry.columns == 3 && geometry.tokens == 7)
    let x = F.normal(3 * 4 * 6, seed: 3)
    for state in 0...model.layerCount {
        let r = F.normal(geometry.tokens * model.width, seed: UInt64(10 + state))
        let gradient = model.backward(try model.run(x, geometry, through: state), geometry, state: state, gradient: r)
        try GradientChecks.expectGradient(gradient, of: { try model.run($0, geometry, through: state).states[state] }, at: x,
                                          weights: r, directionsFrom: UInt64(20 + 3 * state), "\(model.description) state \(state)")
    }
    let selector = F.normal(geometry.tokens * model.feedForward, seed: 40)
    let gradient = model.backward(try model.run(x, geometry, through: 2), geometry, layer: 1, preActivation: selector)
    try GradientChecks.expectGradient(gradient, of: { model.preActivation(try model.run($0, geometry, through: 2), layer: 1) }, at: x,
                                      weights: selector, directionsFrom: 50, "\(model.description) FF pre-activation of layer 1")
}

@Test func underTheCausalMaskATokenDependsOnlyOnEarlierPatches() throws {
    let model = try VisionFixtures.vision(hybrid: true, causal: true)
    let geometry = try model.geometry(height: 4, width: 6)
    let x = F.normal(3 * 4 * 6, seed: 5), d = model.width
    // The gradient of patch token 1 (the grid's first patch, top left) at the last state reaches only its own pixels.
    var r = [Float](repeating: 0, count: geometry.tokens * d)
    for column in 0..<d { r[1 * d + column] = 1 }
    let gradient = model.backward(try model.run(x, geometry, through: 2), geometry, state: 2, gradient: r)
    let plane = 4 * 6
    for channel in 0..<3 {
        for y in 0..<4 {
            for column in 0..<6 {
                let inFirstPatch = y < 2 && column < 2
                let value = gradient[channel * plane + y * 6 + column]
                #expect(inFirstPatch ? value != 0 : value == 0, "pixel (\(y), \(column)) channel \(channel)")
            }
        }
    }
}

@Test func rollAndBlurBehaveAsTheirDefinitions() {
    let x = (0..<(3 * 4 * 6)).map { Float($0) }
    let shifted = ImageInversion.roll(x, height: 4, width: 6, by: (1, -2))
    // out[y, x] = in[y − 1, x + 2], wrapping.
    #expect(shifted[1 * 6 + 0] == x[0 * 6 + 2] && shifted[0 * 6 + 5] == x[3 * 6 + 1])
    #expect(ImageInversion.roll(shifted, height: 4, width: 6, by: (-1, 2)) == x)
    let kernel = ImageInversion.gaussianKernel(sigma: 1)
    #expect(kernel.count == 5 && abs(kernel.reduce(0, +) - 1) < 1e-6 && kernel[2] > kernel[1])
    let flat = [Float](repeating: 0.3, count: 3 * 4 * 6)
    #expect(ImageInversion.blurred(flat, height: 4, width: 6, kernel: kernel).allSatisfy { abs($0 - 0.3) < 1e-6 })
}

@Test func reconstructionFromTheStemRecoversThePicture() throws {
    let model = try VisionFixtures.vision(hybrid: false, causal: false)
    var random = SeededRandom(seed: 8, label: "test")
    let picture = try RGBImage(width: 6, height: 4, pixels: (0..<72).map { _ in Float(random.uniform()) })
    var options = ImageOptimizationOptions()
    options.steps = 300
    options.learningRate = 0.05
    let result = try ImageInversion.reconstruct(model, picture: picture, layer: 0, options: options)
    // State 0 is an injective affine map of the pixels: the optimum is the picture itself.
    #expect(result.mse < 1e-4, "MSE \(result.mse)")
    #expect(abs(result.psnr - 10 * log10(1 / result.mse)) < 1e-9)
    let deeper = try ImageInversion.reconstruct(model, picture: picture, layer: 2, options: options)
    #expect(deeper.loss.isFinite && deeper.layer == 2)
}

@Test func visualisationRaisesItsObjectiveAndMeasuresEachPatch() throws {
    let model = try VisionFixtures.vision(hybrid: true, causal: true)
    var options = ImageOptimizationOptions()
    options.steps = 30
    options.jitter = 1
    options.blur = 0.5
    let neuron = try ImageInversion.visualize(model, layer: 1, target: .neuron(3), size: 4, options: options)
    #expect(neuron.finalObjective > neuron.startObjective)
    #expect(neuron.rows == 2 && neuron.columns == 2 && neuron.patchChange.count == 4)
    // The change is the RMS pixel difference from the noise over each 2 × 2 patch.
    var total = 0.0
    for y in 0..<2 { for x in 0..<2 { for c in 0..<3 {
        let index = (y * 4 + x) * 3 + c
        total += pow(Double(neuron.picture.pixels[index] - neuron.start.pixels[index]), 2)
    } } }
    #expect(abs(neuron.patchChange[0] - (total / 12).squareRoot()) < 1e-9)
    let patch = try ImageInversion.visualize(model, layer: 0, target: .patch(2), size: 4, options: options)
    #expect(patch.finalObjective > patch.startObjective)
    #expect(throws: EngineError.self) { try ImageInversion.visualize(model, layer: 0, target: .patch(4), size: 4, options: options) }
    #expect(throws: EngineError.self) { try ImageInversion.visualize(model, layer: 0, target: .neuron(0), size: 5, options: options) }
}

@Test func underTheCausalMaskOnlyThePatchAndItsPredecessorsMove() throws {
    // All neurons of the first patch, causal, no jitter or blur: the later patches cannot reach its state, so their
    // gradient is exactly zero and their pixels stay the noise; bidirectionally every patch moves.
    var options = ImageOptimizationOptions()
    options.steps = 5
    let causal = try ImageInversion.visualize(try VisionFixtures.vision(hybrid: true, causal: true), layer: 1, target: .patch(0),
                                              size: 4, options: options)
    #expect(causal.patchGradient[0] > 0 && causal.patchChange[0] > 0)
    #expect(causal.patchGradient[1...].allSatisfy { $0 == 0 } && causal.patchChange[1...].allSatisfy { $0 == 0 })
    let bidirectional = try ImageInversion.visualize(try VisionFixtures.vision(hybrid: true, causal: false), layer: 1,
                                                     target: .patch(0), size: 4, options: options)
    #expect(bidirectional.patchGradient.allSatisfy { $0 > 0 } && bidirectional.patchChange.allSatisfy { $0 > 0 })
}
