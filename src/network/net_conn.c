/* net_conn.c — connecting to the shop network's PostgreSQL: the URL's checks, the TLS policy for
 * a server that is not on this machine, and errors on one line with the password hidden. */
#include "network_internal.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vt_network_is_url(const char *s)
{
    if (!s) return 0;
    if (!strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11)) return 1;
    return strchr(s, '=') && (strstr(s, "dbname=") || strstr(s, "host="));
}

void vt_network_url_redacted(const char *url, char *out, size_t len)
{
    snprintf(out, len, "%s", url ? url : "");
    /* URI: scheme://user:PASSWORD@host */
    char *scheme = strstr(out, "://");
    if (scheme) {
        char *at = strchr(scheme + 3, '@'), *colon = strchr(scheme + 3, ':');
        if (at && colon && colon < at && (size_t)(at - out) < len) {
            char rest[2048];
            snprintf(rest, sizeof rest, "%s", at);
            snprintf(colon + 1, len - (size_t)(colon + 1 - out), "***%s", rest);
        }
    }
    /* key=value and URI query: password=... */
    for (char *p = strstr(out, "password="); p; p = strstr(p + 1, "password=")) {
        char *v = p + 9, *end = v + strcspn(v, " &");
        char rest[2048];
        snprintf(rest, sizeof rest, "%s", end);
        snprintf(v, len - (size_t)(v - out), "***%s", rest);
    }
}

static int host_is_local(const char *h)
{
    if (!h || !*h || h[0] == '/' || h[0] == '@') return 1;   /* a Unix socket */
    if (!strcmp(h, "localhost") || !strcmp(h, "::1") || !strcmp(h, "[::1]")) return 1;
    return !strncmp(h, "127.", 4);
}

/* Each comma-separated entry of list local? */
static int all_local(const char *list)
{
    if (!list || !*list) return 1;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", list);
    char *save = NULL;
    for (char *h = strtok_r(buf, ",", &save); h; h = strtok_r(NULL, ",", &save))
        if (!host_is_local(h)) return 0;
    return 1;
}

static const char *opt(const PQconninfoOption *o, const char *key)
{
    for (; o && o->keyword; o++)
        if (!strcmp(o->keyword, key)) return o->val;
    return NULL;
}

int net_url_is_local(const char *url)
{
    char *msg = NULL;
    PQconninfoOption *o = PQconninfoParse(url, &msg);
    PQfreemem(msg);
    if (!o) return 0;
    const char *host = opt(o, "host"), *addr = opt(o, "hostaddr");
    if (!host || !*host) host = getenv("PGHOST");
    int local = all_local(host) && (!addr || !*addr || all_local(addr));
    PQconninfoFree(o);
    return local;
}

/* The URL's sslmode, or "" when it sets none. */
static void url_sslmode(const PQconninfoOption *o, char *out, size_t len)
{
    const char *m = opt(o, "sslmode");
    if (!m || !*m) m = getenv("PGSSLMODE");
    snprintf(out, len, "%s", m ? m : "");
}

vt_result net_url_check(const char *url, int insecure, char *err, size_t errlen)
{
    char red[1024], *msg = NULL;
    vt_network_url_redacted(url, red, sizeof red);
    if (!url || !*url) {
        snprintf(err, errlen, "%s", _("no PostgreSQL URL given"));
        return VT_ERR_ARG;
    }
    PQconninfoOption *o = PQconninfoParse(url, &msg);
    if (!o) {
        char line[512];
        snprintf(line, sizeof line, "%s", msg ? msg : "?");
        line[strcspn(line, "\n")] = 0;
        snprintf(err, errlen, _("%s: not a PostgreSQL URL: %s"), red, line);
        PQfreemem(msg);
        return VT_ERR_ARG;
    }
    char mode[32];
    url_sslmode(o, mode, sizeof mode);
    PQconninfoFree(o);
    if (net_url_is_local(url) || insecure || !*mode) return VT_OK;
    if (!strcmp(mode, "require") || !strcmp(mode, "verify-ca") || !strcmp(mode, "verify-full")) return VT_OK;
    snprintf(err, errlen, _("%s: sslmode=%s would send the password and the visits unencrypted to a server that is "
             "not on this machine; use sslmode=verify-full (or --network-insecure on a trusted network)"), red, mode);
    return VT_ERR_ARG;
}

