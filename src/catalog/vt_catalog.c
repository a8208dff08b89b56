/* vt_catalog.c — reading and checking the catalog (cJSON), with the place of every problem. */
#include "catalog/vt_catalog.h"
#include "catalog_scan.h"
#include "catalog_lang.h"
#include "catalog_time.h"
#include "catalog_camera.h"
#include "catalog_promo.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- where values are: the index that vt_catalog_scan.c built ---- */
#define JSON_PATH_LEN 128   /* a JSON path in a message ("products[2].model") */
int vt_catalog_position(const vt_catalog *c, const char *json_path, int *line, int *col)
{
    /* "products[2].model#": the key's place, kept in the value's entry. */
    size_t n = strlen(json_path);
    int key = n && json_path[n - 1] == '#';
    const vt_json_pos *e = c ? cat_table_get(c->pos, c->npos, cat_hash(CAT_HASH_BASIS, json_path, n - (size_t)key)) : NULL;
    *line = e ? (key ? e->kline : e->line) : 0;
    *col = e ? (key ? e->kcol : e->col) : 0;
    return *line > 0;
}

/* ---- reports ---- */
void vt_catalog_report_add(vt_catalog_report *rep, int is_error, int line, int col, const char *fmt, ...)
{
    if (!rep) return;
    if (is_error) rep->errors++;
    /* A file of a million mistakes must not take a million lines of memory. */
    if (rep->count >= VT_CATALOG_MAX_PROBLEMS) { rep->omitted++; return; }
    if (rep->count == rep->capacity) {
        int nc = rep->capacity ? rep->capacity * 2 : 16;
        vt_catalog_problem *n = realloc(rep->items, (size_t)nc * sizeof *n);
        if (!n) return;
        rep->items = n;
        rep->capacity = nc;
    }
    vt_catalog_problem *p = &rep->items[rep->count++];
    p->is_error = is_error;
    p->line = line;
    p->col = col;
    va_list ap;
    va_start(ap, fmt);
    p->unknown_key = p->at_load = 0;
    vsnprintf(p->msg, sizeof p->msg, vt_tr(fmt), ap);   /* in the staff's language (xgettext's keyword) */
    va_end(ap);
}

void vt_catalog_report_free(vt_catalog_report *rep)
{
    if (!rep) return;
    free(rep->items);
    memset(rep, 0, sizeof *rep);
}

void vt_catalog_problem_format(const char *path, const vt_catalog_problem *p, char *buf, size_t len)
{
    const char *kind = p->is_error ? _("error") : _("warning");
    if (p->line > 0) snprintf(buf, len, "%s:%d:%d: %s: %s", path, p->line, p->col, kind, p->msg);
    else snprintf(buf, len, "%s: %s: %s", path, kind, p->msg);
}

/* ---- checking ---- */
typedef struct ctx {
    vt_catalog *c;
    vt_catalog_report *rep;
    int errors;
    cat_table ids, markers;    /* product ids and marker ids seen: line holds the product's index */
    cat_clock clock;           /* the store's, for promotions */
} ctx;

static void problem(ctx *x, int is_error, const char *json_path, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void problem(ctx *x, int is_error, const char *json_path, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, vt_tr(fmt), ap);   /* in the staff's language (xgettext's keyword) */
    va_end(ap);
    int line, col;
    vt_catalog_position(x->c, json_path, &line, &col);
    vt_catalog_report_add(x->rep, is_error, line, col, "%s", msg);
    if (is_error) x->errors++;
}

/* Warns about keys a section does not know (a typo like "prise" would otherwise pass silently),
 * naming the product and the nearest known key. */
