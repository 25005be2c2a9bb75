// What a caller may ask of a chart built from a value: its kind, measure, title, scale and bins.

/// Choices for building a chart from a table, tensor or vector set; nil means "decide from the value".
public struct ChartOptions: Sendable, Equatable {
    /// The kind of chart; chosen from the value when nil.
    public var kind: Chart.Kind?
    /// The table column to draw (rank tables); `erank` when present, else the first numeric column.
    public var measure: String?
    /// Replaces the default title.
    public var title: String?
    /// A logarithmic value axis (for a 1-D tensor: draw it as a spectrum).
    public var log: Bool
    /// Histogram bins; chosen from the number of values when nil.
    public var bins: Int?
    /// The row (matrix) of a `ww` table whose ESD to draw.
    public var name: String?

    public init(kind: Chart.Kind? = nil, measure: String? = nil, title: String? = nil, log: Bool = false, bins: Int? = nil,
                name: String? = nil) {
        self.kind = kind
        self.measure = measure
        self.title = title
        self.log = log
        self.bins = bins
        self.name = name
    }

    /// The kind named `name`; an unknown name throws with a suggestion.
    public static func kind(named name: String) throws -> Chart.Kind {
        guard let kind = Chart.Kind(rawValue: name) else {
            let names = Chart.Kind.allCases.map(\.rawValue)
            throw EngineError.invalidArgument("unknown plot kind '\(name)'\(Suggest.hint(for: name, in: names)) (kinds: \(names.joined(separator: ", ")))")
        }
        return kind
    }
}
