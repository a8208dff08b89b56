/* vt_catalog.c — reading and checking the catalog (cJSON), with the place of every problem. */
#include "catalog/vt_catalog.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- where values are: a second, tiny pass over the text that cJSON accepted ---- */
/* A value's JSON path ("products[2].model") is built in JSON_PATH_LEN bytes (deeper paths are
 * cut: they only place messages); a key's own place adds a '#', hence one byte more here. */
#define JSON_PATH_LEN 128
typedef struct vt_json_pos { char path[JSON_PATH_LEN + 1]; int line, col; } vt_json_pos;

typedef struct scan {
    const char *p, *end;
    int line, col;
    vt_json_pos *pos;
    int n, cap;
} scan;

static void adv(scan *s)
{
    if (*s->p == '\n') { s->line++; s->col = 1; } else if (((unsigned char)*s->p & 0xC0) != 0x80) s->col++;
    s->p++;
}

static void skip_ws(scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')) adv(s);
}

static void note(scan *s, const char *path)
{
    if (s->n == s->cap) {
        int nc = s->cap ? s->cap * 2 : 256;
        vt_json_pos *np = realloc(s->pos, (size_t)nc * sizeof *np);
        if (!np) return;
        s->pos = np;
        s->cap = nc;
    }
    vt_json_pos *e = &s->pos[s->n++];
    snprintf(e->path, sizeof e->path, "%s", path);
    e->line = s->line;
    e->col = s->col;
}

static void skip_string(scan *s)
{
    adv(s);   /* opening quote */
    while (s->p < s->end && *s->p != '"') {
        if (*s->p == '\\' && s->p + 1 < s->end) adv(s);
        adv(s);
    }
    if (s->p < s->end) adv(s);
}

static void scan_value(scan *s, const char *path, int depth)
{
    skip_ws(s);
    if (s->p >= s->end || depth > 64) return;
    note(s, path);
    char sub[JSON_PATH_LEN];
    if (*s->p == '{') {
        adv(s);
        for (;;) {
            skip_ws(s);
            if (s->p >= s->end || *s->p == '}') break;
            if (*s->p != '"') { adv(s); continue; }
            const char *k0 = s->p + 1;
            int kl = s->line, kc = s->col;
            skip_string(s);
            int klen = (int)(s->p - k0 - 1);
            snprintf(sub, sizeof sub, "%s%s%.*s", path, path[0] ? "." : "", klen > 40 ? 40 : klen, k0);
            /* The key's own place, for "unknown key" warnings. */
            char kpath[JSON_PATH_LEN + 1];
            snprintf(kpath, sizeof kpath, "%s#", sub);
            int sl = s->line, sc = s->col;
            s->line = kl; s->col = kc;
            note(s, kpath);
            s->line = sl; s->col = sc;
            skip_ws(s);
            if (s->p < s->end && *s->p == ':') adv(s);
            scan_value(s, sub, depth + 1);
            skip_ws(s);
            if (s->p < s->end && *s->p == ',') adv(s);
        }
        if (s->p < s->end) adv(s);
    } else if (*s->p == '[') {
        adv(s);
        for (int i = 0;; i++) {
            skip_ws(s);
            if (s->p >= s->end || *s->p == ']') break;
            snprintf(sub, sizeof sub, "%s[%d]", path, i);
            const char *before = s->p;
            scan_value(s, sub, depth + 1);
            if (s->p == before) adv(s);
            skip_ws(s);
            if (s->p < s->end && *s->p == ',') adv(s);
        }
        if (s->p < s->end) adv(s);
    } else if (*s->p == '"') {
        skip_string(s);
    } else {
        /* A number or literal; at least one character, so that stray bytes cannot stall the scan. */
        const char *start = s->p;
        while (s->p < s->end && (*s->p == '\0' || !strchr(",]} \t\r\n", *s->p))) adv(s);
        if (s->p == start) adv(s);
    }
}

int vt_catalog_position(const vt_catalog *c, const char *json_path, int *line, int *col)
{
    for (int i = 0; c && i < c->npos; i++)
        if (!strcmp(c->pos[i].path, json_path)) { *line = c->pos[i].line; *col = c->pos[i].col; return 1; }
    *line = *col = 0;
    return 0;
}

