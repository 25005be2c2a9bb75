// Arithmetic lifted over models, parameter by parameter and lazily: deltas and task arithmetic.
import Foundation

/// `a op b` and `a op scalar` on whole models; each result parameter is computed when it is read.
public enum ModelArithmetic {
    /// `a op b` for every parameter the two models share (matched by raw name).
    ///
    /// Parameters present in only one operand are listed in `onlyInLeft` / `onlyInRight` instead of failing;
    /// a shared name with different shapes throws, naming it. Shapes are checked from the stored metadata,
    /// so no tensor is read here. The result keeps `a`'s architecture, config and vocabulary.
    public static func apply(_ op: ArithmeticOperator, _ a: Model, _ b: Model) throws -> Model {
        var parameters: [Parameter] = []
        var onlyInLeft: [String] = []
        for left in a.parameters {
            guard let right = b.parameter(raw: left.name) else {
                onlyInLeft.append(left.name)
                continue
            }
            guard left.shape == right.shape else {
                throw EngineError.shapeMismatch(operation: "'\(op.rawValue)' of \(a.name) and \(b.name)",
                                                lhs: left.shape, rhs: right.shape, name: left.name)
            }
            let name = left.name
            // The closure captures the two parameters (cheap loaders over mapped files), never tensors:
            // each access computes one tensor, so a delta of two large models never holds three copies.
            let (leftRelease, rightRelease) = (left.releasePages, right.releasePages)
            let release: (@Sendable () -> Void)? = leftRelease == nil && rightRelease == nil ? nil : { @Sendable in
                leftRelease?()
                rightRelease?()
            }
            parameters.append(Parameter(name: name, shape: left.shape, dtype: .f32, releasePages: release) {
                try TensorMath.apply(op, left.load(), right.load(), name: name)
            })
        }
        let onlyInRight = b.parameters.map(\.name).filter { a.parameter(raw: $0) == nil }
        return Model(name: "\(operand(a.name)) \(op.rawValue) \(operand(b.name))",
                     source: "computed: \(operand(a.name)) \(op.rawValue) \(operand(b.name))",
                     kind: kind(op, a.kind, b.kind), config: a.config, parameters: parameters,
                     architecture: a.architecture, vocabulary: a.vocabulary,
                     onlyInLeft: onlyInLeft, onlyInRight: onlyInRight)
    }

    /// `a op scalar` (or `scalar op a` when `scalarOnLeft`) for every parameter of `a`; the kind is kept.
    public static func apply(_ op: ArithmeticOperator, _ a: Model, scalar: Double, scalarOnLeft: Bool) throws -> Model {
        let value = Float(scalar)
        // A scaled low-rank update stays low-rank: c·(L·R) = (c·L)·R, so `0.5 * adapter` keeps exact spectra.
        let keepsFactors = op == .multiply || (op == .divide && !scalarOnLeft)
        let parameters = a.parameters.map { parameter in
            let factors = keepsFactors ? parameter.factors.map { load in
                { @Sendable () throws -> LowRankFactors in
                    let factors = try load()
                    return try LowRankFactors(left: TensorMath.apply(op, factors.left, scalar: value, scalarOnLeft: scalarOnLeft),
                                              right: factors.right, name: parameter.name)
                }
            } : nil
            return Parameter(name: parameter.name, shape: parameter.shape, dtype: .f32, factors: factors) {
                try TensorMath.apply(op, parameter.load(), scalar: value, scalarOnLeft: scalarOnLeft)
            }
        }
        let number = formatScalar(scalar)
        let name = scalarOnLeft ? "\(number) \(op.rawValue) \(operand(a.name))" : "\(operand(a.name)) \(op.rawValue) \(number)"
        return Model(name: name, source: "computed: \(name)", kind: a.kind, config: a.config,
                     parameters: parameters, architecture: a.architecture, vocabulary: a.vocabulary,
                     onlyInLeft: a.onlyInLeft, onlyInRight: a.onlyInRight)
    }

    /// The fine-tuning update `ft - base` (a model of kind `.delta`).
    public static func delta(_ ft: Model, _ base: Model) throws -> Model {
        try apply(.subtract, ft, base)
    }

    /// Weights minus weights is a delta; weights plus or minus a delta is weights again; a delta
    /// combined with a delta stays a delta. Elementwise products keep the left operand's kind.
    static func kind(_ op: ArithmeticOperator, _ left: ModelKind, _ right: ModelKind) -> ModelKind {
        switch (op, left, right) {
        case (.subtract, .weights, .weights): return .delta
        case (.add, .delta, .delta), (.subtract, .delta, .delta): return .delta
        case (.add, _, _), (.subtract, _, _): return .weights
        case (.multiply, _, _), (.divide, _, _): return left
        }
    }

    /// A model name as an operand: compound names are parenthesised so `0.5 * (ft - base)` reads right.
    private static func operand(_ name: String) -> String {
        name.contains(" ") ? "(\(name))" : name
    }

    private static func formatScalar(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
