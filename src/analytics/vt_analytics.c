/* vt_analytics.c — event recording (writer thread, bounded queue, SQLite WAL) and stats. */
#include "analytics/vt_analytics.h"
#include "vt_unsaved.h"
#include "analytics_db.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QUEUE_CAP 4096
#define COMMIT_MS 200
#define HOLD_MAX 16384        /* events kept in memory while the database cannot take them */
#define BUSY_MS 2000          /* a write waits this long for a lock held by another process */
#define RETRY_MS 1000         /* while failing: the next try */
#define FINAL_MS 600          /* at close: the last try to store what is held... */
#define FINAL_SESSION_MS 400  /* ...then to store just the session's row (its drops and stop) */

struct vt_analytics {
    sqlite3 *db;
    sqlite3_stmt *insert;
    int64_t session;
    char path[1024];
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    vt_event *queue;           /* QUEUE_CAP + 1: the last place is the stop event's */
    int head, count, stop, done;
    long dropped;              /* under mu: the queue was full; the writer adds what it gave up */
    /* the writer thread's own */
    vt_event *held;            /* taken from the queue, not yet stored (HOLD_MAX at most) */
    int nheld;
    long dropped_saved, stored, failures;
    int failing, warned;
    int64_t fail_since, next_try, attempt_until, last_warn;
    char stop_ts[32];          /* when the session ended (its stop event), for the final row */
    int final;                 /* the writer's last tries (their own short waits) */
    atomic_int stopping;       /* set by close: a wait on another process's lock ends at once */
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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
    /* 2: why a visit ended other than by its marker going out of view ("removed_from_catalog") */
    "ALTER TABLE events ADD COLUMN reason TEXT;",
    /* 3: the outbox (issue 20): the database's origin id, which with an event's id names it across
     * the shop network, and per network the highest event id it committed and the oldest session
     * it may still have to update. A random version-4 UUID, made once. */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT INTO meta (key, value) SELECT 'origin', lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||"
    "  substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||"
    "  substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)));"
    "CREATE TABLE outbox_marks (network TEXT PRIMARY KEY, seq INTEGER NOT NULL DEFAULT 0,"
    "  session_from INTEGER NOT NULL DEFAULT 0, updated_utc TEXT);",
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

vt_result vt_analytics_migrate(sqlite3 *db, const char *path, char *err, size_t errlen)
{
    int v = user_version(db);
    if (v < 0) { snprintf(err, errlen, _("%s: not a readable SQLite database: %s"), path, sqlite3_errmsg(db)); return VT_ERR_FORMAT; }
    int latest = (int)(sizeof k_migrations / sizeof k_migrations[0]);
    _Static_assert(sizeof k_migrations / sizeof k_migrations[0] == VT_ANALYTICS_SCHEMA_VERSION, "a migration per version");
    if (v > latest) {
        snprintf(err, errlen, _("%s: written by a newer Vitrine (schema %d, this one knows %d)"), path, v, latest);
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

/* One event into the open transaction; SQLITE_DONE when it went in. */
static int write_event(vt_analytics *a, const vt_event *e)
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
    bind_text_or_null(st, 11, e->reason);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc;
}

/* The session's row: its drops so far, and its end once the stop event is stored. */
static int write_session(vt_analytics *a, long dropped, const char *stopped)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(a->db, "UPDATE sessions SET dropped_events = ?, stopped_utc = coalesce(?, stopped_utc) WHERE id = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return SQLITE_ERROR;
    sqlite3_bind_int64(st, 1, dropped);
    bind_text_or_null(st, 2, stopped);
    sqlite3_bind_int64(st, 3, a->session);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc;
}

/* Waits for another process's lock until this attempt's time is up, or at once when the run is
 * stopping (the final attempt has its own, short, time). */
static int on_busy(void *arg, int tries)
{
    (void)tries;
    vt_analytics *a = arg;
    if (mono_ms() >= a->attempt_until || (atomic_load(&a->stopping) && !a->final)) return 0;
    nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
    return 1;
}

/* One transaction: the first n held events (all of them when n < 0) and, when it changed, the
 * session's row; all or nothing. SQLITE_OK, or the failing step's code. */
static int store_once(vt_analytics *a, int n, long dropped)
{
    int rc = sqlite3_exec(a->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL);
    if (rc != SQLITE_OK) return rc;
    const char *stopped = NULL;
    if (n < 0) n = a->nheld;
    for (int i = 0; i < n && rc == SQLITE_OK; i++) {
        if (write_event(a, &a->held[i]) != SQLITE_DONE) rc = sqlite3_errcode(a->db);
        if (a->held[i].type == VT_EV_SESSION_STOP) stopped = a->stop_ts;
    }
    if (a->final && a->stop_ts[0]) stopped = a->stop_ts;   /* also without its event (dropped, or not stored) */
    if (rc == SQLITE_OK && (stopped || dropped != a->dropped_saved) && write_session(a, dropped, stopped) != SQLITE_DONE)
        rc = sqlite3_errcode(a->db);
    if (rc == SQLITE_OK) rc = sqlite3_exec(a->db, "COMMIT;", NULL, NULL, NULL);
    if (rc != SQLITE_OK && !sqlite3_get_autocommit(a->db)) sqlite3_exec(a->db, "ROLLBACK;", NULL, NULL, NULL);
    return rc;
}

/* store_once, waiting at most ms for another process's lock; after a write error (a full disk)
 * the log is checkpointed into the database and emptied, and the write tried once more. */
static int store(vt_analytics *a, int n, long dropped, int64_t ms)
{
    a->attempt_until = mono_ms() + ms;
    int rc = store_once(a, n, dropped);
    if (rc != SQLITE_FULL && (rc & 0xff) != SQLITE_IOERR) return rc;
    if (sqlite3_wal_checkpoint_v2(a->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK) return rc;
    return store_once(a, n, dropped);
}

/* Stores what is held; on failure keeps it (up to HOLD_MAX) and says so (at most once a
 * minute), then once more when the database takes events again, with what was dropped meanwhile. */
static void flush(vt_analytics *a, long dropped)
{
    int rc = store(a, -1, dropped, BUSY_MS);
    if (rc == SQLITE_OK) {
        if (a->failing && a->warned)
            vt_log_file(VT_LOG_NOTE, "analytics", a->path, "storing events again after %.1f s (%ld failed tries): "
                        "%d held event(s) stored, %ld dropped in this session so far (its dropped_events)",
                        (double)(mono_ms() - a->fail_since) / 1000, a->failures, a->nheld, dropped);
        a->stored += a->nheld;
        a->nheld = 0;
        a->dropped_saved = dropped;
        a->failing = a->warned = 0;
        a->failures = 0;
        return;
    }
    int64_t now = mono_ms();
    if (!a->failing) a->fail_since = now;
    if (!a->failing && (!a->last_warn || now - a->last_warn >= 60000)) {
        VT_WARN_FILE("analytics", a->path, "cannot store events (%s); keeping up to %d in memory and retrying every %.0f s, "
                     "the rest counted as dropped", sqlite3_errstr(rc), HOLD_MAX, RETRY_MS / 1000.0);
        a->last_warn = now;
        a->warned = 1;
    }
    a->failing = 1;
    a->failures++;
    a->next_try = now + RETRY_MS;
}

/* At close, in bounded time: everything held, else just the session's row with everything held
 * counted as dropped; a session that lost events ends with one line that says how many. */
static void final_flush(vt_analytics *a, long dropped)
{
    a->final = 1;
    int rc = store(a, -1, dropped, FINAL_MS);
    if (rc == SQLITE_OK) {
        a->stored += a->nheld;
        if (a->failing || dropped)   /* after a recovery with nothing lost, that line said it all */
            vt_log_file(VT_LOG_NOTE, "analytics", a->path, "session %lld closed: %ld event(s) stored, %ld dropped "
                        "(its dropped_events)", (long long)a->session, a->stored, dropped);
        a->nheld = 0;
        return;
    }
    long lost = dropped + a->nheld;
    int rc2 = store(a, 0, lost, FINAL_SESSION_MS);
    if (rc2 == SQLITE_OK)
        VT_WARN_FILE("analytics", a->path, "session %lld closed with %ld event(s) stored and %ld dropped (its dropped_events): "
                     "the last %d could not be stored (%s)", (long long)a->session, a->stored, lost, a->nheld, sqlite3_errstr(rc));
    else {
        vt_unsaved u = { .session = a->session, .dropped = lost };
        snprintf(u.stopped, sizeof u.stopped, "%s", a->stop_ts);
        char where[1100];
        vt_unsaved_path(a->path, where, sizeof where);
        int kept = vt_unsaved_add(a->path, &u);
        if (kept)
            VT_ERROR_FILE("analytics", a->path, "could not close session %lld (%s): %ld event(s) stored, %ld dropped; its end is kept for the next run to write in %s",
                          (long long)a->session, sqlite3_errstr(rc2), a->stored, lost, where);
        else
            VT_ERROR_FILE("analytics", a->path, "could not close session %lld (%s): %ld event(s) stored, %ld dropped; its end is lost: it could not be kept in %s",
                          (long long)a->session, sqlite3_errstr(rc2), a->stored, lost, where);
    }
    a->nheld = 0;
}

/* Moves the queue into the held events (under mu); those past HOLD_MAX are dropped. */
static void take_queue(vt_analytics *a)
{
    while (a->count) {
        vt_event *e = &a->queue[a->head];
        a->head = (a->head + 1) % (QUEUE_CAP + 1);
        a->count--;
        if (e->type == VT_EV_SESSION_STOP) iso_utc(e->ts_ms, a->stop_ts);
        if (a->nheld < HOLD_MAX) a->held[a->nheld++] = *e;
        else a->dropped++;
    }
}

static void *writer(void *arg)
{
    vt_analytics *a = arg;
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
        take_queue(a);
        long dropped = a->dropped;
        int stop = a->stop;
        pthread_mutex_unlock(&a->mu);
        if (stop) {
            final_flush(a, dropped);
            break;
        }
        if ((a->nheld || dropped != a->dropped_saved) && (!a->failing || mono_ms() >= a->next_try)) flush(a, dropped);
    }
    pthread_mutex_lock(&a->mu);
    a->done = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* Session ends an earlier run could not write (vt_unsaved.h), written now; the file goes once
 * they are in. */
static void apply_unsaved(vt_analytics *a)
{
    vt_unsaved u[64];
    int n = vt_unsaved_read(a->path, u, 64);
    if (n <= 0) return;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_exec(a->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(a->db, "UPDATE sessions SET stopped_utc = coalesce(stopped_utc, ?),"
                                       " dropped_events = max(dropped_events, ?) WHERE id = ?", -1, &st, NULL);
    for (int i = 0; i < n && rc == SQLITE_OK; i++) {
        sqlite3_reset(st);
        bind_text_or_null(st, 1, u[i].stopped);
        sqlite3_bind_int64(st, 2, u[i].dropped);
        sqlite3_bind_int64(st, 3, u[i].session);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(a->db);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_OK) rc = sqlite3_exec(a->db, "COMMIT;", NULL, NULL, NULL);
    char where[1100];
    vt_unsaved_path(a->path, where, sizeof where);
    if (rc == SQLITE_OK && unlink(where) == 0) {
        vt_log_file(VT_LOG_NOTE, "analytics", a->path, "wrote the end of %d earlier session(s) kept in %s", n, where);
        return;
    }
    if (!sqlite3_get_autocommit(a->db)) sqlite3_exec(a->db, "ROLLBACK;", NULL, NULL, NULL);
    VT_WARN_FILE("analytics", a->path, "cannot write the session ends kept in %s yet (%s)", where, sqlite3_errstr(rc));
}

/* The session's row and the prepared insert (under the busy handler's wait). */
static vt_result start_session(vt_analytics *a, const char *store_name, const char *source, char *err, size_t errlen)
{
    char ts[32];
    iso_utc(vt_utc_now_ms(), ts);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(a->db, "INSERT INTO sessions (started_utc, store, source) VALUES (?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", a->path, sqlite3_errmsg(a->db));
        return VT_ERR_IO;
    }
    sqlite3_bind_text(st, 1, ts, -1, SQLITE_TRANSIENT);
    bind_text_or_null(st, 2, store_name);
    bind_text_or_null(st, 3, source);
    a->attempt_until = mono_ms() + BUSY_MS;
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) { snprintf(err, errlen, _("%s: cannot start a session: %s"), a->path, sqlite3_errmsg(a->db)); return VT_ERR_IO; }
    a->session = sqlite3_last_insert_rowid(a->db);
    if (sqlite3_prepare_v2(a->db,
                           "INSERT INTO events (session_id, ts_utc, type, product_id, product_name, marker, price, currency,"
                           " dwell_seconds, frame, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &a->insert, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", a->path, sqlite3_errmsg(a->db));
        return VT_ERR_IO;
    }
    return VT_OK;
}

vt_result vt_analytics_open(const char *path, const char *store_name, const char *source, vt_analytics **out, char *err,
                            size_t errlen)
{
    *out = NULL;
    vt_analytics *a = calloc(1, sizeof *a);
    if (!a || !(a->queue = malloc((QUEUE_CAP + 1) * sizeof *a->queue)) || !(a->held = malloc(HOLD_MAX * sizeof *a->held))) {
        if (a) free(a->queue);
        free(a);
        snprintf(err, errlen, _("%s: out of memory"), path);
        return VT_ERR_NO_MEMORY;
    }
    snprintf(a->path, sizeof a->path, "%s", path);
    if (sqlite3_open_v2(path, &a->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        snprintf(err, errlen, _("%s: cannot open the analytics database: %s"), path, a->db ? sqlite3_errmsg(a->db) : _("out of memory"));
        goto fail;
    }
    a->attempt_until = mono_ms() + BUSY_MS;
    sqlite3_busy_handler(a->db, on_busy, a);
    /* WAL: readers (vitrine stats) never block the writer; NORMAL sync survives a killed process. */
    if (exec(a->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", err, errlen, path) ||
        vt_analytics_migrate(a->db, path, err, errlen))
        goto fail;
    apply_unsaved(a);
    if (start_session(a, store_name, source, err, errlen)) goto fail;
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    if (pthread_create(&a->thread, NULL, writer, a) != 0) {
        snprintf(err, errlen, _("%s: cannot start the writer thread"), path);
        pthread_mutex_destroy(&a->mu);
        pthread_cond_destroy(&a->cv);
        goto fail;
    }
    *out = a;
    vt_analytics_record(a, &(vt_event){ .type = VT_EV_SESSION_START, .marker = -1, .price = -1, .frame = -1 });
    return VT_OK;
fail:
    sqlite3_finalize(a->insert);
    sqlite3_close(a->db);
    free(a->held);
    free(a->queue);
    free(a);
    return VT_ERR_IO;
}

/* Into the queue (under mu); the stop event may take the one place kept for it. */
static int enqueue(vt_analytics *a, const vt_event *e)
{
    if (a->count >= QUEUE_CAP + (e->type == VT_EV_SESSION_STOP)) return 0;
    a->queue[(a->head + a->count) % (QUEUE_CAP + 1)] = *e;
    a->count++;
    pthread_cond_signal(&a->cv);
    return 1;
}

vt_result vt_analytics_record(vt_analytics *a, const vt_event *e)
{
    if (!a || !e) return VT_ERR_ARG;
    vt_event ev = *e;
    if (!ev.ts_ms) ev.ts_ms = vt_utc_now_ms();
    if (ev.type == VT_EV_SESSION_STOP) return VT_ERR_ARG;   /* vt_analytics_close's */
    pthread_mutex_lock(&a->mu);
    int ok = !a->stop && enqueue(a, &ev);
    if (!ok) a->dropped++;
    pthread_mutex_unlock(&a->mu);
    return ok ? VT_OK : VT_ERR_NO_MEMORY;
}

void vt_analytics_close(vt_analytics *a)
{
    if (!a) return;
    vt_event stop = { .type = VT_EV_SESSION_STOP, .marker = -1, .price = -1, .frame = -1, .ts_ms = vt_utc_now_ms() };
    atomic_store(&a->stopping, 1);   /* a wait on a lock ends now; the writer's last tries are short */
    pthread_mutex_lock(&a->mu);
    enqueue(a, &stop);               /* its place is kept */
    a->stop = 1;
    pthread_cond_broadcast(&a->cv);
    /* The last tries take FINAL_MS + FINAL_SESSION_MS; a write stuck past that (a hung disk) is interrupted. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (FINAL_MS + FINAL_SESSION_MS) / 1000 + 1;
    while (!a->done && pthread_cond_timedwait(&a->cv, &a->mu, &until) == 0) {}
    int done = a->done;
    pthread_mutex_unlock(&a->mu);
    if (!done) sqlite3_interrupt(a->db);
    pthread_join(a->thread, NULL);
    sqlite3_finalize(a->insert);
    sqlite3_close(a->db);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    free(a->held);
    free(a->queue);
    free(a);
}
