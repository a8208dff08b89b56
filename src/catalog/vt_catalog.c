/* vt_catalog.c — reading the catalog (cJSON) and formatting prices. */
#include "catalog/vt_catalog.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>


static const char *get_string(const cJSON *o, const char *key, const char *def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : def;
}

/* Reads an optional array of three numbers; returns 0 when present but malformed. */
static int get_vec3(const cJSON *o, const char *key, double out[3])
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v) return 1;
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 3) return 0;
    for (int i = 0; i < 3; i++) {
        const cJSON *e = cJSON_GetArrayItem(v, i);
        if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble)) return 0;
        out[i] = e->valuedouble;
    }
    return 1;
}

vt_result vt_catalog_load(const char *path, vt_catalog **out, char *err, size_t errlen)
{
    *out = NULL;
    char why[256];
    vt_result r = vt_file_check(path, why, sizeof why);
    if (r != VT_OK) { snprintf(err, errlen, "%s: %s", path, why); return r; }
    size_t n;
    char *text = vt_read_file(path, &n);
    if (!text) { snprintf(err, errlen, "%s: cannot be read", path); return VT_ERR_IO; }
    cJSON *root = cJSON_ParseWithLength(text, n);
    if (!root) {
        /* Report where parsing stopped as line:column. */
        const char *at = cJSON_GetErrorPtr();
        int line = 1, col = 1;
        for (const char *p = text; at && p < at && *p; p++) {
            if (*p == '\n') { line++; col = 1; } else col++;
        }
        snprintf(err, errlen, "%s:%d:%d: not valid JSON", path, line, col);
        free(text);
        return VT_ERR_FORMAT;
    }
    free(text);
    vt_catalog *c = calloc(1, sizeof *c);
    r = VT_ERR_FORMAT;
    if (!c) { cJSON_Delete(root); return VT_ERR_NO_MEMORY; }
    c->path = strdup(path);
    const cJSON *store = cJSON_GetObjectItemCaseSensitive(root, "store");
    const cJSON *markers = cJSON_GetObjectItemCaseSensitive(root, "markers");
    const cJSON *products = cJSON_GetObjectItemCaseSensitive(root, "products");
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!cJSON_IsObject(root)) { snprintf(err, errlen, "%s: the catalog must be a JSON object", path); goto fail; }
    if (version && !(cJSON_IsNumber(version) && version->valueint == 1)) {
        snprintf(err, errlen, "%s: unsupported \"version\" (this Vitrine reads version 1)", path);
        goto fail;
    }
    if (store && !cJSON_IsObject(store)) { snprintf(err, errlen, "%s: \"store\" must be an object", path); goto fail; }
    if (markers && !cJSON_IsObject(markers)) { snprintf(err, errlen, "%s: \"markers\" must be an object", path); goto fail; }
    if (!cJSON_IsArray(products)) { snprintf(err, errlen, "%s: \"products\" must be an array", path); goto fail; }
    c->store_name = strdup(get_string(store, "name", "Vitrine"));
    c->locale = strdup(get_string(store, "locale", "en_US"));
    c->currency = strdup(get_string(store, "currency", "EUR"));
    c->dictionary = strdup(get_string(markers, "dictionary", "5X5_100"));
    const cJSON *len = cJSON_GetObjectItemCaseSensitive(markers, "length_mm");
    c->length_mm = 50;
    if (len) {
        if (!cJSON_IsNumber(len) || !(len->valuedouble > 0)) { snprintf(err, errlen, "%s: markers.length_mm must be a positive number", path); goto fail; }
        c->length_mm = len->valuedouble;
    }
    int np = cJSON_GetArraySize(products);
    c->products = calloc(np ? (size_t)np : 1, sizeof *c->products);
    if (!c->products) { r = VT_ERR_NO_MEMORY; goto fail; }
    /* Model paths are relative to the catalog's folder. */
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, products) {
        int i = c->count;
        vt_product *pr = &c->products[i];
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(p, "id");
        const cJSON *mk = cJSON_GetObjectItemCaseSensitive(p, "marker");
        const cJSON *price = cJSON_GetObjectItemCaseSensitive(p, "price");
        const cJSON *scale = cJSON_GetObjectItemCaseSensitive(p, "scale");
        const char *model = get_string(p, "model", NULL);
        if (!cJSON_IsObject(p)) { snprintf(err, errlen, "%s: products[%d] must be an object", path, i); goto fail; }
        if (!cJSON_IsString(id) || !id->valuestring[0]) { snprintf(err, errlen, "%s: products[%d].id must be a non-empty string", path, i); goto fail; }
        if (!cJSON_IsNumber(mk) || mk->valuedouble != (double)mk->valueint || mk->valueint < 0) {
            snprintf(err, errlen, "%s: products[%d].marker must be a whole number >= 0", path, i);
            goto fail;
        }
        if (!cJSON_IsNumber(price) || !(price->valuedouble >= 0) || !isfinite(price->valuedouble)) {
            snprintf(err, errlen, "%s: products[%d].price must be a number >= 0", path, i);
            goto fail;
        }
        if (scale && (!cJSON_IsNumber(scale) || !(scale->valuedouble > 0))) {
            snprintf(err, errlen, "%s: products[%d].scale must be a positive number", path, i);
            goto fail;
        }
        c->count++;
        pr->id = strdup(id->valuestring);
        pr->marker = mk->valueint;
        pr->name = strdup(get_string(p, "name", id->valuestring));
        pr->price = price->valuedouble;
        pr->scale = scale ? scale->valuedouble : 1.0;
        if (!get_vec3(p, "offset_mm", pr->offset_mm) || !get_vec3(p, "rotation_deg", pr->rotation_deg)) {
            snprintf(err, errlen, "%s: products[%d]: offset_mm and rotation_deg must be arrays of 3 numbers", path, i);
            goto fail;
        }
        if (model) {
            size_t ml = strlen(model) + (size_t)dirlen + 1;
            pr->model_path = malloc(ml);
            if (model[0] == '/') snprintf(pr->model_path, ml, "%s", model);
            else snprintf(pr->model_path, ml, "%.*s%s", dirlen, path, model);
        }
        for (int k = 0; k < i; k++)
            if (c->products[k].marker == pr->marker) {
                snprintf(err, errlen, "%s: products[%d] and products[%d] both use marker %d", path, k, i, pr->marker);
                goto fail;
            }
    }
    cJSON_Delete(root);
    *out = c;
    return VT_OK;
fail:
    cJSON_Delete(root);
    vt_catalog_destroy(c);
    return r;
}

void vt_catalog_destroy(vt_catalog *c)
{
    if (!c) return;
    for (int i = 0; i < c->count; i++) {
        free(c->products[i].id);
        free(c->products[i].name);
        free(c->products[i].model_path);
    }
    free(c->products);
    free(c->path);
    free(c->store_name);
    free(c->locale);
    free(c->currency);
    free(c->dictionary);
    free(c);
}

const vt_product *vt_catalog_find_marker(const vt_catalog *c, int marker)
{
    for (int i = 0; c && i < c->count; i++)
        if (c->products[i].marker == marker) return &c->products[i];
    return NULL;
}

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
