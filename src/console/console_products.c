/* console_products.c — the catalog's products through the console: listed, read, added, edited
 * and deleted in the catalog FILE (never the display's memory: its hot reload picks the change
 * up). Each change is applied to the file's JSON, checked as `vitrine validate` checks a catalog
 * (nothing is written when it would not load), written atomically and saved as a version.
 * ETags: a product's is the hash of its JSON (keys sorted), the catalog's that of the file's
 * bytes, so that a hand edit on disk changes it too. */
#include "console_products.h"

#include "catalog/vt_catalog.h"
#include "i18n/vt_i18n.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void cp_etag(const char prefix, const void *data, size_t n, char *out, size_t len)
{
    unsigned char h[16];
    char hex[33];
    crypto_generichash(h, sizeof h, data, n, NULL, 0);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    snprintf(out, len, "\"%c-%s\"", prefix, hex);
}

/* The catalog file's bytes, at most VT_CATALOG_MAX_BYTES. */
static char *read_disk(vt_console *c, size_t *len, char *err, size_t errlen)
{
    struct stat st;
    char *text = NULL;
    if (stat(c->catalog, &st) == 0 && st.st_size > VT_CATALOG_MAX_BYTES) {
        snprintf(err, errlen, _("%s is %lld bytes; a catalog may have at most %d MiB"), c->catalog, (long long)st.st_size,
                 VT_CATALOG_MAX_BYTES >> 20);
        return NULL;
    }
    if (vt_read_file(c->catalog, &text, len, err, errlen) != VT_OK) return NULL;
    if (*len > VT_CATALOG_MAX_BYTES) {   /* it grew since stat */
        snprintf(err, errlen, _("%s is over %d MiB"), c->catalog, VT_CATALOG_MAX_BYTES >> 20);
        free(text);
        return NULL;
    }
    return text;
}

/* A file on disk that is no saved version (a hand edit, or changes while the console was off)
 * becomes one, its summary what changed since the last. */
static void note_disk_version(vt_console *c, const char *text, size_t len, const char *etag, int at_start)
{
    char summary[CP_SUMMARY], diff[CP_SUMMARY - 40] = "", err[512];
    int last = c->prod->nv ? c->prod->v[c->prod->nv - 1].n : 0;
    size_t olen = 0;
    char *old = last ? cp_version_text(c, last, &olen) : NULL;
    cJSON *a = old ? cJSON_ParseWithLength(old, olen) : NULL, *b = cJSON_ParseWithLength(text, len);
    if (a && b) cp_summary(a, b, diff, sizeof diff);
    else if (!b) snprintf(diff, sizeof diff, "%s", _("not valid JSON"));
    cJSON_Delete(a);
    cJSON_Delete(b);
    free(old);
    if (!last) snprintf(summary, sizeof summary, "%s", _("the catalog as found at start"));
    else if (at_start) snprintf(summary, sizeof summary, _("changed on disk while the console was off: %s"), diff);
    else snprintf(summary, sizeof summary, _("edited on disk: %s"), diff);
    int n = cp_version_save(c, text, len, etag, summary, err, sizeof err);
    if (n < 0) {
        VT_WARN("console", "%s: cannot save a catalog version: %s", c->catalog, err);
        snprintf(c->prod->etag, sizeof c->prod->etag, "%s", etag);   /* said once, not at every request */
    } else if (last) VT_NOTE("console", "%s: saved as version %d (%s)", c->catalog, n, summary);
}

char *cp_read_catalog(vt_console *c, size_t *len, console_resp *rs)
{
    char err[512], etag[CP_ETAG];
    char *text = read_disk(c, len, err, sizeof err);
    if (!text) {
        if (rs) console_resp_error(rs, 503, _("cannot read the catalog: %s"), err);
        return NULL;
    }
    cp_etag('c', text, *len, etag, sizeof etag);
    if (strcmp(etag, c->prod->etag)) note_disk_version(c, text, *len, etag, 0);
    return text;
}

