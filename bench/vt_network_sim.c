/* vt_network_sim.c — `vitrine-network-sim`: many kiosks in one process, each the real thing but
 * for the camera: a display loop at --fps that records visit events through the analytics
 * recorder (its own SQLite outbox), sets its status, and takes the catalogs its store publishes;
 * the real network client (src/network) ships and follows. For bench/network_bench.py (100 kiosks,
 * an outage, a restart) and tests/test_network_kiosk.py.
 *
 * The display loop measures what the network costs a frame: the time spent in the calls a frame
 * makes (record, set_status, take_catalog, catalog_result), worst and 99th percentile, and how
 * many frames were late by more than one frame. At the end (SIGTERM or --seconds), recording
 * stops, the outboxes drain (--drain S at most), and a JSON report is written. */
#include "analytics/vt_analytics.h"
#include "core/vt_core.h"
#include "network/vt_network.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct sim_opts {
    const char *url, *dir, *prefix, *report, *setup;
    int kiosks, stores, reship;
    double rate, seconds, fps, drain, heartbeat, poll;
} sim_opts;

#define MAX_TAKES 64
typedef struct kiosk {
    const sim_opts *o;
    int index;
    char name[64], store[64], outbox[1024], state[1024];
    vt_analytics *a;
    vt_network *net;
    pthread_t thread;
    long recorded, dropped, frames, late;
    double frame_max_ms, *frame_ms;
    int nframe_ms, cap_frame_ms;
    int takes, take_version[MAX_TAKES];
    int64_t take_ms[MAX_TAKES];
    vt_network_stats end;
} kiosk;

static atomic_int g_stop;
static void on_term(int sig) { (void)sig; atomic_store(&g_stop, 1); }

static double now_s(void) { return (double)vt_now_ns() * 1e-9; }

/* "%k" in the template: the kiosk's role; "%p": its password (the bench's own scheme). */
static void kiosk_url(const char *tpl, const char *name, char *out, size_t len)
{
    char role[128], pw[128];
    vt_network_kiosk_role(name, role, sizeof role);
    snprintf(pw, sizeof pw, "bench-%s-password", name);
    size_t k = 0;
    for (const char *s = tpl; *s && k + 1 < len; s++) {
        if (s[0] == '%' && (s[1] == 'k' || s[1] == 'p')) {
            k += (size_t)snprintf(out + k, len - k, "%s", s[1] == 'k' ? role : pw);
            s++;
        } else {
            out[k++] = *s;
        }
        if (k >= len) k = len - 1;
    }
    out[k] = 0;
}

static void record_one(kiosk *k, long i)
{
    static const vt_event_type kinds[] = { VT_EV_PRODUCT_FOUND, VT_EV_CARD_OPENED, VT_EV_BASKET_ADD, VT_EV_PRODUCT_LOST };
    vt_event e = { .type = kinds[i % 4], .marker = (int)(i % 8), .price = 9.5 + (double)(i % 8), .frame = (int)k->frames };
    snprintf(e.product_id, sizeof e.product_id, "p%ld", i % 8);
    snprintf(e.product_name, sizeof e.product_name, "Product %ld", i % 8);
    snprintf(e.currency, sizeof e.currency, "EUR");
    if (e.type == VT_EV_PRODUCT_LOST) e.dwell_seconds = 1.5;
    if (vt_analytics_record(k->a, &e) == VT_OK) k->recorded++;
    else k->dropped++;
}