/* ---- reports ---- */
void vt_catalog_report_add(vt_catalog_report *rep, int is_error, int line, int col, const char *fmt, ...)
{
    if (!rep) return;
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
    vsnprintf(p->msg, sizeof p->msg, fmt, ap);
    va_end(ap);
    if (is_error) rep->errors++;
}

void vt_catalog_report_free(vt_catalog_report *rep)
{
    if (!rep) return;
    free(rep->items);
    memset(rep, 0, sizeof *rep);
}

void vt_catalog_problem_format(const char *path, const vt_catalog_problem *p, char *buf, size_t len)
{
    const char *kind = p->is_error ? "error" : "warning";
    if (p->line > 0) snprintf(buf, len, "%s:%d:%d: %s: %s", path, p->line, p->col, kind, p->msg);
    else snprintf(buf, len, "%s: %s: %s", path, kind, p->msg);
}

/* ---- checking ---- */
typedef struct ctx {
    vt_catalog *c;
    vt_catalog_report *rep;
    int errors;
} ctx;

static void problem(ctx *x, int is_error, const char *json_path, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void problem(ctx *x, int is_error, const char *json_path, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
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
    if (path[0]) snprintf(where, sizeof where, " in %s%s%.40s%s", path, cJSON_IsString(id) ? " (" : "",
                          cJSON_IsString(id) ? id->valuestring : "", cJSON_IsString(id) ? ")" : "");
    cJSON_ArrayForEach(it, o) {
        int ok = 0;
        for (int i = 0; known[i]; i++) ok |= !strcmp(it->string, known[i]);
        if (ok) continue;
        char kp[128], hint[96] = "";
        snprintf(kp, sizeof kp, "%s%s%s#", path, path[0] ? "." : "", it->string);
        const char *near = vt_nearest_word(it->string, known);
        if (near) snprintf(hint, sizeof hint, "; did you mean \"%s\"?", near);
        problem(x, 0, kp, "unknown key \"%.60s\"%s (ignored)%s", it->string, where, hint);
        if (x->rep && x->rep->count) x->rep->items[x->rep->count - 1].unknown_key = 1;
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

/* An optional number > lo (or >= lo when inclusive); returns def when absent or wrong. */
static double opt_number(ctx *x, const cJSON *o, const char *key, const char *path, double def, double lo, int inclusive)
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
    return v->valuedouble;
}

/* A printed marker side in millimetres: one in metres (0.05) or in tenths of a millimetre would put
 * every product metres away from where it stands. */
static double opt_length_mm(ctx *x, const cJSON *o, const char *path, double def)
{
    double v = opt_number(x, o, "length_mm", path, def, 0, 0);
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
        ok = cJSON_IsNumber(e) && isfinite(e->valuedouble) && (!positive || e->valuedouble > 0);
        if (ok) out[i] = e->valuedouble;
    }
    if (!ok) problem(x, 1, p, "%s must be an array of 3 %snumbers", p, positive ? "positive " : "");
}

static const char *const k_root_keys[] = { "version", "store", "markers", "products", "$schema", "comment", NULL };
static const char *const k_store_keys[] = { "name", "locale", "currency", "attract_after_s", NULL };
static const char *const k_marker_keys[] = { "dictionary", "length_mm", "filter", NULL };
static const char *const k_filter_keys[] = { "min_cutoff", "beta", "d_cutoff", "lost_after_frames", NULL };
static const char *const k_product_keys[] = { "id", "marker", "name", "brand", "category", "price", "promo_price",
                                              "description", "dimensions_mm", "model", "scale", "offset_mm",
                                              "rotation_deg", "url", "length_mm", "turntable", NULL };

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
        for (int k = 0; k < c->count - 1; k++)
            if (c->products[k].id && !strcmp(c->products[k].id, pr->id))
                problem(x, 1, vp, "duplicate product id \"%.60s\" (also products[%d])", pr->id, k);
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
    else if (!cJSON_IsNumber(mk) || mk->valuedouble != floor(mk->valuedouble) || mk->valuedouble < 0)
        problem(x, 1, vp, "%s must be a whole number >= 0", vp);
    else if (dict && mk->valuedouble >= dict->count)
        problem(x, 1, vp, "marker %.0f is outside %s (ids 0-%d)", mk->valuedouble, dict->name, dict->count - 1);
    else {
        pr->marker = (int)mk->valuedouble;
        for (int k = 0; k < c->count - 1; k++)
            if (c->products[k].marker == pr->marker)
                problem(x, 1, vp, "marker %d is already used by products[%d]", pr->marker, k);
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
    else pr->price = price->valuedouble;
    pr->promo_price = opt_number(x, p, "promo_price", pp, -1, 0, 1);
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

/* How the model sits on the marker, and the model's path resolved against the catalog's folder
 * (path up to dirlen). */
static void check_product_model(ctx *x, const cJSON *p, const char *pp, const char *path, int dirlen, vt_product *pr)
{
    opt_vec3(x, p, "dimensions_mm", pp, pr->dimensions_mm, 1);
    pr->scale = opt_number(x, p, "scale", pp, 1, 0, 0);
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
        pr->promo_price = -1;
        pr->scale = 1;
        pr->marker = -1;
        check_product_id(x, p, pp, pr);
        check_product_marker(x, p, pp, dict, pr);
        check_product_price(x, p, pp, pr);
        check_product_texts(x, p, pp, pr);
        check_product_model(x, p, pp, path, dirlen, pr);
    }
}

vt_result vt_catalog_parse(const char *path, vt_catalog_report *rep, int partial, vt_catalog **out)
{
    *out = NULL;
    char why[256];
    vt_result r = vt_file_check(path, why, sizeof why);
    if (r != VT_OK) { vt_catalog_report_add(rep, 1, r == VT_ERR_FORMAT ? 1 : 0, r == VT_ERR_FORMAT ? 1 : 0, "%s", why); return r; }
    size_t n;
    char *text;
    r = vt_read_file(path, &text, &n, why, sizeof why);
    if (r != VT_OK) { vt_catalog_report_add(rep, 1, 0, 0, "cannot be read: %s", why); return r; }
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
    vt_catalog_report_add(rep, 1, line, col, "%s", at && at >= text + n ? "the JSON ends too early (truncated file?)"
                                                                           : "not valid JSON here");
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
    c->attract_after_s = opt_number(x, store, "attract_after_s", "store", 20, 0, 0);
    if (strlen(c->locale) < 2 || !islower((unsigned char)c->locale[0]) || !islower((unsigned char)c->locale[1]))
        problem(x, 1, "store.locale", "store.locale must look like fr_FR or en_GB");
    if (strlen(c->currency) != 3 || !isupper((unsigned char)c->currency[0]) || !isupper((unsigned char)c->currency[1]) ||
        !isupper((unsigned char)c->currency[2]))
        problem(x, 1, "store.currency", "store.currency must be an ISO 4217 code such as EUR, GBP or USD");
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
        c->filter.min_cutoff = opt_number(x, filter, "min_cutoff", "markers.filter", d.min_cutoff, 0, 0);
        c->filter.beta = opt_number(x, filter, "beta", "markers.filter", d.beta, 0, 1);
        c->filter.d_cutoff = opt_number(x, filter, "d_cutoff", "markers.filter", d.d_cutoff, 0, 0);
        c->filter.lost_after_frames = (int)opt_number(x, filter, "lost_after_frames", "markers.filter", d.lost_after_frames, 1, 1);
    }
    return have_dict;
}

