/* console_self.c — this program run again as a child (thumbnails through `vitrine view`, marker
 * sheets through `vitrine markers`): under a wall-time limit (then killed), a CPU and an address
 * space limit, at a low priority, with its stderr kept for the reason it gives. Whatever it is
 * asked to do costs only the child. */

#include "console_media.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define SELF_MAX_ARGS 32
#define SELF_MEMORY_BYTES (3ull << 30)   /* address space: a 64 MB model's decoded textures and the GL's */
#define SELF_NICE 10

/* The child's side, between fork and exec: only async-signal-safe calls. */
static void child(const char *exe, char *const *argv, int errfd, rlim_t cpu_s)
{
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
    }
    dup2(errfd, 2);
    closefrom(3);   /* nothing of the console's (sockets, files) goes along */
    setpriority(PRIO_PROCESS, 0, SELF_NICE);
    struct rlimit cpu = { cpu_s, cpu_s + 1 };
    setrlimit(RLIMIT_CPU, &cpu);
#if !defined(__SANITIZE_ADDRESS__)   /* AddressSanitizer reserves terabytes of shadow: no AS limit there */
    struct rlimit as = { SELF_MEMORY_BYTES, SELF_MEMORY_BYTES };
    setrlimit(RLIMIT_AS, &as);
#endif
    execv(exe, argv);
    static const char msg[] = "vitrine: console: cannot run this program again\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(127);
}

/* Keeps the last n - 1 bytes written into tail (NUL-terminated). */
static void keep_tail(char *tail, size_t n, size_t *have, const char *buf, size_t len)
{
    if (!tail || n < 2) return;
    size_t cap = n - 1;
    if (len >= cap) {
        memcpy(tail, buf + len - cap, cap);
        *have = cap;
    } else {
        size_t drop = *have + len > cap ? *have + len - cap : 0;
        memmove(tail, tail + drop, *have - drop);
        memcpy(tail + *have - drop, buf, len);
        *have = *have - drop + len;
    }
    tail[*have] = 0;
}

/* Reads the child's stderr until it closes or the deadline passes: 1 in time, 0 late. */
static int drain(int fd, uint64_t deadline_ns, char *tail, size_t n, size_t *have)
{
    char buf[4096];
    for (;;) {
        uint64_t now = vt_now_ns();
        if (now >= deadline_ns) return 0;
        struct pollfd p = { fd, POLLIN, 0 };
        int left_ms = (int)((deadline_ns - now) / 1000000) + 1;
        int r = poll(&p, 1, left_ms > 1000 ? 1000 : left_ms);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) continue;
        ssize_t got = read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return 1;
        keep_tail(tail, n, have, buf, (size_t)got);
    }
}

/* The last line that says something, without "vitrine: " (a whole message for staff). */
static void last_line(const char *tail, char *err, size_t errlen)
{
    const char *end = tail + strlen(tail);
    while (end > tail && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ')) end--;
    const char *start = end;
    while (start > tail && start[-1] != '\n') start--;
    if (!strncmp(start, "vitrine: ", 9)) start += 9;
    snprintf(err, errlen, "%.*s", (int)(end - start), start);
}

int console_run_self_out(vt_console *c, const char *const *args, double timeout_s, char *out, size_t out_len, char *err,
                         size_t errlen)
{
    char *argv[SELF_MAX_ARGS + 2];
    int n = 0;
    argv[n++] = (char *)"vitrine";
    for (; args[n - 1] && n <= SELF_MAX_ARGS; n++) argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    char tailbuf[2048], *tail = out && out_len > 1 ? out : tailbuf;
    size_t tn = out && out_len > 1 ? out_len : sizeof tailbuf, have = 0;
    tail[0] = 0;
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        snprintf(err, errlen, _("cannot run %s: %s"), c->exe, strerror(errno));
        return -1;
    }
    rlim_t cpu_s = (rlim_t)(timeout_s + 1);
    pid_t pid = fork();
    if (pid == 0) child(c->exe, argv, pfd[1], cpu_s);
    close(pfd[1]);
    if (pid < 0) {
        close(pfd[0]);
        snprintf(err, errlen, _("cannot run %s: %s"), c->exe, strerror(errno));
        return -1;
    }
    uint64_t deadline = vt_now_ns() + (uint64_t)(timeout_s * 1e9);
    int in_time = drain(pfd[0], deadline, tail, tn, &have);
    close(pfd[0]);
    int status = 0;
    if (!in_time) kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (!in_time) {
        snprintf(err, errlen, _("%s took longer than %.0f s and was stopped"), args[0], timeout_s);
        return -1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    last_line(tail, err, errlen);
    if (!err[0]) {
        if (WIFSIGNALED(status)) snprintf(err, errlen, _("%s ended on signal %d"), args[0], WTERMSIG(status));
        else snprintf(err, errlen, _("%s failed (exit %d)"), args[0], WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) ? -WEXITSTATUS(status) : -1 : -1;
}

int console_run_self(vt_console *c, const char *const *args, double timeout_s, char *err, size_t errlen)
{
    return console_run_self_out(c, args, timeout_s, NULL, 0, err, errlen) == 0 ? 0 : -1;
}
