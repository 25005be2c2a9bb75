// The full display of a model or delta (`show m`).
import Engine

extension Display {
    /// Family, layers, widths, heads, vocabulary, parameter count, dtypes and source.
    static func model(_ model: Model) -> String {
        Value.model(model).shortDisplay
    }
}
