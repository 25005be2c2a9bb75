// Progress of long Engine work for the kernel protocol: a display a front-end redraws in place.
import Engine
import Foundation

/// Sends `progress` messages with one display id per piece of work: nothing for work that ends within half
/// a second, then at most four updates a second, and a last one saying how long it took.
final class KernelProgress: ProgressReporter, @unchecked Sendable {  // unchecked: every mutable field is guarded by `lock`
    /// Work shorter than this shows no progress at all (a notebook should not fill with flashes).
    static let delay = 0.5
    static let interval = 0.25

    private let channel: KernelChannel
    private let lock = NSLock()
    private var serial = 0
    private var label = ""
    private var total = 1
    private var started = Date()
    private var lastSent: Date?

    init(channel: KernelChannel) {
        self.channel = channel
    }

    func begin(_ label: String, total: Int) {
        lock.withLock {
            serial += 1
            self.label = label
            self.total = max(total, 1)
            started = Date()
            lastSent = nil
        }
    }

    func advance(_ done: Int) {
        lock.withLock {
            let now = Date()
            guard now.timeIntervalSince(started) >= KernelProgress.delay else { return }
            if let lastSent, now.timeIntervalSince(lastSent) < KernelProgress.interval, done < total { return }
            let shown = min(max(done, 0), total)
            let text = "\(label) \(shown)/\(total) (\(Int(Double(shown) / Double(total) * 100))%)"
            let html = "<progress value=\"\(shown)\" max=\"\(total)\"></progress> \(SVGRenderer.escapeMarkup(text))"
            send(text: text, html: html, update: lastSent != nil)
            lastSent = now
        }
    }

    func end() {
        lock.withLock {
            guard lastSent != nil else { return }
            let text = "\(label): \(total) steps in \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
            send(text: text, html: SVGRenderer.escapeMarkup(text), update: true)
            lastSent = nil
        }
    }

    /// Called under `lock`.
    private func send(text: String, html: String, update: Bool) {
        channel.send(["type": "progress", "display_id": "mvs-progress-\(getpid())-\(serial)", "update": update,
                      "data": ["text/plain": text, "text/html": html]])
    }
}
