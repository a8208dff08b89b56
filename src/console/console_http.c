/* console_http.c — the console on the network: libmicrohttpd listening (HTTP on loopback, HTTPS
 * elsewhere), each request turned into a console_req, each console_resp sent back.
 *
 * One epoll polling thread per pool thread (a few), so one slow handler (a thumbnail render)
 * stalls only its thread's share; the threads are started from a thread whose nice value is
 * raised, so they inherit it and never compete with the display's frame loop. Bodies are capped
 * (JSON bodies in memory, uploads streamed to a file in the state folder), a Content-Length over
 * the cap is refused before a byte of the body is read, idle connections time out, and paths with
 * NUL, "..", or bad percent-encoding never reach a handler. */
#include "console.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HTTP_THREADS 8
#define HTTP_TIMEOUT_S 90
#define HTTP_MAX_CONNECTIONS 4096
#define HTTP_MAX_PEM (1024 * 1024)
#define HTTP_NICE 10
/* A login's body: a password of at most 1024 bytes in JSON; nobody logged in gets more memory. */
#define HTTP_MAX_LOGIN_BODY (16 * 1024)
/* After a body without a Content-Length (chunked) passed its cap, this much more is read and
 * dropped so that the 413 can be sent (libmicrohttpd 0.9.75 answers only once the body is in);
 * past it the connection is cut. */
#define HTTP_DISCARD_MAX ((size_t)VT_CONSOLE_MAX_UPLOAD)

struct console_http {
    struct MHD_Daemon *d;
    char *cert, *key;      /* PEM text, kept while the daemon runs */
    char lasterr[512];     /* libmicrohttpd's last message while starting */
    int starting;
};

/* One request's state, from the URI (libmicrohttpd's URI callback) to its completion. */
typedef struct http_req {
    char *uri;             /* as sent: path and query, still encoded */
    int started, replied, too_large;
    char *body;
    size_t len, cap, dropped, limit;
    int upload, fd;
    char tmp[CONSOLE_PATH + 32];
} http_req;

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

int console_http_decode(const char *url, char *path, size_t plen, const char **query)
{
    const char *q = strchr(url, '?');
    size_t n = q ? (size_t)(q - url) : strlen(url), o = 0;
    *query = q ? q + 1 : "";
    if (n == 0 || url[0] != '/') return -1;
    for (size_t i = 0; i < n; i++) {
        int ch = (unsigned char)url[i];
        if (ch == '%') {
            if (i + 2 >= n) return -1;
            int a = hexval(url[i + 1]), b = hexval(url[i + 2]);
            if (a < 0 || b < 0) return -1;
            ch = a * 16 + b;
            i += 2;
        }
        if (ch == 0 || ch == '\\' || o + 1 >= plen) return -1;
        path[o++] = (char)ch;
    }
    path[o] = 0;
    /* no ".." segment, however it was written */
    for (const char *s = path; (s = strstr(s, "..")); s += 2)
        if ((s == path || s[-1] == '/') && (s[2] == 0 || s[2] == '/')) return -1;
    return 0;
}

/* ---- listening address ---- */

typedef struct listen_addr {
    struct sockaddr_storage ss;
    int v6, loopback;
    char host[80];         /* for the URL: "127.0.0.1", "[::1]" */
} listen_addr;

static int parse_listen(const char *s, listen_addr *a, char *err, size_t errlen)
{
    char host[80] = "";
    const char *colon;
    memset(a, 0, sizeof *a);
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof host) goto bad;
        snprintf(host, sizeof host, "%.*s", (int)(close - s - 1), s + 1);
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon || (size_t)(colon - s) >= sizeof host) goto bad;
        snprintf(host, sizeof host, "%.*s", (int)(colon - s), s);
    }
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || port < 0 || port > 65535) goto bad;
    if (!strcasecmp(host, "localhost")) snprintf(host, sizeof host, "127.0.0.1");
    struct sockaddr_in *v4 = (struct sockaddr_in *)&a->ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->ss;
    if (!host[0] || inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        a->loopback = host[0] && (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
        snprintf(a->host, sizeof a->host, "%s", host[0] ? host : "0.0.0.0");
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        a->v6 = 1;
        a->loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
        snprintf(a->host, sizeof a->host, "[%s]", host);
    } else goto bad;
    return 0;
bad:
    snprintf(err, errlen, _("console: --listen '%s': expected ADDR:PORT with a numeric address (127.0.0.1:8080, [::1]:8080, 0.0.0.0:8443)"), s);
    return -1;
}

