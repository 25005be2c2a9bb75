// Tensor builtins: construction (tensor, zeros, ones, randn), shape, norm, matmul, transpose, reshape.
import Engine

enum TensorBuiltins {
    static let all: [Builtin] = [
        Builtin(name: "tensor", parameters: [.required("values")], group: "tensors",
                summary: "a float32 tensor from a (nested) list of numbers", example: "tensor([[1, 2], [3, 4]])") { arguments in
            let value = arguments.value("values") ?? .none
            if case .tensor = value { return value }
            if case let .column(column) = value {
                guard let numbers = column.values.doubles else { throw ArgumentError("tensor(): needs numbers, got a \(column.values.kindName) column") }
                return .tensor(try Tensor(shape: [numbers.count], values: numbers.map(Float.init)))
            }
            let shape = inferShape(value)
            var flat: [Float] = []
            try fill(value, shape: shape[...], into: &flat)
            return .tensor(try Tensor(shape: shape, values: flat))
        },
        Builtin(name: "zeros", parameters: [.required("shape")], group: "tensors",
                summary: "a tensor of zeros", example: "zeros([2, 3])") { arguments in
            .tensor(try Tensor.build(shape: try shape(arguments)) { $0.update(repeating: 0) })
        },
        Builtin(name: "ones", parameters: [.required("shape")], group: "tensors",
                summary: "a tensor of ones", example: "ones([2, 3])") { arguments in
            .tensor(try Tensor.build(shape: try shape(arguments)) { $0.update(repeating: 1) })
        },
        Builtin(name: "randn", parameters: [.required("shape"), .optional("seed", "0")], group: "tensors",
                summary: "standard normal samples; the same seed gives the same tensor", example: "randn([3, 3], seed=1)") { arguments in
            let seed = try arguments.int("seed", default: 0)
            guard seed >= 0 else { throw ArgumentError("randn(): 'seed' must not be negative") }
            return .tensor(try TensorMath.randomNormal(shape: try shape(arguments), seed: UInt64(seed)))
        },
        Builtin(name: "shape", parameters: [.required("tensor")], group: "tensors",
                summary: "the dimensions of a tensor as a list", example: "shape(m[\"layer.0.q\"])") { arguments in
            .list(try arguments.tensor("tensor").shape.map { .number(Double($0)) })
        },
        Builtin(name: "norm", parameters: [.required("x"), .optional("axis", "none")], group: "tensors",
                summary: "Frobenius norm of a tensor (or of all parameters of a model or delta); axis=1 gives each row's norm",
                example: "norm(ft - base)") { arguments in
            if let reduced = try AxisBuiltins.along(arguments, .norm, input: "x") { return reduced }
            switch arguments.value("x") ?? .none {
            case let .tensor(tensor): return .number(Linalg.norm(tensor))
            case let .model(model): return .number(try model.frobeniusNorm())
            case let .number(number, _): return .number(Swift.abs(number))
            case let other: throw ArgumentError("norm(): 'x' must be a tensor or a model, got \(other.typeName)")
            }
        },
        Builtin(name: "matmul", parameters: [.required("a"), .required("b")], group: "tensors",
                summary: "the matrix product a·b", example: "matmul(a, transpose(a))") { arguments in
            .tensor(try Linalg.matmul(try arguments.tensor("a"), try arguments.tensor("b")))
        },
        Builtin(name: "transpose", parameters: [.required("matrix")], group: "tensors",
                summary: "the transpose of a matrix", example: "transpose(tensor([[1, 2, 3]]))") { arguments in
            .tensor(try Linalg.transpose(try arguments.tensor("matrix")))
        },
        Builtin(name: "reshape", parameters: [.required("tensor"), .required("shape")], group: "tensors",
                summary: "the same elements under another shape", example: "reshape(t, [4])") { arguments in
            .tensor(try arguments.tensor("tensor").reshaped(try shape(arguments)))
        },
        Builtin(name: "list", parameters: [.required("value")], group: "tensors",
                summary: "a tensor's elements as (nested) lists of numbers", example: "list(tensor([1, 2]))") { arguments in
            switch arguments.value("value") ?? .none {
            case let .tensor(tensor): return Value.nested(tensor)
            case let .list(items): return .list(items)
            case let .column(column): return .list(column.items)
            case let .string(text): return .list(text.map { .string(String($0)) })
            case let other: throw ArgumentError("list(): cannot make a list from \(other.typeName)")
            }
        },
    ]

    /// A `shape` argument: a list of whole numbers or one number.
    private static func shape(_ arguments: Arguments) throws -> [Int] {
        let value = arguments.value("shape") ?? .none
        let dims: [Value]
        switch value {
        case let .list(items): dims = items
        case .number: dims = [value]
        default: throw ArgumentError("\(arguments.callee)(): 'shape' must be a list of whole numbers, got \(value.typeName)")
        }
        let shape = try dims.map { dim in
            guard case let .number(n, _) = dim, n.rounded() == n, n >= 0, n < 1e12 else {
                throw ArgumentError("\(arguments.callee)(): 'shape' must hold whole non-negative numbers, got \(dim.shortDisplay)")
            }
            return Int(n)
        }
        // Refuse sizes that cannot be allocated rather than let the allocation kill the shell.
        guard let count = Shape.elementCount(shape), count <= 1 << 31 else {
            throw ArgumentError("\(arguments.callee)(): shape \(Shape.describe(shape)) is too large (limit 2^31 elements)")
        }
        return shape
    }

    /// The shape a nested list claims by its first items; `fill` then checks every row against it.
    private static func inferShape(_ value: Value) -> [Int] {
        guard case let .list(items) = value else { return [] }
        return [items.count] + (items.first.map(inferShape) ?? [])
    }

    private static func fill(_ value: Value, shape: ArraySlice<Int>, into flat: inout [Float]) throws {
        switch value {
        case let .number(number, _) where shape.isEmpty:
            flat.append(Float(number))
        case let .list(items) where shape.first == items.count:
            for item in items { try fill(item, shape: shape.dropFirst(), into: &flat) }
        case .list, .number:
            let expected = shape.first.map { "a list of \($0)" } ?? "a number"
            throw ArgumentError("tensor(): ragged list: found \(value.shortDisplay.prefix(40)) where \(expected) was expected")
        default:
            throw ArgumentError("tensor(): needs numbers, got \(value.typeName)")
        }
    }
}
