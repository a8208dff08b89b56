/* net_ship.c — the outbox's events shipped in batches, exactly once in effect: one statement per
 * batch (the sessions that changed, then the events, ON CONFLICT DO NOTHING on the network's key
 * origin + sequence), and the local mark moved only after PostgreSQL committed it. A batch sent
 * again after a crash, a cut or a restart finds its rows there and adds nothing. */
#include "network_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SESSION_PARAMS 5
#define EVENT_PARAMS 12

static void iso_ms(int64_t ms, char out[32])
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    size_t k = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + k, 32 - k, ".%03dZ", (int)(ms % 1000));
}

/* The text of the parameters, kept for the statement's length. */
typedef struct params {
    const char **v;
    char (*buf)[32];     /* numbers and times */
    int n, nbuf;
} params;

static const char *num(params *p, const char *fmt, double x, int64_t i, int is_int)
{
    char *b = p->buf[p->nbuf++];
    if (is_int) snprintf(b, 32, "%lld", (long long)i);
    else snprintf(b, 32, fmt, x);
    return b;
}

static const char *text_or_null(const char *s) { return s && *s ? s : NULL; }

/* Appends to sql (cap len) with snprintf, tracking the length. */
static void add(char *sql, size_t cap, size_t *len, const char *fmt, int a, int b)
{
    if (*len < cap) *len += (size_t)snprintf(sql + *len, cap - *len, fmt, a, b);
}

static void add_sessions(vt_network *n, params *p, char *sql, size_t cap, size_t *len, int ns)
{
    add(sql, cap, len, "WITH s AS (INSERT INTO vitrine.sessions (origin, id, kiosk, store, started_at, stopped_at,"
                       " dropped_events, source) VALUES ", 0, 0);
    for (int i = 0; i < ns; i++) {
        const vt_outbox_session *s = &n->sessions[i];
        int b = p->n + 1;
        char started[32], stopped[32];
        iso_ms(s->started_ms, started);
        iso_ms(s->stopped_ms, stopped);
        p->v[p->n++] = num(p, NULL, 0, s->id, 1);
        p->v[p->n++] = strcpy(p->buf[p->nbuf++], started);
        p->v[p->n++] = s->stopped_ms ? strcpy(p->buf[p->nbuf++], stopped) : NULL;
        p->v[p->n++] = num(p, NULL, 0, s->dropped_events, 1);
        p->v[p->n++] = text_or_null(s->source);
        if (i) add(sql, cap, len, ", ", 0, 0);
        add(sql, cap, len, "($1::uuid, $%d::bigint, $2, $3, $%d::timestamptz, ", b, b + 1);
        add(sql, cap, len, "$%d::timestamptz, ", b + 2, 0);
        add(sql, cap, len, "$%d::bigint, $%d)", b + 3, b + 4);
    }
    add(sql, cap, len, " ON CONFLICT (origin, id) DO UPDATE SET stopped_at = EXCLUDED.stopped_at,"
                       " dropped_events = EXCLUDED.dropped_events RETURNING 1) ", 0, 0);
}

static void add_events(vt_network *n, params *p, char *sql, size_t cap, size_t *len, int k)
{
    add(sql, cap, len, "INSERT INTO vitrine.events (origin, seq, kiosk, store, session, ts, type, product_id, product_name,"
                       " marker, price, currency, dwell_seconds, frame, reason) VALUES ", 0, 0);
    for (int i = 0; i < k; i++) {
        const vt_outbox_event *e = &n->events[i];
        int b = p->n + 1;
        p->v[p->n++] = num(p, NULL, 0, e->seq, 1);
        p->v[p->n++] = num(p, NULL, 0, e->session, 1);
        iso_ms(e->ev.ts_ms, p->buf[p->nbuf]);
        p->v[p->n++] = p->buf[p->nbuf++];
        p->v[p->n++] = vt_event_type_str(e->ev.type);
        p->v[p->n++] = text_or_null(e->ev.product_id);
        p->v[p->n++] = text_or_null(e->ev.product_name);
        p->v[p->n++] = e->ev.marker >= 0 ? num(p, NULL, 0, e->ev.marker, 1) : NULL;
        p->v[p->n++] = e->ev.price >= 0 ? num(p, "%.17g", e->ev.price, 0, 0) : NULL;
        p->v[p->n++] = text_or_null(e->ev.currency);
        p->v[p->n++] = e->ev.type == VT_EV_PRODUCT_LOST ? num(p, "%.17g", e->ev.dwell_seconds, 0, 0) : NULL;
        p->v[p->n++] = e->ev.frame >= 0 ? num(p, NULL, 0, e->ev.frame, 1) : NULL;
        p->v[p->n++] = text_or_null(e->ev.reason);
        if (i) add(sql, cap, len, ", ", 0, 0);
        add(sql, cap, len, "($1::uuid, $%d::bigint, $2, $3, $%d::bigint, ", b, b + 1);
        add(sql, cap, len, "$%d::timestamptz, ", b + 2, 0);
        add(sql, cap, len, "$%d, $%d, ", b + 3, b + 4);
        add(sql, cap, len, "$%d, $%d::int, ", b + 5, b + 6);
        add(sql, cap, len, "$%d::float8, $%d, ", b + 7, b + 8);
        add(sql, cap, len, "$%d::float8, $%d::int, ", b + 9, b + 10);
        add(sql, cap, len, "$%d)", b + 11, 0);
    }
    add(sql, cap, len, " ON CONFLICT DO NOTHING", 0, 0);
}

