/* console_input.h — fuzz bytes as one request through the whole console (vt_console_serve, no
 * socket): shared by the libFuzzer target (fuzz_console.c) and the ctest replay
 * (test_console_fuzz.c). Included once per program: everything here is static.
 *
 * The first byte picks the kind:
 *   0  raw: "METHOD URL" on the first line, "Name: value" header lines, a blank line, the body
 *   1  a login: the rest is the JSON body of POST /api/v1/login (the second byte picks the client)
 *   2  an edit: the first line is the product id of PATCH /api/v1/products/{id}, the rest its body,
 *      sent with a live session and its CSRF token
 *   3  raw as 0, with the live session's cookie and CSRF token added
 * The console works on a temporary copy of models/ (catalog and models), its password set, and
 * runs /bin/false for thumbnails and marker sheets (nothing heavy, nothing recursive). */
#ifndef FUZZ_CONSOLE_INPUT_H
#define FUZZ_CONSOLE_INPUT_H

#include "console/vt_console.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FC_PASSWORD "fuzz-password-1"
#define FC_HEADERS 32

typedef struct fuzz_console {
    vt_console *c;
    char dir[600];
    char cookie[128], csrf[80];
} fuzz_console;

static int fc_copy(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char buf[1 << 15];
    size_t n;
    while (out && (n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, out);
    if (in) fclose(in);
    if (out) fclose(out);
    return in && out ? 0 : -1;
}

/* Takes the session cookie and the CSRF token out of a login's answer. */
static void fc_take_session(fuzz_console *f, const vt_console_response *r)
{
    const char *ck = r->headers ? strstr(r->headers, "vt_session=") : NULL;
    const char *cs = r->body ? strstr((const char *)r->body, "\"csrf\":\"") : NULL;
    if (ck) snprintf(f->cookie, sizeof f->cookie, "%.75s", ck);   /* vt_session= and 64 hex digits */
    if (cs) snprintf(f->csrf, sizeof f->csrf, "%.64s", cs + 8);
}

/* A session for the kinds that need one (from a client of its own: never rate-limited). */
static int fc_login(fuzz_console *f)
{
    static const char body[] = "{\"password\":\"" FC_PASSWORD "\"}";
    vt_console_request rq = { .method = "POST", .url = "/api/v1/login", .body = body, .body_len = sizeof body - 1,
                              .client = "192.0.2.1" };
    vt_console_response r;
    f->cookie[0] = f->csrf[0] = 0;
    vt_console_serve(f->c, &rq, &r);
    fc_take_session(f, &r);
    vt_console_response_free(&r);
    return f->cookie[0] && f->csrf[0] ? 0 : -1;
}

/* The console on a copy of models_dir; 0 when it is up and logged in. */
static int fc_open(fuzz_console *f, const char *models_dir)
{
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/vt_fuzz_console_XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    DIR *d = opendir(models_dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        const char *dot = strrchr(e->d_name, '.');
        if (e->d_name[0] == '.' || !dot || (strcmp(dot, ".json") && strcmp(dot, ".glb") && strcmp(dot, ".gltf"))) continue;
        char a[1400], b[1400];
        snprintf(a, sizeof a, "%s/%s", models_dir, e->d_name);
        snprintf(b, sizeof b, "%s/%s", f->dir, e->d_name);
        fc_copy(a, b);
    }
    if (d) closedir(d);
    char catalog[700], state[700], err[1024];
    snprintf(catalog, sizeof catalog, "%s/catalog.json", f->dir);
    snprintf(state, sizeof state, "%s/.vitrine-console", f->dir);
    if (vt_console_set_password(state, FC_PASSWORD, err, sizeof err) != VT_OK) return -1;
    vt_console_desc desc = { .catalog = catalog, .no_listen = 1, .exe = "/bin/false" };
    if (vt_console_create(&desc, &f->c, err, sizeof err) != VT_OK) {
        fprintf(stderr, "fuzz_console: %s\n", err);
        return -1;
    }
    return fc_login(f);
}

static void fc_close(fuzz_console *f)
{
    vt_console_destroy(f->c);
    f->c = NULL;
    char cmd[700];
    if (f->dir[0] && !strncmp(f->dir, "/tmp/vt_fuzz_console_", 21)) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
        if (system(cmd)) fprintf(stderr, "fuzz_console: cannot remove %s\n", f->dir);
    }
}

/* Cuts the next line (\n or \r\n) off *p (within end) into a NUL-terminated string in place. */
static char *fc_line(char **p, char *end)
{
    char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
    if (!nl) nl = end;
    *p = nl < end ? nl + 1 : end;
    if (nl > s && nl[-1] == '\r') nl--;
    *nl = 0;
    return s;
}

/* Serves the request the bytes describe; out gets the answer (the caller frees it). */
static void fc_serve(fuzz_console *f, const uint8_t *data, size_t size, vt_console_response *out)
{
    char *buf = malloc(size + 2), client[32] = "127.0.0.1";
    const char *hdr[2 * FC_HEADERS + 5];
    int nh = 0, kind = size ? data[0] % 4 : 0;
    memcpy(buf, data, size);
    buf[size] = buf[size + 1] = 0;
    char *p = buf + (size ? 1 : 0), *end = buf + size, url[400];
    vt_console_request rq = { .method = "GET", .url = "/", .client = client };
    if (kind == 1) {
        snprintf(client, sizeof client, "10.0.0.%d", size > 1 ? data[1] : 0);
        rq.method = "POST";
        rq.url = "/api/v1/login";
        rq.body = p;
        rq.body_len = (size_t)(end - p);
    } else if (kind == 2) {
        snprintf(url, sizeof url, "/api/v1/products/%.300s", fc_line(&p, end));
        rq.method = "PATCH";
        rq.url = url;
    } else {
        char *first = fc_line(&p, end), *sp = strchr(first, ' ');
        if (sp) *sp = 0;
        rq.method = first;
        rq.url = sp ? sp + 1 : "/";
        while (p < end && nh < FC_HEADERS) {
            char *line = fc_line(&p, end), *colon = strchr(line, ':');
            if (!*line) break;   /* the blank line: the body follows */
            if (colon) *colon = 0;
            hdr[2 * nh] = line;
            hdr[2 * nh + 1] = colon ? colon + 1 + strspn(colon + 1, " ") : "";
            nh++;
        }
    }
    if (kind >= 2) {
        hdr[2 * nh] = "Cookie", hdr[2 * nh + 1] = f->cookie, nh++;
        hdr[2 * nh] = "X-CSRF-Token", hdr[2 * nh + 1] = f->csrf, nh++;
    }
    hdr[2 * nh] = NULL;
    rq.headers = hdr;
    if (kind != 1) {
        rq.body = p;
        rq.body_len = (size_t)(end - p);
    }
    /* the fuzzer's session stays (a logout would end every later edit) */
    if (kind == 3 && !strncmp(rq.url, "/api/v1/logout", 14)) rq.url = "/api/v1/session";
    vt_console_serve(f->c, &rq, out);
    free(buf);
    if (kind >= 2 && out->status == 401) fc_login(f);   /* a logout got through (an encoded path) */
}

#endif
