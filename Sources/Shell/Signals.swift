// Ctrl-C handling: the SIGINT handler only sets Engine's interruption flag, which running code polls.
import Foundation
import Engine

enum Signals {
    /// Installs the SIGINT handler (without SA_RESTART, so a blocking poll at the prompt wakes up).
    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Interruption.request() }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }
}
