// Analysis builtins: delta, rank, spectrum, project, align.
import Engine

enum AnalysisBuiltins {
    static let all: [Builtin] = []
}
