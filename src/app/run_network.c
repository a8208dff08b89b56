/* run_network.c — `vitrine run --network URL --kiosk NAME --store NAME`: the display on the shop
 * network (docs/network.md). The network stage's client (vt_network.h) runs on its own thread;
 * here the run only prepares it (options, network.conf, the outbox, the last good catalog),
 * hands it the display's status once a second, and puts each published catalog it took through
 * the same loader and swap as the catalog's hot reload (run_scene.c), between frames. A catalog
 * whose models do not load never reaches the screen: the last good one stays and the network is
 * told. */
#include "run.h"

#include "network/vt_network.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define NET_STATUS_EVERY_MS 1000
#define NET_WARNINGS 5        /* staff warnings in the heartbeat: the newest */

/* ---- network.conf ---------------------------------------------------------------------------- */

/* s without the blanks around it, in place. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
    return s;
}

/* 1 when url carries a password: "scheme://user:PASSWORD@host" or a password= parameter. */
static int url_has_password(const char *url)
{
    const char *p = strstr(url, "://");
    if (p) {
        p += 3;
        size_t auth = strcspn(p, "/?#");
        const char *at = memchr(p, '@', auth);
        if (at && memchr(p, ':', (size_t)(at - p))) return 1;
    }
    return strstr(url, "password=") != NULL;
}

/* "insecure = yes": 1, 0, or -1 for anything else. */
static int bool_value(const char *v)
{
    static const char *yes[] = { "1", "yes", "true", "on" }, *no[] = { "0", "no", "false", "off" };
    for (int i = 0; i < 4; i++) {
        if (!strcasecmp(v, yes[i])) return 1;
        if (!strcasecmp(v, no[i])) return 0;
    }
    return -1;
}

/* One "key = value" line of file (at line): into the file's values of o; a bad one is warned
 * about with file:line and skipped. */
static void config_line(run_opts *o, const char *file, int line, char *text, int *insecure)
{
    char where[2100];
    snprintf(where, sizeof where, "%.2000s:%d", file, line);
    char *eq = strchr(text, '=');
    if (!eq) { VT_WARN_FILE("network", where, "expected key = value (network, kiosk, store, insecure, console_network); line ignored"); return; }
    *eq = 0;
    char *key = trim(text), *val = trim(eq + 1);
    struct { const char *key; char *buf; size_t len; } k[] = {
        { "network", o->net_url, sizeof o->net_url }, { "kiosk", o->net_kiosk_buf, sizeof o->net_kiosk_buf },
        { "store", o->net_store_buf, sizeof o->net_store_buf }, { "console_network", o->console_net_url, sizeof o->console_net_url },
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        if (strcmp(key, k[i].key)) continue;
        if (!val[0] || strlen(val) >= k[i].len) VT_WARN_FILE("network", where, "%s: expected a value of 1 to %zu bytes; line ignored", key, k[i].len - 1);
        else snprintf(k[i].buf, k[i].len, "%s", val);
        return;
    }
    if (!strcmp(key, "insecure")) {
        int b = bool_value(val);
        if (b < 0) VT_WARN_FILE("network", where, "insecure: expected yes or no, not '%s'; line ignored", val);
        else *insecure = b;
        return;
    }
    VT_WARN_FILE("network", where, "unknown key '%s' (network, kiosk, store, insecure, console_network); line ignored", key);
}

/* Reads file into o's file values. -1 to go on; 2 when a file that was asked for cannot be read. */
static int config_read(run_opts *o, const char *file, int asked, int *insecure)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        if (!asked && errno == ENOENT) return -1;   /* no default file: nothing configured there */
        VT_ERROR_FILE("run", file, "--network-config: cannot read it: %s", strerror(errno));
        return 2;
    }
    char text[4200];
    int line = 0, password = 0;
    while (fgets(text, sizeof text, f)) {
        line++;
        char *t = trim(text);
        if (!t[0] || t[0] == '#') continue;
        config_line(o, file, line, t, insecure);
    }
    fclose(f);
    password = url_has_password(o->net_url) || url_has_password(o->console_net_url);
    struct stat st;
    if (password && stat(file, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)))
        VT_WARN_FILE("network", file, "holds a password and others may read it: chmod 600 %s", file);
    return -1;
}

