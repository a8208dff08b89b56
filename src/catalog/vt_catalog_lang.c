/* vt_catalog_lang.c — a product's texts in other languages ("translations") and the languages a
 * visitor may pick ("store.languages"), checked with the place of every problem; language tags
 * are ICU's to judge (src/i18n). */
#include "catalog_lang.h"
#include "i18n/vt_i18n.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PATH_LEN 192
#define TAG_LEN 64

/* The texts a translation may hold: a product's visitor texts. */
static const char *const k_text_keys[] = { "name", "brand", "category", "description", "url", NULL };

/* A problem at json_path ("...#": its key); returns is_error, to count errors. */
static int lang_problem(vt_catalog *c, vt_catalog_report *rep, int is_error, const char *json_path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int lang_problem(vt_catalog *c, vt_catalog_report *rep, int is_error, const char *json_path, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, vt_tr(fmt), ap);   /* in the staff's language (xgettext's keyword lang_problem:5) */
    va_end(ap);
    int line, col;
    if (!vt_catalog_position(c, json_path, &line, &col) && json_path[0]) {
        /* A key's place when its value's is not known, and the other way round. */
        char alt[PATH_LEN];
        size_t n = strlen(json_path);
        snprintf(alt, sizeof alt, "%.*s%s", (int)(json_path[n - 1] == '#' ? n - 1 : n), json_path, json_path[n - 1] == '#' ? "" : "#");
        vt_catalog_position(c, alt, &line, &col);
    }
    vt_catalog_report_add(rep, is_error, line, col, "%s", msg);
    return is_error;
}

/* a, sep, b into out (a JSON path); a key too long for it is cut and then found nowhere, which
 * only costs its message the place. */
static void join(char *out, size_t len, const char *a, const char *sep, const char *b)
{
    if (snprintf(out, len, "%s%s%s", a, sep, b) >= (int)len) out[len - 1] = 0;
}

static char **text_slot(vt_product_lang *L, int k)
{
    char **f[] = { &L->name, &L->brand, &L->category, &L->description, &L->url };
    return f[k];
}

/* One translation's texts (object o at JSON path lp) into L; returns the errors. */
static int read_texts(vt_catalog *c, vt_catalog_report *rep, const cJSON *o, const char *lp, vt_product_lang *L)
{
    int errors = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, o) {
        char vp[PATH_LEN], kp[PATH_LEN];
        join(vp, sizeof vp, lp, ".", it->string);
        join(kp, sizeof kp, vp, "#", "");
        int k = 0;
        while (k_text_keys[k] && strcmp(k_text_keys[k], it->string)) k++;
        if (!k_text_keys[k]) {
            const char *near = vt_nearest_word(it->string, k_text_keys);
            if (near)
                errors += lang_problem(c, rep, 1, kp, "unknown key \"%.60s\" in %s: did you mean \"%s\"? A translation holds "
                                  "name, brand, category, description and url", it->string, lp, near);
            else
                errors += lang_problem(c, rep, 1, kp, "unknown key \"%.60s\" in %s: a translation holds name, brand, category, "
                                  "description and url", it->string, lp);
        } else if (!cJSON_IsString(it)) {
            errors += lang_problem(c, rep, 1, vp, "%s must be a string", vp);
        } else if (!it->valuestring[0]) {
            errors += lang_problem(c, rep, 1, vp, "%s is empty (leave it out to show the store's text)", vp);
        } else {
            char **slot = text_slot(L, k);
            free(*slot);
            *slot = strdup(it->valuestring);
            if (k == 4 && strncmp(it->valuestring, "https://", 8) && strncmp(it->valuestring, "http://", 7))
                lang_problem(c, rep, 0, vp, "%s does not start with https:// (visitors' phones may not open it)", vp);
        }
    }
    return errors;
}

/* tag (at key path kp) checked and made canonical into out; returns 0 after reporting a bad one. */
static int good_tag(vt_catalog *c, vt_catalog_report *rep, const char *tag, const char *kp, const char *where, char out[TAG_LEN])
{
    char why[192];
    if (vt_i18n_check_language(tag, why, sizeof why) == VT_OK && vt_i18n_language_tag(tag, out, TAG_LEN) == VT_OK) return 1;
    if (!why[0]) snprintf(why, sizeof why, _("\"%.40s\" is not a language tag"), tag);
    lang_problem(c, rep, 1, kp, "%s: %s", where, why);
    return 0;
}

