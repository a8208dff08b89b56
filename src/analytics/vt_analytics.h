/* vt_analytics.h — what visitors looked at: events recorded in SQLite (WAL) by a writer thread,
 * and the queries behind `vitrine stats`. Schema: docs/analytics.md.
 *
 * Recording never stalls the frame loop: vt_analytics_record copies the event into a bounded
 * queue and returns; when the queue is full the event is counted as dropped. The writer commits
 * at least every 200 ms, so a crash loses at most the last fraction of a second. When the
 * database cannot take events (a full disk, another process's lock, any failure) the writer keeps
 * them in memory (16384 at most, the rest dropped) and retries every second; the log says so
 * once, and once more when it recovers. Every event never stored is counted in the session's
 * dropped_events, written with the next commit that succeeds or at close.
 *
 * Ownership: vt_analytics_open returns a recorder freed (and flushed) by vt_analytics_close. */
#ifndef VT_ANALYTICS_H
#define VT_ANALYTICS_H

#include "core/vt_core.h"

#define VT_ANALYTICS_SCHEMA_VERSION 3

typedef enum vt_event_type {
    VT_EV_SESSION_START = 1,
    VT_EV_SESSION_STOP,
    VT_EV_PRODUCT_FOUND,    /* price: the price shown at that moment */
    VT_EV_PRODUCT_LOST,     /* dwell_seconds: length of the visit */
    VT_EV_CARD_OPENED,
    VT_EV_BASKET_ADD,
    VT_EV_BASKET_REMOVE,
} vt_event_type;

const char *vt_event_type_str(vt_event_type t);   /* "product_found", ... */

typedef struct vt_event {
    vt_event_type type;
    char product_id[64];
    char product_name[96];
    int marker;              /* -1 when not about a marker */
    double price;            /* < 0 when not known */
    char currency[8];
    double dwell_seconds;    /* LOST only */
    int frame;               /* frame index of the input, -1 when none */
    int64_t ts_ms;           /* UTC, milliseconds since 1970; 0 = now */
    char reason[24];         /* LOST only, when not out of view: "removed_from_catalog"; "" = none */
} vt_event;

typedef struct vt_analytics vt_analytics;

/* Opens (creating and migrating as needed) the database at path and starts a session. */
vt_result vt_analytics_open(const char *path, const char *store, const char *source, vt_analytics **out, char *err,
                            size_t errlen);
/* Queues an event; never blocks on the database. VT_ERR_NO_MEMORY when there was no room (the
 * queue is full): the event is dropped, and counted in the session's dropped_events. */
vt_result vt_analytics_record(vt_analytics *a, const vt_event *e);   /* SESSION_STOP: VT_ERR_ARG (close's) */
/* Ends the session (SESSION_STOP), writes what is queued and closes, in bounded time whatever
 * the database does (about a second at most: a lock held elsewhere is not waited out); what
 * could not be written is counted as dropped and said in one line. Safe on NULL. */
void vt_analytics_close(vt_analytics *a);
int64_t vt_utc_now_ms(void);

/* ---- reading: vitrine stats ---- */
typedef enum vt_stats_format { VT_STATS_TABLE = 0, VT_STATS_JSON, VT_STATS_CSV } vt_stats_format;
/* What to print and on whose clock. Zero is the default everywhere. */
typedef struct vt_stats_desc {
    const char *from, *to;     /* YYYY-MM-DD (a whole day) or YYYY-MM-DDTHH:MM:SS on the zone's clock,
                                * --to inclusive; NULL: open */
    vt_stats_format format;
    const char *time_zone;     /* IANA zone of the days and hours ("Europe/Paris", "UTC"); NULL: the machine's */
    const char *zone_source;   /* why that zone, for the table's first line ("store.timezone in shop.json") */
    const char *locale;        /* how the table writes dates and hours ("fr_FR"); NULL: ICU's default
                                * (the environment's); JSON and CSV are ISO 8601 whatever it is */
} vt_stats_desc;
/* Prints per-product, per-day and per-hour (on the zone's clock, daylight saving included) and
 * total figures. On failure nothing is printed and err says why: VT_ERR_ARG (a bad date or zone),
 * the file's problem (missing, empty: vt_file_check), VT_ERR_FORMAT (not SQLite, or not ours),
 * VT_ERR_IO (cannot be opened or read). */
vt_result vt_stats_print(const char *path, const vt_stats_desc *d, FILE *out, char *err, size_t errlen);

/* ---- the outbox: events not yet shipped to the shop network (issue 20) ---- *
 * The analytics database is the kiosk's outbox: every event has its local sequence number (the
 * events table's id, never reused) and the database its origin id (a random UUID made by
 * migration 3, in the meta table), which together name the event across the network. The outbox
 * keeps, per network (a key the shipper chooses: its server and database), the highest sequence
 * number PostgreSQL has committed (table outbox_marks). Reading goes through a connection of its
 * own (WAL: never in the writer's way); the mark is moved only after the network committed, so a
 * crash between the two ships a batch again — the network's unique key makes that harmless.
 * Ownership: vt_outbox_open returns a handle freed by vt_outbox_close. */
typedef struct vt_outbox vt_outbox;
typedef struct vt_outbox_event {
    int64_t seq;              /* the local id */
    int64_t session;          /* its session's local id */
    vt_event ev;              /* ts_ms is set */
} vt_outbox_event;
typedef struct vt_outbox_session {
    int64_t id;
    int64_t started_ms, stopped_ms;   /* stopped_ms 0: still running (or killed) */
    int64_t dropped_events;
    char store[96], source[256];
} vt_outbox_session;
/* Opens path (created and migrated like vt_analytics_open when new) for network. */
vt_result vt_outbox_open(const char *path, const char *network, vt_outbox **out, char *err, size_t errlen);
void vt_outbox_close(vt_outbox *o);   /* safe on NULL */
const char *vt_outbox_origin(const vt_outbox *o);   /* the database's UUID, "8-4-4-4-12" hex */
/* Up to max events after the mark, oldest first: how many (0: none waiting), or -1 (err says why). */
int vt_outbox_next(vt_outbox *o, vt_outbox_event *out, int max, char *err, size_t errlen);
/* Sessions that may have changed since they were last shipped (every session from the oldest one
 * not yet shipped as stopped): how many, or -1. */
int vt_outbox_sessions(vt_outbox *o, vt_outbox_session *out, int max, char *err, size_t errlen);
/* The network committed every event up to seq, and these sessions as they were read. */
vt_result vt_outbox_mark(vt_outbox *o, int64_t seq, const vt_outbox_session *sessions, int nsessions, char *err,
                         size_t errlen);
int64_t vt_outbox_pending(vt_outbox *o);   /* events after the mark, -1 on error */
/* Moves the mark back to 0 (everything ships again: the network keeps one copy). For tests and
 * `vitrine network reship`. */
vt_result vt_outbox_reset(vt_outbox *o, char *err, size_t errlen);

#endif
