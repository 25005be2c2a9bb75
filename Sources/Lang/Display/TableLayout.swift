// A table laid out for display (formatted cells, elision, footer), drawn as aligned text or as HTML.
import Engine

/// The cells a table display shows, already formatted at the terminal's precision; the text and HTML
/// drawings differ only in how they align and frame them.
struct TableLayout {
    /// One formatted cell; numbers are right-aligned, text left-aligned.
    struct Cell {
        let text: String
        let numeric: Bool
        init(_ text: String, numeric: Bool) {
            self.text = text
            self.numeric = numeric
        }
    }

    /// A row of cells, or the marker standing for rows left out of a long table.
    enum Row {
        case cells([Cell])
        case elided(Int)
    }

    /// A line shown before the table (why a grid could not be drawn).
    var preface: String?
    var header: [Cell]
    var rows: [Row] = []
    /// Whether the first cell of each row labels it (a grid's layer), drawn as a header cell in HTML.
    var rowLabels = false
    /// Lines after the table: the size, attached tensors.
    var footer: [String] = []

    init(header: [Cell]) {
        self.header = header
    }

    /// Cells joined by two spaces, padded to each column's width, without trailing blanks.
    var text: String {
        var widths = header.map(\.text.count)
        for case let .cells(cells) in rows {
            for (index, cell) in cells.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.text.count) }
        }
        var lines = preface.map { [$0] } ?? []
        lines.append(TableLayout.line(header, widths: widths))
        for row in rows {
            switch row {
            case let .cells(cells): lines.append(TableLayout.line(cells, widths: widths))
            case let .elided(count): lines.append("… \(count) more rows …")
            }
        }
        return (lines + footer).joined(separator: "\n")
    }

    private static func line(_ cells: [Cell], widths: [Int]) -> String {
        let padded = zip(cells, widths).map { cell, width -> String in
            let padding = String(repeating: " ", count: max(0, width - cell.text.count))
            return cell.numeric ? padding + cell.text : cell.text + padding
        }
        return String(padded.joined(separator: "  ").reversed().drop { $0 == " " }.reversed())
    }

    /// An HTML `<table>` with the same cells; alignment is stated per cell, since notebook styles
    /// right-align every cell by default and text columns must stay left.
    var html: String {
        var parts: [String] = []
        if let preface { parts.append("<p>\(SVGRenderer.escapeMarkup(preface))</p>") }
        parts.append("<table class=\"mvs-table\">")
        parts.append("<thead><tr>" + header.map { TableLayout.cell("th", $0) }.joined() + "</tr></thead>")
        parts.append("<tbody>")
        for row in rows {
            switch row {
            case let .cells(cells):
                let drawn = cells.enumerated().map { index, cell in TableLayout.cell(index == 0 && rowLabels ? "th" : "td", cell) }
                parts.append("<tr>" + drawn.joined() + "</tr>")
            case let .elided(count):
                parts.append("<tr><td colspan=\"\(header.count)\" style=\"text-align: center\">… \(count) more rows …</td></tr>")
            }
        }
        parts.append("</tbody></table>")
        if !footer.isEmpty { parts.append("<p>" + footer.map(SVGRenderer.escapeMarkup).joined(separator: "<br>") + "</p>") }
        return parts.joined(separator: "\n")
    }

    private static func cell(_ tag: String, _ cell: Cell) -> String {
        "<\(tag) style=\"text-align: \(cell.numeric ? "right" : "left")\">\(SVGRenderer.escapeMarkup(cell.text))</\(tag)>"
    }
}