int cat_read_translations(vt_catalog *c, vt_catalog_report *rep, const cJSON *product, const char *pp, vt_product *pr)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(product, "translations"), *it;
    if (!t) return 0;
    char tp[PATH_LEN];
    snprintf(tp, sizeof tp, "%s.translations", pp);
    if (!cJSON_IsObject(t))
        return lang_problem(c, rep, 1, tp, "%s must be an object of languages, e.g. {\"en\": {\"name\": \"...\"}}", tp);
    int n = cJSON_GetArraySize(t), errors = 0;
    pr->translations = calloc(n ? (size_t)n : 1, sizeof *pr->translations);
    if (!pr->translations) return lang_problem(c, rep, 1, tp, "out of memory");
    cJSON_ArrayForEach(it, t) {
        char lp[PATH_LEN], kp[PATH_LEN], tag[TAG_LEN];
        join(lp, sizeof lp, tp, ".", it->string);
        join(kp, sizeof kp, lp, "#", "");
        if (!good_tag(c, rep, it->string, kp, tp, tag)) { errors++; continue; }
        int dup = -1;
        for (int i = 0; i < pr->ntranslations; i++)
            if (!strcmp(pr->translations[i].lang, tag)) dup = i;
        if (dup >= 0) {
            errors += lang_problem(c, rep, 1, kp, "%s: \"%.40s\" is the same language as \"%s\" given before", tp, it->string, tag);
            continue;
        }
        if (!cJSON_IsObject(it)) {
            errors += lang_problem(c, rep, 1, lp, "%s must be an object of texts, e.g. {\"name\": \"...\", \"description\": \"...\"}", lp);
            continue;
        }
        vt_product_lang *L = &pr->translations[pr->ntranslations++];
        if (!(L->lang = strdup(tag))) { pr->ntranslations--; return errors + lang_problem(c, rep, 1, tp, "out of memory"); }
        errors += read_texts(c, rep, it, lp, L);
    }
    return errors;
}

/* Index of tag in c->languages, or -1. */
static int find_language(const vt_catalog *c, const char *tag)
{
    for (int i = 0; i < c->nlanguages; i++)
        if (!strcmp(c->languages[i], tag)) return i;
    return -1;
}

/* Appends tag (when new) at position at (-1: the end); returns 0 when out of memory. */
static int add_language(vt_catalog *c, const char *tag, int at)
{
    if (find_language(c, tag) >= 0) return 1;
    char **n = realloc(c->languages, (size_t)(c->nlanguages + 1) * sizeof *n), *s = strdup(tag);
    if (n) c->languages = n;
    if (!n || !s) { free(s); return 0; }
    if (at < 0 || at > c->nlanguages) at = c->nlanguages;
    memmove(&c->languages[at + 1], &c->languages[at], (size_t)(c->nlanguages - at) * sizeof *n);
    c->languages[at] = s;
    c->nlanguages++;
    return 1;
}

/* "store.languages": the languages as listed; returns the errors. */
static int read_listed(vt_catalog *c, vt_catalog_report *rep, const cJSON *list)
{
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
        return lang_problem(c, rep, 1, "store.languages", "store.languages must be a list of language tags, e.g. [\"fr\", \"en\", \"ja\"]");
    int errors = 0, i = -1;
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        char vp[PATH_LEN], tag[TAG_LEN];
        snprintf(vp, sizeof vp, "store.languages[%d]", ++i);
        if (!cJSON_IsString(e)) { errors += lang_problem(c, rep, 1, vp, "%s must be a language tag (a string such as \"en\")", vp); continue; }
        if (!good_tag(c, rep, e->valuestring, vp, vp, tag)) { errors++; continue; }
        if (find_language(c, tag) >= 0) errors += lang_problem(c, rep, 1, vp, "%s: \"%s\" is listed twice", vp, tag);
        else if (c->nlanguages >= VT_CATALOG_MAX_LANGUAGES)
            errors += lang_problem(c, rep, 1, vp, "store.languages: more than %d languages", VT_CATALOG_MAX_LANGUAGES);
        else if (!add_language(c, tag, -1)) errors += lang_problem(c, rep, 1, vp, "out of memory");
    }
    return errors;
}

/* Whether product p has a translation for tag (or for tag's language). */
static int has_translation(const vt_product *p, const char *tag)
{
    size_t n = strcspn(tag, "-");
    for (int i = 0; i < p->ntranslations; i++) {
        const char *l = p->translations[i].lang;
        if (!strcmp(l, tag) || (strlen(l) == n && !strncmp(l, tag, n))) return 1;
    }
    return 0;
}

