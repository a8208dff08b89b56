/* vt_console.c — the console's life: the desc checked and copied, the parts opened in order,
 * the server started last and stopped first; and vt_console_serve for tests and the fuzzer. */
#include "console.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void copy(char *dst, size_t n, const char *src) { snprintf(dst, n, "%s", src ? src : ""); }

/* The folder part of path ("." when none). */
static void dir_of(const char *path, char *out, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (!slash) copy(out, n, ".");
    else if (slash == path) copy(out, n, "/");
    else snprintf(out, n, "%.*s", (int)(slash - path), path);
}

void vt_console_state_dir(const vt_console_desc *d, char *out, size_t len)
{
    if (d->state_dir && *d->state_dir) {
        copy(out, len, d->state_dir);
        return;
    }
    /* beside the catalog (hidden, as always), or in the state folder (the bundled catalog's,
     * a system configuration folder's, an unwritable folder's: vt_state_dir_for) */
    char dir[CONSOLE_PATH];
    vt_state_dir_for(d->catalog ? d->catalog : "./catalog.json", dir, sizeof dir);
    /* room for the folder name after it: a path that long is cut, never overflowed */
    snprintf(out, len, "%.*s/%s", (int)(sizeof dir - 32), dir, strcmp(dir, vt_state_dir()) ? ".vitrine-console" : "console");
}

/* Makes dir and its parents if missing, dir itself for the owner only. */
static vt_result make_dir(const char *dir, char *err, size_t errlen)
{
    char why[CONSOLE_PATH + 200];
    if (vt_make_dirs(dir, 1, why, sizeof why) == VT_OK) return VT_OK;
    snprintf(err, errlen, _("console: %s"), why);
    return VT_ERR_IO;
}

static vt_result setup(vt_console *c, const vt_console_desc *d, char *err, size_t errlen)
{
    if (!d || !d->catalog || !*d->catalog) {
        snprintf(err, errlen, _("console: no catalog file given"));
        return VT_ERR_ARG;
    }
    vt_result r = vt_file_check(d->catalog, err, errlen);
    if (r != VT_OK) return r;
    char real[PATH_MAX];
    copy(c->catalog, sizeof c->catalog, realpath(d->catalog, real) ? real : d->catalog);
    dir_of(c->catalog, c->catalog_dir, sizeof c->catalog_dir);
    vt_console_desc dd = *d;
    dd.catalog = c->catalog;
    vt_console_state_dir(&dd, c->state_dir, sizeof c->state_dir);
    if (d->analytics && *d->analytics) copy(c->analytics, sizeof c->analytics, d->analytics);
    else vt_state_file_for(c->catalog, "vitrine-analytics.sqlite", c->analytics, sizeof c->analytics);   /* as `vitrine run` */
    copy(c->exe, sizeof c->exe, d->exe && *d->exe ? d->exe : "/proc/self/exe");
    copy(c->listen, sizeof c->listen, d->listen && *d->listen ? d->listen : VT_CONSOLE_DEFAULT_LISTEN);
    copy(c->tls_cert, sizeof c->tls_cert, d->tls_cert);
    copy(c->tls_key, sizeof c->tls_key, d->tls_key);
    if (d->network && strlen(d->network) >= sizeof c->network) {
        snprintf(err, errlen, _("console: the network URL is longer than %zu bytes"), sizeof c->network - 1);
        return VT_ERR_ARG;
    }
    copy(c->network, sizeof c->network, d->network);
    c->d = *d;
    c->d.catalog = c->catalog;
    c->d.state_dir = c->state_dir;
    c->d.analytics = c->analytics;
    c->d.exe = c->exe;
    c->d.listen = c->listen;
    c->d.tls_cert = c->tls_cert[0] ? c->tls_cert : NULL;
    c->d.tls_key = c->tls_key[0] ? c->tls_key : NULL;
    c->d.network = c->network[0] ? c->network : NULL;
    return make_dir(c->state_dir, err, errlen);
}

vt_result vt_console_create(const vt_console_desc *d, vt_console **out, char *err, size_t errlen)
{
    *out = NULL;
    vt_console *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, _("console: out of memory"));
        return VT_ERR_NO_MEMORY;
    }
    pthread_mutex_init(&c->edit_lock, NULL);
    c->started_ns = vt_now_ns();
    vt_result r = setup(c, d, err, errlen);
    if (r == VT_OK) r = console_auth_open(c, err, errlen);
    if (r == VT_OK) r = console_products_open(c, err, errlen);
    if (r == VT_OK) r = console_media_open(c, err, errlen);
    if (r == VT_OK && !d->no_listen) r = console_http_start(c, err, errlen);
    if (r != VT_OK) {
        vt_console_destroy(c);
        return r;
    }
    *out = c;
    return VT_OK;
}

void vt_console_destroy(vt_console *c)
{
    if (!c) return;
    console_http_stop(c);
    console_media_close(c);
    console_products_close(c);
    console_auth_close(c);
    pthread_mutex_destroy(&c->edit_lock);
    free(c);
}

int vt_console_port(const vt_console *c) { return c ? c->port : 0; }
const char *vt_console_url(const vt_console *c) { return c ? c->url : ""; }

void vt_console_response_free(vt_console_response *r)
{
    if (!r) return;
    free(r->content_type);
    free(r->headers);
    free(r->body);
    memset(r, 0, sizeof *r);
}

void vt_console_serve(vt_console *c, const vt_console_request *rq, vt_console_response *out)
{
    memset(out, 0, sizeof *out);
    char path[4096], *body = NULL;
    console_req r = { .method = rq->method ? rq->method : "GET", .headers = rq->headers,
                      .client = rq->client ? rq->client : "127.0.0.1" };
    /* the network's decoding and checks: NUL, "..", bad %-encoding are a 400 */
    int bad = console_http_decode(rq->url ? rq->url : "/", path, sizeof path, &r.query) != 0;
    r.path = bad ? "/" : path;
    static const char *const none[] = { NULL };
    if (!r.headers) r.headers = none;
    if (rq->body_len > VT_CONSOLE_MAX_BODY && !console_is_upload(r.method, r.path)) r.body_too_large = 1;
    else if ((body = malloc(rq->body_len + 1))) {
        if (rq->body_len) memcpy(body, rq->body, rq->body_len);
        body[rq->body_len] = 0;
    }
    r.body = body ? body : "";
    r.body_len = body ? rq->body_len : 0;
    char tmp[CONSOLE_PATH + 32] = "";
    if (body && console_is_upload(r.method, r.path)) {
        /* an upload goes through a file, as from the network */
        snprintf(tmp, sizeof tmp, "%s/upload-XXXXXX", c->state_dir);
        int fd = mkstemp(tmp);
        if (fd >= 0) {
            ssize_t w = write(fd, body, rq->body_len);
            close(fd);
            if (w == (ssize_t)rq->body_len) {
                r.upload_path = tmp;
                r.upload_len = rq->body_len;
            }
        } else tmp[0] = 0;
        r.body = "";
        r.body_len = 0;
    }
    if (rq->body_len > VT_CONSOLE_MAX_UPLOAD) r.body_too_large = 1;
    console_resp rs;
    console_resp_init(&rs);
    if (bad) {
        console_resp_error(&rs, 400, _("bad request path (NUL, '..' or bad %%-encoding)"));
        console_resp_security(&rs, &r);
    } else console_handle(c, &r, &rs);
    if (tmp[0]) unlink(tmp);
    free(body);
    out->status = rs.status;
    out->content_type = strdup(rs.ctype);
    out->headers = rs.headers ? rs.headers : strdup("");
    out->body = rs.body;
    out->body_len = rs.len;
}