/* One frame's calls into analytics and the network; their time, in ms. */
static double frame_calls(kiosk *k, double t0, double *owed)
{
    uint64_t a = vt_now_ns();
    for (*owed += k->o->rate / k->o->fps; *owed >= 1; *owed -= 1) record_one(k, k->recorded + k->dropped);
    if (k->frames % (long)(k->o->fps > 1 ? k->o->fps : 1) == 0)
        vt_network_set_status(k->net, &(vt_network_kiosk_status){ .fps = k->o->fps, .camera = "demo",
                                                                   .catalog_version = k->takes ? k->take_version[k->takes - 1] : 0 });
    char path[1200];
    int v;
    if (vt_network_take_catalog(k->net, path, sizeof path, &v)) {
        if (k->takes < MAX_TAKES) k->take_version[k->takes] = v, k->take_ms[k->takes++] = vt_utc_now_ms();
        vt_network_catalog_result(k->net, v, 1, NULL);
    }
    (void)t0;
    return (double)(vt_now_ns() - a) * 1e-6;
}

static void *display(void *arg)
{
    kiosk *k = arg;
    double period = 1.0 / k->o->fps, t0 = now_s(), next = t0, owed = 0;
    while (!atomic_load(&g_stop) && now_s() - t0 < k->o->seconds) {
        double ms = frame_calls(k, t0, &owed);
        if (ms > k->frame_max_ms) k->frame_max_ms = ms;
        if (k->nframe_ms < k->cap_frame_ms) k->frame_ms[k->nframe_ms++] = ms;
        k->frames++;
        next += period;
        double wait = next - now_s();
        if (wait < -period) k->late++, next = now_s();
        else if (wait > 0) usleep((useconds_t)(wait * 1e6));
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static vt_result open_kiosk(kiosk *k, char *err, size_t errlen)
{
    const sim_opts *o = k->o;
    snprintf(k->name, sizeof k->name, "%s%03d", o->prefix, k->index);
    snprintf(k->store, sizeof k->store, "store-%d", k->index % (o->stores > 0 ? o->stores : 1));
    snprintf(k->outbox, sizeof k->outbox, "%s/%s.sqlite", o->dir, k->name);
    snprintf(k->state, sizeof k->state, "%s/%s", o->dir, k->name);
    char url[1024];
    kiosk_url(o->url, k->name, url, sizeof url);
    vt_result r = vt_analytics_open(k->outbox, k->store, "network-sim", &k->a, err, errlen);
    if (r) return r;
    if (o->reship) {
        vt_outbox *ob;
        char key[1024];
        vt_network_url_redacted(url, key, sizeof key);
        if ((r = vt_outbox_open(k->outbox, key, &ob, err, errlen)) || (r = vt_outbox_reset(ob, err, errlen))) return r;
        vt_outbox_close(ob);
    }
    vt_network_desc d = { .url = url, .kiosk = k->name, .store = k->store, .outbox = k->outbox, .state_dir = k->state,
                          .heartbeat_s = o->heartbeat, .poll_s = o->poll };
    k->cap_frame_ms = (int)(o->fps * o->seconds + 16);
    k->frame_ms = malloc(sizeof *k->frame_ms * (size_t)k->cap_frame_ms);
    if (!k->frame_ms) return VT_ERR_NO_MEMORY;
    return vt_network_create(&d, &k->net, err, errlen);
}

/* After recording: waits until every outbox is shipped (or drain seconds pass). */
static void drain(kiosk *ks, int n, double seconds)
{
    double t_closed = now_s(), until = t_closed + seconds;
    for (;;) {
        int waiting = 0;
        for (int i = 0; i < n; i++) {
            vt_network_stats s;
            vt_network_get_stats(ks[i].net, &s);
            /* every event was in the outbox at t_closed: a round after it that found it empty */
            waiting += s.pending != 0 || s.last_ship_age_s < 0 || s.last_ship_age_s >= now_s() - t_closed;
        }
        if (!waiting || now_s() > until) return;
        usleep(100000);
    }
}

static cJSON *kiosk_json(kiosk *k)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "name", k->name);
    cJSON_AddStringToObject(j, "store", k->store);
    cJSON_AddStringToObject(j, "outbox", k->outbox);
    cJSON_AddNumberToObject(j, "recorded", (double)k->recorded);
    cJSON_AddNumberToObject(j, "dropped", (double)k->dropped);
    cJSON_AddNumberToObject(j, "frames", (double)k->frames);
    cJSON_AddNumberToObject(j, "late_frames", (double)k->late);
    qsort(k->frame_ms, (size_t)k->nframe_ms, sizeof *k->frame_ms, cmp_double);
    cJSON_AddNumberToObject(j, "frame_calls_max_ms", k->frame_max_ms);
    cJSON_AddNumberToObject(j, "frame_calls_p99_ms", k->nframe_ms ? k->frame_ms[(int)(0.99 * (k->nframe_ms - 1))] : 0);
    cJSON_AddNumberToObject(j, "shipped", (double)k->end.shipped);
    cJSON_AddNumberToObject(j, "pending", (double)k->end.pending);
    cJSON_AddNumberToObject(j, "reconnects", k->end.reconnects);
    cJSON_AddNumberToObject(j, "catalog_version", k->end.catalog_version);
    cJSON_AddStringToObject(j, "last_error", k->end.last_error);
    cJSON *t = cJSON_AddArrayToObject(j, "takes");
    for (int i = 0; i < k->takes; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "version", k->take_version[i]);
        cJSON_AddNumberToObject(x, "utc_ms", (double)k->take_ms[i]);
        cJSON_AddItemToArray(t, x);
    }
    return j;
}

