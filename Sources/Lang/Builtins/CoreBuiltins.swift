// Core builtins: printing, help, types and conversions, the environment, assertions and exit.
import Engine
import Foundation

enum CoreBuiltins {
    static let all: [Builtin] = [
        Builtin(name: "print", parameters: [], variadic: true, group: "core",
                summary: "print values separated by spaces", example: "print(\"norm\", norm(t))") { arguments in
            arguments.context.write(arguments.positional.map { $0.plainText }.joined(separator: " "))
            return .none
        },
        Builtin(name: "show", parameters: [.required("value"), .optional("measure", "none")], group: "core",
                summary: "print the full display of a value (a table as a grid of one measure)",
                example: "show(rank(m), \"erank\")") { arguments in
            let value = arguments.value("value") ?? .none
            let measure = arguments.has("measure") ? try arguments.string("measure") : nil
            if let measure, case let .table(table) = value, !table.columnNames.contains(measure) {
                throw ArgumentError("show(): the table has no column '\(measure)'"
                                    + Suggest.hint(for: measure, in: table.columnNames, listing: "columns"))
            }
            if let display = arguments.context.display {
                display(Display.bundle(value, measure: measure))
            } else {
                arguments.context.write(Display.full(value, measure: measure))
            }
            return .none
        },
        Builtin(name: "help", parameters: [.optional("topic", "none")], group: "core",
                summary: "list the builtins, or show one builtin's signature and example",
                example: "help(\"norm\")") { arguments in
            var topic: String?
            switch arguments.value("topic") {
            case let .string(name)?: topic = name
            case let .function(function)?: topic = function.name
            case .none?, nil: topic = nil
            case let other?: throw ArgumentError("help(): 'topic' must be a name or a function, got \(other.typeName)")
            }
            if let topic, BuiltinRegistry.byName[topic] == nil, case .function? = arguments.value("topic") {
                arguments.context.write("\(topic) is a function defined in mvs")
                return .none
            }
            arguments.context.write(Help.text(for: topic))
            return .none
        },
        Builtin(name: "type", parameters: [.required("value")], group: "core",
                summary: "the type name of a value", example: "type(3)  # \"number\"") { arguments in
            .string((arguments.value("value") ?? .none).typeName)
        },
        Builtin(name: "str", parameters: [.required("value")], group: "core",
                summary: "a value as text (strings unchanged)", example: "\"n = \" + str(3)") { arguments in
            .string((arguments.value("value") ?? .none).plainText)
        },
        Builtin(name: "num", parameters: [.required("value")], group: "core",
                summary: "a string or bool as a number", example: "num(\"2.5\")") { arguments in
            switch arguments.value("value") ?? .none {
            case let .number(number, _): return .number(number)
            case let .bool(bool): return .number(bool ? 1 : 0)
            case let .string(text):
                guard let number = Double(text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")) else {
                    throw ArgumentError("num(): cannot read \"\(text)\" as a number")
                }
                return .number(number)
            case let other: throw ArgumentError("num(): cannot convert \(other.typeName) to a number")
            }
        },
        Builtin(name: "env", parameters: [.required("name")], group: "core",
                summary: "an environment variable, or none when unset", example: "env(\"HOME\")") { arguments in
            ProcessInfo.processInfo.environment[try arguments.string("name")].map { .string($0) } ?? .none
        },
        Builtin(name: "assert", parameters: [.required("condition"), .optional("message", "\"assertion failed\"")], group: "core",
                summary: "stop with an error unless the condition is true", example: "assert(len(xs) > 0, \"no models\")") { arguments in
            if try !arguments.bool("condition") {
                throw ArgumentError(arguments.has("message") ? "assertion failed: \(try arguments.string("message"))" : "assertion failed")
            }
            return .none
        },
        Builtin(name: "exit", parameters: [.optional("status", "0")], group: "core",
                summary: "end the script (or the shell) with an exit status", example: "exit(1)") { arguments in
            let status = try arguments.int("status", default: 0)
            guard (0...255).contains(status) else { throw ArgumentError("exit(): status must be between 0 and 255, got \(status)") }
            throw ExitRequest(status: Int32(status))
        },
    ]
}