static void unknown_keys(ctx *x, const cJSON *o, const char *path, const char *const *known)
{
    const cJSON *it, *id = cJSON_GetObjectItemCaseSensitive(o, "id");
    char where[128] = "";
    /* TRANSLATORS: where an unknown key is: " in products[0]" or " in products[0] (its id)". */
    if (path[0] && cJSON_IsString(id)) snprintf(where, sizeof where, _(" in %s (%.40s)"), path, id->valuestring);
    else if (path[0]) snprintf(where, sizeof where, _(" in %s"), path);
    cJSON_ArrayForEach(it, o) {
        int ok = 0;
        for (int i = 0; known[i]; i++) ok |= !strcmp(it->string, known[i]);
        if (ok) continue;
        char kp[128], hint[96] = "";
        snprintf(kp, sizeof kp, "%s%s%s#", path, path[0] ? "." : "", it->string);
        const char *near = vt_nearest_word(it->string, known);
        if (near) snprintf(hint, sizeof hint, _("; did you mean \"%s\"?"), near);
        int before = x->rep ? x->rep->count : 0;
        problem(x, 0, kp, "unknown key \"%.60s\"%s (ignored)%s", it->string, where, hint);
        if (x->rep && x->rep->count > before) x->rep->items[x->rep->count - 1].unknown_key = 1;
    }
}

static char *opt_string(ctx *x, const cJSON *o, const char *key, const char *path, const char *def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v) return def ? strdup(def) : NULL;
    if (!cJSON_IsString(v)) {
        char p[128];
        snprintf(p, sizeof p, "%s.%s", path, key);
        problem(x, 1, p, "%s.%s must be a string", path, key);
        return def ? strdup(def) : NULL;
    }
    return strdup(v->valuestring);
}

/* An optional number > lo (or >= lo when inclusive) and <= hi; returns def when absent or wrong. */
static double opt_number(ctx *x, const cJSON *o, const char *key, const char *path, double def, double lo, int inclusive,
                         double hi)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v) return def;
    char p[128];
    snprintf(p, sizeof p, "%s%s%s", path, path[0] ? "." : "", key);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) { problem(x, 1, p, "%s must be a number", p); return def; }
    if (inclusive ? v->valuedouble < lo : v->valuedouble <= lo) {
        problem(x, 1, p, "%s must be %s %g (is %g)", p, inclusive ? ">=" : ">", lo, v->valuedouble);
        return def;
    }
    if (v->valuedouble > hi) { problem(x, 1, p, "%s must be at most %g (is %g)", p, hi, v->valuedouble); return def; }
    return v->valuedouble;
}

/* A printed marker side in millimetres: one in metres (0.05) or in tenths of a millimetre would put
 * every product metres away from where it stands. */
static double opt_length_mm(ctx *x, const cJSON *o, const char *path, double def)
{
    double v = opt_number(x, o, "length_mm", path, def, 0, 0, VT_CATALOG_MAX_NUMBER);
    char p[128];
    snprintf(p, sizeof p, "%s.length_mm", path);
    if (v == def) return v;
    if (v < 1) problem(x, 1, p, "%s is %g mm: millimetres, not metres (50 for a 5 cm marker)", p, v);
    else if (v > 2000) problem(x, 1, p, "%s is %g mm, over 2 m: the side of the black square in millimetres", p, v);
    else return v;
    return def;
}

static void opt_vec3(ctx *x, const cJSON *o, const char *key, const char *path, double out[3], int positive)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v) return;
    char p[128];
    snprintf(p, sizeof p, "%s.%s", path, key);
    int ok = cJSON_IsArray(v) && cJSON_GetArraySize(v) == 3;
    for (int i = 0; ok && i < 3; i++) {
        const cJSON *e = cJSON_GetArrayItem(v, i);
        ok = cJSON_IsNumber(e) && isfinite(e->valuedouble) && (!positive || e->valuedouble > 0) &&
             fabs(e->valuedouble) <= VT_CATALOG_MAX_NUMBER;
        if (ok) out[i] = e->valuedouble;
    }
    if (!ok && positive) problem(x, 1, p, "%s must be an array of 3 positive numbers, each at most %g in size", p, VT_CATALOG_MAX_NUMBER);
    else if (!ok) problem(x, 1, p, "%s must be an array of 3 numbers, each at most %g in size", p, VT_CATALOG_MAX_NUMBER);
}

