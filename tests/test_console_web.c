/* test_console_web.c — the console's pages and its stats (issue 19), through vt_console_serve
 * (routing and security headers as the network gets them) on a copy of the bundled French
 * catalog: / is index.html, each file with its type, an ETag and a 304 for it, unknown or
 * traversal names 404; GET /api/v1/strings in French for a French store (and right to left for
 * an Arabic one); the stats over a real analytics database written by vt_analytics (events at
 * known UTC instants, read on Europe/Paris's clock), an empty result without a database, 400
 * for a bad date, the CSV as an attachment. The stats need a login on the route, so they are
 * also called on their handler directly (the login is console_auth's, tested there). */
#include "analytics/vt_analytics.h"
#include "console/console.h"
#include "test_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmp[256];

static void serve(vt_console *c, const char *method, const char *url, const char *const *headers, vt_console_response *out)
{
    vt_console_request rq;
    memset(&rq, 0, sizeof rq);
    rq.method = method;
    rq.url = url;
    rq.headers = headers;
    rq.body = "";
    rq.client = "127.0.0.1";
    vt_console_serve(c, &rq, out);
}

static const char *header(const vt_console_response *r, const char *name, char *out, size_t len)
{
    out[0] = 0;
    for (const char *h = r->headers; h && *h;) {
        const char *eol = strstr(h, "\r\n");
        size_t n = eol ? (size_t)(eol - h) : strlen(h), nl = strlen(name);
        if (n > nl + 2 && !strncasecmp(h, name, nl) && h[nl] == ':') {
            snprintf(out, len, "%.*s", (int)(n - nl - 2), h + nl + 2);
            return out;
        }
        h = eol ? eol + 2 : h + n;
    }
    return NULL;
}

static void write_catalog(const char *path, const char *store_json)
{
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"version\": 1, \"store\": %s, \"products\": []}\n", store_json);
    fclose(f);
}

static void test_files(vt_console *c)
{
    static const struct { const char *url, *type, *has; } files[] = {
        { "/", "text/html; charset=utf-8", "<!doctype html>" },
        { "/index.html", "text/html; charset=utf-8", "id=\"login-password\"" },
        { "/console.js", "text/javascript; charset=utf-8", "function t(" },
        { "/console.css", "text/css; charset=utf-8", ".topbar" },
    };
    char h[512], etag[64];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        vt_console_response r;
        serve(c, "GET", files[i].url, NULL, &r);
        CHECKF(r.status == 200, "%s: %d", files[i].url, r.status);
        CHECKF(r.content_type && !strcmp(r.content_type, files[i].type), "%s: %s", files[i].url, r.content_type);
        CHECKF(r.body && memmem(r.body, r.body_len, files[i].has, strlen(files[i].has)), "%s has %s", files[i].url, files[i].has);
        CHECK(header(&r, "Content-Security-Policy", h, sizeof h) && strstr(h, "default-src 'self'"));
        CHECK(header(&r, "X-Frame-Options", h, sizeof h) && !strcmp(h, "DENY"));
        CHECK(header(&r, "X-Content-Type-Options", h, sizeof h) && !strcmp(h, "nosniff"));
        CHECK(header(&r, "Cache-Control", h, sizeof h) && !strcmp(h, "no-cache"));
        CHECK(header(&r, "ETag", etag, sizeof etag) && etag[0] == '"');
        vt_console_response_free(&r);
        const char *inm[] = { "If-None-Match", etag, NULL };
        serve(c, "GET", files[i].url, inm, &r);
        CHECKF(r.status == 304 && r.body_len == 0, "%s with its ETag: %d", files[i].url, r.status);
        vt_console_response_free(&r);
    }
    const char *missing[] = { "/nope.js", "/../index.html", "/embed.cmake", "/console.js/", "//index.html", "/%2e%2e/x" };
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        vt_console_response r;
        serve(c, "GET", missing[i], NULL, &r);
        /* a '..' segment is refused before routing (400), any other unknown name is not found */
        int want = strstr(missing[i], "..") || strstr(missing[i], "%2e") ? 400 : 404;
        CHECKF(r.status == want, "%s: %d (expected %d)", missing[i], r.status, want);
        CHECK(r.content_type && strstr(r.content_type, "json"));
        vt_console_response_free(&r);
    }
    vt_console_response r;
    serve(c, "POST", "/index.html", NULL, &r);
    CHECKF(r.status == 404 || r.status == 405, "POST a page: %d", r.status);
    vt_console_response_free(&r);
}

