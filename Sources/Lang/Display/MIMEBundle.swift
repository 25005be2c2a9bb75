// One output in several formats (MIME type → text) for front-ends that show more than text (Jupyter).

/// An output as its front-end formats: `text/plain` always, plus `text/html` for tables or
/// `image/svg+xml` for pictures.
public struct MIMEBundle: Sendable, Equatable {
    /// Format → content, e.g. `["text/plain": …, "text/html": …]`.
    public var data: [String: String]

    /// A bundle of plain text alone.
    public init(text: String) {
        data = ["text/plain": text]
    }

    /// A picture with a short text stand-in for front-ends that show no SVG.
    public init(svg: String, text: String) {
        data = ["text/plain": text, "image/svg+xml": svg]
    }
}

extension Display {
    /// A value's rich display: the text the terminal shows (its echo, or its full display when `show`n), and
    /// for tables and columns the same cells as an HTML table.
    public static func bundle(_ value: Value, measure: String? = nil, echo: Bool = false) -> MIMEBundle {
        var bundle = MIMEBundle(text: echo ? Display.echo(value) : Display.full(value, measure: measure))
        switch value {
        case let .table(table):
            bundle.data["text/html"] = layout(table, measure: measure).html
        case let .column(column):
            if let table = column.table { bundle.data["text/html"] = layout(table, measure: nil).html }
        default:
            break
        }
        return bundle
    }
}
