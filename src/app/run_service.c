/* run_service.c — `vitrine run` as a systemd service (scripts/package/vitrine.service,
 * Type=notify, WatchdogSec=): READY=1 once the first frame is on screen, WATCHDOG=1 heartbeats
 * from the frame loop, STATUS= lines for `systemctl status`, STOPPING=1 at the end. Outside
 * systemd (NOTIFY_SOCKET unset) nothing is sent and nothing is timed. docs/service.md. */
#include "run.h"

#include <systemd/sd-daemon.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STATUS_EVERY_NS 5000000000ull   /* STATUS= every 5 s: systemctl status stays current */

void run_service_open(run_ctx *rc)
{
    run_service *s = &rc->svc;
    memset(s, 0, sizeof *s);
    const char *sock = getenv("NOTIFY_SOCKET");
    s->on = sock && *sock;
    /* WATCHDOG_USEC (and WATCHDOG_PID, when set, naming this process): systemd's WatchdogSec=.
     * A quarter of it between heartbeats leaves room for a slow frame or a busy machine. */
    uint64_t usec = 0;
    if (s->on && sd_watchdog_enabled(0, &usec) > 0 && usec > 0) s->ping_ns = usec * 1000 / 4;
    const char *fz = getenv("VITRINE_TEST_FREEZE_AFTER");
    if (fz && *fz) s->freeze_after = atoi(fz);
}

/* One line for systemctl status: the catalog, the source, the frame rate since the last line,
 * and a lost camera (which is not a frozen loop: heartbeats go on while it is away). */
static void send_status(run_ctx *rc, const char *state)
{
    run_service *s = &rc->svc;
    uint64_t now = vt_now_ns();
    double secs = s->t_status ? (double)(now - s->t_status) / 1e9 : 0;
    double fps = secs > 0 ? (rc->n - s->n_status) / secs : 0;
    const char *src = rc->fr.name ? rc->fr.name : "";
    char line[700];
    /* systemctl status's line: the catalog file, the source, the rate, maybe the camera away */
    char rate[64];
    if (s->t_status) snprintf(rate, sizeof rate, _("%.1f frames/s"), fps);
    else snprintf(rate, sizeof rate, "%s", _("first frame on screen"));
    snprintf(line, sizeof line, "%.300s; %.200s; %s%s", rc->o.catalog ? rc->o.catalog : "", src, rate,
             rc->offline ? _("; camera disconnected, reconnecting") : "");
    sd_notifyf(0, "%sSTATUS=%s", state, line);   /* the protocol's words stay out of translation */
    s->t_status = now;
    s->n_status = rc->n;
}

/* The test hook: the loop stops here for good, as a deadlock would; SIGTERM's flag is never
 * looked at again, so only the watchdog's SIGABRT (or a SIGKILL) ends it. */
static void freeze(run_ctx *rc)
{
    VT_WARN("run", "VITRINE_TEST_FREEZE_AFTER=%d (a test hook): the frame loop is frozen from now on, no more watchdog heartbeats",
            rc->svc.freeze_after);
    for (;;) sleep(60);
}

void run_service_frame(run_ctx *rc)
{
    run_service *s = &rc->svc;
    if (s->freeze_after > 0 && rc->n >= s->freeze_after) freeze(rc);
    if (!s->on) return;
    uint64_t now = vt_now_ns();
    if (!s->ready) {
        s->ready = 1;
        s->t_ping = now;
        send_status(rc, s->ping_ns ? "READY=1\nWATCHDOG=1\n" : "READY=1\n");
        return;
    }
    if (s->ping_ns && now - s->t_ping >= s->ping_ns) {
        sd_notify(0, "WATCHDOG=1");
        s->t_ping = now;
    }
    if (now - s->t_status >= STATUS_EVERY_NS) send_status(rc, "");
}

void run_service_stopping(run_ctx *rc)
{
    if (rc->svc.on) sd_notifyf(0, "STOPPING=1\nSTATUS=%s", _("stopping"));
}
