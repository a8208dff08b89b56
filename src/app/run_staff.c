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
    if (!rc->item || !rc->sc.cat) return;   /* the tracker is the capture thread's: its figures came with the frame */
    char err[256];
    if (!rc->hint && vt_dict_hint_create(&(vt_dict_hint_desc){ .subsystem = "run" }, &rc->hint, err, sizeof err) != VT_OK) {
        VT_WARN("run", "%s", err);
        return;
    }
    int seen = 0;
    for (int i = 0; i < rc->ml.count; i++) seen += vt_catalog_find_marker(rc->sc.cat, rc->ml.items[i].id) != NULL;
    vt_detect_profile p = rc->item->det;
    vt_dict_hint_poll(rc->hint, &rc->sc.dict, rc->t, &rc->fr.grey, seen, p.unread);
}

int run_staff_messages(run_ctx *rc, vt_staff_msg *out, int max) { return vt_staff_log_recent(rc->staff, out, max); }

/* "warning: " for a warning, as the log says it. */
static const char *level_tag(vt_log_level lvl)
{
    return lvl == VT_LOG_ERROR ? _("error: ") : lvl == VT_LOG_WARN ? _("warning: ") : "";
}

/* text with every path's folders left out ("/srv/shop/catalog.json:3:1" -> "catalog.json:3:1"):
 * the HUD is one line a message, the log has the whole path. */
static void drop_folders(const char *text, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = text; *p && o + 1 < n; p++) {
        if (*p == '/' && (p == text || p[-1] == ' ' || p[-1] == '\'' || p[-1] == '"')) {
            const char *end = p + strcspn(p, " :'\",");
            const char *last = p;
            for (const char *q = p; q < end; q++)
                if (*q == '/') last = q;
            p = last;   /* the loop's p++ steps past the last slash */
            continue;
        }
        out[o++] = *p;
    }
    out[o] = 0;
}

int run_staff_hud(run_ctx *rc, int n)
{
    vt_staff_msg m[HUD_STAFF_MAX];
    int k = run_staff_messages(rc, m, HUD_STAFF_MAX);
    uint64_t now = vt_now_ns();
    /* Whole lines: vt_ui_hud ends one too wide for the frame with "…" (Pango, by display width). */
    for (int i = 0; i < k && n < RUN_HUD_LINES; i++, n++) {
        char age[32], times[24] = "", text[VT_STAFF_TEXT];
        vt_staff_age(m[i].t_ns, now, age, sizeof age);
        if (m[i].repeats > 1) snprintf(times, sizeof times, " (\u00d7%d)", m[i].repeats);
        drop_folders(m[i].text, text, sizeof text);
        /* TRANSLATORS: the HUD's staff line: how long ago ("12 s"), the subsystem ("catalog"), "error: " or
           "warning: " or nothing, the message, a repeat count or nothing. */
        snprintf(rc->hud.buf[n], sizeof rc->hud.buf[n], _("%1$s ago  %2$s: %3$s%4$s%5$s"), age, m[i].subsystem,
                 level_tag(m[i].level), text, times);
    }
    return n;
}

/* A bundled catalog (the real shelf, the basic one) is one in DATA/models: a retailer's own,
 * wherever it is and however it was named (--catalog, $VITRINE_CATALOG), never is. */
int run_is_demo_catalog(const run_opts *o)
{
    char a[PATH_MAX], b[PATH_MAX], models[PATH_MAX];
    snprintf(models, sizeof models, "%.4000s/models", vt_data_dir());
    if (!o->catalog || !realpath(o->catalog, a) || !realpath(models, b)) return 0;
    char *slash = strrchr(a, '/');   /* realpath's result always has one */
    *slash = '\0';
    return !strcmp(a, b);
}

void run_staff_detect_result(run_ctx *rc, vt_result r)
{
    const char *fault = getenv("VT_FAULT_DETECT");
    if (fault && !strcmp(fault, "1")) r = VT_ERR_INTERNAL;
    if (r == VT_OK || rc->detect_failures++) return;
    VT_ERROR("run", "the marker detector failed on a frame (%s): no products shown on it; told once", vt_result_str(r));
}
