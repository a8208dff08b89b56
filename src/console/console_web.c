/* console_web.c — the console's pages: the files of src/console/web, embedded at build time
 * (build/console_web_files.c, made by src/console/web/embed.cmake), and the pages' words in the
 * store's language (GET /api/v1/strings; the msgids are console_web_strings.c's table).
 *
 * Files carry a strong ETag (a hash of their bytes) and "Cache-Control: no-cache": a browser
 * keeps them but asks each time, so a new build's pages show at the next load (304 otherwise). */
#include "console.h"

#include "i18n/vt_i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* As the generated file declares it. */
typedef struct console_web_asset { const char *name; const unsigned char *data; size_t len; } console_web_asset;
extern const console_web_asset console_web_assets[];

/* console_web_strings.c */
extern const char *const console_web_msgids[];

static const struct { const char *ext, *type; } k_types[] = {
    { ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" },   { ".svg", "image/svg+xml" },
    { ".png", "image/png" },                 { ".ico", "image/x-icon" },
    { ".json", "application/json; charset=utf-8" }, { ".woff2", "font/woff2" },
    { ".txt", "text/plain; charset=utf-8" },
};

static const char *content_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof k_types / sizeof k_types[0]; i++)
        if (!strcasecmp(dot, k_types[i].ext)) return k_types[i].type;
    return "application/octet-stream";
}

/* FNV-1a, 64 bits: an ETag that changes with the bytes. */
static unsigned long long hash64(const unsigned char *p, size_t n)
{
    unsigned long long h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

/* 1 when If-None-Match names etag (or is "*"). */
static int not_modified(const console_req *rq, const char *etag)
{
    const char *inm = console_header(rq, "If-None-Match");
    return inm && (strstr(inm, etag) || !strcmp(inm, "*"));
}

int console_web_file(vt_console *c, console_req *rq, console_resp *rs)
{
    (void)c;
    const char *p = rq->path;
    if (!p || p[0] != '/') return 0;
    const char *name = p[1] ? p + 1 : "index.html";
    const console_web_asset *a = console_web_assets;
    while (a->name && strcmp(a->name, name)) a++;
    if (!a->name) return 0;
    char etag[40];
    snprintf(etag, sizeof etag, "\"w-%016llx\"", hash64(a->data, a->len));
    if (not_modified(rq, etag)) console_resp_bytes(rs, 304, content_type(a->name), NULL, 0);
    else console_resp_copy(rs, 200, content_type(a->name), a->data, a->len);
    console_resp_header(rs, "ETag", etag);
    console_resp_header(rs, "Cache-Control", "no-cache");
    return 1;
}

/* The store's name and locale, from the catalog's store object only (a catalog with an error
 * in a product still names its store). */
static void store_of(vt_console *c, char *name, size_t nlen, char *locale, size_t llen)
{
    char *text = NULL, err[256];
    size_t n = 0;
    name[0] = locale[0] = 0;
    if (vt_read_file(c->catalog, &text, &n, err, sizeof err) != VT_OK) {
        VT_WARN("console", _("strings: %s"), err);
        return;
    }
    cJSON *root = cJSON_ParseWithLength(text, n);
    free(text);
    const cJSON *store = cJSON_GetObjectItemCaseSensitive(root, "store");
    const cJSON *nm = cJSON_GetObjectItemCaseSensitive(store, "name");
    const cJSON *loc = cJSON_GetObjectItemCaseSensitive(store, "locale");
    if (cJSON_IsString(nm)) snprintf(name, nlen, "%s", nm->valuestring);
    if (cJSON_IsString(loc)) snprintf(locale, llen, "%s", loc->valuestring);
    cJSON_Delete(root);
}

static int rtl_language(const char *lang)
{
    static const char *const rtl[] = { "ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug" };
    for (size_t i = 0; i < sizeof rtl / sizeof rtl[0]; i++)
        if (!strcmp(lang, rtl[i])) return 1;
    return 0;
}

void console_api_strings(vt_console *c, console_req *rq, console_resp *rs)
{
    (void)rq;
    char store[256], tag[64], posix[64] = "", lang[16] = "";
    store_of(c, store, sizeof store, tag, sizeof tag);
    if (tag[0] && vt_i18n_posix_locale(tag, posix, sizeof posix) != VT_OK) posix[0] = 0;
    vt_i18n_language(posix[0] ? posix : "en", lang, sizeof lang);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "lang", lang[0] ? lang : "en");
    cJSON_AddStringToObject(j, "locale", posix[0] ? posix : "en_US");
    cJSON_AddStringToObject(j, "dir", rtl_language(lang) ? "rtl" : "ltr");
    cJSON_AddStringToObject(j, "store", store);
    cJSON *s = cJSON_AddObjectToObject(j, "strings");
    for (const char *const *m = console_web_msgids; *m; m++)
        cJSON_AddStringToObject(s, *m, posix[0] ? vt_tr_lang(posix, *m) : *m);
    console_resp_json(rs, 200, j);
}
