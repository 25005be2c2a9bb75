// A small RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF) for zoo manifests.

/// Parses CSV text into rows of fields.
public enum CSVReader {
    /// Rows of fields; throws on an unterminated quote, naming `path` and the line.
    public static func parse(_ text: String, path: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        func nextCharacter() -> Character? {
            if let character = pending { pending = nil; return character }
            return iterator.next()
        }
        while let character = nextCharacter() {
            if inQuotes {
                if character == "\"" {
                    if let following = nextCharacter() {
                        if following == "\"" { field.append("\"") } else { inQuotes = false; pending = following }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty: inQuotes = true
            case ",": row.append(field); field = ""
            case "\n", "\r\n", "\r":
                row.append(field); field = ""
                if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
                row = []
                line += 1
            default: field.append(character)
            }
        }
        if inQuotes { throw EngineError.malformed(path: path, message: "line \(line): unterminated quoted field") }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
