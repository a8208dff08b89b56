/* vt_analytics.c — event recording (writer thread, bounded queue, SQLite WAL) and stats. */
#include "analytics/vt_analytics.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUEUE_CAP 4096
#define COMMIT_MS 200

struct vt_analytics {
    sqlite3 *db;
    sqlite3_stmt *insert;
    int64_t session;
    char path[1024];
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    vt_event *queue;
    int head, count, stop;
    long dropped, dropped_saved;
};

const char *vt_event_type_str(vt_event_type t)
{
    switch (t) {
    case VT_EV_SESSION_START: return "session_start";
    case VT_EV_SESSION_STOP: return "session_stop";
    case VT_EV_PRODUCT_FOUND: return "product_found";
    case VT_EV_PRODUCT_LOST: return "product_lost";
    case VT_EV_CARD_OPENED: return "card_opened";
    case VT_EV_BASKET_ADD: return "basket_add";
    case VT_EV_BASKET_REMOVE: return "basket_remove";
    }
    return "unknown";
}

int64_t vt_utc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void iso_utc(int64_t ms, char out[32])
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03dZ", (int)(ms % 1000));
}

/* Schema migrations: entry k takes user_version k to k + 1. Append, never edit. */
static const char *const k_migrations[] = {
    "CREATE TABLE sessions (id INTEGER PRIMARY KEY, started_utc TEXT NOT NULL, stopped_utc TEXT,"
    "  store TEXT, source TEXT, dropped_events INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE events (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL REFERENCES sessions(id),"
    "  ts_utc TEXT NOT NULL, type TEXT NOT NULL, product_id TEXT, product_name TEXT, marker INTEGER,"
    "  price REAL, currency TEXT, dwell_seconds REAL, frame INTEGER);"
    "CREATE INDEX events_ts ON events(ts_utc);"
    "CREATE INDEX events_product ON events(product_id, type);",
};

static vt_result exec(sqlite3 *db, const char *sql, char *err, size_t errlen, const char *path)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK) return VT_OK;
    snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return VT_ERR_IO;
}

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static vt_result migrate(sqlite3 *db, const char *path, char *err, size_t errlen)
{
    int v = user_version(db);
    if (v < 0) { snprintf(err, errlen, "%s: not a readable SQLite database: %s", path, sqlite3_errmsg(db)); return VT_ERR_FORMAT; }
    int latest = (int)(sizeof k_migrations / sizeof k_migrations[0]);
    if (v > latest) {
        snprintf(err, errlen, "%s: written by a newer Vitrine (schema %d, this one knows %d)", path, v, latest);
        return VT_ERR_UNSUPPORTED;
    }
    for (; v < latest; v++) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d;", v + 1);
        if (exec(db, "BEGIN IMMEDIATE;", err, errlen, path) || exec(db, k_migrations[v], err, errlen, path) ||
            exec(db, sql, err, errlen, path) || exec(db, "COMMIT;", err, errlen, path)) {
            sqlite3_exec(db, "ROLLBACK;", NULL, NULL, NULL);
            return VT_ERR_IO;
        }
    }
    return VT_OK;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s && *s) sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, i);
}

static void write_event(vt_analytics *a, const vt_event *e)
{
    char ts[32];
    iso_utc(e->ts_ms, ts);
    sqlite3_stmt *st = a->insert;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, a->session);
    sqlite3_bind_text(st, 2, ts, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, vt_event_type_str(e->type), -1, SQLITE_STATIC);
    bind_text_or_null(st, 4, e->product_id);
    bind_text_or_null(st, 5, e->product_name);
    if (e->marker >= 0) sqlite3_bind_int(st, 6, e->marker); else sqlite3_bind_null(st, 6);
    if (e->price >= 0) sqlite3_bind_double(st, 7, e->price); else sqlite3_bind_null(st, 7);
    bind_text_or_null(st, 8, e->currency);
    if (e->type == VT_EV_PRODUCT_LOST) sqlite3_bind_double(st, 9, e->dwell_seconds); else sqlite3_bind_null(st, 9);
    if (e->frame >= 0) sqlite3_bind_int(st, 10, e->frame); else sqlite3_bind_null(st, 10);
    if (sqlite3_step(st) != SQLITE_DONE) VT_WARN_FILE("analytics", a->path, "cannot record an event: %s", sqlite3_errmsg(a->db));
    if (e->type == VT_EV_SESSION_STOP) {
        char sql[128];
        snprintf(sql, sizeof sql, "UPDATE sessions SET stopped_utc = '%s' WHERE id = %lld;", ts, (long long)a->session);
        sqlite3_exec(a->db, sql, NULL, NULL, NULL);
    }
}

