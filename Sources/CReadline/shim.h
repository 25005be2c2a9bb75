// GNU readline and history, with setters for readline's globals that Swift cannot assign safely.
#ifndef MVS_CREADLINE_SHIM_H
#define MVS_CREADLINE_SHIM_H
#include <stdio.h>
#include <stdlib.h>
#include <readline/readline.h>
#include <readline/history.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

// glibc declares ppoll only under _GNU_SOURCE, which Swift's Glibc module does not set.
int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout, const sigset_t *sigmask);

/// Waits until `fd` is readable with `mask` as the signal mask meanwhile (atomically), so a signal
/// blocked outside the wait can only be delivered while waiting; -1 with errno EINTR when one is.
static inline int mvs_wait_readable(int fd, const sigset_t *mask) {
    struct pollfd descriptor = { fd, POLLIN, 0 };
    return ppoll(&descriptor, 1, NULL, mask);
}

typedef char **(*mvs_completion_fn)(const char *, int, int);
typedef char *(*mvs_generator_fn)(const char *, int);

static inline void mvs_rl_set_completion(mvs_completion_fn fn) {
    rl_attempted_completion_function = (rl_completion_func_t *)fn;
}
static inline char **mvs_rl_completion_matches(const char *text, mvs_generator_fn gen) {
    return rl_completion_matches(text, (rl_compentry_func_t *)gen);
}
static inline void mvs_rl_set_attempted_completion_over(int v) { rl_attempted_completion_over = v; }
static inline void mvs_rl_set_completion_append_character(int c) { rl_completion_append_character = c; }
static inline void mvs_rl_set_word_break_characters(const char *s) { rl_basic_word_break_characters = (char *)s; }
static inline void mvs_rl_set_readline_name(const char *s) { rl_readline_name = s; }
static inline const char *mvs_rl_line_buffer(void) { return rl_line_buffer; }
static inline void mvs_rl_set_catch_signals(int v) { rl_catch_signals = v; }
static inline void mvs_rl_set_event_hook(int (*hook)(void)) { rl_event_hook = hook; }
static inline void mvs_rl_set_done(int v) { rl_done = v; }
static inline void mvs_rl_set_filename_completion_desired(int v) { rl_filename_completion_desired = v; }
static inline void mvs_rl_set_completion_suppress_append(int v) { rl_completion_suppress_append = v; }
static inline void mvs_rl_set_completer_quote_characters(const char *s) { rl_completer_quote_characters = s; }
#endif
