/* console_fields.c — a product's fields as the console edits them: which may be changed and to
 * what type (the ranges are the catalog's checks, answered 422), the product's ETag, what changed
 * between two versions of a product, and the one-line summary a saved version carries. */
#include "console_products.h"

#include "catalog/vt_catalog.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { F_STRING, F_NUMBER, F_INT, F_BOOL, F_VEC3, F_OBJECT, F_TRANSLATIONS } field_type;

typedef struct field { const char *key; field_type type; int required; } field;

/* Every product key the catalog knows (src/catalog/vt_catalog.c, k_product_keys) but "id". */
static const field k_fields[] = {
    { "marker", F_INT, 1 }, { "name", F_STRING, 0 }, { "brand", F_STRING, 0 }, { "category", F_STRING, 0 },
    { "price", F_NUMBER, 1 }, { "promo_price", F_NUMBER, 0 }, { "promotion", F_OBJECT, 0 },
    { "description", F_STRING, 0 }, { "dimensions_mm", F_VEC3, 0 }, { "model", F_STRING, 0 },
    { "scale", F_NUMBER, 0 }, { "offset_mm", F_VEC3, 0 }, { "rotation_deg", F_VEC3, 0 }, { "url", F_STRING, 0 },
    { "length_mm", F_NUMBER, 0 }, { "turntable", F_BOOL, 0 }, { "active", F_BOOL, 0 },
    { "translations", F_TRANSLATIONS, 0 },
    { "variant", F_STRING, 0 }, { "animation", F_STRING, 0 },
};
#define NFIELDS ((int)(sizeof k_fields / sizeof k_fields[0]))

static const char *const k_text_keys[] = { "name", "brand", "category", "description", "url", NULL };

static const char *type_words(field_type t)
{
    switch (t) {
    case F_STRING: return _("a string");
    case F_NUMBER: return _("a number");
    case F_INT: return _("a whole number");
    case F_BOOL: return _("true or false");
    case F_VEC3: return _("an array of 3 numbers");
    case F_OBJECT: return _("an object");
    case F_TRANSLATIONS: return _("an object of languages, e.g. {\"en\": {\"name\": \"...\"}}");
    }
    return "";
}

static int type_ok(const cJSON *v, field_type t)
{
    switch (t) {
    case F_STRING: return cJSON_IsString(v);
    case F_NUMBER: return cJSON_IsNumber(v) && isfinite(v->valuedouble);
    case F_INT: return cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble == floor(v->valuedouble);
    case F_BOOL: return cJSON_IsBool(v);
    case F_OBJECT: case F_TRANSLATIONS: return cJSON_IsObject(v);
    case F_VEC3:
        if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 3) return 0;
        for (const cJSON *e = v->child; e; e = e->next)
            if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble)) return 0;
        return 1;
    }
    return 0;
}

static void set_key(cJSON *o, const char *key, const cJSON *v)
{
    cJSON *copy = cJSON_Duplicate(v, 1);
    if (!copy) return;
    if (cJSON_GetObjectItemCaseSensitive(o, key)) cJSON_ReplaceItemInObjectCaseSensitive(o, key, copy);
    else cJSON_AddItemToObject(o, key, copy);
}

/* "translations": each language given merged into the product's (a text set to null removed),
 * a language set to null removed. */
