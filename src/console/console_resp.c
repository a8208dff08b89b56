/* console_resp.c — responses: JSON, errors, bytes, and the headers every one carries. */
#include "console.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void console_resp_init(console_resp *rs)
{
    memset(rs, 0, sizeof *rs);
    rs->status = 500;
}

void console_resp_free(console_resp *rs)
{
    free(rs->headers);
    free(rs->body);
    memset(rs, 0, sizeof *rs);
}

void console_resp_bytes(console_resp *rs, int status, const char *ctype, unsigned char *data, size_t n)
{
    free(rs->body);
    rs->status = status;
    snprintf(rs->ctype, sizeof rs->ctype, "%s", ctype);
    rs->body = data;
    rs->len = data ? n : 0;
}

void console_resp_copy(console_resp *rs, int status, const char *ctype, const void *data, size_t n)
{
    unsigned char *d = malloc(n ? n : 1);
    if (!d) {
        console_resp_bytes(rs, 503, "text/plain; charset=utf-8", NULL, 0);
        return;
    }
    if (n) memcpy(d, data, n);
    console_resp_bytes(rs, status, ctype, d, n);
}

void console_resp_json(console_resp *rs, int status, cJSON *j)
{
    char *s = j ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    if (!s) {
        console_resp_copy(rs, 503, "application/json", "{\"error\":\"out of memory\"}", 25);
        return;
    }
    console_resp_bytes(rs, status, "application/json; charset=utf-8", (unsigned char *)s, strlen(s));
}

void console_resp_error(console_resp *rs, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *j = cJSON_CreateObject();
    if (j) cJSON_AddStringToObject(j, "error", msg);
    console_resp_json(rs, status, j);
}

void console_resp_header(console_resp *rs, const char *name, const char *value)
{
    size_t add = strlen(name) + strlen(value) + 4;
    char *h = realloc(rs->headers, rs->headers_len + add + 1);
    if (!h) return;
    rs->headers = h;
    rs->headers_len += (size_t)snprintf(h + rs->headers_len, add + 1, "%s: %s\r\n", name, value);
}

void console_resp_security(console_resp *rs, const console_req *rq)
{
    /* Only the console's own files run; nothing frames it; no guessing of types; no referrer. */
    console_resp_header(rs, "Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
                        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                        "frame-ancestors 'none'");
    console_resp_header(rs, "X-Frame-Options", "DENY");
    console_resp_header(rs, "X-Content-Type-Options", "nosniff");
    console_resp_header(rs, "Referrer-Policy", "no-referrer");
    console_resp_header(rs, "Cross-Origin-Opener-Policy", "same-origin");
    console_resp_header(rs, "Cross-Origin-Resource-Policy", "same-origin");
    if (rq && rq->tls) console_resp_header(rs, "Strict-Transport-Security", "max-age=31536000");
    if (rq && !strncmp(rq->path, "/api/", 5)) console_resp_header(rs, "Cache-Control", "no-store");
}

cJSON *console_body_json(const console_req *rq, console_resp *rs)
{
    if (!rq->body || !rq->body_len) {
        console_resp_error(rs, 400, _("expected a JSON object in the request body"));
        return NULL;
    }
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(rq->body, rq->body_len, &end, 0);
    if (!j || !cJSON_IsObject(j)) {
        long at = end && rq->body ? (long)(end - rq->body) : 0;
        cJSON_Delete(j);
        console_resp_error(rs, 400, _("the request body is not a JSON object (at byte %ld)"), at);
        return NULL;
    }
    return j;
}