static int write_report(const char *path, kiosk *ks, int n, int64_t start_ms, int64_t stop_ms)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "start_utc_ms", (double)start_ms);
    cJSON_AddNumberToObject(root, "stop_utc_ms", (double)stop_ms);
    cJSON *arr = cJSON_AddArrayToObject(root, "kiosks");
    for (int i = 0; i < n; i++) cJSON_AddItemToArray(arr, kiosk_json(&ks[i]));
    char *text = cJSON_Print(root), err[512];
    cJSON_Delete(root);
    vt_result r = text ? vt_write_file_atomic(path, text, strlen(text), err, sizeof err) : VT_ERR_NO_MEMORY;
    if (r) fprintf(stderr, "vitrine-network-sim: %s\n", text ? err : "out of memory");
    free(text);
    return r ? 1 : 0;
}

static const char k_usage[] =
    "usage: vitrine-network-sim --url TEMPLATE --dir DIR [--kiosks N] [--stores S] [--prefix P]\n"
    "         [--rate EVENTS_PER_S] [--seconds S] [--fps F] [--drain S] [--heartbeat S] [--poll S]\n"
    "         [--reship] [--report FILE] [--setup ADMIN_URL]\n"
    "  TEMPLATE: a PostgreSQL URL where %k is each kiosk's role and %p its password\n"
    "            (bench-NAME-password); kiosks are PNNN in stores store-(N mod S)\n"
    "  --seconds 0: no kiosk runs (with --setup: only that)\n"
    "  --setup: first migrate the network's schema and add the kiosks (vitrine network init, add-kiosk)\n";

/* --setup: the schema and every kiosk's role, as `vitrine network` makes them. */
static int setup(const sim_opts *o)
{
    char err[1024], name[64], store[64], pw[128];
    int applied = 0;
    if (vt_network_migrate(o->setup, &applied, err, sizeof err)) { fprintf(stderr, "vitrine-network-sim: %s\n", err); return 1; }
    for (int i = 0; i < o->kiosks; i++) {
        snprintf(name, sizeof name, "%s%03d", o->prefix, i);
        snprintf(store, sizeof store, "store-%d", i % o->stores);
        snprintf(pw, sizeof pw, "bench-%s-password", name);
        if (vt_network_add_kiosk(o->setup, name, store, pw, err, sizeof err)) {
            fprintf(stderr, "vitrine-network-sim: %s\n", err);
            return 1;
        }
    }
    printf("schema: %d migration(s) applied; %d kiosk(s) added\n", applied, o->kiosks);
    return 0;
}

