// A grid of character cells with optional colours, braille sub-cell dots, and output as lines (ANSI when coloured).

/// Characters on a fixed grid; each cell may carry a foreground colour.
struct TextCanvas {
    struct Cell {
        var character: Character = " "
        var colour: RGB?
    }

    let width: Int
    let height: Int
    private(set) var cells: [[Cell]]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        cells = Array(repeating: Array(repeating: Cell(), count: width), count: height)
    }

    /// The character at a cell (a space outside the grid).
    func character(row: Int, column: Int) -> Character {
        row >= 0 && row < height && column >= 0 && column < width ? cells[row][column].character : " "
    }

    /// Sets one cell; positions outside the grid are ignored (labels are clipped, never wrapped).
    mutating func set(row: Int, column: Int, _ character: Character, colour: RGB? = nil) {
        guard row >= 0, row < height, column >= 0, column < width else { return }
        cells[row][column] = Cell(character: character, colour: colour)
    }

    /// Writes `text` from `column` rightwards.
    mutating func write(_ text: String, row: Int, column: Int, colour: RGB? = nil) {
        for (offset, character) in text.enumerated() { set(row: row, column: column + offset, character, colour: colour) }
    }

    /// Whether columns `range` of `row` are all blank (for placing labels without overlap).
    func isBlank(row: Int, columns range: Range<Int>) -> Bool {
        range.allSatisfy { character(row: row, column: $0) == " " }
    }

    /// The grid as lines without trailing spaces; with `colour`, runs of coloured cells are wrapped in
    /// xterm 256-colour escapes (24-bit ones with `trueColour`) and reset at their end.
    func lines(colour: Bool, trueColour: Bool = false) -> [String] {
        cells.map { row in
            let end = (row.lastIndex { $0.character != " " } ?? -1) + 1
            var line = ""
            var current: RGB?
            for cell in row[..<end] {
                let wanted = colour ? cell.colour : nil
                if wanted != current {
                    if current != nil { line += "\u{1B}[0m" }
                    if let wanted {
                        line += trueColour ? "\u{1B}[38;2;\(wanted.red);\(wanted.green);\(wanted.blue)m" : "\u{1B}[38;5;\(wanted.ansi256)m"
                    }
                    current = wanted
                }
                line.append(cell.character)
            }
            if current != nil { line += "\u{1B}[0m" }
            return line
        }
    }
}

/// Braille dots, two across and four down per character cell, each cell coloured by its last writer.
struct BrailleLayer {
    let columns: Int
    let rows: Int
    private var bits: [[UInt8]]
    private var colours: [[RGB?]]

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        bits = Array(repeating: Array(repeating: 0, count: columns), count: rows)
        colours = Array(repeating: Array(repeating: nil, count: columns), count: rows)
    }

    /// Dot bit for (x mod 2, y mod 4) in the Unicode braille pattern block (U+2800).
    private static let dotBits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]

    /// Lights the dot at (x, y) in dot coordinates, y downwards.
    mutating func set(x: Int, y: Int, colour: RGB?) {
        let column = x / 2, row = y / 4
        guard x >= 0, y >= 0, column < columns, row < rows else { return }
        bits[row][column] |= BrailleLayer.dotBits[y % 4][x % 2]
        colours[row][column] = colour
    }

    /// Copies the lit cells onto `canvas` with their top-left at (top, left).
    func draw(on canvas: inout TextCanvas, top: Int, left: Int) {
        for row in 0..<rows {
            for column in 0..<columns where bits[row][column] != 0 {
                guard let scalar = Unicode.Scalar(0x2800 + UInt32(bits[row][column])) else { continue }
                canvas.set(row: top + row, column: left + column, Character(scalar), colour: colours[row][column])
            }
        }
    }
}
