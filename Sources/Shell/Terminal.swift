// What the process is connected to (terminals, colour), and writing to stdout and stderr.
import Foundation
import Lang

/// Terminal facts and output helpers.
enum Terminal {
    static let stdinIsTerminal = isatty(STDIN_FILENO) == 1
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1
    /// Colour only on a terminal, and never when NO_COLOR is set (to anything non-empty).
    static let color: Bool = stderrIsTerminal && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        && ProcessInfo.processInfo.environment["TERM"] != "dumb"

    /// The terminal stdout goes to, for builtins that draw (`plot`): its size now (so a resized window is
    /// used at the next input), colour unless NO_COLOR is set or TERM is dumb, 24-bit colour when COLORTERM says
    /// so; nil when stdout is not a terminal.
    static var output: TerminalInfo? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        let environment = ProcessInfo.processInfo.environment
        var size = winsize()
        let known = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 && size.ws_row > 0
        let width = known ? Int(size.ws_col) : Int(environment["COLUMNS"] ?? "") ?? 80
        let height = known ? Int(size.ws_row) : Int(environment["LINES"] ?? "") ?? 24
        let colour = (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        let trueColour = ["truecolor", "24bit"].contains(environment["COLORTERM"] ?? "")
        return TerminalInfo(width: width, height: height, colour: colour, trueColour: colour && trueColour)
    }

    /// Writes a line to stdout.
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes a line to stderr.
    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Renders a diagnostic to stderr.
    static func report(_ diagnostic: Diagnostic) {
        err(diagnostic.render(color: color))
    }
}