/* ---- bodies ---- */

static void drop_upload(http_req *h)
{
    if (h->fd >= 0) close(h->fd);
    h->fd = -1;
    if (h->tmp[0]) unlink(h->tmp);
    h->tmp[0] = 0;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    http_req *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->fd = -1;
    h->uri = strdup(uri ? uri : "/");
    if (!h->uri) {
        free(h);
        return NULL;
    }
    return h;
}

static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)conn;
    (void)why;
    http_req *h = *con_cls;
    if (!h) return;
    drop_upload(h);
    free(h->body);
    free(h->uri);
    free(h);
    *con_cls = NULL;
}

/* Sends rs (its body handed to libmicrohttpd); MHD_NO when it could not be queued. */
static enum MHD_Result send_resp(struct MHD_Connection *conn, console_resp *rs)
{
    struct MHD_Response *r;
    if (rs->body && rs->len) {
        r = MHD_create_response_from_buffer(rs->len, rs->body, MHD_RESPMEM_MUST_FREE);
        if (r) rs->body = NULL;
    } else r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    if (rs->ctype[0]) MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rs->ctype);
    for (char *line = rs->headers; line && *line;) {
        char *eol = strstr(line, "\r\n"), *colon = strchr(line, ':');
        if (!eol) break;
        *eol = 0;
        if (colon && colon < eol) {
            *colon = 0;
            MHD_add_response_header(r, line, colon + 1 + strspn(colon + 1, " "));
        }
        line = eol + 2;
    }
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ret;
}

/* An answer before the body (or in its middle): a 4xx/5xx with the security headers. */
static enum MHD_Result reply_now(struct MHD_Connection *conn, http_req *h, int status, const char *path)
{
    console_req rq = { .method = "GET", .path = path, .query = "" };
    console_resp rs;
    console_resp_init(&rs);
    if (status == 413)
        console_resp_error(&rs, 413, _("the request is too large (at most %d MB for a model, %d kB otherwise)"),
                           VT_CONSOLE_MAX_UPLOAD / (1024 * 1024), VT_CONSOLE_MAX_BODY / 1024);
    else if (status == 400) console_resp_error(&rs, 400, _("bad request path (NUL, '..' or bad %%-encoding)"));
    else console_resp_error(&rs, status, _("the console cannot take this request now"));
    console_resp_security(&rs, &rq);
    enum MHD_Result ret = send_resp(conn, &rs);
    console_resp_free(&rs);
    if (ret == MHD_YES) h->replied = 1;
    return ret;
}

static enum MHD_Result finish(vt_console *c, struct MHD_Connection *conn, const char *method, http_req *h);
static int may_send_body(vt_console *c, struct MHD_Connection *conn, const char *method, const char *path);