static int merge_translations(cJSON *product, const cJSON *patch, console_resp *rs)
{
    const cJSON *lang;
    cJSON_ArrayForEach(lang, patch) {
        if (!cJSON_IsNull(lang) && !cJSON_IsObject(lang)) {
            console_resp_error(rs, 400, _("translations.%.40s must be an object of texts or null"), lang->string);
            return 0;
        }
        for (const cJSON *t = cJSON_IsObject(lang) ? lang->child : NULL; t; t = t->next) {
            int known = 0;
            for (int i = 0; k_text_keys[i]; i++) known |= !strcmp(k_text_keys[i], t->string);
            const char *near = known ? NULL : vt_nearest_word(t->string, k_text_keys);
            if (!known && near) console_resp_error(rs, 400, _("translations.%.40s: unknown text \"%.40s\"; did you mean \"%s\"?"), lang->string, t->string, near);
            else if (!known) console_resp_error(rs, 400, _("translations.%.40s: unknown text \"%.40s\" (name, brand, category, description, url)"), lang->string, t->string);
            else if (!cJSON_IsString(t) && !cJSON_IsNull(t)) console_resp_error(rs, 400, _("translations.%.40s.%s must be a string or null"), lang->string, t->string);
            else continue;
            return 0;
        }
    }
    cJSON *tr = cJSON_GetObjectItemCaseSensitive(product, "translations");
    if (!cJSON_IsObject(tr)) {
        cJSON_DeleteItemFromObjectCaseSensitive(product, "translations");
        tr = cJSON_AddObjectToObject(product, "translations");
    }
    cJSON_ArrayForEach(lang, patch) {
        if (cJSON_IsNull(lang)) { cJSON_DeleteItemFromObjectCaseSensitive(tr, lang->string); continue; }
        cJSON *mine = cJSON_GetObjectItemCaseSensitive(tr, lang->string);
        if (!cJSON_IsObject(mine)) {
            cJSON_DeleteItemFromObjectCaseSensitive(tr, lang->string);
            mine = cJSON_AddObjectToObject(tr, lang->string);
        }
        for (const cJSON *t = lang->child; mine && t; t = t->next) {
            if (cJSON_IsNull(t)) cJSON_DeleteItemFromObjectCaseSensitive(mine, t->string);
            else set_key(mine, t->string, t);
        }
        if (mine && !mine->child) cJSON_DeleteItemFromObjectCaseSensitive(tr, lang->string);
    }
    if (tr && !tr->child) cJSON_DeleteItemFromObjectCaseSensitive(product, "translations");
    return 1;
}

static const field *find_field(const char *key)
{
    for (int i = 0; i < NFIELDS; i++)
        if (!strcmp(k_fields[i].key, key)) return &k_fields[i];
    return NULL;
}

/* The 400 for a key no product has, with the nearest one. */
static void unknown_field(const char *key, console_resp *rs)
{
    const char *words[NFIELDS + 2];
    for (int i = 0; i < NFIELDS; i++) words[i] = k_fields[i].key;
    words[NFIELDS] = "id";
    words[NFIELDS + 1] = NULL;
    const char *near = vt_nearest_word(key, words);
    if (near) console_resp_error(rs, 400, _("unknown product field \"%.60s\"; did you mean \"%s\"?"), key, near);
    else console_resp_error(rs, 400, _("unknown product field \"%.60s\""), key);
}

int cp_apply_fields(cJSON *product, const cJSON *patch, int is_new, console_resp *rs)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, patch) {   /* every field checked before any is applied */
        const field *f = find_field(v->string);
        if (!strcmp(v->string, "id")) {
            if (is_new) continue;
            console_resp_error(rs, 400, _("a product's id cannot be changed (add a product with the new id, then delete this one)"));
            return 0;
        }
        if (!f) { unknown_field(v->string, rs); return 0; }
        if (cJSON_IsNull(v) && f->required) {
            console_resp_error(rs, 400, _("%s cannot be removed: every product has one"), f->key);
            return 0;
        }
        if (!cJSON_IsNull(v) && !type_ok(v, f->type)) {
            console_resp_error(rs, 400, _("%s must be %s"), f->key, type_words(f->type));
            return 0;
        }
    }
    cJSON_ArrayForEach(v, patch) {
        const field *f = find_field(v->string);
        if (!f) continue;
        if (cJSON_IsNull(v)) cJSON_DeleteItemFromObjectCaseSensitive(product, f->key);
        else if (f->type == F_TRANSLATIONS) {
            if (!merge_translations(product, v, rs)) return 0;
        } else set_key(product, f->key, v);
    }
    return 1;
}