void run_network_conf_default(char *out, size_t len)
{
    /* Settings first, where the catalog is looked for (vt_default_catalog's folders), then the
     * state folder; the first that has one. None: the state folder's name, for messages. */
    const char *cd = getenv("CONFIGURATION_DIRECTORY"), *xc = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char cand[4][2100];
    int n = 0;
    if (cd && *cd) snprintf(cand[n++], sizeof cand[0], "%.*s/network.conf", (int)strcspn(cd, ":"), cd);
    if (xc && *xc) snprintf(cand[n++], sizeof cand[0], "%.2000s/vitrine/network.conf", xc);
    else if (home && *home) snprintf(cand[n++], sizeof cand[0], "%.2000s/.config/vitrine/network.conf", home);
    snprintf(cand[n++], sizeof cand[0], "/etc/vitrine/network.conf");
    snprintf(cand[n++], sizeof cand[0], "%.2000s/network.conf", vt_state_dir());
    for (int i = 0; i < n; i++)
        if (access(cand[i], F_OK) == 0) { snprintf(out, len, "%s", cand[i]); return; }
    snprintf(out, len, "%s", cand[n - 1]);
}

/* The command line's values, else the file's (--network-config, else the default network.conf
 * when there). -1 to go on, else the exit status. */
int run_network_config(run_opts *o)
{
    char def[2100];
    run_network_conf_default(def, sizeof def);
    int insecure = -1;
    int st = config_read(o, o->network_config ? o->network_config : def, o->network_config != NULL, &insecure);
    if (st >= 0) return st;
    if (!o->network && o->net_url[0]) o->network = o->net_url;
    if (!o->net_kiosk && o->net_kiosk_buf[0]) o->net_kiosk = o->net_kiosk_buf;
    if (!o->net_store && o->net_store_buf[0]) o->net_store = o->net_store_buf;
    if (!o->console_network && o->console_net_url[0]) o->console_network = o->console_net_url;
    if (o->network_insecure < 0) o->network_insecure = insecure > 0;
    return -1;
}

/* ---- before the display opens -------------------------------------------------------------- */

/* A kiosk's or store's name as the network takes it: 1-48 of [A-Za-z0-9_.-]. */
static int name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 48) return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-') return 0;
    return 1;
}

void run_network_state_dir(char *out, size_t len) { snprintf(out, len, "%s/network", vt_state_dir()); }

/* The outbox: --analytics, else where the local catalog's visits go (fixed now: a published
 * catalog lives in the state folder, one folder a version, and must not move the database). */
static int outbox_path(run_opts *o)
{
    if (o->analytics) return -1;
    char dir[2048], err[2200];
    vt_state_dir_for(o->catalog, dir, sizeof dir);
    if (vt_make_dirs(dir, 1, err, sizeof err) != VT_OK) {
        VT_ERROR("network", "%s: the visits cannot be kept for the network (give --analytics FILE)", err);
        return 1;
    }
    vt_state_file_for(o->catalog, "vitrine-analytics.sqlite", o->analytics_buf, sizeof o->analytics_buf);
    o->analytics = o->analytics_buf;
    return -1;
}

int run_network_prepare(run_ctx *rc)
{
    run_opts *o = &rc->o;
    int st = run_network_config(o);
    if (st >= 0) return st;
    if (!o->network) {
        if (o->net_kiosk || o->net_store || o->network_insecure > 0)
            VT_WARN("run", "a kiosk name, --store and --network-insecure are for --network; ignored without it");
        return -1;
    }
    char err[1200], safe[1200];
    vt_network_url_redacted(o->network, safe, sizeof safe);
    if (!o->net_kiosk || !o->net_store) {
        VT_ERROR("run", "--network needs --kiosk NAME and --store NAME (as `vitrine network add-kiosk` made them)");
        return 2;
    }
    if (!name_ok(o->net_kiosk) || !name_ok(o->net_store)) {
        VT_ERROR("run", "--kiosk '%s' --store '%s': a name is 1 to 48 letters, digits, '_', '.' or '-'", o->net_kiosk, o->net_store);
        return 2;
    }
    if (o->no_analytics) {
        VT_ERROR("run", "--network ships the visits recorded in the analytics database: drop --no-analytics");
        return 2;
    }
    if (run_network_url_check(o->network, o->network_insecure > 0, err, sizeof err) != VT_OK) {
        VT_ERROR("run", "--network: %s", err);
        return 2;
    }
    if ((st = outbox_path(o)) >= 0) return st;
    /* Without --catalog: the store's last good publication, kept from an earlier run. */
    char dir[2100];
    int version = 0;
    run_network_state_dir(dir, sizeof dir);
    if (o->catalog == o->default_catalog && vt_network_last_good(dir, o->net_store, rc->net_catalog, sizeof rc->net_catalog, &version)) {
        o->catalog = rc->net_catalog;
        rc->net_version = version;
        VT_NOTE("network", "starting on store %s's catalog version %d, kept from an earlier run", o->net_store, version);
    }
    return -1;
}