/* With store.languages: what a product lacks, or translates to beyond it, as warnings. */
static void warn_coverage(vt_catalog *c, vt_catalog_report *rep)
{
    const char *store = c->languages[c->store_language];
    for (int k = 0; k < c->count; k++) {
        const vt_product *p = &c->products[k];
        char pp[PATH_LEN];
        snprintf(pp, sizeof pp, "products[%d]%s", k, p->ntranslations ? ".translations" : "");
        for (int i = 0; i < c->nlanguages; i++)
            if (i != c->store_language && !has_translation(p, c->languages[i]))
                lang_problem(c, rep, 0, pp, "products[%d] (%.40s) has no \"%s\" translation, which store.languages offers: "
                        "its texts show in \"%s\"", k, p->id ? p->id : "?", c->languages[i], store);
        for (int i = 0; i < p->ntranslations; i++)
            if (find_language(c, p->translations[i].lang) < 0)
                lang_problem(c, rep, 0, pp, "products[%d] (%.40s): \"%s\" is not in store.languages: visitors cannot pick it",
                        k, p->id ? p->id : "?", p->translations[i].lang);
    }
}

int cat_read_languages(vt_catalog *c, vt_catalog_report *rep, const cJSON *store)
{
    char lang[TAG_LEN], tag[TAG_LEN];
    vt_i18n_language(c->locale, lang, sizeof lang);
    if (vt_i18n_language_tag(lang, tag, sizeof tag) != VT_OK) snprintf(tag, sizeof tag, "%s", lang[0] ? lang : "en");
    const cJSON *list = store ? cJSON_GetObjectItemCaseSensitive(store, "languages") : NULL;
    int errors = list ? read_listed(c, rep, list) : 0, explicit = list && c->nlanguages > 0;
    /* The store's language: as listed ("fr-BE" for a fr_BE store's "fr"), else first. */
    c->store_language = find_language(c, tag);
    for (int i = 0; c->store_language < 0 && i < c->nlanguages; i++) {
        vt_i18n_language(c->languages[i], lang, sizeof lang);
        if (!strcmp(lang, tag)) c->store_language = i;
    }
    if (c->store_language < 0) {
        if (!add_language(c, tag, 0)) return errors + lang_problem(c, rep, 1, "store", "out of memory");
        c->store_language = 0;
    }
    if (explicit) { warn_coverage(c, rep); return errors; }
    for (int k = 0; k < c->count; k++)
        for (int i = 0; i < c->products[k].ntranslations; i++) {
            const char *t = c->products[k].translations[i].lang;
            if (find_language(c, t) >= 0) continue;
            if (c->nlanguages >= VT_CATALOG_MAX_LANGUAGES) {
                char pp[PATH_LEN];
                snprintf(pp, sizeof pp, "products[%d].translations.%s#", k, t);
                return errors + lang_problem(c, rep, 1, pp, "more than %d languages in the products' translations", VT_CATALOG_MAX_LANGUAGES);
            }
            if (!add_language(c, t, -1)) return errors + lang_problem(c, rep, 1, "store", "out of memory");
        }
    return errors;
}

const char *vt_product_text(const vt_product *p, const char *lang, vt_product_text_field field)
{
    if (!p || field < VT_TEXT_NAME || field > VT_TEXT_URL) return NULL;
    if (lang && *lang) {
        size_t n = strcspn(lang, "-_");
        /* The exact language first ("pt-BR"), then its language alone ("pt"), then any of it. */
        for (int pass = 0; pass < 3; pass++)
            for (int i = 0; i < p->ntranslations; i++) {
                vt_product_lang *L = &p->translations[i];
                size_t m = strcspn(L->lang, "-");
                int ok = pass == 0 ? !strcmp(L->lang, lang) : m == n && !strncmp(L->lang, lang, n) && (pass == 2 || !L->lang[m]);
                const char *s = ok ? *text_slot(L, (int)field) : NULL;
                if (s) return s;
            }
    }
    const char *base[] = { p->name, p->brand, p->category, p->description, p->url };
    return base[field];
}

void vt_catalog_language_locale(const vt_catalog *c, int i, char *out, size_t len)
{
    if (!len) return;
    out[0] = 0;
    if (!c) return;
    if (i < 0 || i >= c->nlanguages || i == c->store_language || vt_i18n_posix_locale(c->languages[i], out, len) != VT_OK)
        snprintf(out, len, "%s", c->locale ? c->locale : "");
}

void cat_free_translations(vt_product *p)
{
    for (int i = 0; i < p->ntranslations; i++) {
        vt_product_lang *L = &p->translations[i];
        free(L->lang); free(L->name); free(L->brand); free(L->category); free(L->description); free(L->url);
    }
    free(p->translations);
    p->translations = NULL;
    p->ntranslations = 0;
}

void cat_free_languages(vt_catalog *c)
{
    for (int i = 0; i < c->nlanguages; i++) free(c->languages[i]);
    free(c->languages);
    c->languages = NULL;
    c->nlanguages = 0;
}
