// Fuzzes the interpreter on pure expressions: an input runs only when every name in it is a
// keyword, a one-letter variable or a pure builtin, so no input reaches files, models or loops.
import FuzzDriver
import Lang

let pureNames: Set<String> = [
    "if", "else", "and", "or", "not", "true", "false", "none", "return",
    "len", "range", "abs", "str", "num", "type", "keys", "values", "append", "unique", "sort", "join",
    "split", "min", "max", "sum", "mean", "round", "floor", "ceil", "sqrt", "exp", "log", "print",
    "tensor", "zeros", "ones", "shape", "reshape", "transpose", "norm", "dot", "matmul", "list", "record",
    // Session 5: functions, table verbs and plots (drawn as text: `file=` is not allowed, so nothing is written).
    "fn", "map", "filter", "all", "any", "std", "pow", "randn", "seed", "stack", "axis", "topk", "argsort", "descending",
    "reverse", "key", "show", "table", "column", "name", "group", "by", "agg", "count", "pivot", "rows", "columns",
    "concat", "labels", "head", "tail", "plot", "kind", "measure", "title", "width", "height", "bins", "histogram",
    "lines", "scatter", "heatmap", "bar",
]

/// Whether every identifier in `text` is allowed.
func isPure(_ text: String) -> Bool {
    let words = text.split { !($0.isLetter || $0.isNumber || $0 == "_") }
    return words.allSatisfy { word in
        guard let first = word.first, first.isLetter || first == "_" else { return true }  // a number
        return word.count == 1 || pureNames.contains(String(word))
    }
}

runFuzzer { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    guard isPure(text) else { return }
    let session = Session(output: { _ in }, report: { _ in })
    _ = session.run(Source(name: "fuzz.mvs", text: text))
}
