// Delta builtins: LoRA extraction, model merges (TIES, DARE, breadcrumbs) and lineage trees (MoTHer).
import Engine
import Foundation

enum DeltaBuiltins {
    static let all: [Builtin] = [lora, merge, lineage]

    static let lora = Builtin(
        name: "lora", parameters: [.required("delta"), .optional("rank", "none"), .optional("threshold", "none"),
                                   .optional("embeddings", "true")],
        group: "deltas",
        summary: "a delta cut to low rank per matrix (truncated SVD); .report has the rank and energy kept; save(…, format=\"peft\") writes it as an adapter",
        example: "a = lora(ft - base, rank=16); show(a.report)") { arguments in
        var options = LoRAOptions()
        if arguments.has("rank") { options.rank = try arguments.int("rank") }
        if arguments.has("threshold") { options.threshold = try arguments.number("threshold") }
        options.embeddings = try arguments.bool("embeddings", default: true)
        let delta = try arguments.model("delta")
        guard delta.kind == .delta else {
            throw ArgumentError("lora(): \(delta.name) is a model of weights; give a delta: lora(ft - base, rank=r)")
        }
        return .model(try LoRAExtraction.extract(delta, options: options))
    }

    static let merge = Builtin(
        name: "merge",
        parameters: [.required("models"), .required("base"), .optional("method", "\"linear\""), .optional("weights", "1 each"),
                     .optional("density", "method's"), .optional("gamma", "0.01"), .optional("lambda", "1"), .optional("seed", "0")],
        group: "deltas",
        summary: "merge fine-tunes of one base per tensor: linear (task arithmetic), ties, dare_linear, dare_ties, breadcrumbs, breadcrumbs_ties",
        example: "m = merge([ft1, ft2], base=base, method=\"ties\", density=0.2)") { arguments in
        let zoo = try ZooBuiltins.zooArgument(arguments, "models")
        let models = try zoo.entries.indices.map { try zoo.model(at: $0) }
        let methodName = try arguments.string("method", default: "linear")
        guard let method = MergeMethod(rawValue: methodName) else {
            let known = MergeMethod.allCases.map(\.rawValue)
            throw ArgumentError("merge(): unknown method \"\(methodName)\"; known: \(known.joined(separator: ", "))" + Suggest.hint(for: methodName, in: known))
        }
        var options = MergeOptions(method: method)
        if arguments.has("weights") {
            options.weights = try arguments.list("weights").map { value in
                guard case let .number(number, _) = value else { throw ArgumentError("merge(): weights must be numbers, found \(value.typeName)") }
                return number
            }
        }
        if arguments.has("density") { options.density = try arguments.number("density") }
        options.gamma = try arguments.number("gamma", default: 0.01)
        options.lambda = try arguments.number("lambda", default: 1)
        let seed = try arguments.int("seed", default: 0)
        guard seed >= 0 else { throw ArgumentError("merge(): seed must be ≥ 0, got \(seed)") }
        options.seed = UInt64(seed)
        return .model(try Merge.merge(models, base: try arguments.model("base"), options: options))
    }

    static let lineage = Builtin(
        name: "lineage",
        parameters: [.required("models"), .optional("distance", "\"linf\""), .optional("lambda", "0.3"),
                     .optional("reverse", "false"), .optional("components", "square ones")],
        group: "deltas",
        summary: "which model was fine-tuned from which (MoTHer): a directed tree as a table of edges; plot(t) draws it",
        example: "t = lineage(models(\"zoo/manifest.csv\")); plot(t)") { arguments in
        let zoo = try ZooBuiltins.zooArgument(arguments, "models")
        var options = LineageOptions()
        let distance = try arguments.string("distance", default: "linf")
        guard let measure = LineageDistance(rawValue: distance) else {
            let known = LineageDistance.allCases.map(\.rawValue)
            throw ArgumentError("lineage(): unknown distance \"\(distance)\"; known: \(known.joined(separator: ", "))" + Suggest.hint(for: distance, in: known))
        }
        options.distance = measure
        options.lambda = try arguments.number("lambda", default: 0.3)
        options.reverse = try arguments.bool("reverse", default: false)
        if arguments.has("components") {
            options.components = try arguments.list("components").map { value in
                guard case let .string(text) = value else { throw ArgumentError("lineage(): components must be strings, found \(value.typeName)") }
                return text
            }
        }
        let models = try zoo.entries.indices.map { try zoo.model(at: $0) }
        return .table(try Lineage.tree(models, names: zoo.entries.map(\.name), options: options))
    }
}