/* ---- the client -------------------------------------------------------------------------------- */

int run_network_open(run_ctx *rc)
{
    const run_opts *o = &rc->o;
    if (!o->network) return -1;
    char err[1200], dir[2100], safe[1200];
    run_network_state_dir(dir, sizeof dir);
    vt_network_url_redacted(o->network, safe, sizeof safe);
    if (!rc->stats)
        VT_WARN("network", "the analytics database did not open: no visits are recorded or shipped; the catalog still follows the network");
    vt_network_desc d = { .url = o->network, .kiosk = o->net_kiosk, .store = o->net_store, .outbox = o->analytics,
                          .state_dir = dir, .insecure = o->network_insecure > 0 };
    vt_result r = vt_network_create(&d, &rc->net, err, sizeof err);
    if (r == VT_ERR_ARG) {
        VT_ERROR("network", "%s", err);
        return 2;
    }
    if (r != VT_OK) {
        rc->net = NULL;
        VT_ERROR("network", "%s; the display runs without the network", err);
        return -1;
    }
    VT_NOTE("network", "kiosk %s of store %s on %s", o->net_kiosk, o->net_store, safe);
    rc->net_t = vt_now_ns();
    rc->net_frames = rc->n;
    return -1;
}

void run_network_close(run_ctx *rc)
{
    vt_network_destroy(rc->net);   /* its thread stops within about a second */
    rc->net = NULL;
}

/* The latest staff warnings and errors, newest first, one a line, into out ("" when none). */
static void staff_warnings(run_ctx *rc, char *out, size_t len)
{
    vt_staff_msg m[16];
    int k = run_staff_messages(rc, m, 16), w = 0;
    size_t at = 0;
    out[0] = 0;
    for (int i = 0; i < k && w < NET_WARNINGS; i++) {
        if (m[i].level > VT_LOG_WARN) continue;
        int n = snprintf(out + at, len - at, "%s%s: %s", w ? "\n" : "", m[i].subsystem, m[i].text);
        if (n < 0 || at + (size_t)n >= len) break;
        at += (size_t)n;
        w++;
    }
}

const char *run_camera_state(const run_ctx *rc)
{
    const vt_source_kind k = rc->sd.kind;
    return rc->offline ? "offline" : app_source_kind_live(k) ? "live" : k == VT_SOURCE_DEMO ? "demo" : "file";
}

static void send_status(run_ctx *rc)
{
    double secs = vt_ms_since(rc->net_t) / 1000;
    char warnings[NET_WARNINGS * (VT_STAFF_TEXT + 20)];
    staff_warnings(rc, warnings, sizeof warnings);
    vt_network_kiosk_status s = { .fps = secs > 0 ? (rc->n - rc->net_frames) / secs : 0, .camera = run_camera_state(rc),
                                  .catalog_version = rc->net_version, .warnings = warnings[0] ? warnings : NULL };
    vt_network_set_status(rc->net, &s);
    rc->net_t = vt_now_ns();
    rc->net_frames = rc->n;
}

/* A published version that will not be shown: the last good one stays, staff and the network told. */
static void refuse(run_ctx *rc, int version, const char *why)
{
    VT_WARN("network", "catalog version %d is not shown, the last good one stays: %s", version, why);
    vt_network_catalog_result(rc->net, version, 0, why);
}