static cJSON *get_json(vt_console *c, const char *url, int want)
{
    vt_console_response r;
    serve(c, "GET", url, NULL, &r);
    CHECKF(r.status == want, "%s: %d %.*s", url, r.status, (int)r.body_len, r.body ? (char *)r.body : "");
    cJSON *j = r.body ? cJSON_ParseWithLength((const char *)r.body, r.body_len) : NULL;
    vt_console_response_free(&r);
    return j;
}

static const char *jstr(const cJSON *j, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static void test_strings(vt_console *c)
{
    cJSON *j = get_json(c, "/api/v1/strings", 200);
    CHECKF(!strcmp(jstr(j, "lang"), "fr") && !strcmp(jstr(j, "locale"), "fr_FR") && !strcmp(jstr(j, "dir"), "ltr"),
           "%s %s %s", jstr(j, "lang"), jstr(j, "locale"), jstr(j, "dir"));
    CHECK(!strcmp(jstr(j, "store"), "Lille Concept Store"));
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "strings");
    CHECK(cJSON_GetArraySize(s) > 100);
    CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(s, "Products")));
    CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(s, "Log in")));
    /* Words fr.po translates already: French, from the store's locale (the test runs in C.UTF-8). */
    CHECKF(!strcmp(jstr(s, "error"), "erreur"), "error -> %s", jstr(s, "error"));
    CHECKF(!strcmp(jstr(s, "warning"), "avertissement"), "warning -> %s", jstr(s, "warning"));
    cJSON_Delete(j);
}

static void test_strings_rtl(void)
{
    char cat[300], err[256];
    snprintf(cat, sizeof cat, "%s/ar.json", tmp);
    write_catalog(cat, "{\"name\": \"متجر\", \"locale\": \"ar_EG\", \"currency\": \"EGP\"}");
    vt_console_desc d = { .catalog = cat, .no_listen = 1 };
    vt_console *c = NULL;
    CHECKF(vt_console_create(&d, &c, err, sizeof err) == VT_OK, "%s", err);
    if (!c) return;
    cJSON *j = get_json(c, "/api/v1/strings", 200);
    CHECKF(!strcmp(jstr(j, "lang"), "ar") && !strcmp(jstr(j, "dir"), "rtl"), "%s %s", jstr(j, "lang"), jstr(j, "dir"));
    CHECK(!strcmp(jstr(j, "store"), "متجر"));
    cJSON_Delete(j);
    vt_console_destroy(c);
}

/* The stats handler itself, as the route calls it once logged in. */
static cJSON *stats(vt_console *c, const char *query, int csv, int want, console_resp *keep)
{
    console_req rq;
    memset(&rq, 0, sizeof rq);
    rq.method = "GET";
    rq.path = csv ? "/api/v1/stats.csv" : "/api/v1/stats";
    rq.query = query;
    rq.body = "";
    console_resp rs;
    console_resp_init(&rs);
    if (csv) console_api_stats_csv(c, &rq, &rs);
    else console_api_stats(c, &rq, &rs);
    CHECKF(rs.status == want, "stats?%s: %d %.*s", query, rs.status, (int)rs.len, rs.body ? (char *)rs.body : "");
    cJSON *j = !csv && rs.body ? cJSON_ParseWithLength((const char *)rs.body, rs.len) : NULL;
    if (keep) *keep = rs;
    else console_resp_free(&rs);
    return j;
}

static void record(vt_analytics *a, vt_event_type type, const char *id, const char *name, const char *utc)
{
    vt_event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    snprintf(e.product_id, sizeof e.product_id, "%s", id);
    snprintf(e.product_name, sizeof e.product_name, "%s", name);
    e.marker = 1;
    e.price = -1;
    e.frame = -1;
    int y, mo, d, h, mi;
    sscanf(utc, "%d-%d-%dT%d:%d", &y, &mo, &d, &h, &mi);
    struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi };
    e.ts_ms = (int64_t)timegm(&tm) * 1000;
    if (type == VT_EV_PRODUCT_LOST) e.dwell_seconds = 4.0;
    CHECK(vt_analytics_record(a, &e) == VT_OK);
}

static int num(const cJSON *j, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
    return cJSON_IsNumber(v) ? (int)v->valuedouble : -1;
}