static const char *const k_root_keys[] = { "version", "store", "markers", "products", "camera", "lighting", "$schema", "comment", NULL };
static const char *const k_store_keys[] = { "name", "locale", "currency", "attract_after_s", "timezone", "languages", NULL };
static const char *const k_marker_keys[] = { "dictionary", "length_mm", "filter", NULL };
static const char *const k_filter_keys[] = { "min_cutoff", "beta", "d_cutoff", "lost_after_frames", NULL };
static const char *const k_product_keys[] = { "id", "marker", "name", "brand", "category", "price", "promo_price",
                                              "description", "dimensions_mm", "model", "scale", "offset_mm",
                                              "rotation_deg", "url", "length_mm", "turntable",
                                              "translations", "promotion", "active", "variant", "animation", NULL };

/* A product's "id": present, a non-empty string, not used before. */
static void check_product_id(ctx *x, const cJSON *p, const char *pp, vt_product *pr)
{
    vt_catalog *c = x->c;
    char vp[JSON_PATH_LEN];
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(p, "id");
    snprintf(vp, sizeof vp, "%s.id", pp);
    if (!id) problem(x, 1, pp, "%s has no \"id\"", pp);
    else if (!cJSON_IsString(id) || !id->valuestring[0]) problem(x, 1, vp, "%s must be a non-empty string", vp);
    else {
        pr->id = strdup(id->valuestring);
        /* A hash set, not a search of the products before: linear in the catalog. */
        int added;
        vt_json_pos *seen = cat_table_slot(&x->ids, cat_hash(CAT_HASH_BASIS, id->valuestring, strlen(id->valuestring)), &added);
        if (!seen) problem(x, 1, vp, "out of memory");
        else if (added) seen->line = c->count - 1;
        else if (c->products[seen->line].id && !strcmp(c->products[seen->line].id, id->valuestring))
            problem(x, 1, vp, "duplicate product id \"%.60s\" (also products[%d])", id->valuestring, seen->line);
    }
}

/* A product's "marker": a whole number inside the dictionary, not used before. */
static void check_product_marker(ctx *x, const cJSON *p, const char *pp, const vt_dictionary *dict, vt_product *pr)
{
    vt_catalog *c = x->c;
    char vp[JSON_PATH_LEN];
    const cJSON *mk = cJSON_GetObjectItemCaseSensitive(p, "marker");
    snprintf(vp, sizeof vp, "%s.marker", pp);
    if (!mk) problem(x, 1, pp, "%s has no \"marker\"", pp);
    else if (!cJSON_IsNumber(mk) || !isfinite(mk->valuedouble) || mk->valuedouble != floor(mk->valuedouble) ||
             mk->valuedouble < 0)
        problem(x, 1, vp, "%s must be a whole number >= 0", vp);
    else if (dict && mk->valuedouble >= dict->count)
        problem(x, 1, vp, "marker %.15g is outside %s (ids 0-%d)", mk->valuedouble, dict->name, dict->count - 1);
    else if (mk->valuedouble > VT_CATALOG_MAX_MARKER_ID)   /* no dictionary to check against: still an int */
        problem(x, 1, vp, "marker %.15g is above %d, the largest marker id", mk->valuedouble, VT_CATALOG_MAX_MARKER_ID);
    else {
        pr->marker = (int)mk->valuedouble;
        int added;
        vt_json_pos *seen = cat_table_slot(&x->markers, (uint64_t)pr->marker + 1, &added);
        if (!seen) problem(x, 1, vp, "out of memory");
        else if (added) seen->line = c->count - 1;
        else problem(x, 1, vp, "marker %d is already used by products[%d]", pr->marker, seen->line);
    }
}

/* A product's "price" (required, >= 0) and "promo_price" (optional, below the price). */
static void check_product_price(ctx *x, const cJSON *p, const char *pp, vt_product *pr)
{
    char vp[JSON_PATH_LEN];
    const cJSON *price = cJSON_GetObjectItemCaseSensitive(p, "price");
    snprintf(vp, sizeof vp, "%s.price", pp);
    if (!price) problem(x, 1, pp, "%s has no \"price\"", pp);
    else if (!cJSON_IsNumber(price) || !isfinite(price->valuedouble)) problem(x, 1, vp, "%s must be a number", vp);
    else if (price->valuedouble < 0) problem(x, 1, vp, "%s must not be negative (is %g)", vp, price->valuedouble);
    else if (price->valuedouble > VT_CATALOG_MAX_PRICE)
        problem(x, 1, vp, "%s is %g, over the limit of %g that price tags show", vp, price->valuedouble, VT_CATALOG_MAX_PRICE);
    else pr->price = price->valuedouble;
    pr->promo_price = opt_number(x, p, "promo_price", pp, -1, 0, 1, VT_CATALOG_MAX_PRICE);
    if (pr->promo_price >= 0 && pr->promo_price >= pr->price && price && cJSON_IsNumber(price)) {
        snprintf(vp, sizeof vp, "%s.promo_price", pp);
        problem(x, 1, vp, "%s (%g) must be below the price (%g)", vp, pr->promo_price, pr->price);
    }
}

