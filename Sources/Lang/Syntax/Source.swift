// Source text with a name (`script.mvs`, `<stdin:3>`), and positions and ranges inside it.

/// A named piece of source text; ranges point into it so diagnostics can quote the line.
public final class Source: Sendable {
    /// Name used in diagnostics: a file path, `<stdin:N>`, `<-c>`.
    public let name: String
    /// The text.
    public let text: String
    /// The text as characters, for the lexer and for quoting lines.
    let characters: [Character]
    private let lineStarts: [Int]

    /// A source named `name` holding `text`.
    public init(name: String, text: String) {
        self.name = name
        self.text = text
        let characters = Array(text)
        self.characters = characters
        var starts = [0]
        for (offset, character) in characters.enumerated() where character == "\n" || character == "\r\n" {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    /// The text of 1-based line `line`, without its newline.
    public func line(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = start
        while end < characters.count, characters[end] != "\n", characters[end] != "\r\n" { end += 1 }
        return String(characters[start..<end])
    }

    /// The 1-based line and column of a character offset.
    func location(of offset: Int) -> SourceLocation {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return SourceLocation(offset: offset, line: low + 1, column: offset - lineStarts[low] + 1)
    }
}

/// A position in a source: character offset, 1-based line and column.
public struct SourceLocation: Sendable, Equatable {
    /// Characters from the start of the source.
    public let offset: Int
    /// 1-based line.
    public let line: Int
    /// 1-based column, in characters.
    public let column: Int
}

/// A half-open range of characters in one source.
public struct SourceRange: Sendable {
    /// The source the range lies in.
    public let source: Source
    /// The first character.
    public let start: SourceLocation
    /// One past the last character.
    public let end: SourceLocation

    init(source: Source, start: Int, end: Int) {
        self.source = source
        self.start = source.location(of: start)
        self.end = source.location(of: max(start, end))
    }

    /// The smallest range covering both.
    func to(_ other: SourceRange) -> SourceRange {
        SourceRange(source: source, start: start.offset, end: max(end.offset, other.end.offset))
    }

    /// `name:line:col`.
    public var description: String { "\(source.name):\(start.line):\(start.column)" }
}
