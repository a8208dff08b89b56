/* vt_console.h — the shop's web console: retailers run the display from a browser (issue 19).
 *
 * A small HTTPS (or, on loopback, HTTP) server, libmicrohttpd's threads, serving the console's
 * pages and the JSON API under /api/v1 (docs/console.md, docs/console-openapi.yaml). It edits the
 * catalog file itself — atomically, every saved version kept — and the display picks the change
 * up through its hot reload; it never touches the display's own catalog in memory. Served by
 * `vitrine run --console ADDR:PORT` (live picture and status from the display) or by
 * `vitrine console` (no display: for preparing a catalog).
 *
 * Nothing a browser sends can stall the display: requests are served on the console's own
 * threads (at a lower priority), bodies and uploads are capped, connections time out, and the
 * display only ever copies a frame into the console when a live viewer asked for one.
 *
 * Ownership: vt_console_create returns a console the caller frees with vt_console_destroy (which
 * stops its threads first). Every string of the desc is copied. */
#ifndef VT_CONSOLE_H
#define VT_CONSOLE_H

#include "core/vt_core.h"

#define VT_CONSOLE_DEFAULT_LISTEN "127.0.0.1:8080"
#define VT_CONSOLE_MAX_BODY (1024 * 1024)           /* a JSON request body */
#define VT_CONSOLE_MAX_UPLOAD (64 * 1024 * 1024)    /* an uploaded model */

typedef struct vt_console vt_console;

/* Zero is the default everywhere except catalog. */
typedef struct vt_console_desc {
    const char *catalog;     /* the catalog file it edits (required) */
    const char *listen;      /* "ADDR:PORT", "[::1]:PORT" or ":PORT"; NULL: VT_CONSOLE_DEFAULT_LISTEN;
                              * port 0 picks a free one (vt_console_port) */
    const char *state_dir;   /* password hash, saved versions, thumbnails; NULL: .vitrine-console
                              * beside the catalog, or STATE/console where vt_state_dir_for says
                              * the state folder */
    const char *tls_cert, *tls_key;   /* PEM files: HTTPS; required off loopback unless insecure */
    int insecure;            /* 1: plain HTTP allowed on any address (said in the log) */
    const char *analytics;   /* the visits database for stats; NULL: vitrine-analytics.sqlite
                              * in vt_state_dir_for(catalog), as `vitrine run` */
    const char *exe;         /* this program, run for thumbnails and marker sheets; NULL: /proc/self/exe */
    int display;             /* 1: served by `vitrine run` (live picture and status) */
    int no_listen;           /* 1: no socket at all, requests only through vt_console_serve (tests) */
    const char *network;     /* the shop network (a PostgreSQL URL for a console role): its Network
                              * page and publishing to a store; NULL: none (issue 20) */
} vt_console_desc;

/* Starts serving. VT_ERR_ARG for a bad desc (an address off loopback without TLS, say),
 * VT_ERR_IO when the address cannot be bound or a file cannot be read; err says which. */
vt_result vt_console_create(const vt_console_desc *d, vt_console **out, char *err, size_t errlen);
void vt_console_destroy(vt_console *c);   /* safe on NULL */
int vt_console_port(const vt_console *c);  /* the port it listens on */
/* "http://127.0.0.1:8080/" (or https), for the log and the HUD. */
const char *vt_console_url(const vt_console *c);

/* ---- from the display (the frame loop's thread; none of these waits on a browser) ---- */
typedef struct vt_console_status {
    double fps;              /* frames per second over the last second */
    const char *camera;      /* "live", "offline", "file", "demo" */
    const char *source;      /* what it shows: "camera 0", "demo", a file's name */
    int width, height;       /* the frame */
    int products_seen;       /* on screen now */
    const char *catalog_error;   /* the last reload's error, or NULL */
    const vt_staff_msg *staff;   /* the latest staff messages, newest first (copied) */
    int nstaff;
    /* a live source (camera, stream, pipeline): what it negotiated (vt_source_describe), frames
     * dropped (replaced by newer ones before shown), reconnects, capture-to-display latency over
     * the last second; capture NULL for files and the demo */
    const char *capture;
    long dropped;
    int reconnects;
    double latency_ms;
    /* the display on the shop network (run --network): net_kiosk NULL when it is not on one */
    const char *net_kiosk, *net_store;
    int net_connected, net_catalog_version, net_reconnects;   /* version: the published one on show, 0: local */
    long long net_pending, net_shipped;                        /* events waiting in the outbox, shipped this run */
    const char *net_error;                                     /* the client's latest error, or NULL */
} vt_console_status;
/* Publishes the display's figures (copied); once a second is plenty. */
void vt_console_set_status(vt_console *c, const vt_console_status *s);
/* 1 when a live viewer asked lately and the last frame offered is old enough (a few a second):
 * only then is a frame worth reading back and offering. */
int vt_console_wants_frame(vt_console *c);
/* The frame on screen (VT_PIX_RGBA8 or VT_PIX_RGBA8_GL), copied (and scaled down) for the live page. */
void vt_console_offer_frame(vt_console *c, const vt_image *frame);

/* ---- the password (vitrine console --set-password) ---- */
/* Stores password's Argon2id hash (libsodium) in state_dir/password, atomically, mode 0600.
 * VT_ERR_ARG when it is too short (under 8 characters) or too long (over 1024 bytes). */
vt_result vt_console_set_password(const char *state_dir, const char *password, char *err, size_t errlen);
/* The state folder a desc uses (its state_dir, or the default: see state_dir) into out. */
void vt_console_state_dir(const vt_console_desc *d, char *out, size_t len);

/* ---- for tests and the fuzzer: one request through the whole console, without a socket ---- */
typedef struct vt_console_request {
    const char *method, *url;          /* url: path and query, as sent */
    const char *const *headers;        /* name, value, name, value ..., NULL */
    const void *body;
    size_t body_len;
    const char *client;                /* the peer's address ("127.0.0.1") */
} vt_console_request;
typedef struct vt_console_response {
    int status;
    char *content_type;                /* malloc'd */
    char *headers;                     /* "Name: value\r\n"..., malloc'd */
    unsigned char *body;               /* malloc'd */
    size_t body_len;
} vt_console_response;
/* Serves rq as the network would (routing, login, CSRF, limits). Free out with
 * vt_console_response_free. */
void vt_console_serve(vt_console *c, const vt_console_request *rq, vt_console_response *out);
void vt_console_response_free(vt_console_response *r);

#endif
