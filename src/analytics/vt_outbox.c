/* vt_outbox.c — the analytics database as the kiosk's outbox (issue 20): the events after a
 * network's mark, read through a connection of the outbox's own (WAL: never in the writer's way),
 * and the mark moved once that network has committed them. */
#include "analytics/vt_analytics.h"
#include "analytics_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OUTBOX_BUSY_MS 2000

struct vt_outbox {
    sqlite3 *db;
    sqlite3_stmt *next;
    char path[1024], network[512], origin[40];
};

static vt_result db_err(vt_outbox *o, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: %s: %s", o->path, what, sqlite3_errmsg(o->db));
    return VT_ERR_IO;
}

/* One row of SQL that takes no result; VT_OK or err. */
static vt_result run_sql(vt_outbox *o, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(o->db, sql, NULL, NULL, &msg) == SQLITE_OK) return VT_OK;
    snprintf(err, errlen, "%s: %s", o->path, msg ? msg : sqlite3_errmsg(o->db));
    sqlite3_free(msg);
    return VT_ERR_IO;
}

static vt_result read_origin(vt_outbox *o, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(o->db, "SELECT value FROM meta WHERE key = 'origin'", -1, &st, NULL) != SQLITE_OK)
        return db_err(o, "meta", err, errlen);
    int ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 36;
    if (ok) snprintf(o->origin, sizeof o->origin, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (ok) return VT_OK;
    snprintf(err, errlen, _("%s: the analytics database has no origin id (meta.origin)"), o->path);
    return VT_ERR_FORMAT;
}

vt_result vt_outbox_open(const char *path, const char *network, vt_outbox **out, char *err, size_t errlen)
{
    *out = NULL;
    vt_outbox *o = calloc(1, sizeof *o);
    if (!o) { snprintf(err, errlen, _("%s: out of memory"), path); return VT_ERR_NO_MEMORY; }
    snprintf(o->path, sizeof o->path, "%s", path);
    snprintf(o->network, sizeof o->network, "%s", network ? network : "");
    vt_result r = VT_ERR_IO;
    if (sqlite3_open_v2(path, &o->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        snprintf(err, errlen, _("%s: cannot open the analytics database: %s"), path,
                 o->db ? sqlite3_errmsg(o->db) : _("out of memory"));
        goto fail;
    }
    sqlite3_busy_timeout(o->db, OUTBOX_BUSY_MS);
    if ((r = run_sql(o, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", err, errlen)) ||
        (r = vt_analytics_migrate(o->db, path, err, errlen)) || (r = read_origin(o, err, errlen)))
        goto fail;
    /* The mark's row, made once per network. */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(o->db, "INSERT OR IGNORE INTO outbox_marks (network) VALUES (?)", -1, &st, NULL) != SQLITE_OK) {
        r = db_err(o, "outbox_marks", err, errlen);
        goto fail;
    }
    sqlite3_bind_text(st, 1, o->network, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) { r = db_err(o, "outbox_marks", err, errlen); goto fail; }
    if (sqlite3_prepare_v2(o->db,
                           "SELECT e.id, e.session_id, e.ts_utc, e.type, e.product_id, e.product_name, e.marker, e.price,"
                           " e.currency, e.dwell_seconds, e.frame, e.reason FROM events e"
                           " WHERE e.id > (SELECT seq FROM outbox_marks WHERE network = ?1) ORDER BY e.id LIMIT ?2",
                           -1, &o->next, NULL) != SQLITE_OK) {
        r = db_err(o, "events", err, errlen);
        goto fail;
    }
    *out = o;
    return VT_OK;
fail:
    vt_outbox_close(o);
    return r ? r : VT_ERR_IO;
}

void vt_outbox_close(vt_outbox *o)
{
    if (!o) return;
    sqlite3_finalize(o->next);
    sqlite3_close(o->db);
    free(o);
}

const char *vt_outbox_origin(const vt_outbox *o) { return o ? o->origin : ""; }

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" (as the writer stores it) into ms since 1970; 0 when unreadable. */
static int64_t parse_utc(const char *s)
{
    struct tm tm = { 0 };
    int ms = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                     &tm.tm_sec, &ms) < 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm) * 1000 + ms;
}

static vt_event_type type_of(const char *s)
{
    for (int t = VT_EV_SESSION_START; t <= VT_EV_BASKET_REMOVE; t++)
        if (s && !strcmp(s, vt_event_type_str((vt_event_type)t))) return (vt_event_type)t;
    return (vt_event_type)0;
}

