// Tensor builtins along an axis: the axis= form of sum/mean/min/max/norm, std, argmax/argmin, argsort, topk, stack.
import Engine

enum AxisBuiltins {
    static let all: [Builtin] = [
        Builtin(name: "std", parameters: [.required("values"), .optional("axis", "none")], group: "math",
                summary: "standard deviation (numpy's, over n) of a list, column or tensor, or along an axis of a tensor",
                example: "std(t, axis=0)") { arguments in
            if let reduced = try along(arguments, .std, input: "values") { return reduced }
            let numbers = try MathBuiltins.numbers(arguments.value("values") ?? .none, "std")
            guard !numbers.isEmpty else { return .number(.nan) }
            let mean = numbers.reduce(0, +) / Double(numbers.count)
            return .number((numbers.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(numbers.count)).squareRoot())
        },
        arg("argmax", .argmax, summary: "the position of the largest item (first if tied), or along an axis of a tensor"),
        arg("argmin", .argmin, summary: "the position of the smallest item (first if tied), or along an axis of a tensor"),
        Builtin(name: "argsort", parameters: [.required("x"), .optional("axis", "-1"), .optional("descending", "false")], group: "tensors",
                summary: "the positions that sort a tensor along an axis (or a list or column), as numbers",
                example: "argsort(norm(d, axis=1), descending=true)") { arguments in
            let descending = try arguments.bool("descending", default: false)
            let tensor = try vector(arguments.value("x") ?? .none, "argsort")
            return .tensor(try tensor.argsorted(axis: try arguments.int("axis", default: -1), descending: descending))
        },
        Builtin(name: "topk", parameters: [.required("x"), .required("k"), .optional("axis", "-1")], group: "tensors",
                summary: "the k largest values along an axis and their positions: {values, indices}",
                example: "topk(norm(d, axis=1), 5)") { arguments in
            let tensor = try vector(arguments.value("x") ?? .none, "topk")
            let k = try arguments.int("k")
            guard k >= 0 else { throw ArgumentError("topk(): 'k' must not be negative, got \(k)") }
            let axis = try arguments.int("axis", default: -1)
            let indices = try tensor.argsorted(axis: axis, descending: true, limit: k)
            return .record(Record([("values", .tensor(try tensor.gathered(indices, axis: axis))), ("indices", .tensor(indices))]))
        },
        Builtin(name: "stack", parameters: [.required("tensors"), .optional("axis", "0")], group: "tensors",
                summary: "tensors of one shape along a new axis (concat joins along an existing one)", example: "stack([a, b], axis=0)") { arguments in
            let tensors = try arguments.list("tensors").enumerated().map { position, item -> Tensor in
                guard case let .tensor(tensor) = item else { throw ArgumentError("stack(): item \(position) is \(item.typeName), not a tensor") }
                return tensor
            }
            return .tensor(try Tensor.stack(tensors, axis: try arguments.int("axis", default: 0)))
        },
    ]

    /// `f(x, axis=…)` for a tensor: the reduced tensor (a number when nothing is left); nil when no axis was given.
    /// Variadic builtins (`max(3, 1, 2)`) take the axis by keyword only, so a second number is not read as one.
    static func along(_ arguments: Arguments, _ reduction: Reduction, input: String, keywordOnly: Bool = false) throws -> Value? {
        guard let axisValue = keywordOnly ? arguments.keywords["axis"] : arguments.value("axis"), !axisValue.isNone else { return nil }
        guard case let .number(axis, _) = axisValue, axis.rounded() == axis, Swift.abs(axis) < 1e9 else {
            throw ArgumentError("\(arguments.callee)(): 'axis' must be a whole number, got \(axisValue.shortDisplay)")
        }
        let reduced = try vector(arguments.value(input) ?? .none, arguments.callee).reduced(reduction, axis: Int(axis))
        return reduced.shape.isEmpty ? .number(Double(reduced.buffer[0])) : .tensor(reduced)
    }

    /// A tensor, or a list or number column as a 1-D tensor.
    private static func vector(_ value: Value, _ callee: String) throws -> Tensor {
        if case let .tensor(tensor) = value { return tensor }
        let numbers = try MathBuiltins.numbers(value, callee)
        return try Tensor(shape: [numbers.count], values: numbers.map(Float.init))
    }

    private static func arg(_ name: String, _ reduction: Reduction, summary: String) -> Builtin {
        Builtin(name: name, parameters: [.required("x"), .optional("axis", "none")], group: "tensors", summary: summary,
                example: "\(name)(norm(d, axis=1))") { arguments in
            if let reduced = try along(arguments, reduction, input: "x") { return reduced }
            let tensor = try vector(arguments.value("x") ?? .none, name)
            guard tensor.count > 0 else { throw ArgumentError("\(name)() of an empty list") }
            let flat = try tensor.reshaped([tensor.count]).reduced(reduction, axis: 0)
            return .number(Double(flat.buffer[0]))
        }
    }
}

extension Value {
    /// Whether the value is `none`.
    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}
