// Arithmetic on models, parameter by parameter; delegates to Engine's ModelArithmetic once it exists.
import Engine

/// The language's entry to model arithmetic (`ft - base`, `2 * d`).
enum ModelOperations {
    static func apply(_ op: ArithmeticOperator, _ a: Model, _ b: Model) throws -> Model {
        throw RuntimeError("model arithmetic ('\(op.rawValue)' on two models) is not yet supported in this build")
    }

    static func apply(_ op: ArithmeticOperator, _ a: Model, scalar: Double, scalarOnLeft: Bool) throws -> Model {
        throw RuntimeError("model arithmetic ('\(op.rawValue)' with a number) is not yet supported in this build")
    }
}
