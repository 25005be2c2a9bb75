// Core builtins: printing and inspection of values.
import Engine

enum CoreBuiltins {
    static let all: [Builtin] = [
        Builtin(name: "print", parameters: [], variadic: true, group: "core",
                summary: "print values separated by spaces", example: "print(\"norm\", norm(t))") { arguments in
            arguments.context.write(arguments.positional.map { $0.plainText }.joined(separator: " "))
            return .none
        },
    ]
}