vt_filter_params vt_filter_params_defaults(void)
{
    return (vt_filter_params){ .min_cutoff = 0.5, .beta = 50, .d_cutoff = 1.0, .lost_after_frames = 8 };
}

vt_result vt_catalog_parse_text(const char *text, size_t n, const char *path, vt_catalog_report *rep, int partial,
                                vt_catalog **out)
{
    *out = NULL;
    if (n == 0) { vt_catalog_report_add(rep, 1, 1, 1, "empty file (0 bytes)"); return VT_ERR_FORMAT; }
    cJSON *root = cJSON_ParseWithLength(text, n);
    if (!root) { report_bad_json(text, n, rep); return VT_ERR_FORMAT; }
    vt_catalog *c = calloc(1, sizeof *c);
    ctx x = { c, rep, 0 };
    if (!c || !(c->path = strdup(path))) {
        free(c);
        cJSON_Delete(root);
        vt_catalog_report_add(rep, 1, 0, 0, "out of memory");
        return VT_ERR_NO_MEMORY;
    }
    scan sc = { text, text + n, 1, 1, NULL, 0, 0 };
    scan_value(&sc, "", 0);
    c->pos = sc.pos;
    c->npos = sc.n;
    if (!cJSON_IsObject(root)) {
        problem(&x, 1, "", "the catalog must be a JSON object ({ \"store\": ..., \"products\": [...] })");
    } else {
        unknown_keys(&x, root, "", k_root_keys);
        check_store(&x, root);
        vt_dictionary dict;
        int have_dict = check_markers(&x, root, &dict);
        const cJSON *products = cJSON_GetObjectItemCaseSensitive(root, "products");
        if (!products) problem(&x, 1, "", "no \"products\" array");
        else if (!cJSON_IsArray(products)) problem(&x, 1, "products", "\"products\" must be an array");
        else check_products(&x, products, have_dict ? &dict : NULL, path);
    }
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
        if (rep.items[i].unknown_key) {
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
        free(p->model_path);
    }
    free(c->products);
    free(c->path);
    free(c->store_name);
    free(c->locale);
    free(c->currency);
    free(c->dictionary);
    free(c->pos);
    free(c);
}