static int parse(int argc, char **argv, sim_opts *o)
{
    *o = (sim_opts){ .prefix = "k", .kiosks = 1, .stores = 1, .rate = 10, .seconds = 10, .fps = 30, .drain = 30 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int num = 0;
        if (!strcmp(a, "--reship")) { o->reship = 1; continue; }
        if (!v) { fprintf(stderr, "vitrine-network-sim: %s needs a value\n%s", a, k_usage); return 2; }
        if (!strcmp(a, "--url")) o->url = v;
        else if (!strcmp(a, "--dir")) o->dir = v;
        else if (!strcmp(a, "--prefix")) o->prefix = v;
        else if (!strcmp(a, "--report")) o->report = v;
        else if (!strcmp(a, "--setup")) o->setup = v;
        else if (!strcmp(a, "--kiosks")) num = vt_parse_int(v, 1, 1000, &o->kiosks);
        else if (!strcmp(a, "--stores")) num = vt_parse_int(v, 1, 1000, &o->stores);
        else if (!strcmp(a, "--rate")) num = vt_parse_double(v, 0, 10000, &o->rate);
        else if (!strcmp(a, "--seconds")) num = vt_parse_double(v, 0, 1e6, &o->seconds);
        else if (!strcmp(a, "--fps")) num = vt_parse_double(v, 1, 1000, &o->fps);
        else if (!strcmp(a, "--drain")) num = vt_parse_double(v, 0, 1e5, &o->drain);
        else if (!strcmp(a, "--heartbeat")) num = vt_parse_double(v, 0.05, 3600, &o->heartbeat);
        else if (!strcmp(a, "--poll")) num = vt_parse_double(v, 0.05, 3600, &o->poll);
        else { fprintf(stderr, "vitrine-network-sim: unknown option %s\n%s", a, k_usage); return 2; }
        if (num) { fprintf(stderr, "vitrine-network-sim: %s: bad value '%s'\n", a, v); return 2; }
        i++;
    }
    if (!o->url || !o->dir) { fprintf(stderr, "%s", k_usage); return 2; }
    return -1;
}

int main(int argc, char **argv)
{
    sim_opts o;
    int rc = parse(argc, argv, &o);
    if (rc >= 0) return rc;
    if (o.setup && setup(&o)) return 1;
    if (o.seconds <= 0) return 0;   /* --setup alone */
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    char err[1024];
    if (vt_make_dirs(o.dir, 0, err, sizeof err)) { fprintf(stderr, "vitrine-network-sim: %s\n", err); return 1; }
    kiosk *ks = calloc((size_t)o.kiosks, sizeof *ks);
    for (int i = 0; i < o.kiosks; i++) {
        ks[i].o = &o;
        ks[i].index = i;
        if (open_kiosk(&ks[i], err, sizeof err)) { fprintf(stderr, "vitrine-network-sim: %s\n", err); return 1; }
    }
    int64_t start_ms = vt_utc_now_ms();
    printf("started %d kiosk(s)\n", o.kiosks);
    fflush(stdout);
    for (int i = 0; i < o.kiosks; i++) pthread_create(&ks[i].thread, NULL, display, &ks[i]);
    for (int i = 0; i < o.kiosks; i++) pthread_join(ks[i].thread, NULL);
    int64_t stop_ms = vt_utc_now_ms();
    for (int i = 0; i < o.kiosks; i++) vt_analytics_close(ks[i].a);   /* every event in its outbox */
    printf("recording stopped; draining\n");
    fflush(stdout);
    drain(ks, o.kiosks, o.drain);
    for (int i = 0; i < o.kiosks; i++) vt_network_get_stats(ks[i].net, &ks[i].end);
    rc = o.report ? write_report(o.report, ks, o.kiosks, start_ms, stop_ms) : 0;
    for (int i = 0; i < o.kiosks; i++) vt_network_destroy(ks[i].net), free(ks[i].frame_ms);
    free(ks);
    return rc;
}
