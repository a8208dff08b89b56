/* run_staff.c — what staff should know during `vitrine run`, kept off the visitors' screen:
 * the logger's errors, warnings and notes in a ring (shown by the HUD, H or --hud, under the
 * frame rate; kept for the web console), and the wrong-dictionary hint. */
#include "run.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define HUD_STAFF_MAX 5   /* staff messages on the HUD: the newest */

void run_staff_open(run_ctx *rc)
{
    char err[256];
    if (vt_staff_log_create(64, &rc->staff, err, sizeof err) != VT_OK) { VT_WARN("run", "%s", err); return; }
    vt_staff_log_attach(rc->staff);
}

void run_staff_close(run_ctx *rc)
{
    vt_dict_hint_destroy(rc->hint);
    rc->hint = NULL;
    vt_staff_log_destroy(rc->staff);   /* detaches it from the logger */
    rc->staff = NULL;
}

void run_staff_detect(run_ctx *rc)
{
    if (!rc->det || !rc->sc.cat) return;
    char err[256];
    if (!rc->hint && vt_dict_hint_create(&(vt_dict_hint_desc){ .subsystem = "run" }, &rc->hint, err, sizeof err) != VT_OK) {
        VT_WARN("run", "%s", err);
        return;
    }
    int seen = 0;
    for (int i = 0; i < rc->ml.count; i++) seen += vt_catalog_find_marker(rc->sc.cat, rc->ml.items[i].id) != NULL;
    vt_detect_profile p = vt_tracker_profile(rc->det);
    vt_dict_hint_poll(rc->hint, &rc->sc.dict, rc->t, &rc->fr.grey, seen, p.unread);
}

int run_staff_messages(run_ctx *rc, vt_staff_msg *out, int max) { return vt_staff_log_recent(rc->staff, out, max); }

/* "warning: " for a warning, as the log says it. */
static const char *level_tag(vt_log_level lvl)
{
    return lvl == VT_LOG_ERROR ? "error: " : lvl == VT_LOG_WARN ? "warning: " : "";
}

int run_staff_hud(run_ctx *rc, int n)
{
    vt_staff_msg m[HUD_STAFF_MAX];
    int k = run_staff_messages(rc, m, HUD_STAFF_MAX);
    uint64_t now = vt_now_ns();
    for (int i = 0; i < k && n < RUN_HUD_LINES; i++, n++) {
        char age[32], times[24] = "", line[400];
        vt_staff_age(m[i].t_ns, now, age, sizeof age);
        if (m[i].repeats > 1) snprintf(times, sizeof times, " (\u00d7%d)", m[i].repeats);
        snprintf(line, sizeof line, "%s ago  %s: %s%s%s", age, m[i].subsystem, level_tag(m[i].level), m[i].text, times);
        /* The HUD has room for a line of the log; the log has the whole message. */
        char *out = rc->hud.buf[n];
        size_t cap = sizeof rc->hud.buf[n], len = strlen(line);
        if (len >= cap) {   /* cut at a character, then an ellipsis (3 bytes) */
            len = cap - 4;
            while (len > 0 && ((unsigned char)line[len] & 0xC0) == 0x80) len--;
            memcpy(line + len, "\u2026", 4);
        }
        memcpy(out, line, strlen(line) + 1 < cap ? strlen(line) + 1 : cap);
        out[cap - 1] = 0;
    }
    return n;
}

int run_is_demo_catalog(const run_opts *o)
{
    char a[PATH_MAX], b[PATH_MAX];
    return o->catalog && realpath(o->catalog, a) && realpath(o->default_catalog, b) && !strcmp(a, b);
}
