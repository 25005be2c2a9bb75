// Adam against hand-derived first steps and a numpy Adam (Kingma & Ba 2015, Algorithm 1).
import Testing
@testable import Engine

@Test func adamsFirstStepMovesEachCoordinateByTheLearningRateAgainstTheGradientSign() {
    // With bias correction m̂₁ = g and v̂₁ = g², so the first step is lr·g/(|g| + ε) ≈ lr·sign(g) whatever |g|;
    // without it the step would be lr·0.1/√0.001 ≈ 3.16·lr.
    var adam = Adam(count: 4, learningRate: 0.05)
    var x: [Float] = [0, 1, -2, 3]
    adam.step(&x, gradient: [4, -0.25, 1e-2, -300])
    let expected: [Float] = [-0.05, 1.05, -2.05, 3.05]
    for (got, want) in zip(x, expected) { #expect(abs(got - want) < 1e-6) }
}

@Test func adamsFirstThreeStepsMatchNumpy() {
    // Reference: the numpy loop m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²; x −= lr·(m/(1−β₁ᵗ))/(√(v/(1−β₂ᵗ)) + ε)
    // in float64 with lr = 0.1, β = (0.9, 0.999), ε = 1e-8, from x = (1, −1, 0.5).
    var adam = Adam(count: 3, learningRate: 0.1)
    var x: [Float] = [1, -1, 0.5]
    let gradients: [[Float]] = [[0.5, -2, 1e-3], [0.1, 1, -1e-3], [-0.3, 0.5, 2]]
    let numpy: [[Float]] = [[0.900000002, -0.9, 0.400001],
                            [0.819695906, -0.873366297, 0.405264105],
                            [0.798624612, -0.86722741, 0.341385636]]
    for (gradient, expected) in zip(gradients, numpy) {
        adam.step(&x, gradient: gradient)
        for (got, want) in zip(x, expected) { #expect(abs(got - want) < 2e-6, "after \(gradient): \(x) vs \(expected)") }
    }
}
