// Canonical names with a layer counted from the end (`layer.-1.q`), and precise errors for ones that miss.

extension Model {
    /// A canonical name with a negative layer (`layer.-1.q`, `dec.layer.-2.xq`) rewritten to count from the end
    /// of its stack; nil when the name has no negative layer.
    func fromEnd(_ name: String) -> String? {
        guard let parsed = Model.parse(name), parsed.layer < 0 else { return nil }
        let layers = architecture.entries.filter { $0.stack == parsed.stack }.compactMap(\.layer)
        guard let top = layers.max() else { return nil }
        let layer = top + 1 + parsed.layer
        guard layer >= 0 else { return nil }
        return (parsed.stack.map { "\($0)." } ?? "") + "layer.\(layer).\(parsed.component)"
    }

    /// The error for a name that is neither canonical nor raw: a layer outside the model or a component it
    /// lacks are said as such; anything else gets the nearest name.
    func unknownParameter(_ name: String) -> EngineError {
        if let parsed = Model.parse(name) {
            let stack = architecture.entries.filter { $0.stack == parsed.stack && $0.layer != nil }
            let layers = Set(stack.compactMap(\.layer)).sorted()
            var components: [String] = []
            for entry in stack where !components.contains(entry.component) { components.append(entry.component) }
            let place = parsed.stack.map { "the \($0) stack of \(self.name)" } ?? self.name
            if let first = layers.first, let last = layers.last, components.contains(parsed.component), !layers.contains(parsed.layer) {
                return .invalidArgument("\(name): layer \(parsed.layer) out of range (\(place) has layers \(first)…\(last))")
            }
            if layers.contains(parsed.layer), !components.isEmpty {
                return .invalidArgument("\(name): \(place) has no component '\(parsed.component)' (it has \(components.joined(separator: ", ")))"
                                        + Suggest.hint(for: parsed.component, in: components))
            }
        }
        if name.hasPrefix("onnx::") {
            return .invalidArgument("\(name) is an ONNX exporter's anonymous name: mvs names such a weight after the node that "
                                    + "consumes it (`/…/query/MatMul`, or `node:input` for other nodes); see names(m) and schema(m)")
        }
        let candidates = names + architecture.entries.map(\.name)
        return .unknownName(name, context: "parameter in \(self.name)", suggestion: Suggest.closest(to: name, in: candidates))
    }

    /// `[stack.]layer.N.component` split into its parts; nil for other names.
    private static func parse(_ name: String) -> (stack: String?, layer: Int, component: String)? {
        var parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var stack: String?
        if parts.count == 4 { stack = parts.removeFirst() }
        guard parts.count == 3, parts[0] == "layer", let layer = Int(parts[1]), !parts[2].isEmpty else { return nil }
        return (stack, layer, parts[2])
    }
}
