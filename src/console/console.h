/* console.h — inside the console (private to src/console): the request and response every
 * handler sees, the console's state, and each part's entry points.
 *
 *   vt_console.c        create/destroy, the state folder, status and live frames in
 *   console_http.c      libmicrohttpd: listening, TLS, limits, bodies and uploads -> console_req
 *   console_route.c     the route table: which handler, and whether it needs a login and CSRF
 *   console_resp.c      building responses (JSON, errors, files) with the security headers
 *   console_auth.c      password, sessions, CSRF tokens, login rate limits
 *   console_products.c  the catalog's products: list, add, edit, delete; ETags, versions, rollback
 *   console_models.c    model uploads (checked as validate does), thumbnails
 *   console_media.c     marker sheets (PDF), the live picture (JPEG), status
 *   console_stats.c     visits per product and hour, CSV
 *   console_network.c   the shop network: its kiosks and figures, publishing the catalog to a store
 *   console_web.c       the pages (embedded from src/console/web), the UI's strings translated
 *
 * Threads: handlers run on libmicrohttpd's pool threads, several at once. Catalog edits hold
 * c->edit_lock; each part guards its own state. */
#ifndef VT_CONSOLE_INTERNAL_H
#define VT_CONSOLE_INTERNAL_H

#include "console/vt_console.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_PATH 4096

/* One request, whatever brought it (the network or vt_console_serve). */
typedef struct console_req {
    const char *method;            /* "GET", "POST", ... */
    const char *path;              /* decoded, without the query: "/api/v1/products/runner-x" */
    const char *query;             /* the raw query after '?', or "" */
    const char *const *headers;    /* name, value, ..., NULL (names as sent) */
    const char *body;              /* a JSON (or other small) body, NUL-terminated; "" when none */
    size_t body_len;
    const char *upload_path;       /* an upload streamed to this temporary file (POST /api/v1/models); NULL otherwise */
    size_t upload_len;
    int body_too_large;            /* the body or upload passed its cap: answered 413 by the route */
    const char *client;            /* peer address */
    int tls;                       /* came over HTTPS */
    /* set by the route before the handler runs */
    const char *param;             /* the {id} / {name} / {n} part of the path, decoded; NULL when none */
    struct console_session *session;   /* the logged-in session, or NULL */
} console_req;

typedef struct console_resp {
    int status;
    char ctype[128];
    char *headers;                 /* extra header lines "Name: value\r\n", malloc'd */
    size_t headers_len;
    unsigned char *body;           /* malloc'd */
    size_t len;
} console_resp;

struct console_auth;
struct console_products;
struct console_media;

struct vt_console {
    vt_console_desc d;             /* strings point into the copies below */
    char catalog[CONSOLE_PATH], catalog_dir[CONSOLE_PATH], state_dir[CONSOLE_PATH];
    char analytics[CONSOLE_PATH], exe[CONSOLE_PATH], listen[256], url[300];
    char tls_cert[CONSOLE_PATH], tls_key[CONSOLE_PATH];
    char network[2048];            /* the shop network's URL ("" when not on one) */
    int port;
    uint64_t started_ns;
    pthread_mutex_t edit_lock;     /* one catalog edit at a time */
    struct console_http *http;     /* NULL with no_listen */
    struct console_auth *auth;
    struct console_products *prod;
    struct console_media *media;
};

/* ---- console_route.c ---- */
void console_handle(vt_console *c, console_req *rq, console_resp *rs);
/* 1 when a request to this method and path streams its body into an upload file (the models upload). */
int console_is_upload(const char *method, const char *path);
/* A header's value (case-insensitive name), or NULL. */
const char *console_header(const console_req *rq, const char *name);
/* A query parameter's decoded value into out (1), or 0 when absent. */
int console_query(const console_req *rq, const char *name, char *out, size_t len);

