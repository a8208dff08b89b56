/* console_route.c — which handler serves a request, and what it needs first: a login (a session
 * cookie), and for every change a CSRF token. Checked here, once, for every route. */
#include "console.h"

#include <string.h>
#include <strings.h>

typedef void (*handler_fn)(vt_console *c, console_req *rq, console_resp *rs);

enum { OPEN = 0, LOGIN = 1, CHANGE = 2 };   /* CHANGE: a login and the CSRF token */

typedef struct route {
    const char *method;
    const char *pattern;   /* "{}" matches one path segment, handed to the handler as rq->param */
    int need;
    handler_fn fn;
} route;

static const route k_routes[] = {
    { "GET", "/api/v1/health", OPEN, console_api_health },
    { "POST", "/api/v1/login", OPEN, console_api_login },
    { "POST", "/api/v1/logout", CHANGE, console_api_logout },   /* a POST like any change: the token too */
    { "GET", "/api/v1/session", LOGIN, console_api_session },
    { "GET", "/api/v1/strings", OPEN, console_api_strings },   /* the login page's words too */
    { "GET", "/api/v1/store", LOGIN, console_api_store },
    { "GET", "/api/v1/products", LOGIN, console_api_products },
    { "POST", "/api/v1/products", CHANGE, console_api_product_add },
    { "GET", "/api/v1/products/{}", LOGIN, console_api_product_get },
    { "PATCH", "/api/v1/products/{}", CHANGE, console_api_product_patch },
    { "DELETE", "/api/v1/products/{}", CHANGE, console_api_product_delete },
    { "GET", "/api/v1/versions", LOGIN, console_api_versions },
    { "GET", "/api/v1/versions/{}", LOGIN, console_api_version_get },
    { "POST", "/api/v1/versions/{}/restore", CHANGE, console_api_version_restore },
    { "GET", "/api/v1/models", LOGIN, console_api_models },
    { "POST", "/api/v1/models", CHANGE, console_api_model_upload },
    { "GET", "/api/v1/models/{}/thumbnail", LOGIN, console_api_model_thumb },
    { "GET", "/api/v1/markers.pdf", LOGIN, console_api_markers },
    { "GET", "/api/v1/live.jpg", LOGIN, console_api_live },
    { "GET", "/api/v1/status", LOGIN, console_api_status },
    { "GET", "/api/v1/stats", LOGIN, console_api_stats },
    { "GET", "/api/v1/stats.csv", LOGIN, console_api_stats_csv },
    { "GET", "/api/v1/models/variants", LOGIN, console_api_model_variants },   /* a model's material variants */
    { "GET", "/api/v1/network", LOGIN, console_api_network },                 /* the shop network's kiosks and figures */
    { "POST", "/api/v1/network/publish", CHANGE, console_api_network_publish },
};

/* Matches path against pattern; the {} segment (at most 256 bytes, no '/') is copied to seg. */
static int match(const char *pattern, const char *path, char *seg, size_t seglen)
{
    seg[0] = 0;
    while (*pattern) {
        if (pattern[0] == '{' && pattern[1] == '}') {
            size_t n = strcspn(path, "/");
            if (n == 0 || n >= seglen) return 0;
            memcpy(seg, path, n);
            seg[n] = 0;
            path += n;
            pattern += 2;
            continue;
        }
        if (*pattern++ != *path++) return 0;
    }
    return *path == 0;
}

int console_is_upload(const char *method, const char *path)
{
    return method && path && !strcmp(method, "POST") && !strcmp(path, "/api/v1/models");
}

const char *console_header(const console_req *rq, const char *name)
{
    for (const char *const *h = rq->headers; h && h[0] && h[1]; h += 2)
        if (!strcasecmp(h[0], name)) return h[1];
    return NULL;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

int console_query(const console_req *rq, const char *name, char *out, size_t len)
{
    size_t nl = strlen(name);
    for (const char *q = rq->query ? rq->query : ""; *q;) {
        const char *end = q + strcspn(q, "&");
        if ((size_t)(end - q) > nl && !strncmp(q, name, nl) && q[nl] == '=') {
            size_t o = 0;
            for (const char *s = q + nl + 1; s < end && o + 1 < len; s++) {
                if (*s == '+') out[o++] = ' ';
                else if (*s == '%' && s + 2 < end && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
                    out[o++] = (char)(hexval(s[1]) * 16 + hexval(s[2]));
                    s += 2;
                } else out[o++] = *s;
            }
            out[o] = 0;
            return 1;
        }
        q = *end ? end + 1 : end;
    }
    return 0;
}

void console_handle(vt_console *c, console_req *rq, console_resp *rs)
{
    char seg[257];
    int path_known = 0;
    if (rq->body_too_large) {
        console_resp_error(rs, 413, _("the request is too large (at most %d MB for a model, %d kB otherwise)"),
                           VT_CONSOLE_MAX_UPLOAD / (1024 * 1024), VT_CONSOLE_MAX_BODY / 1024);
        console_resp_security(rs, rq);
        return;
    }
    for (size_t i = 0; i < sizeof k_routes / sizeof k_routes[0]; i++) {
        const route *r = &k_routes[i];
        if (!match(r->pattern, rq->path, seg, sizeof seg)) continue;
        path_known = 1;
        if (strcmp(r->method, rq->method)) continue;
        rq->param = seg[0] ? seg : NULL;
        rq->session = r->need != OPEN ? console_auth_session(c, rq) : NULL;
        if (r->need != OPEN && !rq->session) console_resp_error(rs, 401, _("log in first"));
        else if (r->need == CHANGE && !console_auth_csrf_ok(c, rq))
            console_resp_error(rs, 403, _("missing or wrong CSRF token (X-CSRF-Token): reload the page"));
        else r->fn(c, rq, rs);
        console_resp_security(rs, rq);
        return;
    }
    if (!path_known && !strcmp(rq->method, "GET") && console_web_file(c, rq, rs)) {
        console_resp_security(rs, rq);
        return;
    }
    if (path_known) console_resp_error(rs, 405, _("%s is not allowed on %s"), rq->method, rq->path);
    else console_resp_error(rs, 404, _("no such page: %s"), rq->path);
    console_resp_security(rs, rq);
}