vt_result console_products_open(vt_console *c, char *err, size_t errlen)
{
    if (sodium_init() < 0) {
        snprintf(err, errlen, _("console: libsodium cannot start"));
        return VT_ERR_IO;
    }
    if (!(c->prod = calloc(1, sizeof *c->prod))) {
        snprintf(err, errlen, _("console: out of memory"));
        return VT_ERR_NO_MEMORY;
    }
    vt_result r = cp_versions_open(c, err, errlen);
    if (r != VT_OK) return r;
    size_t len;
    char *text = read_disk(c, &len, err, errlen);
    if (!text) return VT_ERR_IO;
    struct console_products *p = c->prod;
    char etag[CP_ETAG];
    cp_etag('c', text, len, etag, sizeof etag);
    if (p->nv && !strcmp(p->v[p->nv - 1].etag, etag)) {
        p->current = p->v[p->nv - 1].n;
        snprintf(p->etag, sizeof p->etag, "%s", etag);
    } else note_disk_version(c, text, len, etag, 1);
    free(text);
    return VT_OK;
}

void console_products_close(vt_console *c)
{
    if (!c->prod) return;
    cp_versions_close(c);
    free(c->prod);
    c->prod = NULL;
}

void console_catalog_version(vt_console *c, int *number, char *etag, size_t len)
{
    pthread_mutex_lock(&c->edit_lock);
    size_t n;
    free(cp_read_catalog(c, &n, NULL));
    *number = c->prod->current;
    snprintf(etag, len, "%s", c->prod->etag);
    pthread_mutex_unlock(&c->edit_lock);
}

/* cJSON_Print's tabs as two spaces of indent, one space after a key's colon (strings hold no raw
 * tab: cJSON escapes them), and a final newline: the file stays pleasant to edit by hand. */
static char *print_catalog(const cJSON *root, size_t *len)
{
    char *t = cJSON_Print(root);
    if (!t) return NULL;
    size_t tabs = 0, n = strlen(t);
    for (size_t i = 0; i < n; i++) tabs += t[i] == '\t';
    char *out = malloc(n + tabs + 2);
    size_t o = 0;
    for (size_t i = 0; out && i < n; i++) {
        if (t[i] == '\t' && i && t[i - 1] == ':') out[o++] = ' ';
        else if (t[i] == '\t') { out[o++] = ' '; out[o++] = ' '; }
        else out[o++] = t[i];
    }
    if (out) { out[o++] = '\n'; out[o] = 0; *len = o; }
    free(t);
    return out;
}

/* The 422 for a catalog that would not load: its errors, each "catalog.json:12:5: error: ...". */
static void invalid(vt_console *c, const vt_catalog_report *rep, console_resp *rs)
{
    cJSON *j = cJSON_CreateObject(), *list;
    cJSON_AddStringToObject(j, "error", _("the change would make the catalog invalid; nothing was saved"));
    list = cJSON_AddArrayToObject(j, "problems");
    const char *base = strrchr(c->catalog, '/');
    for (int i = 0; list && i < rep->count; i++) {
        if (!rep->items[i].is_error) continue;
        char line[1024];
        vt_catalog_problem_format(base ? base + 1 : c->catalog, &rep->items[i], line, sizeof line);
        cJSON_AddItemToArray(list, cJSON_CreateString(line));
    }
    console_resp_json(rs, 422, j);
}

int cp_commit(vt_console *c, cJSON *root, const char *summary, vt_catalog **cat_out, console_resp *rs)
{
    size_t len = 0;
    char *text = print_catalog(root, &len), err[512], etag[CP_ETAG];
    if (!text) {
        console_resp_error(rs, 503, _("out of memory"));
        return 0;
    }
    vt_catalog_report rep = { 0 };
    vt_catalog *cat = NULL;
    if (vt_catalog_parse_text(text, len, c->catalog, &rep, 0, &cat) != VT_OK) {
        invalid(c, &rep, rs);
        vt_catalog_report_free(&rep);
        free(text);
        return 0;
    }
    vt_catalog_report_free(&rep);
    if (vt_write_file_atomic(c->catalog, text, len, err, sizeof err) != VT_OK) {
        console_resp_error(rs, 500, _("cannot write the catalog: %s"), err);
        vt_catalog_destroy(cat);
        free(text);
        return 0;
    }
    cp_etag('c', text, len, etag, sizeof etag);
    int n = cp_version_save(c, text, len, etag, summary, err, sizeof err);
    if (n < 0) {
        VT_WARN("console", "%s: written, but not saved as a version: %s", c->catalog, err);
        snprintf(c->prod->etag, sizeof c->prod->etag, "%s", etag);
    } else VT_NOTE("console", "%s: saved version %d: %s", c->catalog, n, summary);
    free(text);
    if (cat_out) *cat_out = cat;
    else vt_catalog_destroy(cat);
    return 1;
}

