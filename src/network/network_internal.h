/* network_internal.h — what the network stage's files share (not public). */
#ifndef VT_NETWORK_INTERNAL_H
#define VT_NETWORK_INTERNAL_H

#include "network/vt_network.h"
#include "analytics/vt_analytics.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* ---- vt_network_schema.c ---- */
typedef struct vt_network_migration {
    int version;
    const char *description;
    const char *sql;
} vt_network_migration;
extern const vt_network_migration vt_network_migrations[];
extern const int vt_network_nmigrations;
extern const char vt_network_bootstrap_sql[];

/* ---- net_conn.c ---- */
/* 1 when the URL's host(s) are all local: a Unix socket (a path, or no host at all), localhost,
 * 127.0.0.0/8 or ::1. */
int net_url_is_local(const char *url);
/* Connects (blocking, at most timeout_s; 0: 10 s) with the TLS policy of vt_network.h: a
 * non-local server gets sslmode verify-full unless the URL asks require/verify-ca/verify-full,
 * and disable/allow/prefer are refused there unless insecure. application_name is set to
 * "vitrine" (or app). NULL with err ("postgresql://staff:***@db/shop: connection refused ..."). */
PGconn *net_connect(const char *url, const char *app, double timeout_s, int insecure, char *err, size_t errlen);
/* The same without blocking past the deadline, and given up at once when *stop is set (NULL:
 * never): the kiosk's thread, which must stop within a second whatever the server does. */
PGconn *net_connect_until(const char *url, const char *app, double timeout_s, int insecure, const atomic_int *stop,
                          char *err, size_t errlen);
/* VT_ERR_ARG when url cannot be parsed or breaks the TLS policy (err says so); VT_OK otherwise.
 * Nothing is connected. */
vt_result net_url_check(const char *url, int insecure, char *err, size_t errlen);
/* The last error of c (or of r when not NULL), on one line, into out; returns out. */
const char *net_error(PGconn *c, const PGresult *r, char *out, size_t len);
/* Runs sql (no parameters); VT_OK when it succeeded, else VT_ERR_IO with err. */
vt_result net_exec(PGconn *c, const char *sql, char *err, size_t errlen);
/* Names of kiosks and stores: 1-48 of [A-Za-z0-9_.-]. */
int net_name_ok(const char *s);

/* src into dst (n bytes), cut at n - 1: for messages, where a cut is harmless. */
static inline void net_copy(char *dst, size_t n, const char *src)
{
    size_t k = src ? strnlen(src, n - 1) : 0;
    memcpy(dst, src ? src : "", k);
    dst[k] = 0;
}

static inline double net_now(void) { return (double)vt_now_ns() * 1e-9; }

/* ---- the kiosk's client (net_kiosk.c: the thread, its connection, heartbeats; net_ship.c: the
 * outbox shipped; net_catalog.c: publications followed). Fields marked "mu" are shared with the
 * frame loop's calls; the rest are the thread's own. ---- */
#define NET_MAX_SESSIONS 64
struct vt_network {
    char *url, *kiosk, *store, *outbox_path, *state_dir;
    double heartbeat_s, poll_s, ship_s, connect_timeout_s;
    int batch, insecure;
    char key[768];                    /* the outbox's name for this network: the URL without its password */
    vt_outbox *ob;
    pthread_t thread;
    atomic_int stop;
    pthread_mutex_t mu;
    /* mu: */
    double fps;
    char camera[16], warnings[1024], refused[512];
    int screen_version;
    int ready_version, taken_version;  /* downloaded and checked / handed to the display */
    char ready_path[1200];
    vt_network_stats stats;
    double last_ship_t;               /* net_now() when the outbox was last empty or shipped; 0: never */
    /* the thread's: */
    PGconn *c;
    int notified;                     /* a NOTIFY for this store came */
    int known_version;                /* the newest version downloaded or refused */
    double backoff, next_try, next_ship, next_hb, next_poll, down_since, last_warn;
    char started_at[40];
    vt_outbox_event *events;          /* batch of them */
    vt_outbox_session sessions[NET_MAX_SESSIONS], shipped_sessions[NET_MAX_SESSIONS];
    int nshipped_sessions;
};

/* A query on the thread's connection, bounded: about 15 s at most, given up at once on stop. A
 * NULL or failed result with the connection lost closes it (n->c = NULL). Notifications that come
 * meanwhile set n->notified. The result is the caller's (PQclear). */
PGresult *net_query(vt_network *n, const char *sql, int nparams, const char *const *vals, int binary_result);
/* 1 when r is a result of a query that worked. */
int net_ok(const PGresult *r);
/* The connection lost or unusable: said once (the log, the stats' last_error), closed. */
void net_drop(vt_network *n, const char *why);
/* Ships one batch from the outbox: 1 when more are waiting, 0 when the outbox is empty (or cannot
 * be read: said), -1 when the network refused or failed (the connection may be gone). */
int net_ship(vt_network *n);
/* Looks for a newer publication for the store and, when there is one, downloads, checks and
 * offers it. -1 when the network failed. */
int net_catalog_check(vt_network *n);
/* The folder of the store's published versions: state_dir/STORE. */
void net_store_dir(const vt_network *n, char *out, size_t len);

/* ---- added by helper A (net_admin.c, net_publish.c, net_overview.c) ---- */
/* A failed query's error on one line: the server's primary message and its detail ("duplicate
 * key value ... (Key (name)=(x) already exists.)"), without libpq's "ERROR:" and the LINE/caret
 * lines that net_error keeps; net_error's text when the result carries none (a lost connection). */
static inline const char *net_query_error(PGconn *c, const PGresult *r, char *out, size_t len)
{
    const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
    if (!primary) return net_error(c, r, out, len);
    if (detail) snprintf(out, len, "%s (%s)", primary, detail);
    else snprintf(out, len, "%s", primary);
    for (char *p = out; *p; p++)
        if (*p == '\n' || *p == '\t') *p = ' ';
    return out;
}

#endif
