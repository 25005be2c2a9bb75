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
        // A parent may have started us with SIGINT blocked (test runners, some process managers).
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }
}