static void col_text(sqlite3_stmt *st, int i, char *out, size_t len)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, len, "%s", t ? (const char *)t : "");
}

static void read_event(sqlite3_stmt *st, vt_outbox_event *e)
{
    memset(e, 0, sizeof *e);
    e->seq = sqlite3_column_int64(st, 0);
    e->session = sqlite3_column_int64(st, 1);
    e->ev.ts_ms = parse_utc((const char *)sqlite3_column_text(st, 2));
    e->ev.type = type_of((const char *)sqlite3_column_text(st, 3));
    col_text(st, 4, e->ev.product_id, sizeof e->ev.product_id);
    col_text(st, 5, e->ev.product_name, sizeof e->ev.product_name);
    e->ev.marker = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 6);
    e->ev.price = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 7);
    col_text(st, 8, e->ev.currency, sizeof e->ev.currency);
    e->ev.dwell_seconds = sqlite3_column_double(st, 9);
    e->ev.frame = sqlite3_column_type(st, 10) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 10);
    col_text(st, 11, e->ev.reason, sizeof e->ev.reason);
}

int vt_outbox_next(vt_outbox *o, vt_outbox_event *out, int max, char *err, size_t errlen)
{
    sqlite3_stmt *st = o->next;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, o->network, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, max);
    int n = 0, rc;
    while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) read_event(st, &out[n++]);
    if (n < max && rc != SQLITE_DONE) {
        db_err(o, "events", err, errlen);
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);   /* no read transaction left open: the WAL can be checkpointed */
    return n;
}

int vt_outbox_sessions(vt_outbox *o, vt_outbox_session *out, int max, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(o->db,
                           "SELECT id, started_utc, stopped_utc, dropped_events, store, source FROM sessions"
                           " WHERE id >= (SELECT session_from FROM outbox_marks WHERE network = ?) ORDER BY id LIMIT ?",
                           -1, &st, NULL) != SQLITE_OK) {
        db_err(o, "sessions", err, errlen);
        return -1;
    }
    sqlite3_bind_text(st, 1, o->network, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, max);
    int n = 0, rc;
    while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        vt_outbox_session *s = &out[n++];
        memset(s, 0, sizeof *s);
        s->id = sqlite3_column_int64(st, 0);
        s->started_ms = parse_utc((const char *)sqlite3_column_text(st, 1));
        s->stopped_ms = parse_utc((const char *)sqlite3_column_text(st, 2));
        s->dropped_events = sqlite3_column_int64(st, 3);
        col_text(st, 4, s->store, sizeof s->store);
        col_text(st, 5, s->source, sizeof s->source);
    }
    if (n < max && rc != SQLITE_DONE) n = -1, db_err(o, "sessions", err, errlen);
    sqlite3_finalize(st);
    return n;
}

/* Where the next vt_outbox_sessions starts: a session other than the newest one given is over
 * (one writer per database: a newer session means the older one's process ended and its row was
 * settled at that start), and a stopped one has its final figures; so the newest given, unless
 * it is stopped too. */
static int64_t next_session_from(const vt_outbox_session *s, int n, int64_t old)
{
    if (n <= 0) return old;
    const vt_outbox_session *last = &s[n - 1];
    return last->stopped_ms ? last->id + 1 : last->id;
}

vt_result vt_outbox_mark(vt_outbox *o, int64_t seq, const vt_outbox_session *sessions, int nsessions, char *err,
                         size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(o->db,
                           "UPDATE outbox_marks SET seq = max(seq, ?1), session_from = max(session_from, ?2),"
                           " updated_utc = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE network = ?3",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(o, "outbox_marks", err, errlen);
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_int64(st, 2, next_session_from(sessions, nsessions, 0));
    sqlite3_bind_text(st, 3, o->network, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? VT_OK : db_err(o, "outbox_marks", err, errlen);
}

int64_t vt_outbox_pending(vt_outbox *o)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(o->db,
                           "SELECT count(*) FROM events WHERE id > (SELECT seq FROM outbox_marks WHERE network = ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, o->network, -1, SQLITE_STATIC);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

vt_result vt_outbox_reset(vt_outbox *o, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(o->db, "UPDATE outbox_marks SET seq = 0, session_from = 0 WHERE network = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return db_err(o, "outbox_marks", err, errlen);
    sqlite3_bind_text(st, 1, o->network, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? VT_OK : db_err(o, "outbox_marks", err, errlen);
}