/* The texts shown to visitors: name (the id when absent), brand, category, description, url. */
static void check_product_texts(ctx *x, const cJSON *p, const char *pp, vt_product *pr)
{
    pr->name = opt_string(x, p, "name", pp, pr->id ? pr->id : "?");
    if (!cJSON_GetObjectItemCaseSensitive(p, "name")) problem(x, 0, pp, "%s has no \"name\"; its tag shows the id", pp);
    pr->brand = opt_string(x, p, "brand", pp, NULL);
    pr->category = opt_string(x, p, "category", pp, NULL);
    pr->description = opt_string(x, p, "description", pp, NULL);
    pr->url = opt_string(x, p, "url", pp, NULL);
    if (pr->url && strncmp(pr->url, "https://", 8) && strncmp(pr->url, "http://", 7)) {
        char vp[JSON_PATH_LEN];
        snprintf(vp, sizeof vp, "%s.url", pp);
        problem(x, 0, vp, "%s does not start with https:// (visitors' phones may not open it)", vp);
    }
}

/* "variant": the name of one of the model's KHR_materials_variants variants (checked against the
 * file by vitrine validate and when the model loads). */
static void check_product_variant(ctx *x, const cJSON *p, const char *pp, vt_product *pr)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "variant");
    if (!v) return;
    char vp[JSON_PATH_LEN];
    snprintf(vp, sizeof vp, "%s.variant", pp);
    if (!cJSON_IsString(v) || !v->valuestring[0]) problem(x, 1, vp, "%s must be a non-empty string", vp);
    else if (strlen(v->valuestring) > VT_CATALOG_MAX_VARIANT)
        problem(x, 1, vp, "%s is %zu bytes; a variant name may have at most %d", vp, strlen(v->valuestring), VT_CATALOG_MAX_VARIANT);
    else if (!(pr->variant = strdup(v->valuestring))) problem(x, 1, vp, "out of memory");
}

/* "animation": the name of one of the model's glTF animations (checked against the file by
 * vitrine validate and when the model loads), or "none". */
static void check_product_animation(ctx *x, const cJSON *p, const char *pp, vt_product *pr)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "animation");
    if (!v) return;
    char vp[JSON_PATH_LEN];
    snprintf(vp, sizeof vp, "%s.animation", pp);
    if (!cJSON_IsString(v) || !v->valuestring[0]) problem(x, 1, vp, "%s must be a non-empty string (an animation's name, or \"none\")", vp);
    else if (strlen(v->valuestring) > VT_CATALOG_MAX_VARIANT)
        problem(x, 1, vp, "%s is %zu bytes; an animation name may have at most %d", vp, strlen(v->valuestring), VT_CATALOG_MAX_VARIANT);
    else if (!(pr->animation = strdup(v->valuestring))) problem(x, 1, vp, "out of memory");
}

/* How the model sits on the marker, and the model's path resolved against the catalog's folder
 * (path up to dirlen). */