static enum MHD_Result begin(vt_console *c, struct MHD_Connection *conn, const char *method, http_req *h)
{
    char path[CONSOLE_PATH];
    const char *query;
    h->started = 1;
    if (console_http_decode(h->uri, path, sizeof path, &query)) return reply_now(conn, h, 400, "/");
    int login = !strcmp(method, "POST") && !strcmp(path, "/api/v1/login");
    /* Only the login's small body is read from someone not logged in (with the CSRF token for a
     * change): anything else is answered now, its body never read, never stored. */
    if (!login && !may_send_body(c, conn, method, path)) return finish(c, conn, method, h);
    h->upload = console_is_upload(method, path);
    h->limit = login ? HTTP_MAX_LOGIN_BODY : h->upload ? VT_CONSOLE_MAX_UPLOAD : VT_CONSOLE_MAX_BODY;
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > h->limit) return reply_now(conn, h, 413, path);
    if (h->upload) {
        snprintf(h->tmp, sizeof h->tmp, "%s/upload-XXXXXX", c->state_dir);
        h->fd = mkstemp(h->tmp);
        if (h->fd < 0) {
            VT_WARN("console", "cannot make an upload file in %s: %s", c->state_dir, strerror(errno));
            h->tmp[0] = 0;
            return reply_now(conn, h, 503, path);
        }
    }
    return MHD_YES;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* A piece of the body: kept, or past the cap (then dropped, answered 413 as soon as it can be). */
static enum MHD_Result take(struct MHD_Connection *conn, http_req *h, const char *data, size_t n)
{
    if (h->replied || h->too_large) {
        h->dropped += n;
        return h->dropped > HTTP_DISCARD_MAX ? MHD_NO : MHD_YES;
    }
    if (h->len + n > h->limit) {
        h->too_large = 1;
        drop_upload(h);
        free(h->body);
        h->body = NULL;
        return MHD_YES;   /* answered 413 at the body's end */
    }
    if (h->upload) {
        if (write_all(h->fd, data, n)) {
            drop_upload(h);
            return reply_now(conn, h, 503, "/") == MHD_YES ? MHD_YES : MHD_NO;
        }
        h->len += n;
        return MHD_YES;
    }
    if (h->len + n + 1 > h->cap) {
        size_t want = h->cap ? h->cap : 4096;
        while (want < h->len + n + 1) want *= 2;
        char *b = realloc(h->body, want);
        if (!b) return reply_now(conn, h, 503, "/");
        h->body = b;
        h->cap = want;
    }
    memcpy(h->body + h->len, data, n);
    h->len += n;
    h->body[h->len] = 0;
    return MHD_YES;
}

typedef struct header_list {
    const char **v;
    size_t n, cap;
} header_list;

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    header_list *l = cls;
    if (l->n + 3 > l->cap) {
        size_t want = l->cap ? l->cap * 2 : 32;
        const char **v = realloc(l->v, want * sizeof *v);
        if (!v) return MHD_NO;
        l->v = v;
        l->cap = want;
    }
    l->v[l->n++] = key;
    l->v[l->n++] = value ? value : "";
    l->v[l->n] = NULL;
    return MHD_YES;
}

/* The request's headers as console_req wants them (names and values stay libmicrohttpd's); free l->v. */
static const char *const *headers_of(struct MHD_Connection *conn, header_list *l)
{
    static const char *const none[] = { NULL };
    memset(l, 0, sizeof *l);
    MHD_get_connection_values(conn, MHD_HEADER_KIND, add_header, l);
    return l->v ? l->v : none;
}

static void client_address(struct MHD_Connection *conn, char *out, size_t len)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, len, "?");
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET) inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)len);
    else if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a6)) inet_ntop(AF_INET, &a6->s6_addr[12], out, (socklen_t)len);
        else inet_ntop(AF_INET6, a6, out, (socklen_t)len);
    }
}

/* The whole request is in: route it and send the answer. */
static enum MHD_Result finish(vt_console *c, struct MHD_Connection *conn, const char *method, http_req *h)
{
    char path[CONSOLE_PATH], client[INET6_ADDRSTRLEN + 1];
    console_req rq = { .method = method };
    if (console_http_decode(h->uri, path, sizeof path, &rq.query)) return reply_now(conn, h, 400, "/");
    rq.path = path;
    header_list hl;
    rq.headers = headers_of(conn, &hl);
    client_address(conn, client, sizeof client);
    rq.client = client;
    rq.tls = c->d.tls_cert != NULL;
    rq.body_too_large = h->too_large;
    rq.body = h->body && !h->upload ? h->body : "";
    rq.body_len = h->body && !h->upload ? h->len : 0;
    if (h->upload && h->fd >= 0) {
        close(h->fd);
        h->fd = -1;
        rq.upload_path = h->tmp;
        rq.upload_len = h->len;
    }
    console_resp rs;
    console_resp_init(&rs);
    console_handle(c, &rq, &rs);
    free(hl.v);
    drop_upload(h);   /* the handler copied or moved what it keeps */
    enum MHD_Result ret = send_resp(conn, &rs);
    console_resp_free(&rs);
    h->replied = 1;
    return ret;
}