/* ---- console_resp.c ---- */
void console_resp_init(console_resp *rs);
void console_resp_free(console_resp *rs);
/* Takes j (freed). */
void console_resp_json(console_resp *rs, int status, cJSON *j);
/* {"error": "message"} with status; the message is the staff's language (vt_tr). */
void console_resp_error(console_resp *rs, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Takes data (malloc'd). */
void console_resp_bytes(console_resp *rs, int status, const char *ctype, unsigned char *data, size_t n);
void console_resp_copy(console_resp *rs, int status, const char *ctype, const void *data, size_t n);
void console_resp_header(console_resp *rs, const char *name, const char *value);
/* The headers every response carries (CSP, no framing, nosniff, no referrer; no-store for the API). */
void console_resp_security(console_resp *rs, const console_req *rq);
/* The body parsed as a JSON object, or NULL with a 400 already in rs. */
cJSON *console_body_json(const console_req *rq, console_resp *rs);

/* ---- console_auth.c ---- */
vt_result console_auth_open(vt_console *c, char *err, size_t errlen);
void console_auth_close(vt_console *c);
/* The session of the request's cookie (expired ones dropped), or NULL. */
struct console_session *console_auth_session(vt_console *c, const console_req *rq);
/* 1 when the request carries the session's CSRF token (X-CSRF-Token). */
int console_auth_csrf_ok(vt_console *c, const console_req *rq);
void console_api_login(vt_console *c, console_req *rq, console_resp *rs);    /* POST /api/v1/login */
void console_api_logout(vt_console *c, console_req *rq, console_resp *rs);   /* POST /api/v1/logout */
void console_api_session(vt_console *c, console_req *rq, console_resp *rs);  /* GET /api/v1/session */
void console_api_health(vt_console *c, console_req *rq, console_resp *rs);   /* GET /api/v1/health */

/* ---- console_products.c ---- */
vt_result console_products_open(vt_console *c, char *err, size_t errlen);
void console_products_close(vt_console *c);
/* The catalog version on disk now (its number in the saved versions, and its ETag). */
void console_catalog_version(vt_console *c, int *number, char *etag, size_t len);
void console_api_products(vt_console *c, console_req *rq, console_resp *rs);        /* GET /api/v1/products */
void console_api_product_get(vt_console *c, console_req *rq, console_resp *rs);     /* GET /api/v1/products/{id} */
void console_api_product_add(vt_console *c, console_req *rq, console_resp *rs);     /* POST /api/v1/products */
void console_api_product_patch(vt_console *c, console_req *rq, console_resp *rs);   /* PATCH /api/v1/products/{id} */
void console_api_product_delete(vt_console *c, console_req *rq, console_resp *rs);  /* DELETE /api/v1/products/{id} */
void console_api_store(vt_console *c, console_req *rq, console_resp *rs);           /* GET /api/v1/store */
void console_api_versions(vt_console *c, console_req *rq, console_resp *rs);        /* GET /api/v1/versions */
void console_api_version_get(vt_console *c, console_req *rq, console_resp *rs);     /* GET /api/v1/versions/{n} */
void console_api_version_restore(vt_console *c, console_req *rq, console_resp *rs); /* POST /api/v1/versions/{n}/restore */

/* ---- console_models.c ---- */
void console_api_models(vt_console *c, console_req *rq, console_resp *rs);          /* GET /api/v1/models */
void console_api_model_upload(vt_console *c, console_req *rq, console_resp *rs);    /* POST /api/v1/models */
void console_api_model_thumb(vt_console *c, console_req *rq, console_resp *rs);     /* GET /api/v1/models/{name}/thumbnail */
/* ---- console_variants.c ---- */
void console_api_model_variants(vt_console *c, console_req *rq, console_resp *rs);  /* GET /api/v1/models/variants?path= */

/* ---- console_media.c ---- */
vt_result console_media_open(vt_console *c, char *err, size_t errlen);
void console_media_close(vt_console *c);
void console_api_markers(vt_console *c, console_req *rq, console_resp *rs);   /* GET /api/v1/markers.pdf?products=a,b */
void console_api_live(vt_console *c, console_req *rq, console_resp *rs);      /* GET /api/v1/live.jpg */
void console_api_status(vt_console *c, console_req *rq, console_resp *rs);    /* GET /api/v1/status */
/* Runs this program (c->exe) with args (NULL-terminated, argv[0] excluded) under time and
 * memory limits, at a low priority; 0 when it exited 0, else -1 with its last stderr line in err. */
int console_run_self(vt_console *c, const char *const *args, double timeout_s, char *err, size_t errlen);

/* ---- console_stats.c ---- */
void console_api_stats(vt_console *c, console_req *rq, console_resp *rs);       /* GET /api/v1/stats */
void console_api_stats_csv(vt_console *c, console_req *rq, console_resp *rs);   /* GET /api/v1/stats.csv */

/* ---- console_network.c ---- */
int console_network_on(const vt_console *c);   /* 1 when given a network URL */
void console_api_network(vt_console *c, console_req *rq, console_resp *rs);           /* GET /api/v1/network */
void console_api_network_publish(vt_console *c, console_req *rq, console_resp *rs);   /* POST /api/v1/network/publish */

/* ---- console_web.c ---- */
/* GET / and the page's files; 0 when path is none of them. */
int console_web_file(vt_console *c, console_req *rq, console_resp *rs);
void console_api_strings(vt_console *c, console_req *rq, console_resp *rs);    /* GET /api/v1/strings */

/* ---- console_http.c ---- */
vt_result console_http_start(vt_console *c, char *err, size_t errlen);
void console_http_stop(vt_console *c);
/* url's path percent-decoded into path and its raw query (after '?') into *query; -1 for a path
 * that is empty, not absolute, too long, or holds NUL, a backslash, a ".." segment or a bad %XX. */
int console_http_decode(const char *url, char *path, size_t plen, const char **query);

#endif