void run_network_step(run_ctx *rc)
{
    if (!rc->net || vt_ms_since(rc->net_t) < NET_STATUS_EVERY_MS) return;
    send_status(rc);
    /* One publication at a time: taken when none is waiting, loading or being put on the GPU. */
    if (!rc->net_waiting && !rc->net_loading && !rc->net_incoming) {
        int v = 0;
        if (vt_network_take_catalog(rc->net, rc->net_path, sizeof rc->net_path, &v)) rc->net_waiting = v;
        if (v && v == rc->net_version) {   /* the last good one this run started on: on screen already */
            vt_network_catalog_result(rc->net, v, 1, NULL);
            rc->net_waiting = 0;
        }
    }
    if (!rc->net_waiting) return;
    if (!rc->loader) {
        refuse(rc, rc->net_waiting, _("this display has no model loader (see its log); restart it"));
        rc->net_waiting = 0;
        return;
    }
    if (!run_loader_request(rc->loader, rc->net_path, NULL, &rc->sc)) return;   /* a reload in progress: next second */
    VT_NOTE("network", "catalog version %d: loading it", rc->net_waiting);
    rc->net_loading = rc->net_waiting;
    rc->net_waiting = 0;
}

int run_network_check_batch(run_ctx *rc, run_batch *b)
{
    int version = rc->net_loading;
    rc->net_loading = 0;
    if (!version) return 1;   /* not the network's: a local reload */
    char why[1200] = "";
    if (!b->cat || b->count != b->cat->count) snprintf(why, sizeof why, "%s", b->err);
    for (int i = 0; !why[0] && b->cat && i < b->count; i++) {
        const vt_product *p = &b->cat->products[i];
        int at = b->share[i] >= 0 ? b->share[i] : i;
        if (!p->model_path || b->models[at] || b->reuse[at]) continue;
        if (b->model_err[0]) snprintf(why, sizeof why, "%s", b->model_err);
        else snprintf(why, sizeof why, _("product %s: its model %s did not load"), p->id, p->model_path);
    }
    if (why[0]) {
        refuse(rc, version, why);
        snprintf(rc->last_reload_err, sizeof rc->last_reload_err, "%s", why);
        return 0;
    }
    rc->net_incoming = version;
    return 1;
}

void run_network_swapped(run_ctx *rc)
{
    int version = rc->net_incoming;
    if (!version) return;
    rc->net_incoming = 0;
    /* The published catalog is the one on show now: its file is what a hot reload reads. */
    snprintf(rc->net_catalog, sizeof rc->net_catalog, "%s", rc->net_path);
    rc->o.catalog = rc->net_catalog;
    rc->net_version = version;
    vt_network_catalog_result(rc->net, version, 1, NULL);
    VT_NOTE("network", "catalog version %d of store %s on screen (%d products)", version, rc->o.net_store, rc->sc.cat->count);
}

/* ---- for staff: the HUD and the console ------------------------------------------------------- */

int run_network_hud(run_ctx *rc, int n)
{
    if (!rc->net || n >= RUN_HUD_LINES) return n;
    vt_network_stats st;
    vt_network_get_stats(rc->net, &st);
    char version[64];
    if (rc->net_version) snprintf(version, sizeof version, _("catalog v%d"), rc->net_version);
    else snprintf(version, sizeof version, "%s", _("local catalog"));
    /* TRANSLATORS: the HUD's network line: "network: connected, 3 pending, catalog v4". */
    snprintf(rc->hud.buf[n], sizeof rc->hud.buf[n], _("network: %s, %lld pending, %s"), st.connected ? _("connected") : _("offline"),
             (long long)st.pending, version);
    return n + 1;
}

void run_network_console(run_ctx *rc, vt_console_status *s, vt_network_stats *st)
{
    if (!rc->net) return;
    vt_network_get_stats(rc->net, st);
    s->net_kiosk = rc->o.net_kiosk;
    s->net_store = rc->o.net_store;
    s->net_connected = st->connected;
    s->net_pending = st->pending;
    s->net_shipped = st->shipped;
    s->net_reconnects = st->reconnects;
    s->net_catalog_version = rc->net_version;
    s->net_error = st->last_error[0] ? st->last_error : NULL;
}

/* ---- the URL's policy, before anything opens ---------------------------------------------------- */

/* The network stage's own check (net_conn.c), which vt_network_create applies too: asked here
 * first so that a refused URL ends the run before its window opens.
 * FIXME(issue 20): a stop-gap on an internal function; to be vt_network_url_check in
 * vt_network.h (asked of the network stage). */
vt_result net_url_check(const char *url, int insecure, char *err, size_t errlen);
vt_result run_network_url_check(const char *url, int insecure, char *err, size_t errlen)
{
    return net_url_check(url, insecure, err, errlen);
}