/* 1 when the request has a session (and for a change its CSRF token): its body may be read. */
static int may_send_body(vt_console *c, struct MHD_Connection *conn, const char *method, const char *path)
{
    header_list hl;
    console_req rq = { .method = method, .path = path, .query = "" };
    rq.headers = headers_of(conn, &hl);
    int ok = console_auth_session(c, &rq) != NULL;
    if (ok && strcmp(method, "GET") && strcmp(method, "HEAD")) ok = console_auth_csrf_ok(c, &rq);
    free(hl.v);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *data, size_t *size, void **con_cls)
{
    (void)url;   /* decoded by libmicrohttpd, query cut: h->uri is what was sent */
    (void)version;
    vt_console *c = cls;
    http_req *h = *con_cls;
    if (!h) return MHD_NO;
    if (!h->started) return begin(c, conn, method, h);
    if (*size) {
        enum MHD_Result r = take(conn, h, data, *size);
        *size = 0;
        return r;
    }
    if (h->replied) return MHD_YES;
    if (h->too_large) return reply_now(conn, h, 413, "/");
    return finish(c, conn, method, h);
}

/* ---- starting and stopping ---- */

static void on_log(void *cls, const char *fmt, va_list ap)
{
    struct console_http *s = cls;
    char msg[sizeof s->lasterr - 1];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\r\n")] = 0;
    if (s->starting) snprintf(s->lasterr, sizeof s->lasterr, "%s", msg);
    else VT_INFO("console", "libmicrohttpd: %s", msg);
}

static char *read_pem(const char *path, const char *what, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf = f ? malloc(HTTP_MAX_PEM + 1) : NULL;
    size_t n = buf ? fread(buf, 1, HTTP_MAX_PEM + 1, f) : 0;
    if (f) fclose(f);
    if (!f || !buf || n == 0 || n > HTTP_MAX_PEM || !strstr(buf, "-----BEGIN")) {
        if (!f) snprintf(err, errlen, _("console: %s %s: %s"), what, path, strerror(errno));
        else snprintf(err, errlen, _("console: %s %s: not a PEM file (or over 1 MB)"), what, path);
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    return buf;
}

/* As many connections as the file limit allows (soft raised to hard), up to HTTP_MAX_CONNECTIONS. */
static unsigned connection_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl)) return 256;
    if (rl.rlim_cur < rl.rlim_max && rl.rlim_cur < HTTP_MAX_CONNECTIONS + 256) {
        rlim_t want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
        struct rlimit nr = { want, rl.rlim_max };
        if (!setrlimit(RLIMIT_NOFILE, &nr)) rl.rlim_cur = want;
    }
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > HTTP_MAX_CONNECTIONS + 128) return HTTP_MAX_CONNECTIONS;
    return rl.rlim_cur > 192 ? (unsigned)(rl.rlim_cur - 128) : 64;
}

typedef struct start_args {
    vt_console *c;
    listen_addr *a;
    struct MHD_Daemon *d;
} start_args;

