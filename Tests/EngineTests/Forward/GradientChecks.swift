// Checks shared by every model family's input backward pass: central differences and a visualisation run.
import Foundation
import Testing
@testable import Engine

enum GradientChecks {
    typealias F = ForwardFixtures

    /// Float32 forward passes carry ~1e-6 relative noise; with step 3e-3 the central difference's truncation
    /// error (h²) and rounding error (1e-6·|f|/h) left at most 3e-4 relative error when this was written, while a
    /// missing or wrong term of a backward pass is off by 1e-1 or more.
    static let step: Float = 3e-3
    static let tolerance = 2e-3

    static func expectClose(_ analytic: Double, _ numeric: Double, _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        let scale = max(1, abs(numeric))
        #expect(abs(analytic - numeric) / scale < tolerance, "\(what): analytic \(analytic), finite difference \(numeric)",
                sourceLocation: sourceLocation)
    }

    /// An activation's derivative against central differences (step 1e-2) at points on both sides of its bend.
    static func expectDerivative(_ derivative: (Float) -> Float, of f: (Float) -> Float, _ what: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        for x: Float in [-3, -1.2, -0.3, 0, 0.4, 1.1, 2.5] {
            let h: Float = 1e-2
            let numeric = (Double(f(x + h)) - Double(f(x - h))) / Double(2 * h)
            expectClose(Double(derivative(x)), numeric, "\(what) at \(x)", sourceLocation: sourceLocation)
        }
    }

    /// `gradient` is that of ⟨r, f(x)⟩ at x: its relative error against central differences along 3 random
    /// directions (seeds `first`, `first + 1`, `first + 2`), each scaled by max(1, |difference|).
    static func gradientErrors(_ gradient: [Float], of f: ([Float]) throws -> [Float], at x: [Float], weights r: [Float],
                               directionsFrom first: UInt64) rethrows -> [Double] {
        try (first..<(first + 3)).map { direction in
            let u = F.normal(x.count, seed: direction)
            let numeric = try F.directional({ try F.dot(r, f($0)) }, at: x, along: u, step: step)
            return abs(F.dot(gradient, u) - numeric) / max(1, abs(numeric))
        }
    }

    /// `gradientErrors` expected below `tolerance` in every direction.
    static func expectGradient(_ gradient: [Float], of f: ([Float]) throws -> [Float], at x: [Float], weights r: [Float],
                               directionsFrom first: UInt64, _ what: String,
                               sourceLocation: SourceLocation = #_sourceLocation) rethrows {
        let errors = try gradientErrors(gradient, of: f, at: x, weights: r, directionsFrom: first)
        #expect(errors.allSatisfy { $0 < tolerance }, "\(what): relative errors \(errors)", sourceLocation: sourceLocation)
    }

    /// The relative errors of ⟨r, state⟩'s gradient with respect to the input embeddings, along 3 random directions.
    static func stateGradientErrors(_ weights: some InputDifferentiable, state: Int, tokens: Int, seed: UInt64) throws -> [Double] {
        let x = F.normal(tokens * weights.width, seed: seed), r = F.normal(tokens * weights.width, seed: seed + 1)
        let gradient = weights.backward(try weights.run(inputs: x, tokens: tokens, through: state), state: state, gradient: r)
        return try gradientErrors(gradient, of: { try weights.state(weights.run(inputs: $0, tokens: tokens, through: state), state) },
                                  at: x, weights: r, directionsFrom: seed + 10)
    }

    /// The relative errors of one FF neuron's pre-activation (summed over positions) gradient, along 3 random directions.
    static func neuronGradientErrors(_ weights: some InputDifferentiable, layer: Int, neuron: Int, tokens: Int,
                                     seed: UInt64) throws -> [Double] {
        let x = F.normal(tokens * weights.width, seed: seed)
        var selector = [Float](repeating: 0, count: tokens * weights.feedForward)
        for t in 0..<tokens { selector[t * weights.feedForward + neuron] = 1 }
        let pass = try weights.run(inputs: x, tokens: tokens, through: layer + 1)
        let gradient = weights.backward(pass, layer: layer, preActivation: selector)
        return try gradientErrors(gradient, of: { try weights.preActivation(weights.run(inputs: $0, tokens: tokens, through: layer + 1), layer: layer) },
                                  at: x, weights: selector, directionsFrom: seed + 10)
    }

    /// Visualisation at `position` of 3 raises the neuron, and the reported activations are the pre-activations of
    /// the optimised input run again.
    static func expectVisualizationRaises(_ weights: some InputDifferentiable, layer: Int, neuron: Int, position: Int,
                                          sourceLocation: SourceLocation = #_sourceLocation) throws {
        var visual = VisualizationOptions()
        visual.length = 3
        visual.steps = 100
        visual.learningRate = 0.05
        visual.position = position
        let result = try Visualization.run(weights, layer: layer, neuron: neuron, options: visual)
        #expect(result.finalObjective > result.startObjective + 1, sourceLocation: sourceLocation)
        #expect(abs(Double(result.activations[position]) - result.finalObjective) < 1e-5, sourceLocation: sourceLocation)
        let rerun = weights.preActivation(try weights.run(inputs: result.inputs, tokens: 3, through: layer + 1), layer: layer)
        #expect((0..<3).allSatisfy { abs(rerun[$0 * weights.feedForward + neuron] - result.activations[$0]) < 1e-5 },
                sourceLocation: sourceLocation)
        #expect(result.nearest.count == 3 && result.nearest.allSatisfy { $0.count == 5 }, sourceLocation: sourceLocation)
    }
}
