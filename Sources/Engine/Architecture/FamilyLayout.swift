// Where a family's weights live: the prefixes a checkpoint may put before its names and the name that proves it.

/// How to find a family's parameters in a checkpoint, read by both its schema and its forward pass.
struct FamilyLayout {
    /// Prefixes tried in order (`bert.`, `transformer.`, `model.`, or none).
    let prefixes: [String]
    /// A parameter every model of the family has, relative to the prefix.
    let probe: String

    /// The first prefix under which the probe exists; nil when the model is not laid out this way.
    func prefix(in names: ParameterNames) -> String? {
        names.prefix(among: prefixes, having: probe)
    }
}
