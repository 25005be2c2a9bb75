// Numeric builtins over numbers, lists and tensors: sum, mean, min, max, all, any, abs, sqrt, log, exp, round.
import Engine
import Foundation

enum MathBuiltins {
    static let all: [Builtin] = [
        reduction("sum", summary: "the sum of a list, column or tensor's elements, or along an axis of a tensor (axis=0 sums the rows)", example: "sum([1, 2, 3])") { numbers in
            numbers.reduce(0, +)
        },
        reduction("mean", summary: "the mean of a list, column or tensor's elements, or along an axis of a tensor", example: "mean(t)") { numbers in
            numbers.isEmpty ? .nan : numbers.reduce(0, +) / Double(numbers.count)
        },
        extremum("min", summary: "the smallest of a list, a tensor, or several numbers", example: "min(3, 1, 2)", by: <),
        extremum("max", summary: "the largest of a list, a tensor, or several numbers", example: "max([3, 1, 2])", by: >),
        elementwise("abs", summary: "absolute value, elementwise on tensors", example: "abs(-2)") { Swift.abs($0) },
        elementwise("sqrt", summary: "square root, elementwise on tensors", example: "sqrt(2)", domain: { $0 >= 0 }, domainText: "negative") { $0.squareRoot() },
        elementwise("log", summary: "natural logarithm, elementwise on tensors", example: "log(10)", domain: { $0 > 0 }, domainText: "zero or negative") { Foundation.log($0) },
        elementwise("exp", summary: "e to the power x, elementwise on tensors", example: "exp(1)") { Foundation.exp($0) },
        Builtin(name: "round", parameters: [.required("x"), .optional("digits", "0")], group: "math",
                summary: "x rounded to a number of decimal digits (halves away from zero); row by row on a column or list",
                example: "round(3.14159, 2)") { arguments in
            let digits = try arguments.int("digits", default: 0)
            guard (-15...15).contains(digits) else { throw ArgumentError("round(): 'digits' must be between -15 and 15") }
            let scale = Foundation.pow(10.0, Double(digits))
            let round = { (x: Double) in (x * scale).rounded() / scale }
            let decimals = digits > 0 ? digits : nil  // what the display shows: round(193.0, 1) prints 193.0
            switch arguments.value("x") ?? .none {
            case let .column(column):
                guard let numbers = column.values.doubles else { throw ArgumentError("round(): needs numbers, got a \(column.values.kindName) column") }
                return .column(ColumnValue(name: column.name, values: .double(numbers.map(round))))
            case let .list(items): return .list(try numbers(.list(items), "round").map { .number(round($0), decimals: decimals) })
            default: return .number(round(try arguments.number("x")), decimals: decimals)
            }
        },
        truth("all", summary: "true when every entry of a mask, list of bools or tensor is true (non-zero); all(a == b) asks whether two tensors are equal",
              example: "all(t == u)") { $0.allSatisfy { $0 } },
        truth("any", summary: "true when some entry of a mask, list of bools or tensor is true (non-zero)", example: "any(r.erank > 300)") { $0.contains(true) },
        Builtin(name: "pow", parameters: [.required("x"), .required("y")], group: "math",
                summary: "x to the power y", example: "pow(2, 10)") { arguments in
            .number(Foundation.pow(try arguments.number("x"), try arguments.number("y")))
        },
    ]

    /// The numbers of a list or tensor argument.
    static func numbers(_ value: Value, _ callee: String) throws -> [Double] {
        switch value {
        case let .list(items):
            return try items.map { item in
                guard case let .number(number, _) = item else { throw ArgumentError("\(callee)(): the list holds \(item.typeName), not only numbers") }
                return number
            }
        case let .tensor(tensor): return tensor.buffer.map(Double.init)
        case let .number(number, _): return [number]
        case let .column(column):
            if case let .bool(flags) = column.values { return flags.map { $0 ? 1 : 0 } }
            guard let numbers = column.values.doubles else { throw ArgumentError("\(callee)() needs numbers, got a text column") }
            return numbers
        default: throw ArgumentError("\(callee)() needs a list of numbers or a tensor, got \(value.typeName)")
        }
    }

    private static func reduction(_ name: String, summary: String, example: String, _ reduce: @escaping ([Double]) -> Double) -> Builtin {
        Builtin(name: name, parameters: [.required("values"), .optional("axis", "none")], group: "math", summary: summary, example: example) { arguments in
            if let reduction = Reduction(rawValue: name), let reduced = try AxisBuiltins.along(arguments, reduction, input: "values") { return reduced }
            if case let .tensor(tensor)? = arguments.value("values"), name == "sum" { return .number(TensorMath.sum(tensor)) }
            return .number(reduce(try numbers(arguments.value("values") ?? .none, name)))
        }
    }

    /// `all`/`any`: a mask, a list of bools or numbers, or a tensor read as truths (non-zero is true).
    private static func truth(_ name: String, summary: String, example: String, _ combine: @escaping ([Bool]) -> Bool) -> Builtin {
        Builtin(name: name, parameters: [.required("values")], group: "math", summary: summary, example: example) { arguments in
            let values = arguments.value("values") ?? .none
            if case let .list(items) = values, items.allSatisfy({ if case .bool = $0 { true } else { false } }) {
                return .bool(combine(items.map { if case let .bool(flag) = $0 { flag } else { false } }))
            }
            if case .bool = values { throw ArgumentError("\(name)() needs a mask, list or tensor, got a single bool") }
            return .bool(combine(try numbers(values, name).map { $0 != 0 }))
        }
    }

    private static func extremum(_ name: String, summary: String, example: String, by better: @escaping (Double, Double) -> Bool) -> Builtin {
        Builtin(name: name, parameters: [.required("values"), .optional("axis", "none")], variadic: true, group: "math", summary: summary, example: example) { arguments in
            if let reduction = Reduction(rawValue: name), let reduced = try AxisBuiltins.along(arguments, reduction, input: "values", keywordOnly: true) {
                return reduced
            }
            let values = arguments.positional.count > 1
                ? try arguments.positional.flatMap { try numbers($0, name) }
                : try numbers(arguments.value("values") ?? .none, name)
            guard var best = values.first else { throw ArgumentError("\(name)() of an empty list") }
            for value in values.dropFirst() where better(value, best) { best = value }
            return .number(best)
        }
    }

    private static func elementwise(_ name: String, summary: String, example: String, domain: @escaping (Double) -> Bool = { _ in true },
                                    domainText: String = "", _ f: @escaping (Double) -> Double) -> Builtin {
        Builtin(name: name, parameters: [.required("x")], group: "math", summary: summary, example: example) { arguments in
            switch arguments.value("x") ?? .none {
            case let .number(x, _):
                guard domain(x) else { throw ArgumentError("\(name)() of a \(domainText) number (\(Value.format(x)))") }
                return .number(f(x))
            case let .tensor(tensor):
                return .tensor(try TensorMath.map(tensor) { Float(f(Double($0))) })
            case let other:
                throw ArgumentError("\(name)(): 'x' must be a number or a tensor, got \(other.typeName)")
            }
        }
    }
}
