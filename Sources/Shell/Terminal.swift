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