/* A copy of v with every object's keys sorted (recursively). */
static cJSON *sorted(const cJSON *v)
{
    cJSON *d = cJSON_Duplicate(v, 1);
    for (cJSON *s = d ? d->child : NULL; s; s = s->next) {
        cJSON *k = sorted(s);
        if (k) { cJSON_ReplaceItemViaPointer(d, s, k); s = k; }
    }
    if (!cJSON_IsObject(d)) return d;
    /* insertion sort of the linked list by key (objects here hold a few dozen keys) */
    cJSON *head = NULL;
    for (cJSON *s = d->child, *next; s; s = next) {
        next = s->next;
        s->prev = s->next = NULL;
        cJSON **at = &head;
        while (*at && strcmp((*at)->string, s->string) <= 0) at = &(*at)->next;
        s->next = *at;
        *at = s;
    }
    cJSON *prev = NULL;
    for (cJSON *s = head; s; s = s->next) { s->prev = prev; prev = s; }
    if (head) head->prev = prev;   /* cJSON keeps the last in the first's prev */
    d->child = head;
    return d;
}

void cp_product_etag(const cJSON *product, char *out, size_t len)
{
    cJSON *s = sorted(product);
    char *text = s ? cJSON_PrintUnformatted(s) : NULL;
    cJSON_Delete(s);
    cp_etag('p', text ? text : "", text ? strlen(text) : 0, out, len);
    free(text);
}

cJSON *cp_find_product(const cJSON *root, const char *id, int *index)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "products");
    int i = 0;
    for (cJSON *p = cJSON_IsArray(list) ? list->child : NULL; p; p = p->next, i++) {
        const cJSON *pid = cJSON_GetObjectItemCaseSensitive(p, "id");
        if (cJSON_IsString(pid) && id && !strcmp(pid->valuestring, id)) {
            if (index) *index = i;
            return p;
        }
    }
    return NULL;
}

static int same(const cJSON *a, const cJSON *b) { return (!a && !b) || (a && b && cJSON_Compare(a, b, 1)); }

static void add_change(cJSON *list, const char *key, const cJSON *a, const cJSON *b)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "field", key);
    cJSON_AddItemToObject(e, "was", a ? cJSON_Duplicate(a, 1) : cJSON_CreateNull());
    cJSON_AddItemToObject(e, "now", b ? cJSON_Duplicate(b, 1) : cJSON_CreateNull());
    cJSON_AddItemToArray(list, e);
}

cJSON *cp_changed(const cJSON *a, const cJSON *b)
{
    cJSON *list = cJSON_CreateArray();
    const cJSON *v;
    cJSON_ArrayForEach(v, a) {
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(b, v->string);
        if (!same(v, w)) add_change(list, v->string, v, w);
    }
    cJSON_ArrayForEach(v, b)
        if (!cJSON_GetObjectItemCaseSensitive(a, v->string)) add_change(list, v->string, NULL, v);
    return list;
}

/* A promotion's time as it reads ("2026-12-24 08:00"), "…" when open. */
static void when_words(const cJSON *t, char *out, size_t len)
{
    snprintf(out, len, "%.19s", cJSON_IsString(t) ? t->valuestring : "…");
    char *T = strchr(out, 'T');
    if (T) *T = ' ';
}

/* A value in a summary: numbers and strings as they read, a promotion as "9.9 (start – end)",
 * others as compact JSON, cut short. */
static void value_words(const cJSON *v, char *out, size_t len)
{
    const cJSON *price = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, "price") : NULL;
    if (!v) snprintf(out, len, "%s", _("(none)"));
    else if (cJSON_IsNumber(price)) {
        char from[24], to[24];
        when_words(cJSON_GetObjectItemCaseSensitive(v, "start"), from, sizeof from);
        when_words(cJSON_GetObjectItemCaseSensitive(v, "end"), to, sizeof to);
        snprintf(out, len, "%.15g (%s – %s)", price->valuedouble, from, to);
    }
    else if (cJSON_IsNumber(v)) snprintf(out, len, "%.15g", v->valuedouble);
    else if (cJSON_IsString(v)) snprintf(out, len, "\"%.40s%s\"", v->valuestring, strlen(v->valuestring) > 40 ? "…" : "");
    else {
        char *s = cJSON_PrintUnformatted(v);
        snprintf(out, len, "%.48s%s", s ? s : "?", s && strlen(s) > 48 ? "…" : "");
        free(s);
    }
}