/* Runs on a thread of its own with a raised nice value: libmicrohttpd's threads inherit it. */
static void *start_low(void *p)
{
    start_args *s = p;
    struct console_http *h = s->c->http;
    errno = 0;
    int tid = (int)syscall(SYS_gettid), nice_now = getpriority(PRIO_PROCESS, (id_t)tid);
    if (!(nice_now == -1 && errno)) setpriority(PRIO_PROCESS, (id_t)tid, nice_now + HTTP_NICE > 19 ? 19 : nice_now + HTTP_NICE);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    if (s->a->v6) flags |= MHD_USE_IPv6;
    if (h->cert) flags |= MHD_USE_TLS;
    struct MHD_OptionItem o[16];
    int n = 0;
    o[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, &s->a->ss };
    o[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE, HTTP_THREADS, NULL };
    o[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT, (intptr_t)connection_limit(), NULL };
    o[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT, HTTP_TIMEOUT_S, NULL };
    o[n++] = (struct MHD_OptionItem){ MHD_OPTION_PER_IP_CONNECTION_LIMIT, 0, NULL };
    o[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL };
    o[n++] = (struct MHD_OptionItem){ MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, NULL };
    o[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_done, NULL };
    o[n++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_log, h };
    if (h->cert) {
        o[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, h->cert };
        o[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, h->key };
    }
    o[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s->c, MHD_OPTION_ARRAY, o, MHD_OPTION_END);
    return NULL;
}

/* TLS files read, or plain HTTP allowed (loopback, or --insecure said in the log). */
static vt_result check_tls(vt_console *c, const listen_addr *a, char *err, size_t errlen)
{
    struct console_http *h = c->http;
    if (!c->d.tls_cert != !c->d.tls_key) {
        snprintf(err, errlen, _("console: HTTPS needs both a certificate and its key (--tls-cert FILE --tls-key FILE)"));
        return VT_ERR_ARG;
    }
    if (c->d.tls_cert) {
        if (!(h->cert = read_pem(c->d.tls_cert, _("TLS certificate"), err, errlen))) return VT_ERR_IO;
        if (!(h->key = read_pem(c->d.tls_key, _("TLS key"), err, errlen))) return VT_ERR_IO;
        return VT_OK;
    }
    if (a->loopback) return VT_OK;
    if (!c->d.insecure) {
        snprintf(err, errlen, _("console: %s is not a loopback address: give --tls-cert FILE --tls-key FILE for HTTPS (or --insecure for plain HTTP on a trusted network)"),
                 c->listen);
        return VT_ERR_ARG;
    }
    VT_WARN("console", "plain HTTP on %s (--insecure): the password and the session cross the network unencrypted", c->listen);
    return VT_OK;
}

vt_result console_http_start(vt_console *c, char *err, size_t errlen)
{
    listen_addr a;
    if (parse_listen(c->listen, &a, err, errlen)) return VT_ERR_ARG;
    if (!(c->http = calloc(1, sizeof *c->http))) {
        snprintf(err, errlen, _("console: out of memory"));
        return VT_ERR_NO_MEMORY;
    }
    vt_result r = check_tls(c, &a, err, errlen);
    if (r != VT_OK) return r;
    start_args s = { c, &a, NULL };
    pthread_t t;
    c->http->starting = 1;
    if (pthread_create(&t, NULL, start_low, &s) == 0) pthread_join(t, NULL);
    c->http->starting = 0;
    if (!(c->http->d = s.d)) {
        snprintf(err, errlen, _("console: cannot listen on %s: %s"), c->listen,
                 c->http->lasterr[0] ? c->http->lasterr : strerror(errno ? errno : EADDRINUSE));
        return VT_ERR_IO;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(c->http->d, MHD_DAEMON_INFO_BIND_PORT);
    c->port = di ? di->port : 0;
    snprintf(c->url, sizeof c->url, "%s://%s:%d/", c->http->cert ? "https" : "http", a.host, c->port);
    VT_NOTE("console", "serving %s", c->url);
    return VT_OK;
}

void console_http_stop(vt_console *c)
{
    if (!c || !c->http) return;
    if (c->http->d) MHD_stop_daemon(c->http->d);
    free(c->http->cert);
    free(c->http->key);
    free(c->http);
    c->http = NULL;
}