static void check_product_model(ctx *x, const cJSON *p, const char *pp, const char *path, int dirlen, vt_product *pr)
{
    opt_vec3(x, p, "dimensions_mm", pp, pr->dimensions_mm, 1);
    pr->scale = opt_number(x, p, "scale", pp, 1, 0, 0, VT_CATALOG_MAX_NUMBER);
    opt_vec3(x, p, "offset_mm", pp, pr->offset_mm, 0);
    opt_vec3(x, p, "rotation_deg", pp, pr->rotation_deg, 0);
    pr->length_mm = opt_length_mm(x, p, pp, x->c->length_mm);
    const cJSON *tt = cJSON_GetObjectItemCaseSensitive(p, "turntable");
    if (tt && !cJSON_IsBool(tt)) {
        char vp[JSON_PATH_LEN];
        snprintf(vp, sizeof vp, "%s.turntable", pp);
        problem(x, 1, vp, "%s must be true or false", vp);
    }
    pr->turntable = cJSON_IsTrue(tt);
    char *model = opt_string(x, p, "model", pp, NULL);
    if (model) {
        size_t ml = strlen(model) + (size_t)dirlen + 1;
        pr->model_path = malloc(ml);
        if (pr->model_path) {
            if (model[0] == '/') snprintf(pr->model_path, ml, "%s", model);
            else snprintf(pr->model_path, ml, "%.*s%s", dirlen, path, model);
        }
        free(model);
    }
    check_product_variant(x, p, pp, pr);
    check_product_animation(x, p, pp, pr);
}

static void check_products(ctx *x, const cJSON *products, const vt_dictionary *dict, const char *path)
{
    vt_catalog *c = x->c;
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    int np = cJSON_GetArraySize(products);
    c->products = calloc(np ? (size_t)np : 1, sizeof *c->products);
    if (!c->products) { problem(x, 1, "", "out of memory"); return; }
    const cJSON *p;
    int i = -1;
    cJSON_ArrayForEach(p, products) {
        i++;
        char pp[64];
        snprintf(pp, sizeof pp, "products[%d]", i);
        if (!cJSON_IsObject(p)) { problem(x, 1, pp, "%s must be an object", pp); continue; }
        unknown_keys(x, p, pp, k_product_keys);
        vt_product *pr = &c->products[c->count++];
        pr->promo_price = pr->promotion_price = -1;
        pr->promotion_start_ms = pr->promotion_end_ms = -1;
        pr->active = 1;
        pr->scale = 1;
        pr->marker = -1;
        check_product_id(x, p, pp, pr);
        check_product_marker(x, p, pp, dict, pr);
        check_product_price(x, p, pp, pr);
        x->errors += cat_read_promotion(c, x->rep, p, pp, pr, &x->clock);
        cat_check_price_shown(c, x->rep, pr, pp);
        check_product_texts(x, p, pp, pr);
        x->errors += cat_read_translations(c, x->rep, p, pp, pr);
        check_product_model(x, p, pp, path, dirlen, pr);
    }
}

/* Reads at most VT_CATALOG_MAX_BYTES of a regular file, checked on the opened descriptor (opened
 * non-blocking: a FIFO swapped in after the check cannot hang the read). */
static vt_result read_bounded(const char *path, char **out, size_t *n, char *why, size_t wlen)
{
    *out = NULL;
    int fd;
    long long size = 0;
    vt_result r = vt_open_regular_fd(path, &fd, &size, why, wlen);
    if (r == VT_ERR_NOT_FOUND || r == VT_ERR_IO) { snprintf(why, wlen, _("cannot be read: cannot be opened")); return VT_ERR_IO; }
    if (r != VT_OK) return r;
    if (size > VT_CATALOG_MAX_BYTES) {
        snprintf(why, wlen, _("is %lld bytes; a catalog may have at most %d MiB"), size, VT_CATALOG_MAX_BYTES >> 20);
        r = VT_ERR_FORMAT;
    }
    size_t cap = r == VT_OK ? (size_t)size + 2 : 0, len = 0;
    char *buf = r == VT_OK ? malloc(cap) : NULL;
    if (r == VT_OK && !buf) { snprintf(why, wlen, _("out of memory reading it")); r = VT_ERR_NO_MEMORY; }
    while (r == VT_OK) {
        if (len + 1 == cap) {   /* it grew since fstat */
            size_t nc = cap * 2 > (size_t)VT_CATALOG_MAX_BYTES + 2 ? (size_t)VT_CATALOG_MAX_BYTES + 2 : cap * 2;
            char *nb = nc > cap ? realloc(buf, nc) : NULL;
            if (!nb) { snprintf(why, wlen, _("grew past %d MiB while read"), VT_CATALOG_MAX_BYTES >> 20); r = VT_ERR_FORMAT; break; }
            buf = nb;
            cap = nc;
        }
        ssize_t got = read(fd, buf + len, cap - 1 - len);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) { snprintf(why, wlen, _("cannot be read: read error")); r = VT_ERR_IO; }
        if (got <= 0) break;
        len += (size_t)got;
    }
    close(fd);
    if (r != VT_OK) { free(buf); return r; }
    buf[len] = 0;
    *out = buf;
    *n = len;
    return VT_OK;
}