/* ---- what the API shows ---- */
static const vt_product *find_parsed(const vt_catalog *cat, const char *id)
{
    for (int i = 0; cat && id && i < cat->count; i++)
        if (cat->products[i].id && !strcmp(cat->products[i].id, id)) return &cat->products[i];
    return NULL;
}

/* P: the product's fields as in the file, with its etag, price_text, price_now, promotion_now. */
static cJSON *product_view(const cJSON *prod, const vt_catalog *cat, int64_t now)
{
    cJSON *j = cJSON_Duplicate(prod, 1);
    if (!j) return NULL;
    char etag[CP_ETAG], text[VT_PRICE_FORMAT_LEN];
    cp_product_etag(prod, etag, sizeof etag);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(prod, "id"), *price = cJSON_GetObjectItemCaseSensitive(prod, "price");
    const vt_product *p = find_parsed(cat, cJSON_IsString(id) ? id->valuestring : NULL);
    double was = -1, now_price = p ? vt_product_price_at(p, now, &was) : cJSON_IsNumber(price) ? price->valuedouble : 0;
    cJSON_AddStringToObject(j, "etag", etag);
    vt_format_price(now_price, cat ? cat->locale : "en_US", cat ? cat->currency : "EUR", text, sizeof text);
    cJSON_AddStringToObject(j, "price_text", text);
    cJSON_AddNumberToObject(j, "price_now", now_price);
    cJSON_AddBoolToObject(j, "promotion_now", was >= 0);
    return j;
}

static cJSON *store_view(const vt_catalog *cat)
{
    cJSON *j = cJSON_CreateObject(), *langs;
    char zone[128];
    if (cat && cat->time_zone) snprintf(zone, sizeof zone, "%s", cat->time_zone);
    else vt_i18n_default_zone(zone, sizeof zone);
    cJSON_AddStringToObject(j, "name", cat && cat->store_name ? cat->store_name : "Vitrine");
    cJSON_AddStringToObject(j, "locale", cat && cat->locale ? cat->locale : "en_US");
    cJSON_AddStringToObject(j, "currency", cat && cat->currency ? cat->currency : "EUR");
    cJSON_AddStringToObject(j, "timezone", zone);
    int have = cat && cat->languages && cat->store_language >= 0 && cat->store_language < cat->nlanguages;
    cJSON_AddStringToObject(j, "language", have ? cat->languages[cat->store_language] : "en");
    langs = cJSON_AddArrayToObject(j, "languages");
    for (int i = 0; langs && cat && i < cat->nlanguages; i++) cJSON_AddItemToArray(langs, cJSON_CreateString(cat->languages[i]));
    return j;
}

cJSON *cp_open_catalog(vt_console *c, vt_catalog **cat, char *error, size_t elen, console_resp *rs)
{
    size_t len;
    *cat = NULL;
    if (error) error[0] = 0;
    char *text = cp_read_catalog(c, &len, rs);
    if (!text) return NULL;
    cJSON *root = cJSON_ParseWithLength(text, len);
    vt_catalog_report rep = { 0 };
    vt_result r = vt_catalog_parse_text(text, len, c->catalog, &rep, 1, cat);
    for (int i = 0; error && r != VT_OK && i < rep.count; i++)
        if (rep.items[i].is_error) { vt_catalog_problem_format(c->catalog, &rep.items[i], error, elen); break; }
    vt_catalog_report_free(&rep);
    free(text);
    if (!cJSON_IsObject(root)) {
        console_resp_error(rs, 503, _("the catalog on disk is not a JSON object: %s"), error && error[0] ? error : c->catalog);
        cJSON_Delete(root);
        vt_catalog_destroy(*cat);
        *cat = NULL;
        return NULL;
    }
    return root;
}

