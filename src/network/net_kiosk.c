/* net_kiosk.c — the kiosk's network thread: connect (with back-off), register, heartbeat, and
 * between them ship the outbox and follow the store's publications. Every wait is bounded and
 * watches the stop flag, so the display never waits on the network. */
#include "network_internal.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QUERY_TIMEOUT_S 15.0
#define BACKOFF_MIN_S 0.5
#define BACKOFF_MAX_S 10.0
#define WARN_EVERY_S 60.0

static void iso_now(char out[40])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    size_t k = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + k, 40 - k, ".%03ldZ", ts.tv_nsec / 1000000);
}

static void set_error(vt_network *n, const char *why)
{
    pthread_mutex_lock(&n->mu);
    net_copy(n->stats.last_error, sizeof n->stats.last_error, why);
    pthread_mutex_unlock(&n->mu);
}

static void take_notifies(vt_network *n)
{
    PGnotify *nt;
    while ((nt = PQnotifies(n->c))) {
        if (!strcmp(nt->relname, VT_NETWORK_CHANNEL) && nt->extra && !strcmp(nt->extra, n->store)) n->notified = 1;
        PQfreemem(nt);
    }
}

void net_drop(vt_network *n, const char *why)
{
    if (!n->c) return;
    if (atomic_load(&n->stop)) {   /* closing: a query given up is no news */
        PQfinish(n->c);
        n->c = NULL;
        return;
    }
    char line[512];
    snprintf(line, sizeof line, "%s", why && *why ? why : _("connection lost"));
    VT_WARN("network", _("offline: %s; the visits wait in %s and the display goes on"), line, n->outbox_path);
    set_error(n, line);
    PQfinish(n->c);
    n->c = NULL;
    n->down_since = net_now();
    n->backoff = BACKOFF_MIN_S;
    n->next_try = net_now() + BACKOFF_MIN_S;
    pthread_mutex_lock(&n->mu);
    n->stats.connected = 0;
    n->stats.reconnects++;
    pthread_mutex_unlock(&n->mu);
}

int net_ok(const PGresult *r)
{
    ExecStatusType s = PQresultStatus(r);
    return r && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK);
}

/* Waits for the socket to be readable (or writable) until deadline or stop: 1 ready, 0 time up, -1 stop/error. */
static int wait_fd(vt_network *n, int for_write, double deadline)
{
    for (;;) {
        if (atomic_load(&n->stop)) return -1;
        double left = deadline - net_now();
        if (left <= 0) return 0;
        struct pollfd p = { .fd = PQsocket(n->c), .events = for_write ? POLLOUT : POLLIN };
        int r = poll(&p, 1, (int)fmin(left * 1000 + 1, 100));
        if (r > 0) return 1;
        if (r < 0 && errno != EINTR) return -1;
    }
}

PGresult *net_query(vt_network *n, const char *sql, int nparams, const char *const *vals, int binary_result)
{
    if (!n->c) return NULL;
    char why[512];
    double deadline = net_now() + QUERY_TIMEOUT_S;
    if (!PQsendQueryParams(n->c, sql, nparams, NULL, vals, NULL, NULL, binary_result)) goto lost;
    int f;
    while ((f = PQflush(n->c)) == 1)
        if (wait_fd(n, 1, deadline) <= 0) goto timeout;
    if (f < 0) goto lost;
    PGresult *last = NULL, *r;
    for (;;) {
        while (PQisBusy(n->c)) {
            int w = wait_fd(n, 0, deadline);
            if (w <= 0) { PQclear(last); goto timeout; }
            if (!PQconsumeInput(n->c)) { PQclear(last); goto lost; }
        }
        if (!(r = PQgetResult(n->c))) break;
        PQclear(last);
        last = r;
    }
    take_notifies(n);
    if (PQstatus(n->c) != CONNECTION_OK) { PQclear(last); goto lost; }
    if (!net_ok(last)) {
        net_error(n->c, last, why, sizeof why);
        set_error(n, why);
    }
    return last;
timeout:
    snprintf(why, sizeof why, atomic_load(&n->stop) ? _("stopping") : _("no answer from the server in %.0f s"),
             QUERY_TIMEOUT_S);
    net_drop(n, why);
    return NULL;
lost:
    net_drop(n, net_error(n->c, NULL, why, sizeof why));
    return NULL;
}

/* The login's kiosk row, updated with this run's start: it must be the kiosk and store we were told. */
static int register_kiosk(vt_network *n)
{
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    const char *v[] = { n->started_at, host, VT_NETWORK_VERSION };
    PGresult *r = net_query(n, "UPDATE vitrine.kiosks SET started_at = $1::timestamptz, host = $2, version = $3, last_seen = now()"
                               " WHERE role = session_user RETURNING name, store", 3, v, 0);
    int ok = net_ok(r) && PQntuples(r) == 1 && !strcmp(PQgetvalue(r, 0, 0), n->kiosk) && !strcmp(PQgetvalue(r, 0, 1), n->store);
    if (!ok && net_ok(r)) {
        char why[512];
        if (PQntuples(r) == 1)
            snprintf(why, sizeof why, _("this login is kiosk %s of store %s, not kiosk %s of store %s"), PQgetvalue(r, 0, 0),
                     PQgetvalue(r, 0, 1), n->kiosk, n->store);
        else
            snprintf(why, sizeof why, _("this login is not a kiosk of the network (vitrine network add-kiosk %s --store %s)"),
                     n->kiosk, n->store);
        VT_ERROR("network", "%s", why);
        set_error(n, why);
    }
    PQclear(r);
    if (ok) PQclear(r = net_query(n, "LISTEN " VT_NETWORK_CHANNEL, 0, NULL, 0));
    return ok && n->c;
}

