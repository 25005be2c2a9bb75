// Analysis builtins: delta, rank, spectrum, project, align.
import Engine

enum AnalysisBuiltins {
    static let all: [Builtin] = [
        Builtin(name: "delta", parameters: [.required("ft"), .required("base")], group: "analysis",
                summary: "ft − base per parameter (lazy); parameters in only one model are listed, not fatal",
                example: "d = delta(ft, base)") { arguments in
            .model(try ModelArithmetic.delta(arguments.model("ft"), arguments.model("base")))
        },
        Builtin(name: "rank", parameters: [
            .required("x"), .optional("measure", "none"), .optional("tol", "none"), .optional("rtol", "none"),
            .optional("p", "0.9"), .optional("components", "all"), .optional("layers", "all"),
            .optional("spectra", "false"),
        ], group: "analysis",
        summary: "rank, erank, srank, energy, sigma_max, fro of every layer matrix (a table), or of one tensor (a record)",
        example: "rank(base, components=[\"q\", \"ff1\"]) |> show") { arguments in
            try rank(arguments)
        },
        Builtin(name: "spectrum", parameters: [.required("x"), .optional("name", "none")], group: "analysis",
                summary: "the singular values (largest first) of a matrix, or of a model's parameter by name",
                example: "spectrum(base, \"layer.3.q\")") { arguments in
            try spectrum(arguments)
        },
    ]

    private static func rank(_ arguments: Arguments) throws -> Value {
        var options = RankOptions()
        if arguments.has("tol") { options.tolerance = try arguments.number("tol") }
        if arguments.has("rtol") { options.relativeTolerance = try arguments.number("rtol") }
        options.energyFraction = try arguments.number("p", default: 0.9)
        guard options.energyFraction > 0, options.energyFraction <= 1 else {
            throw ArgumentError("rank(): 'p' must be in (0, 1], got \(Value.format(options.energyFraction))")
        }
        if arguments.has("measure") {
            let measure = try arguments.string("measure")
            guard Rank.measures.contains(measure) else {
                let suggestion = Suggest.closest(to: measure, in: Rank.measures).map { "; did you mean '\($0)'?" } ?? ""
                throw ArgumentError("rank(): unknown measure '\(measure)'\(suggestion) (measures: \(Rank.measures.joined(separator: ", ")))")
            }
            options.measures = [measure]
        }
        guard let subject = arguments.value("x") else { throw ArgumentError("rank() missing argument 'x'") }
        if case let .tensor(tensor) = subject {
            // One matrix: a record of the measures, or the single number asked for.
            let spectrum = try Spectrum(of: tensor)
            let fields = try options.measures.map { measure -> (key: String, value: Value) in
                (measure, .number(try Rank.measure(measure, of: spectrum, options: options)))
            }
            return fields.count == 1 ? fields[0].value : .record(Record(fields))
        }
        let model = try arguments.model("x")
        if arguments.has("components") { options.components = try strings(arguments, "components") }
        if arguments.has("layers") { options.layers = try ints(arguments, "layers") }
        options.includeSpectra = try arguments.bool("spectra", default: false)
        return .table(try Rank.table(model, options: options))
    }

    private static func spectrum(_ arguments: Arguments) throws -> Value {
        guard let subject = arguments.value("x") else { throw ArgumentError("spectrum() missing argument 'x'") }
        let spectrum: Spectrum
        if case let .tensor(tensor) = subject {
            spectrum = try Spectrum(of: tensor)
        } else {
            spectrum = try Rank.spectrum(arguments.model("x"), arguments.string("name"))
        }
        return .tensor(try Tensor(shape: [spectrum.values.count], values: spectrum.values))
    }

    /// A list argument of strings (a single string is taken as a one-element list).
    static func strings(_ arguments: Arguments, _ name: String) throws -> [String] {
        if case let .string(single)? = arguments.value(name) { return [single] }
        return try arguments.list(name).map { item in
            guard case let .string(text) = item else {
                throw ArgumentError("\(arguments.callee)(): '\(name)' must be a list of strings, found \(item.typeName)")
            }
            return text
        }
    }

    /// A list argument of whole numbers (a single number is taken as a one-element list).
    static func ints(_ arguments: Arguments, _ name: String) throws -> [Int] {
        if case .number? = arguments.value(name) { return [try arguments.int(name)] }
        return try arguments.list(name).map { item in
            guard case let .number(number) = item, number.rounded() == number, abs(number) < 1e15 else {
                throw ArgumentError("\(arguments.callee)(): '\(name)' must be a list of whole numbers, found \(item.shortDisplay)")
            }
            return Int(number)
        }
    }
}