static void test_stats(vt_console *c, const char *db)
{
    cJSON *j = stats(c, "", 0, 200, NULL);   /* no database yet */
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "no_data")));
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "products")) == 0);
    CHECK(!strcmp(jstr(j, "time_zone"), "Europe/Paris"));
    cJSON_Delete(j);
    console_resp rs;
    stats(c, "", 1, 200, &rs);
    CHECK(rs.len > 10 && !strncmp((char *)rs.body, "section,key,name,found", 22));
    console_resp_free(&rs);

    vt_analytics *a = NULL;
    char err[256];
    CHECKF(vt_analytics_open(db, "Lille Concept Store", "test", &a, err, sizeof err) == VT_OK, "%s", err);
    record(a, VT_EV_PRODUCT_FOUND, "runner-x", "Runner X", "2026-11-30T23:30");   /* Paris: 1 Dec, 00:30 */
    record(a, VT_EV_PRODUCT_LOST, "runner-x", "Runner X", "2026-11-30T23:31");
    record(a, VT_EV_BASKET_ADD, "runner-x", "Runner X", "2026-11-30T23:31");
    record(a, VT_EV_PRODUCT_FOUND, "runner-x", "Runner X", "2026-12-01T09:10");   /* 10:10 */
    record(a, VT_EV_PRODUCT_FOUND, "mug-bleu", "Mug Bleu", "2026-12-02T13:00");    /* 2 Dec, 14:00 */
    vt_analytics_close(a);

    j = stats(c, "", 0, 200, NULL);
    const cJSON *ps = cJSON_GetObjectItemCaseSensitive(j, "products");
    CHECKF(cJSON_GetArraySize(ps) == 2, "%d products", cJSON_GetArraySize(ps));
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "totals");
    CHECKF(num(t, "found") == 3 && num(t, "basket_adds") == 1, "totals %d %d", num(t, "found"), num(t, "basket_adds"));
    CHECK(!cJSON_GetObjectItemCaseSensitive(j, "no_data"));
    cJSON_Delete(j);

    j = stats(c, "from=2026-12-01&to=2026-12-01", 0, 200, NULL);   /* the store's day, not UTC's */
    ps = cJSON_GetObjectItemCaseSensitive(j, "products");
    CHECKF(cJSON_GetArraySize(ps) == 1 && !strcmp(jstr(cJSON_GetArrayItem(ps, 0), "id"), "runner-x") &&
           num(cJSON_GetArrayItem(ps, 0), "found") == 2, "1 Dec in Paris: %d products", cJSON_GetArraySize(ps));
    const cJSON *hs = cJSON_GetObjectItemCaseSensitive(j, "hours");
    int h0 = 0, h10 = 0;
    for (const cJSON *h = hs ? hs->child : NULL; h; h = h->next) {
        if (num(h, "hour") == 0 && !strcmp(jstr(h, "start"), "2026-12-01T00:00+01:00")) h0 = num(h, "found");
        if (num(h, "hour") == 10) h10 = num(h, "found");
    }
    CHECKF(h0 == 1 && h10 == 1, "hours on Paris's clock: 00h %d, 10h %d", h0, h10);
    cJSON_Delete(j);

    const char *bad[] = { "from=yesterday", "to=2026-02-30", "from=2026-12-05&to=2026-12-01", "from=2026-12-01T25:00:00" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        j = stats(c, bad[i], 0, 400, NULL);
        CHECKF(jstr(j, "error")[0], "%s: an error message", bad[i]);
        cJSON_Delete(j);
    }
    stats(c, "from=2026-12-02", 1, 200, &rs);
    CHECK(rs.body && strstr((char *)rs.body, "mug-bleu") && !strstr((char *)rs.body, "runner-x"));
    CHECK(!strcmp(rs.ctype, "text/csv; charset=utf-8"));
    CHECK(rs.headers && strstr(rs.headers, "Content-Disposition: attachment; filename=\"vitrine-stats-2026-12-02.csv\""));
    console_resp_free(&rs);

    vt_console_response r;   /* the route: a login first */
    serve(c, "GET", "/api/v1/stats", NULL, &r);
    CHECKF(r.status == 401, "stats without a session: %d", r.status);
    vt_console_response_free(&r);
}

int main(void)
{
    vt_i18n_init(NULL);
    snprintf(tmp, sizeof tmp, "/tmp/vt_console_web_XXXXXX");
    if (!mkdtemp(tmp)) return 1;
    char cat[300], db[300], err[256], cmd[900];
    snprintf(cat, sizeof cat, "%s/catalog.json", tmp);
    snprintf(db, sizeof db, "%s/visits.sqlite", tmp);
    char *text = t_read_file(VT_TEST_SOURCE_DIR "/models/basic-shelf.json");
    CHECK(text != NULL);
    FILE *f = fopen(cat, "w");
    fputs(text ? text : "{}", f);
    fclose(f);
    free(text);
    vt_console_desc d = { .catalog = cat, .analytics = db, .no_listen = 1 };
    vt_console *c = NULL;
    CHECKF(vt_console_create(&d, &c, err, sizeof err) == VT_OK, "%s", err);
    if (c) {
        test_files(c);
        test_strings(c);
        test_stats(c, db);
        vt_console_destroy(c);
    }
    test_strings_rtl();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", tmp);
    return t_finish("test_console_web");
}
