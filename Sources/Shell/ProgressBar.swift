// The progress bar drawn on stderr for long Engine work, when stderr is a terminal.
import Foundation
import Engine

/// Draws `label [#####-----] 42%` on one stderr line, redrawn at most ten times a second.
final class ProgressBar: ProgressReporter, @unchecked Sendable {  // unchecked: every mutable field is read and written under `lock`
    private let lock = NSLock()
    private var label = ""
    private var total = 0
    private var lastDraw = Date.distantPast
    private var drawn = false

    func begin(_ label: String, total: Int) {
        lock.withLock {
            self.label = label
            self.total = max(total, 1)
            self.lastDraw = .distantPast
        }
    }

    func advance(_ done: Int) {
        lock.withLock {
            let now = Date()
            guard now.timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
            lastDraw = now
            let fraction = min(1, Double(done) / Double(total))
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(Int(fraction * 100))% (\(done)/\(total))\u{1B}[K".utf8))
            drawn = true
        }
    }

    func end() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            drawn = false
        }
    }
}
