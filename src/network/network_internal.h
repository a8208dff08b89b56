/* network_internal.h — what the network stage's files share (not public). */
#ifndef VT_NETWORK_INTERNAL_H
#define VT_NETWORK_INTERNAL_H

#include "network/vt_network.h"

#include <libpq-fe.h>
#include <stdio.h>

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
/* VT_ERR_ARG when url cannot be parsed or breaks the TLS policy (err says so); VT_OK otherwise.
 * Nothing is connected. */
vt_result net_url_check(const char *url, int insecure, char *err, size_t errlen);
/* The last error of c (or of r when not NULL), on one line, into out; returns out. */
const char *net_error(PGconn *c, const PGresult *r, char *out, size_t len);
/* Runs sql (no parameters); VT_OK when it succeeded, else VT_ERR_IO with err. */
vt_result net_exec(PGconn *c, const char *sql, char *err, size_t errlen);
/* Names of kiosks and stores: 1-48 of [A-Za-z0-9_.-]. */
int net_name_ok(const char *s);


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