const vt_product *vt_catalog_find_marker(const vt_catalog *c, int marker)
{
    for (int i = 0; c && i < c->count; i++)
        if (c->products[i].marker == marker) return &c->products[i];
    return NULL;
}

double vt_product_price_now(const vt_product *p) { return p->promo_price >= 0 ? p->promo_price : p->price; }

/* ---- prices ---- */
typedef struct locale_fmt {
    const char *prefix;   /* locale prefix matched against "ll_CC" */
    const char *decimal, *group;
    int symbol_after;     /* "89,99 €" vs "£89.99" */
} locale_fmt;

static const locale_fmt k_locales[] = {
    { "fr", ",", "\u202f", 1 }, { "de", ",", ".", 1 },  { "es", ",", ".", 1 }, { "it", ",", ".", 1 },
    { "pt", ",", ".", 1 },      { "nl", ",", ".", 0 },  { "en", ".", ",", 0 }, { "ja", ".", ",", 0 },
};

static const char *currency_symbol(const char *code)
{
    if (!strcmp(code, "EUR")) return "€";
    if (!strcmp(code, "GBP")) return "£";
    if (!strcmp(code, "USD")) return "$";
    if (!strcmp(code, "JPY")) return "¥";
    if (!strcmp(code, "CHF")) return "CHF";
    return code;
}

char *vt_format_price(double value, const char *locale, const char *currency, char *buf, size_t len)
{
    const locale_fmt *lf = &k_locales[6];   /* en */
    for (size_t i = 0; i < sizeof k_locales / sizeof k_locales[0]; i++)
        if (locale && !strncmp(locale, k_locales[i].prefix, 2)) { lf = &k_locales[i]; break; }
    const char *sym = currency_symbol(currency ? currency : "EUR");
    int decimals = currency && !strcmp(currency, "JPY") ? 0 : 2;
    double scale = decimals ? 100.0 : 1.0;
    long long cents = llround(fabs(value) * scale);
    long long whole = cents / (long long)scale, frac = cents % (long long)scale;
    char digits[64], grouped[128];
    snprintf(digits, sizeof digits, "%lld", whole);
    size_t nd = strlen(digits), o = 0;
    for (size_t i = 0; i < nd; i++) {
        if (i > 0 && (nd - i) % 3 == 0)
            for (const char *g = lf->group; *g && o + 1 < sizeof grouped; g++) grouped[o++] = *g;
        if (o + 1 < sizeof grouped) grouped[o++] = digits[i];
    }
    grouped[o] = 0;
    char num[160];
    if (decimals) snprintf(num, sizeof num, "%s%s%s%02lld", value < 0 ? "-" : "", grouped, lf->decimal, frac);
    else snprintf(num, sizeof num, "%s%s", value < 0 ? "-" : "", grouped);
    if (lf->symbol_after) snprintf(buf, len, "%s %s", num, sym);
    else if (!strcmp(lf->prefix, "nl")) snprintf(buf, len, "%s %s", sym, num);
    else snprintf(buf, len, "%s%s", sym, num);
    return buf;
}
