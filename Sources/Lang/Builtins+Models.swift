// Model builtins: loading models and reading their parameters, names and vocabularies (owned by the models work).
import Engine

enum ModelBuiltins {
    static let all: [Builtin] = []
}