vt_result vt_catalog_parse(const char *path, vt_catalog_report *rep, int partial, vt_catalog **out)
{
    *out = NULL;
    char why[256];
    vt_result r = vt_file_check(path, why, sizeof why);
    if (r != VT_OK) { vt_catalog_report_add(rep, 1, r == VT_ERR_FORMAT ? 1 : 0, r == VT_ERR_FORMAT ? 1 : 0, "%s", why); return r; }
    size_t n = 0;
    char *text;
    r = read_bounded(path, &text, &n, why, sizeof why);
    if (r != VT_OK) { vt_catalog_report_add(rep, 1, 0, 0, "%s", why); return r; }
    r = vt_catalog_parse_text(text, n, path, rep, partial, out);
    free(text);
    return r;
}

/* Reports text that cJSON refused: where parsing stopped, as line:column; a file cut short
 * (unclosed brackets or string) at its end, as such. */
static void report_bad_json(const char *text, size_t n, vt_catalog_report *rep)
{
    const char *at = cJSON_GetErrorPtr();
    int depth = 0, in_str = 0;
    for (const char *p = text; p < text + n; p++) {
        if (in_str) { if (*p == '\\') p++; else if (*p == '"') in_str = 0; }
        else if (*p == '"') in_str = 1;
        else if (*p == '{' || *p == '[') depth++;
        else if (*p == '}' || *p == ']') depth--;
    }
    if (depth > 0 || in_str) at = text + n;
    int line = 1, col = 1;
    for (const char *p = text; at && p < at && p < text + n; p++) {
        if (*p == '\n') { line++; col = 1; } else if (((unsigned char)*p & 0xC0) != 0x80) col++;
    }
    vt_catalog_report_add(rep, 1, line, col, "%s", at && at >= text + n ? _("the JSON ends too early (truncated file?)")
                                                                           : _("not valid JSON here"));
}

/* "version" and "store": the store's name, locale, currency and attract-screen delay. */
static void check_store(ctx *x, const cJSON *root)
{
    vt_catalog *c = x->c;
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!version) problem(x, 0, "", "no \"version\"; reading it as version 1");
    else if (!cJSON_IsNumber(version) || version->valuedouble != 1)
        problem(x, 1, "version", "unsupported \"version\" (this Vitrine reads version 1)");
    const cJSON *store = cJSON_GetObjectItemCaseSensitive(root, "store");
    if (store && !cJSON_IsObject(store)) problem(x, 1, "store", "\"store\" must be an object");
    else if (store) unknown_keys(x, store, "store", k_store_keys);
    c->store_name = opt_string(x, store, "name", "store", "Vitrine");
    c->locale = opt_string(x, store, "locale", "store", "en_US");
    c->currency = opt_string(x, store, "currency", "store", "EUR");
    c->attract_after_s = opt_number(x, store, "attract_after_s", "store", 20, 0, 0, VT_CATALOG_MAX_NUMBER);
    c->time_zone = opt_string(x, store, "timezone", "store", NULL);
    x->errors += cat_check_time_zone(c, x->rep);
    x->errors += cat_check_locale(c, x->rep);   /* CLDR's locales, ISO 4217's currencies */
}

