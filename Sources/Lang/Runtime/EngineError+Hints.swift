// Engine's errors as the language shows them: the one place that adds what to type to get past one.
import Engine

extension EngineError {
    /// The message plus, where the error has a remedy, that remedy in the language's own syntax.
    ///
    /// Engine errors carry data (which file, which name, whether appending was possible); only Lang knows
    /// that the remedy is spelt `overwrite=true`, `mode="a"` or `layernorm=true`.
    var languageMessage: String {
        switch self {
        case let .exists(_, name, appendable):
            return description + "; pass overwrite=true to replace it"
                + (appendable && name == nil ? " or mode=\"a\" to add to it" : "")
        case .noFinalNorm:
            return description + "; project without layernorm=true"
        default:
            return description
        }
    }
}