static void *writer(void *arg)
{
    vt_analytics *a = arg;
    vt_event *batch = malloc(QUEUE_CAP * sizeof *batch);
    for (;;) {
        pthread_mutex_lock(&a->mu);
        if (!a->count && !a->stop) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += COMMIT_MS * 1000000L;
            if (until.tv_nsec >= 1000000000L) { until.tv_sec++; until.tv_nsec -= 1000000000L; }
            pthread_cond_timedwait(&a->cv, &a->mu, &until);
        }
        /* Take everything queued, then write without holding the lock: the frame loop never waits on disk. */
        int n = 0;
        while (a->count && batch) {
            batch[n++] = a->queue[a->head];
            a->head = (a->head + 1) % QUEUE_CAP;
            a->count--;
        }
        long dropped = a->dropped;
        int stop = a->stop;
        pthread_mutex_unlock(&a->mu);
        if (n || dropped != a->dropped_saved) {
            sqlite3_exec(a->db, "BEGIN;", NULL, NULL, NULL);
            for (int i = 0; i < n; i++) write_event(a, &batch[i]);
            if (dropped != a->dropped_saved) {
                char sql[128];
                snprintf(sql, sizeof sql, "UPDATE sessions SET dropped_events = %ld WHERE id = %lld;", dropped, (long long)a->session);
                sqlite3_exec(a->db, sql, NULL, NULL, NULL);
                a->dropped_saved = dropped;
            }
            if (sqlite3_exec(a->db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
                VT_WARN_FILE("analytics", a->path, "cannot commit events: %s", sqlite3_errmsg(a->db));
        }
        if (stop) break;
    }
    free(batch);
    return NULL;
}

vt_result vt_analytics_open(const char *path, const char *store, const char *source, vt_analytics **out, char *err,
                            size_t errlen)
{
    *out = NULL;
    vt_analytics *a = calloc(1, sizeof *a);
    if (!a || !(a->queue = malloc(QUEUE_CAP * sizeof *a->queue))) {
        free(a);
        snprintf(err, errlen, "%s: out of memory", path);
        return VT_ERR_NO_MEMORY;
    }
    snprintf(a->path, sizeof a->path, "%s", path);
    if (sqlite3_open_v2(path, &a->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open the analytics database: %s", path, a->db ? sqlite3_errmsg(a->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(a->db, 2000);
    /* WAL: readers (vitrine stats) never block the writer; NORMAL sync survives a killed process. */
    if (exec(a->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", err, errlen, path) ||
        migrate(a->db, path, err, errlen))
        goto fail;
    char ts[32], sql[256];
    iso_utc(vt_utc_now_ms(), ts);
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "INSERT INTO sessions (started_utc, store, source) VALUES (?, ?, ?)");
    if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(a->db));
        goto fail;
    }
    sqlite3_bind_text(st, 1, ts, -1, SQLITE_TRANSIENT);
    bind_text_or_null(st, 2, store);
    bind_text_or_null(st, 3, source);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) { snprintf(err, errlen, "%s: cannot start a session: %s", path, sqlite3_errmsg(a->db)); goto fail; }
    a->session = sqlite3_last_insert_rowid(a->db);
    if (sqlite3_prepare_v2(a->db,
                           "INSERT INTO events (session_id, ts_utc, type, product_id, product_name, marker, price, currency,"
                           " dwell_seconds, frame) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &a->insert, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(a->db));
        goto fail;
    }
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    if (pthread_create(&a->thread, NULL, writer, a) != 0) {
        snprintf(err, errlen, "%s: cannot start the writer thread", path);
        goto fail;
    }
    *out = a;
    vt_analytics_record(a, &(vt_event){ .type = VT_EV_SESSION_START, .marker = -1, .price = -1, .frame = -1 });
    return VT_OK;
fail:
    sqlite3_finalize(a->insert);
    sqlite3_close(a->db);
    free(a->queue);
    free(a);
    return VT_ERR_IO;
}

vt_result vt_analytics_record(vt_analytics *a, const vt_event *e)
{
    if (!a || !e) return VT_ERR_ARG;
    vt_event ev = *e;
    if (!ev.ts_ms) ev.ts_ms = vt_utc_now_ms();
    pthread_mutex_lock(&a->mu);
    int ok = a->count < QUEUE_CAP;
    if (ok) {
        a->queue[(a->head + a->count) % QUEUE_CAP] = ev;
        a->count++;
        pthread_cond_signal(&a->cv);
    } else {
        a->dropped++;
    }
    pthread_mutex_unlock(&a->mu);
    return ok ? VT_OK : VT_ERR_NO_MEMORY;
}

void vt_analytics_close(vt_analytics *a)
{
    if (!a) return;
    /* The stop event must not be dropped: wait for room if the queue is full. */
    vt_event stop = { .type = VT_EV_SESSION_STOP, .marker = -1, .price = -1, .frame = -1 };
    while (vt_analytics_record(a, &stop) != VT_OK) {
        pthread_mutex_lock(&a->mu);
        a->dropped--;   /* that try was not a visitor event */
        pthread_mutex_unlock(&a->mu);
        nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
    }
    pthread_mutex_lock(&a->mu);
    a->stop = 1;
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->thread, NULL);
    sqlite3_finalize(a->insert);
    sqlite3_close(a->db);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    free(a->queue);
    free(a);
}