/* "markers": the dictionary (into dict; returns 0 when unknown), printed side, pose filter. */
static int check_markers(ctx *x, const cJSON *root, vt_dictionary *dict)
{
    vt_catalog *c = x->c;
    const cJSON *markers = cJSON_GetObjectItemCaseSensitive(root, "markers");
    if (markers && !cJSON_IsObject(markers)) problem(x, 1, "markers", "\"markers\" must be an object");
    else if (markers) unknown_keys(x, markers, "markers", k_marker_keys);
    c->dictionary = opt_string(x, markers, "dictionary", "markers", "5X5_100");
    int have_dict = vt_dictionary_find(c->dictionary, dict) == VT_OK;
    if (!have_dict) problem(x, 1, "markers.dictionary", "unknown marker dictionary \"%.40s\"; one of: %s", c->dictionary, vt_dictionary_names());
    c->length_mm = opt_length_mm(x, markers, "markers", 50);
    const cJSON *filter = cJSON_GetObjectItemCaseSensitive(markers, "filter");
    const vt_filter_params d = vt_filter_params_defaults();
    c->filter = d;
    if (filter && !cJSON_IsObject(filter)) problem(x, 1, "markers.filter", "markers.filter must be an object");
    else if (filter) {
        unknown_keys(x, filter, "markers.filter", k_filter_keys);
        const char *mf = "markers.filter";
        c->filter.min_cutoff = opt_number(x, filter, "min_cutoff", mf, d.min_cutoff, 0, 0, VT_CATALOG_MAX_NUMBER);
        c->filter.beta = opt_number(x, filter, "beta", mf, d.beta, 0, 1, VT_CATALOG_MAX_NUMBER);
        c->filter.d_cutoff = opt_number(x, filter, "d_cutoff", mf, d.d_cutoff, 0, 0, VT_CATALOG_MAX_NUMBER);
        /* Range-checked before the cast: (int)3e9 is undefined. */
        c->filter.lost_after_frames = (int)opt_number(x, filter, "lost_after_frames", mf, d.lost_after_frames, 1, 1,
                                                      VT_CATALOG_MAX_LOST_FRAMES);
    }
    return have_dict;
}

vt_filter_params vt_filter_params_defaults(void)
{
    return (vt_filter_params){ .min_cutoff = 0.5, .beta = 50, .d_cutoff = 1.0, .lost_after_frames = 8 };
}

/* The JSON of a catalog, or NULL (the problem in rep): within the limits, checked before cJSON
 * sees it, with nothing after the value. *pos gets the places of values; duplicate keys are
 * reported as errors (the JSON is still returned: the other checks go on). */
static cJSON *read_json(const char *text, size_t n, vt_catalog_report *rep, cat_table *pos, int *errors)
{
    if (n == 0) { vt_catalog_report_add(rep, 1, 1, 1, "empty file (0 bytes)"); return NULL; }
    if (n > VT_CATALOG_MAX_BYTES) {
        vt_catalog_report_add(rep, 1, 0, 0, "is %zu bytes; a catalog may have at most %d MiB", n, VT_CATALOG_MAX_BYTES >> 20);
        return NULL;
    }
    vt_catalog_report dups = { 0 };
    if (cat_scan(text, n, rep, pos, &dups)) { vt_catalog_report_free(&dups); return NULL; }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, n, &end, 0);
    if (!root) { report_bad_json(text, n, rep); vt_catalog_report_free(&dups); return NULL; }
    /* cJSON stops after the first value: two catalogs pasted together would pass as the first. */
    while (end && end < text + n && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')) end++;
    if (end && end < text + n) {
        int line, col;
        cat_line_col(text, (size_t)(end - text), &line, &col);
        vt_catalog_report_add(rep, 1, line, col, "more data after the catalog's closing bracket (two catalogs pasted together?)");
        (*errors)++;
    }
    for (int i = 0; i < dups.count; i++) {
        vt_catalog_report_add(rep, 1, dups.items[i].line, dups.items[i].col, "%s", dups.items[i].msg);
        (*errors)++;
    }
    *errors += dups.omitted;
    if (rep) { rep->errors += dups.omitted; rep->omitted += dups.omitted; }
    vt_catalog_report_free(&dups);
    return root;
}

/* "lighting": how products are lit, "room" (the default) or "studio". */
static void check_lighting(ctx *x, const cJSON *root)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "lighting");
    x->c->studio_light = 0;
    if (!v) return;
    if (cJSON_IsString(v) && !strcmp(v->valuestring, "studio")) x->c->studio_light = 1;
    else if (!cJSON_IsString(v) || strcmp(v->valuestring, "room"))
        problem(x, 1, "lighting", "\"lighting\" must be \"room\" (the light the camera sees) or \"studio\"");
}

