/* vt_network.h — many kiosks, one shop network on PostgreSQL (issue 20; docs/network.md).
 *
 * Two sides, one schema (vt_network_schema.c, migrations in order, version in
 * vitrine.schema_migrations):
 *
 * - The kiosk (`vitrine run --network URL --kiosk NAME --store NAME`): a thread of its own that
 *   connects (libpq), registers, sends a heartbeat every few seconds, ships the visits from the
 *   local SQLite database (the outbox: analytics' vt_outbox) in batches — each event keyed by its
 *   database's origin id and its local sequence number, inserted ON CONFLICT DO NOTHING, the local
 *   mark moved only after PostgreSQL committed: at-least-once delivery, exactly-once effect — and
 *   follows its store's catalog publications (LISTEN vitrine_catalog, polling as the fallback):
 *   each new version is downloaded with its models into state_dir, checked, kept, and handed to
 *   the display, which switches between two frames. Nothing here ever waits on the frame loop or
 *   makes it wait: the loop only copies its status in and looks for a new catalog (a mutex held
 *   for a copy). No network, a server restarted, a connection cut: the display runs on, the
 *   visits wait in the outbox, the last good catalog stays on screen; the thread reconnects with
 *   back-off (0.5 s doubling to 10 s) and catches up.
 * - The shop's side (`vitrine network init|add-kiosk|publish|kiosks|maintain`, the console,
 *   `vitrine stats --db postgresql://…`): schema migrations, kiosk roles (each its own LOGIN role
 *   with least privilege: row-level security lets it insert only its own events, update only its
 *   own kiosk row, read only its own store's catalogs), publications, the network's figures.
 *
 * Every query is parameterised (PQexecParams); names of roles go through PQescapeIdentifier.
 * A server that is not local (a host other than a Unix socket, localhost, 127.0.0.0/8 or ::1) is
 * refused without TLS: sslmode verify-full is asked unless the URL says require/verify-ca/
 * verify-full; disable/allow/prefer are refused there unless insecure is set.
 *
 * Ownership: vt_network_create returns a kiosk client freed by vt_network_destroy (which stops
 * its thread within about a second, whatever the server does). Every string of a desc is copied.
 * Out buffers and FILEs are the caller's. */
#ifndef VT_NETWORK_H
#define VT_NETWORK_H

#include "core/vt_core.h"

#define VT_NETWORK_SCHEMA_VERSION 1
#define VT_NETWORK_CHANNEL "vitrine_catalog"   /* NOTIFY payload: the store's name */

/* 1 when s names a PostgreSQL database ("postgresql://…", "postgres://…", or a libpq
 * key=value string with dbname= or host=): how `stats --db` tells it from a SQLite file. */
int vt_network_is_url(const char *s);
/* The URL with any password replaced by "***", for logs and the console. */
void vt_network_url_redacted(const char *url, char *out, size_t len);

/* ---- the kiosk ---------------------------------------------------------------------------- */
typedef struct vt_network vt_network;

/* Zero is the default everywhere except url, kiosk, store and outbox. */
typedef struct vt_network_desc {
    const char *url;          /* libpq URI or key=value string (required) */
    const char *kiosk;        /* this display's name, as `vitrine network add-kiosk` made it (required) */
    const char *store;        /* its store (required; must be the store the kiosk was added to) */
    const char *outbox;       /* the analytics SQLite database whose events are shipped (required) */
    const char *state_dir;    /* where published catalogs are kept (STORE/NNNNNN/catalog.json and
                               * its models, STORE/current naming the last good); NULL: network/
                               * in vt_state_dir() */
    double heartbeat_s;       /* 0: 5 s */
    double poll_s;            /* catalog polling when no notification comes; 0: 30 s */
    double ship_s;            /* how often the outbox is looked at; 0: 0.25 s */
    int batch;                /* events per INSERT; 0: 500 */
    int insecure;             /* 1: a non-local server without TLS allowed (said in the log) */
    double connect_timeout_s; /* one connection attempt; 0: 5 s */
} vt_network_desc;

/* Starts the thread and returns at once (connecting is the thread's: a server that is not
 * there is not an error here). VT_ERR_ARG for a bad desc (a missing name, a URL libpq cannot
 * parse, a non-local server without TLS), VT_ERR_IO when the outbox or state_dir cannot be
 * opened; err says which. */
vt_result vt_network_create(const vt_network_desc *d, vt_network **out, char *err, size_t errlen);
void vt_network_destroy(vt_network *n);   /* safe on NULL */

/* What the heartbeat says of the display; set from the frame loop (copied), once a second is plenty. */
typedef struct vt_network_kiosk_status {
    double fps;
    const char *camera;       /* "live", "offline", "file", "demo" */
    int catalog_version;      /* the published version on screen; 0: a local catalog */
    const char *warnings;     /* the latest staff warnings, one per line; NULL: none */
} vt_network_kiosk_status;
void vt_network_set_status(vt_network *n, const vt_network_kiosk_status *s);