void console_api_store(vt_console *c, console_req *rq, console_resp *rs)
{
    (void)rq;
    pthread_mutex_lock(&c->edit_lock);
    vt_catalog *cat;
    cJSON *root = cp_open_catalog(c, &cat, NULL, 0, rs);
    pthread_mutex_unlock(&c->edit_lock);
    if (!root) return;
    cJSON *view = store_view(cat);
    cJSON_AddBoolToObject(view, "network", console_network_on(c));   /* the Network page is shown */
    console_resp_json(rs, 200, view);
    cJSON_Delete(root);
    vt_catalog_destroy(cat);
}

void console_api_products(vt_console *c, console_req *rq, console_resp *rs)
{
    (void)rq;
    char error[1024];
    pthread_mutex_lock(&c->edit_lock);
    vt_catalog *cat;
    cJSON *root = cp_open_catalog(c, &cat, error, sizeof error, rs);
    char etag[CP_ETAG];
    snprintf(etag, sizeof etag, "%s", c->prod->etag);
    int version = c->prod->current;
    pthread_mutex_unlock(&c->edit_lock);
    if (!root) return;
    cJSON *j = cJSON_CreateObject(), *list;
    cJSON_AddStringToObject(j, "etag", etag);
    cJSON_AddNumberToObject(j, "version", version);
    cJSON_AddItemToObject(j, "store", store_view(cat));
    if (error[0]) cJSON_AddStringToObject(j, "error", error);
    list = cJSON_AddArrayToObject(j, "products");
    int64_t now = vt_wall_ms();
    const cJSON *p, *products = cJSON_GetObjectItemCaseSensitive(root, "products");
    if (!cJSON_IsArray(products)) products = NULL;
    cJSON_ArrayForEach(p, products)
        if (cJSON_IsObject(p) && list) cJSON_AddItemToArray(list, product_view(p, cat, now));
    console_resp_json(rs, 200, j);
    console_resp_header(rs, "ETag", etag);
    cJSON_Delete(root);
    vt_catalog_destroy(cat);
}

void cp_answer_product(console_resp *rs, int st, const cJSON *prod, const vt_catalog *cat)
{
    cJSON *j = product_view(prod, cat, vt_wall_ms());
    const cJSON *etag = cJSON_GetObjectItemCaseSensitive(j, "etag");
    char tag[CP_ETAG];
    snprintf(tag, sizeof tag, "%s", cJSON_IsString(etag) ? etag->valuestring : "");
    console_resp_json(rs, st, j);
    if (tag[0]) console_resp_header(rs, "ETag", tag);
}

void cp_not_found(const char *id, const vt_catalog *cat, console_resp *rs)
{
    char near[512] = "";
    if (cat && vt_catalog_near_ids(cat, id, near, sizeof near))
        console_resp_error(rs, 404, _("no product \"%.64s\" in the catalog (did you mean %s?)"), id, near);
    else console_resp_error(rs, 404, _("no product \"%.64s\" in the catalog"), id);
}

void console_api_product_get(vt_console *c, console_req *rq, console_resp *rs)
{
    pthread_mutex_lock(&c->edit_lock);
    vt_catalog *cat;
    cJSON *root = cp_open_catalog(c, &cat, NULL, 0, rs);
    pthread_mutex_unlock(&c->edit_lock);
    if (!root) return;
    const cJSON *prod = cp_find_product(root, rq->param, NULL);
    if (prod) cp_answer_product(rs, 200, prod, cat);
    else cp_not_found(rq->param ? rq->param : "", cat, rs);
    cJSON_Delete(root);
    vt_catalog_destroy(cat);
}