/* The checks of every section of a parsed catalog. */
static void check_catalog(ctx *x, const cJSON *root, const char *path)
{
    if (!cJSON_IsObject(root)) {
        problem(x, 1, "", "the catalog must be a JSON object ({ \"store\": ..., \"products\": [...] })");
        return;
    }
    unknown_keys(x, root, "", k_root_keys);
    check_store(x, root);
    check_lighting(x, root);
    vt_dictionary dict;
    int have_dict = check_markers(x, root, &dict);
    const cJSON *products = cJSON_GetObjectItemCaseSensitive(root, "products");
    if (!products) problem(x, 1, "", "no \"products\" array");
    else if (!cJSON_IsArray(products)) problem(x, 1, "products", "\"products\" must be an array");
    else check_products(x, products, have_dict ? &dict : NULL, path);
    const cJSON *store = cJSON_GetObjectItemCaseSensitive(root, "store");
    x->errors += cat_read_languages(x->c, x->rep, cJSON_IsObject(store) ? store : NULL);
    const cJSON *camera = cJSON_GetObjectItemCaseSensitive(root, "camera");
    if (cJSON_IsObject(camera)) unknown_keys(x, camera, "camera", cat_camera_keys);
    x->errors += cat_read_camera(x->c, x->rep, root);
}

vt_result vt_catalog_parse_text(const char *text, size_t n, const char *path, vt_catalog_report *rep, int partial,
                                vt_catalog **out)
{
    *out = NULL;
    cat_table pos = { 0 };
    int errors = 0;
    cJSON *root = read_json(text, n, rep, &pos, &errors);
    if (!root) { cat_table_free(&pos); return VT_ERR_FORMAT; }
    vt_catalog *c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(path))) {
        free(c);
        cJSON_Delete(root);
        cat_table_free(&pos);
        vt_catalog_report_add(rep, 1, 0, 0, "out of memory");
        return VT_ERR_NO_MEMORY;
    }
    c->pos = pos.e;
    c->npos = pos.cap;
    ctx x = { c, rep, errors, { 0 }, { 0 }, { 0 } };
    check_catalog(&x, root, path);
    cat_clock_free(&x.clock);
    cat_table_free(&x.ids);
    cat_table_free(&x.markers);
    cJSON_Delete(root);
    if (x.errors && !partial) { vt_catalog_destroy(c); return VT_ERR_FORMAT; }
    *out = c;
    return x.errors ? VT_ERR_FORMAT : VT_OK;
}

vt_result vt_catalog_load(const char *path, vt_catalog **out, char *err, size_t errlen)
{
    vt_catalog_report rep = { 0 };
    vt_result r = vt_catalog_parse(path, &rep, 0, out);
    for (int i = 0; r != VT_OK && i < rep.count; i++)
        if (rep.items[i].is_error) { vt_catalog_problem_format(path, &rep.items[i], err, errlen); break; }
    for (int i = 0; r == VT_OK && i < rep.count; i++)
        if (rep.items[i].unknown_key || rep.items[i].at_load) {
            char loc[1100];
            snprintf(loc, sizeof loc, "%s:%d:%d", path, rep.items[i].line, rep.items[i].col);
            VT_WARN_FILE("catalog", loc, "%s", rep.items[i].msg);
        }
    vt_catalog_report_free(&rep);
    return r;
}

void vt_catalog_destroy(vt_catalog *c)
{
    if (!c) return;
    for (int i = 0; i < c->count; i++) {
        vt_product *p = &c->products[i];
        free(p->id); free(p->name); free(p->brand); free(p->category); free(p->description); free(p->url);
        free(p->model_path); free(p->variant); free(p->animation);
        cat_free_translations(p);
    }
    cat_free_languages(c);
    free(c->products);
    free(c->path);
    free(c->store_name);
    free(c->locale);
    free(c->currency);
    free(c->time_zone);
    free(c->dictionary);
    cat_free_camera(&c->camera);
    free(c->pos);
    free(c);
}

const vt_product *vt_catalog_find_marker(const vt_catalog *c, int marker)
{
    for (int i = 0; c && i < c->count; i++)
        if (c->products[i].marker == marker) return &c->products[i];
    return NULL;
}