static void try_connect(vt_network *n)
{
    char err[1024];
    double t = net_now();
    n->c = net_connect_until(n->url, "vitrine-kiosk", n->connect_timeout_s, n->insecure, &n->stop, err, sizeof err);
    if (n->c && !register_kiosk(n)) {
        PQfinish(n->c);
        n->c = NULL;
        n->backoff = BACKOFF_MAX_S * 3;   /* a wrong login does not fix itself quickly */
        snprintf(err, sizeof err, "%s", n->stats.last_error);
    }
    if (!n->c) {
        set_error(n, err);
        if (t - n->last_warn >= WARN_EVERY_S) {
            VT_WARN("network", _("cannot reach the shop network (%s); trying again"), err);
            n->last_warn = t;
        }
        n->next_try = net_now() + n->backoff;
        n->backoff = fmin(n->backoff * 2, BACKOFF_MAX_S);
        return;
    }
    int64_t pending = vt_outbox_pending(n->ob);
    if (n->down_since > 0)
        VT_NOTE("network", _("online again after %.0f s; %lld visit event(s) to ship"), net_now() - n->down_since,
                (long long)pending);
    else
        VT_INFO("network", "connected as kiosk %s of store %s", n->kiosk, n->store);
    n->down_since = 0;
    n->last_warn = 0;
    n->backoff = BACKOFF_MIN_S;
    n->next_ship = n->next_hb = n->next_poll = net_now();
    pthread_mutex_lock(&n->mu);
    n->stats.connected = 1;
    n->stats.last_error[0] = 0;
    pthread_mutex_unlock(&n->mu);
}

static void heartbeat(vt_network *n)
{
    char fps[32], ver[16], shipped[24], pending[24], camera[16], warn[1600];
    int64_t p = vt_outbox_pending(n->ob);
    pthread_mutex_lock(&n->mu);
    snprintf(fps, sizeof fps, "%.2f", n->fps);
    snprintf(ver, sizeof ver, "%d", n->screen_version);
    snprintf(shipped, sizeof shipped, "%lld", (long long)n->stats.shipped);
    snprintf(pending, sizeof pending, "%lld", (long long)(p < 0 ? 0 : p));
    snprintf(camera, sizeof camera, "%s", n->camera);
    snprintf(warn, sizeof warn, "%s%s%s", n->refused, *n->refused && *n->warnings ? "\n" : "", n->warnings);
    if (p >= 0) n->stats.pending = p;
    pthread_mutex_unlock(&n->mu);
    const char *v[] = { fps, *camera ? camera : NULL, ver, *warn ? warn : NULL, shipped, pending };
    PQclear(net_query(n, "UPDATE vitrine.kiosks SET last_seen = now(), fps = $1::real, camera = $2,"
                         " catalog_version = nullif($3::int, 0), warnings = $4, shipped = $5::bigint, pending = $6::bigint"
                         " WHERE role = session_user", 6, v, 0));
}

/* Sleeps until the next thing to do, waking for a notification or the stop flag. */
static void idle(vt_network *n, double until)
{
    while (!atomic_load(&n->stop) && net_now() < until) {
        if (!n->c) {
            usleep(50000);
            continue;
        }
        if (wait_fd(n, 0, until) == 1) {
            if (!PQconsumeInput(n->c)) {
                char why[512];
                net_drop(n, net_error(n->c, NULL, why, sizeof why));
                return;
            }
            take_notifies(n);
            if (n->notified) return;
        }
    }
}

static void *thread_main(void *arg)
{
    vt_network *n = arg;
    while (!atomic_load(&n->stop)) {
        if (!n->c) {
            if (net_now() >= n->next_try) try_connect(n);
            if (!n->c) { idle(n, fmin(n->next_try, net_now() + 0.2)); continue; }
        }
        double now = net_now();
        if (now >= n->next_ship) {
            int more = net_ship(n);
            n->next_ship = more > 0 ? now : now + n->ship_s;
        }
        if (n->c && net_now() >= n->next_hb) {
            heartbeat(n);
            n->next_hb = net_now() + n->heartbeat_s;
        }
        if (n->c && (n->notified || net_now() >= n->next_poll)) {
            n->notified = 0;
            net_catalog_check(n);
            n->next_poll = net_now() + n->poll_s;
        }
        if (n->c) idle(n, fmin(n->next_ship, fmin(n->next_hb, n->next_poll)));
    }
    if (n->c) PQfinish(n->c);
    n->c = NULL;
    return NULL;
}

