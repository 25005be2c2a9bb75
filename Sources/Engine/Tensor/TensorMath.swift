// Elementwise arithmetic on tensors (same shape, or a scalar broadcast), through BLAS where it helps.
import Foundation

/// The four arithmetic operators the language lifts over tensors and models.
public enum ArithmeticOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"

    @inline(__always) func apply(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        }
    }
}

/// Elementwise tensor arithmetic.
public enum TensorMath {
    /// `a op b` elementwise; shapes must be equal. `name` (a parameter) is used in the error.
    public static func apply(_ op: ArithmeticOperator, _ a: Tensor, _ b: Tensor, name: String? = nil) throws -> Tensor {
        guard a.shape == b.shape else {
            throw EngineError.shapeMismatch(operation: "'\(op.rawValue)'", lhs: a.shape, rhs: b.shape, name: name)
        }
        let count = a.count
        return try Tensor.build(shape: a.shape) { out in
            guard let base = out.baseAddress, count > 0 else { return }
            let x = a.storage.pointer, y = b.storage.pointer
            switch op {
            case .add, .subtract:
                // out = a; out += ±1·b — saxpy is vectorised and threaded by OpenBLAS.
                base.update(from: x, count: count)
                Linalg.axpy(count: count, alpha: op == .add ? 1 : -1, y, base)
            case .multiply, .divide:
                for i in 0..<count { base[i] = op.apply(x[i], y[i]) }
            }
        }
    }

    /// `a op s` (or `s op a` when `scalarOnLeft`) for a scalar `s`, elementwise.
    public static func apply(_ op: ArithmeticOperator, _ a: Tensor, scalar: Float, scalarOnLeft: Bool = false) throws -> Tensor {
        let count = a.count
        return try Tensor.build(shape: a.shape) { out in
            guard let base = out.baseAddress, count > 0 else { return }
            let x = a.storage.pointer
            if scalarOnLeft {
                for i in 0..<count { base[i] = op.apply(scalar, x[i]) }
            } else {
                for i in 0..<count { base[i] = op.apply(x[i], scalar) }
            }
        }
    }

    /// `-a`.
    public static func negate(_ a: Tensor) throws -> Tensor {
        try apply(.multiply, a, scalar: -1)
    }
}

extension TensorMath {
    /// `f` applied to every element (abs, sqrt, log, exp …).
    public static func map(_ a: Tensor, _ f: (Float) -> Float) throws -> Tensor {
        let count = a.count
        return try Tensor.build(shape: a.shape) { out in
            let x = a.storage.pointer
            for i in 0..<count { out[i] = f(x[i]) }
        }
    }

    /// Sum of all elements, accumulated in double.
    public static func sum(_ a: Tensor) -> Double {
        a.buffer.reduce(0.0) { $0 + Double($1) }
    }

    /// A tensor of standard normal samples from `SeededRandom` (SplitMix64 + Box–Muller):
    /// the same seed gives the same tensor on every machine.
    public static func randomNormal(shape: [Int], seed: UInt64) throws -> Tensor {
        var generator = SeededRandom(seed: seed)
        return try Tensor.build(shape: shape) { out in
            for i in out.indices { out[i] = Float(generator.gaussian()) }
        }
    }
}