/* One statement for the batch: VT_OK when PostgreSQL committed it. */
static vt_result send_batch(vt_network *n, int k, int ns)
{
    size_t cap = 512 + (size_t)ns * 160 + (size_t)k * 260, len = 0;
    int maxp = 3 + ns * SESSION_PARAMS + k * EVENT_PARAMS;
    params p = { .v = calloc((size_t)maxp, sizeof *p.v), .buf = malloc(sizeof *p.buf * (size_t)maxp) };
    char *sql = malloc(cap);
    vt_result res = VT_ERR_NO_MEMORY;
    if (!p.v || !p.buf || !sql) goto done;
    p.v[p.n++] = vt_outbox_origin(n->ob);
    p.v[p.n++] = n->kiosk;
    p.v[p.n++] = n->store;
    sql[0] = 0;
    if (ns) add_sessions(n, &p, sql, cap, &len, ns);
    if (k) add_events(n, &p, sql, cap, &len, k);
    else add(sql, cap, &len, "SELECT 1", 0, 0);
    PGresult *r = net_query(n, sql, p.n, p.v, 0);
    res = net_ok(r) ? VT_OK : VT_ERR_IO;
    PQclear(r);
done:
    free(sql);
    free(p.buf);
    free(p.v);
    return res;
}

/* Sessions to send: the outbox's, unless exactly as last shipped. */
static int changed_sessions(vt_network *n, int ns)
{
    return ns != n->nshipped_sessions || memcmp(n->sessions, n->shipped_sessions, sizeof *n->sessions * (size_t)ns);
}

int net_ship(vt_network *n)
{
    static _Thread_local double warned;
    char err[512];
    int k = vt_outbox_next(n->ob, n->events, n->batch, err, sizeof err);
    int ns = k < 0 ? -1 : vt_outbox_sessions(n->ob, n->sessions, NET_MAX_SESSIONS, err, sizeof err);
    if (k < 0 || ns < 0) {
        if (net_now() - warned > 60) VT_WARN("network", _("cannot read the outbox: %s"), err), warned = net_now();
        return 0;
    }
    int send_ns = changed_sessions(n, ns) ? ns : 0;
    if (k == 0 && send_ns == 0) {
        pthread_mutex_lock(&n->mu);
        n->last_ship_t = net_now();
        n->stats.pending = 0;
        pthread_mutex_unlock(&n->mu);
        return 0;
    }
    if (send_batch(n, k, send_ns) != VT_OK) return -1;
    int64_t last = k ? n->events[k - 1].seq : 0;
    if (vt_outbox_mark(n->ob, last, n->sessions, ns, err, sizeof err) != VT_OK) {
        /* Shipped but not marked: the next round ships it again, which adds nothing there. */
        if (net_now() - warned > 60) VT_WARN("network", _("cannot mark the shipped visits: %s"), err), warned = net_now();
    }
    memcpy(n->shipped_sessions, n->sessions, sizeof *n->sessions * (size_t)ns);
    n->nshipped_sessions = ns;
    int64_t pending = vt_outbox_pending(n->ob);
    pthread_mutex_lock(&n->mu);
    n->stats.shipped += k;
    if (pending >= 0) n->stats.pending = pending;
    n->last_ship_t = net_now();
    pthread_mutex_unlock(&n->mu);
    return k == n->batch;
}