static vt_result check_desc(const vt_network_desc *d, char *err, size_t errlen)
{
    if (!d || !d->url || !*d->url) { snprintf(err, errlen, "%s", _("--network: no PostgreSQL URL given")); return VT_ERR_ARG; }
    if (!d->kiosk || !net_name_ok(d->kiosk)) {
        snprintf(err, errlen, _("--kiosk: '%s' is not a kiosk name (1-48 letters, digits, '_', '.', '-')"), d->kiosk ? d->kiosk : "");
        return VT_ERR_ARG;
    }
    if (!d->store || !net_name_ok(d->store)) {
        snprintf(err, errlen, _("--store: '%s' is not a store name (1-48 letters, digits, '_', '.', '-')"), d->store ? d->store : "");
        return VT_ERR_ARG;
    }
    if (!d->outbox || !*d->outbox) {
        snprintf(err, errlen, "%s", _("--network needs the analytics database (the visits' outbox); drop --no-analytics"));
        return VT_ERR_ARG;
    }
    return net_url_check(d->url, d->insecure, err, errlen);
}

vt_result vt_network_create(const vt_network_desc *d, vt_network **out, char *err, size_t errlen)
{
    *out = NULL;
    vt_result r = check_desc(d, err, errlen);
    if (r) return r;
    vt_network *n = calloc(1, sizeof *n);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/network", vt_state_dir());
    if (!n || !(n->url = strdup(d->url)) || !(n->kiosk = strdup(d->kiosk)) || !(n->store = strdup(d->store)) ||
        !(n->outbox_path = strdup(d->outbox)) || !(n->state_dir = strdup(d->state_dir ? d->state_dir : dir)) ||
        !(n->events = malloc(sizeof *n->events * (size_t)(d->batch > 0 ? d->batch : 500)))) {
        snprintf(err, errlen, "%s", _("out of memory"));
        r = VT_ERR_NO_MEMORY;
        goto fail;
    }
    n->heartbeat_s = d->heartbeat_s > 0 ? d->heartbeat_s : 5;
    n->poll_s = d->poll_s > 0 ? d->poll_s : 30;
    n->ship_s = d->ship_s > 0 ? d->ship_s : 0.25;
    n->batch = d->batch > 0 ? d->batch : 500;
    n->insecure = d->insecure;
    n->connect_timeout_s = d->connect_timeout_s > 0 ? d->connect_timeout_s : 5;
    vt_network_url_redacted(n->url, n->key, sizeof n->key);
    snprintf(dir, sizeof dir, "%s/%s", n->state_dir, n->store);
    if ((r = vt_make_dirs(dir, 1, err, errlen)) || (r = vt_outbox_open(n->outbox_path, n->key, &n->ob, err, errlen)))
        goto fail;
    char path[1024];
    vt_network_last_good(n->state_dir, n->store, path, sizeof path, &n->known_version);
    n->stats.catalog_version = n->known_version;
    n->backoff = BACKOFF_MIN_S;
    iso_now(n->started_at);
    pthread_mutex_init(&n->mu, NULL);
    if (pthread_create(&n->thread, NULL, thread_main, n) != 0) {
        pthread_mutex_destroy(&n->mu);
        snprintf(err, errlen, "%s", _("cannot start the network thread"));
        r = VT_ERR_IO;
        goto fail;
    }
    if (d->insecure && !net_url_is_local(n->url))
        VT_WARN("network", "%s", _("--network-insecure: the visits and the password may cross the network unencrypted"));
    *out = n;
    return VT_OK;
fail:
    if (n) {
        vt_outbox_close(n->ob);
        free(n->events);
        free(n->url), free(n->kiosk), free(n->store), free(n->outbox_path), free(n->state_dir);
        free(n);
    }
    return r;
}

void vt_network_destroy(vt_network *n)
{
    if (!n) return;
    atomic_store(&n->stop, 1);
    pthread_join(n->thread, NULL);
    pthread_mutex_destroy(&n->mu);
    vt_outbox_close(n->ob);
    free(n->events);
    free(n->url), free(n->kiosk), free(n->store), free(n->outbox_path), free(n->state_dir);
    free(n);
}

void vt_network_set_status(vt_network *n, const vt_network_kiosk_status *s)
{
    if (!n || !s) return;
    pthread_mutex_lock(&n->mu);
    n->fps = s->fps;
    snprintf(n->camera, sizeof n->camera, "%s", s->camera ? s->camera : "");
    snprintf(n->warnings, sizeof n->warnings, "%s", s->warnings ? s->warnings : "");
    n->screen_version = s->catalog_version;
    pthread_mutex_unlock(&n->mu);
}

void vt_network_get_stats(vt_network *n, vt_network_stats *out)
{
    if (!n) { *out = (vt_network_stats){ .last_ship_age_s = -1 }; return; }
    pthread_mutex_lock(&n->mu);
    *out = n->stats;
    out->last_ship_age_s = n->last_ship_t > 0 ? net_now() - n->last_ship_t : -1;
    pthread_mutex_unlock(&n->mu);
}
