// Diagnostics as data (range, severity, message, notes), rendered in exactly one place.

/// An error or note tied to a source range.
public struct Diagnostic: Error, Sendable {
    /// How serious.
    public enum Severity: String, Sendable { case error, warning, note }

    /// A secondary message, optionally pointing at its own range (where a bracket opened, a call site).
    public struct Note: Sendable {
        /// Where the note points, if anywhere.
        public let range: SourceRange?
        /// The note's text.
        public let message: String
        /// A note, optionally at a range.
        public init(_ message: String, at range: SourceRange? = nil) {
            self.message = message
            self.range = range
        }
    }

    /// What the diagnostic is about.
    public let range: SourceRange
    /// Error, warning or note.
    public let severity: Severity
    /// The one-line message.
    public let message: String
    /// Secondary messages, rendered after the main one.
    public var notes: [Note]

    /// A diagnostic at `range`.
    public init(_ message: String, at range: SourceRange, severity: Severity = .error, notes: [Note] = []) {
        self.range = range
        self.severity = severity
        self.message = message
        self.notes = notes
    }

    /// The first line: `name:line:col: error: message`.
    public var headline: String { "\(range.description): \(severity.rawValue): \(message)" }

    /// `name:line:col: error: message`, the source line, a caret under the range; then each note alike.
    /// With `color`, severities are highlighted with ANSI escapes.
    public func render(color: Bool = false) -> String {
        var lines = Diagnostic.block(range: range, label: severity.rawValue, message: message, color: color)
        for note in notes {
            if let range = note.range {
                lines += Diagnostic.block(range: range, label: "note", message: note.message, color: color)
            } else {
                lines.append("\(Diagnostic.paint("note:", bold: true, code: "36", color: color)) \(note.message)")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func block(range: SourceRange, label: String, message: String, color: Bool) -> [String] {
        let code = label == "error" ? "31" : (label == "warning" ? "35" : "36")
        var lines = ["\(paint(range.description + ":", bold: true, code: nil, color: color)) \(paint(label + ":", bold: true, code: code, color: color)) \(message)"]
        let text = range.source.line(range.start.line)
        guard !text.isEmpty || range.start.column == 1 else { return lines }
        lines.append(text)
        // Keep tabs so the caret lines up under tab-indented code.
        let prefix = text.prefix(range.start.column - 1).map { $0 == "\t" ? "\t" : " " }.joined()
        let width = range.end.line == range.start.line ? max(1, range.end.column - range.start.column) : 1
        let caret = "^" + String(repeating: "~", count: width - 1)
        lines.append(prefix + paint(caret, bold: true, code: "32", color: color))
        return lines
    }

    private static func paint(_ text: String, bold: Bool, code: String?, color: Bool) -> String {
        guard color else { return text }
        var codes: [String] = []
        if bold { codes.append("1") }
        if let code { codes.append(code) }
        return "\u{1B}[\(codes.joined(separator: ";"))m\(text)\u{1B}[0m"
    }
}
