// The one registry of builtins: each topic file contributes a list; help, completion and calls read it.

/// All builtins by name.
public enum BuiltinRegistry {
    /// Every builtin, from every topic file, in help order.
    public static let all: [Builtin] = CoreBuiltins.all + CollectionBuiltins.all + TableBuiltins.all + MathBuiltins.all + AxisBuiltins.all + TensorBuiltins.all
        + ModelBuiltins.all + ForwardBuiltins.all + VisionBuiltins.all + AnalysisBuiltins.all + ZooBuiltins.all + DeltaBuiltins.all + IOBuiltins.all + ImageBuiltins.all + PlotBuiltins.all

    /// Builtins by name.
    public static let byName: [String: Builtin] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
}