/* 1 when a publication newer than the last one taken is downloaded, checked and on disk: its
 * catalog's path (in state_dir, kept until a newer one is good) and version; else 0. */
int vt_network_take_catalog(vt_network *n, char *path, size_t len, int *version);
/* The display's verdict on a version it took: ok 0 (err: why, e.g. a model that did not load)
 * keeps the last good one on screen, marks the version bad on disk (never offered again) and
 * tells the network (the next heartbeat's warnings). */
void vt_network_catalog_result(vt_network *n, int version, int ok, const char *err);
/* The last good version kept on disk for store (from an earlier run): its catalog's path and
 * version, or 0 when there is none. For starting without the server. */
int vt_network_last_good(const char *state_dir, const char *store, char *path, size_t len, int *version);

/* The client's figures, for the HUD, the console's status and the log (any thread). */
typedef struct vt_network_stats {
    int connected;            /* 1 while a connection is up */
    int64_t shipped;          /* events this run put into PostgreSQL (new rows or already there) */
    int64_t pending;          /* events in the outbox not yet shipped */
    int reconnects;           /* connections lost and made again */
    int catalog_version;      /* the newest version downloaded and checked; 0: none */
    double last_ship_age_s;   /* since the outbox was last empty or shipped; -1: never */
    char last_error[256];     /* the latest connection or query error, "" when none since */
} vt_network_stats;
void vt_network_get_stats(vt_network *n, vt_network_stats *out);

/* ---- the shop's side (each call opens its own connection, bounded by a 10 s timeout) -------- */
/* Creates or upgrades the schema (each migration in its own transaction; a server whose schema is
 * newer than this program's is refused), the roles vitrine_kiosk (the kiosks' group) and
 * vitrine_console, and the events' monthly partitions from last month to 12 months ahead.
 * Needs a role that may create schemas and roles. applied: how many migrations ran (may be NULL). */
vt_result vt_network_migrate(const char *url, int *applied, char *err, size_t errlen);
/* Adds (or, with the same store, updates the password of) kiosk in store: a LOGIN role named
 * vitrine_kiosk_NAME, member of vitrine_kiosk, and its row in vitrine.kiosks. The store is
 * created when new. Names: 1-48 of [A-Za-z0-9_.-]. password: at least 12 characters. */
vt_result vt_network_add_kiosk(const char *url, const char *kiosk, const char *store, const char *password,
                               char *err, size_t errlen);
/* The role name for kiosk ("vitrine_kiosk_" + the name, lower-cased, '-' and '.' as '_') into out. */
void vt_network_kiosk_role(const char *kiosk, char *out, size_t len);
/* Publishes catalog (a file; checked as `vitrine validate` checks it by the caller first) with
 * every model it names as the next version for store, in one transaction, then NOTIFY. Models
 * are stored once by content (SHA-256). version: the new number (may be NULL). */
vt_result vt_network_publish(const char *url, const char *store, const char *catalog, const char *by,
                             const char *summary, int *version, char *err, size_t errlen);
/* Creates the events' monthly partitions up to months ahead (0: 12) and, when keep_months > 0,
 * detaches and drops those wholly older than that. dropped: partitions dropped (may be NULL). */
vt_result vt_network_maintain(const char *url, int months_ahead, int keep_months, int *dropped, char *err,
                              size_t errlen);

/* The network's figures as JSON, malloc'd into *json: {"schema_version", "stores": [{"name",
 * "kiosks", "catalog_version", "published_at"}], "kiosks": [{"name", "store", "last_seen",
 * "seconds_since_seen", "online", "fps", "camera", "catalog_version", "warnings", "started_at",
 * "host", "version"}], "stats": {"stores": [{"store", "found", "dwell_seconds", "card_opens",
 * "basket_adds"}], "kiosks": [...same with "kiosk"...], "products": [{"store", "id", "name",
 * "found", "dwell_seconds", "card_opens", "basket_adds"}], "totals": {...}}}. A kiosk is online
 * when seen in the last 15 s. from/to: YYYY-MM-DD days in UTC, NULL: open. */
vt_result vt_network_overview_json(const char *url, const char *from, const char *to, char **json, char *err,
                                   size_t errlen);
/* `vitrine stats --db postgresql://…`: per store, per kiosk and per product figures and totals
 * over the network, as a table (the staff's language, columns by display width), JSON or CSV
 * (format: 0 table, 1 JSON, 2 CSV, as analytics' vt_stats_format). */
vt_result vt_network_stats_print(const char *url, const char *from, const char *to, int format, FILE *out, char *err,
                                 size_t errlen);

#endif