static const char *product_name(const cJSON *p)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(p, "name"), *id = cJSON_GetObjectItemCaseSensitive(p, "id");
    return cJSON_IsString(n) ? n->valuestring : cJSON_IsString(id) ? id->valuestring : "?";
}

/* "Runner X: price 89.99 -> 79.99, brand ..." for one product that changed. */
static void product_summary(const cJSON *a, const cJSON *b, char *out, size_t len)
{
    cJSON *ch = cp_changed(a, b);
    size_t o = (size_t)snprintf(out, len, "%.60s:", product_name(b));
    int k = 0;
    for (const cJSON *e = ch ? ch->child : NULL; e && o < len; e = e->next, k++) {
        char was[80], now[80];
        value_words(cJSON_IsNull(cJSON_GetObjectItem(e, "was")) ? NULL : cJSON_GetObjectItem(e, "was"), was, sizeof was);
        value_words(cJSON_IsNull(cJSON_GetObjectItem(e, "now")) ? NULL : cJSON_GetObjectItem(e, "now"), now, sizeof now);
        o += (size_t)snprintf(out + o, len - o, "%s %s %s -> %s", k ? "," : "", cJSON_GetObjectItem(e, "field")->valuestring,
                              was, now);
    }
    cJSON_Delete(ch);
}

void cp_summary(const cJSON *old_root, const cJSON *new_root, char *out, size_t len)
{
    const cJSON *ol = cJSON_GetObjectItemCaseSensitive(old_root, "products");
    const cJSON *nl = cJSON_GetObjectItemCaseSensitive(new_root, "products");
    int added = 0, removed = 0, changed = 0;
    const cJSON *last_a = NULL, *last_b = NULL, *p, *q = cJSON_IsArray(ol) ? ol->child : NULL;
    /* Walked side by side: an edit keeps the order, so the search is rarely needed. */
    cJSON_ArrayForEach(p, nl) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(p, "id");
        const cJSON *o = q && cJSON_IsString(id) && same(id, cJSON_GetObjectItemCaseSensitive(q, "id")) ? q
                         : cJSON_IsString(id) ? cp_find_product(old_root, id->valuestring, NULL) : NULL;
        if (q) q = q->next;
        if (!o) { added++; last_b = p; }
        else if (!cJSON_Compare(p, o, 1)) { changed++; last_a = o; last_b = p; }
    }
    q = cJSON_IsArray(nl) ? nl->child : NULL;
    cJSON_ArrayForEach(p, ol) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(p, "id");
        int kept = q && cJSON_IsString(id) && same(id, cJSON_GetObjectItemCaseSensitive(q, "id"));
        if (q) q = q->next;
        if (!kept && (!cJSON_IsString(id) || !cp_find_product(new_root, id->valuestring, NULL))) { removed++; last_a = p; }
    }
    int others = 0;   /* the store, the markers: any key but the products */
    cJSON_ArrayForEach(p, new_root)
        if (strcmp(p->string, "products") && !same(p, cJSON_GetObjectItemCaseSensitive(old_root, p->string))) others++;
    cJSON_ArrayForEach(p, old_root)
        if (strcmp(p->string, "products") && !cJSON_GetObjectItemCaseSensitive(new_root, p->string)) others++;
    int total = added + removed + changed;
    if (total == 1 && changed) product_summary(last_a, last_b, out, len);
    else if (total == 1 && added) snprintf(out, len, _("added %.60s"), product_name(last_b));
    else if (total == 1) snprintf(out, len, _("removed %.60s"), product_name(last_a));
    else if (total) snprintf(out, len, _("%d products added, %d changed, %d removed"), added, changed, removed);
    else if (others) snprintf(out, len, "%s", _("store or marker settings changed"));
    else if (!cJSON_Compare(old_root, new_root, 1)) snprintf(out, len, "%s", _("the products' order changed"));
    else snprintf(out, len, "%s", _("no change in content (layout only)"));
    if (total && others) {
        size_t o = strlen(out);
        snprintf(out + o, len - o, "%s", _("; store or marker settings changed"));
    }
}