const char *net_error(PGconn *c, const PGresult *r, char *out, size_t len)
{
    const char *m = r ? PQresultErrorMessage(r) : NULL;
    if (!m || !*m) m = c ? PQerrorMessage(c) : "no connection";
    snprintf(out, len, "%s", m && *m ? m : "unknown error");
    /* libpq's messages end with a newline and may hold several lines: one line, "; " between. */
    for (char *p = out; *p; p++)
        if (*p == '\n') *p = p[1] ? ';' : 0;
    size_t n = strlen(out);
    while (n && (out[n - 1] == ' ' || out[n - 1] == ';')) out[--n] = 0;
    return out;
}

/* Waits until the socket of c is ready for what PQconnectPoll asked, the deadline, or stop. */
static int wait_socket(PGconn *c, int for_write, double deadline, const atomic_int *stop)
{
    for (;;) {
        if (stop && atomic_load(stop)) return -1;
        double left = deadline - net_now();
        if (left <= 0) return 0;
        struct pollfd p = { .fd = PQsocket(c), .events = for_write ? POLLOUT : POLLIN };
        int r = poll(&p, 1, (int)fmin(left * 1000 + 1, 100));
        if (r != 0) return r > 0 ? 1 : (errno == EINTR ? 0 : -1);
    }
}

PGconn *net_connect_until(const char *url, const char *app, double timeout_s, int insecure, const atomic_int *stop,
                          char *err, size_t errlen)
{
    if (net_url_check(url, insecure, err, errlen) != VT_OK) return NULL;
    char *msg = NULL, mode[32];
    PQconninfoOption *o = PQconninfoParse(url, &msg);
    PQfreemem(msg);
    url_sslmode(o, mode, sizeof mode);
    PQconninfoFree(o);
    int force_tls = !*mode && !net_url_is_local(url) && !insecure;
    /* TCP keepalives: a connection whose server went away without a word (a cable, a firewall)
     * is found dead in about 15 s instead of the system's two hours. */
    const char *keys[] = { "dbname", "application_name", "keepalives", "keepalives_idle", "keepalives_interval",
                           "keepalives_count", force_tls ? "sslmode" : NULL, NULL };
    const char *vals[] = { url, app ? app : "vitrine", "1", "5", "3", "3", "verify-full", NULL };
    double deadline = net_now() + (timeout_s > 0 ? timeout_s : 10);
    PGconn *c = PQconnectStartParams(keys, vals, 1);
    PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
    while (c && PQstatus(c) != CONNECTION_BAD && ps != PGRES_POLLING_OK && ps != PGRES_POLLING_FAILED) {
        int w = wait_socket(c, ps == PGRES_POLLING_WRITING, deadline, stop);
        if (w <= 0) {
            char red[1024];
            vt_network_url_redacted(url, red, sizeof red);
            snprintf(err, errlen, w < 0 ? _("%s: connection abandoned") : _("%s: no answer from the server in %.0f s"),
                     red, timeout_s > 0 ? timeout_s : 10);
            PQfinish(c);
            return NULL;
        }
        ps = PQconnectPoll(c);
    }
    if (c && PQstatus(c) == CONNECTION_OK) return c;
    char red[1024], why[768];
    vt_network_url_redacted(url, red, sizeof red);
    snprintf(err, errlen, "%s: %s", red, net_error(c, NULL, why, sizeof why));
    PQfinish(c);
    return NULL;
}

PGconn *net_connect(const char *url, const char *app, double timeout_s, int insecure, char *err, size_t errlen)
{
    return net_connect_until(url, app, timeout_s, insecure, NULL, err, errlen);
}

vt_result net_exec(PGconn *c, const char *sql, char *err, size_t errlen)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType s = PQresultStatus(r);
    vt_result res = (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) ? VT_OK : VT_ERR_IO;
    if (res != VT_OK) net_error(c, r, err, errlen);
    PQclear(r);
    return res;
}

int net_name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 48) return 0;
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

void vt_network_kiosk_role(const char *kiosk, char *out, size_t len)
{
    snprintf(out, len, "vitrine_kiosk_%s", kiosk ? kiosk : "");
    for (char *p = out; *p; p++) {
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
        else if (*p == '-' || *p == '.') *p = '_';
    }
}
