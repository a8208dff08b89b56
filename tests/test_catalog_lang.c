/* test_catalog_lang.c — per-product translations in the catalog: lookup and fallback to the
 * store's language, the languages a visitor is offered, the checks (with line and column) of
 * bad tags and keys, and the languages' names through ICU. */
#include "catalog/vt_catalog.h"
#include "i18n/vt_i18n.h"
#include "test_util.h"

#include <string.h>

static const char *k_good =
    "{\"version\": 1, \"store\": {\"name\": \"S\", \"locale\": \"fr_FR\", \"currency\": \"EUR\"},\n"
    " \"products\": [\n"
    "  {\"id\": \"mug\", \"marker\": 1, \"price\": 10, \"name\": \"Mug bleu\", \"brand\": \"Atelier\",\n"
    "   \"description\": \"Mug en grès.\",\n"
    "   \"translations\": {\"en\": {\"name\": \"Blue mug\", \"description\": \"Stoneware mug.\"},\n"
    "                      \"pt\": {\"name\": \"Caneca azul\"}, \"pt_BR\": {\"name\": \"Caneca azul (BR)\"}}},\n"
    "  {\"id\": \"lamp\", \"marker\": 2, \"price\": 20, \"name\": \"Lampe\",\n"
    "   \"translations\": {\"ja\": {\"name\": \"ランプ\"}}}]}\n";

static void test_lookup(void)
{
    vt_catalog_report rep;
    vt_catalog *c = t_parse_catalog(k_good, &rep);
    CHECKF(c && rep.errors == 0, "%d errors: %s", rep.errors, rep.count ? rep.items[0].msg : "");
    if (!c) return;
    const vt_product *mug = &c->products[0], *lamp = &c->products[1];
    CHECK(!strcmp(vt_product_text(mug, NULL, VT_TEXT_NAME), "Mug bleu"));
    CHECK(!strcmp(vt_product_text(mug, "en", VT_TEXT_NAME), "Blue mug"));
    CHECK(!strcmp(vt_product_text(mug, "en", VT_TEXT_DESCRIPTION), "Stoneware mug."));
    /* A text the translation leaves out, and a language with none: the store's. */
    CHECK(!strcmp(vt_product_text(mug, "en", VT_TEXT_BRAND), "Atelier"));
    CHECK(!strcmp(vt_product_text(mug, "de", VT_TEXT_NAME), "Mug bleu"));
    CHECK(!strcmp(vt_product_text(lamp, "en", VT_TEXT_NAME), "Lampe"));
    CHECK(vt_product_text(lamp, "en", VT_TEXT_DESCRIPTION) == NULL);
    /* "pt_BR" is read as pt-BR; pt-PT has none of its own, so "pt" serves it. */
    CHECK(!strcmp(vt_product_text(mug, "pt-BR", VT_TEXT_NAME), "Caneca azul (BR)"));
    CHECK(!strcmp(vt_product_text(mug, "pt-PT", VT_TEXT_NAME), "Caneca azul"));
    CHECK(!strcmp(vt_product_text(lamp, "ja", VT_TEXT_NAME), "ランプ"));
    /* Offered: the store's language, then each translated to, in the order first met. */
    CHECKF(c->nlanguages == 5, "%d languages", c->nlanguages);
    const char *want[] = { "fr", "en", "pt", "pt-BR", "ja" };
    for (int i = 0; i < 5 && i < c->nlanguages; i++) CHECKF(!strcmp(c->languages[i], want[i]), "%d: %s", i, c->languages[i]);
    CHECK(c->store_language == 0);
    char loc[64];
    vt_catalog_language_locale(c, 0, loc, sizeof loc);
    CHECK(!strcmp(loc, "fr_FR"));
    vt_catalog_language_locale(c, 4, loc, sizeof loc);
    CHECKF(!strcmp(loc, "ja_JP"), "%s", loc);
    vt_catalog_report_free(&rep);
    vt_catalog_destroy(c);
}

static void test_store_languages(void)
{
    const char *json =
        "{\"version\": 1, \"store\": {\"locale\": \"de_CH\", \"currency\": \"CHF\", \"languages\": [\"fr\", \"de\", \"it\"]},\n"
        " \"products\": [{\"id\": \"a\", \"marker\": 1, \"price\": 1, \"name\": \"Uhr\",\n"
        "   \"translations\": {\"fr\": {\"name\": \"Montre\"}, \"en\": {\"name\": \"Watch\"}}}]}\n";
    vt_catalog_report rep;
    vt_catalog *c = t_parse_catalog(json, &rep);
    CHECK(c && rep.errors == 0);
    if (!c) return;
    CHECK(c->nlanguages == 3 && c->store_language == 1);
    /* Offered but missing, and translated but not offered: warnings (it falls back, en is unused). */
    const vt_catalog_problem *p = t_find_problem(&rep, "has no \"it\" translation");
    CHECK(p && !p->is_error && p->line == 3);
    p = t_find_problem(&rep, "\"en\" is not in store.languages");
    CHECK(p && !p->is_error);
    char loc[64];
    vt_catalog_language_locale(c, 1, loc, sizeof loc);
    CHECKF(!strcmp(loc, "de_CH"), "the store's own locale for its language: %s", loc);
    vt_catalog_report_free(&rep);
    vt_catalog_destroy(c);
}

static void test_errors(void)
{
    const char *json =
        "{\"version\": 1, \"store\": {\"locale\": \"fr_FR\", \"currency\": \"EUR\", \"languages\": [\"fr\", \"klingon\", 3]},\n"
        " \"products\": [{\"id\": \"a\", \"marker\": 1, \"price\": 1,\n"
        "   \"translations\": {\"xx\": {\"name\": \"?\"}, \"fr-XX\": {\"name\": \"?\"},\n"
        "     \"en\": {\"nmae\": \"Watch\", \"description\": 4, \"brand\": \"\"}, \"de\": \"Uhr\"}}]}\n";
    vt_catalog_report rep;
    vt_catalog *c = t_parse_catalog(json, &rep);
    CHECK(rep.errors >= 7);
    /* Each problem at its key or value: where that token starts in the text. */
    struct { const char *needle, *token; } want[] = {
        { "unknown language \"xx\"", "\"xx\"" }, { "unknown region \"XX\"", "\"fr-XX\"" },
        { "did you mean \"name\"", "\"nmae\"" }, { "translations.en.description must be a string", "4," },
        { "translations.en.brand is empty", "\"\"}" }, { "translations.de must be an object", "\"Uhr\"" },
        { "unknown language \"klingon\"", "\"klingon\"" }, { "store.languages[2] must be a language tag", "3]" },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *at = strstr(json, want[i].token);
        int line = 1, col = 1;
        for (const char *q = json; at && q < at; q++)
            if (*q == '\n') line++, col = 1; else if (((unsigned char)*q & 0xC0) != 0x80) col++;
        const vt_catalog_problem *p = t_find_problem(&rep, want[i].needle);
        CHECKF(p && p->is_error && p->line == line && p->col == col, "%s: %d:%d, expected %d:%d", want[i].needle,
               p ? p->line : 0, p ? p->col : 0, line, col);
    }
    vt_catalog_report_free(&rep);
    vt_catalog_destroy(c);
}

static void test_names(void)
{
    struct { const char *tag, *name; } want[] = { { "fr", "Français" }, { "ja", "日本語" }, { "en", "English" },
                                                 { "de", "Deutsch" }, { "nl", "Nederlands" }, { "es", "Español" },
                                                 { "it", "Italiano" }, { "pt-BR", "Português (Brasil)" } };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char name[96];
        CHECK(vt_i18n_language_name(want[i].tag, name, sizeof name) == VT_OK);
        CHECKF(!strcmp(name, want[i].name), "%s: %s", want[i].tag, name);
    }
    char why[192], tag[64];
    CHECK(vt_i18n_check_language("zh-Hant-TW", why, sizeof why) == VT_OK);
    CHECK(vt_i18n_check_language("es-419", why, sizeof why) == VT_OK);
    CHECK(vt_i18n_check_language("en GB", why, sizeof why) == VT_ERR_ARG && strstr(why, "not a language tag"));
    CHECK(vt_i18n_language_tag("PT_br", tag, sizeof tag) == VT_OK && !strcmp(tag, "pt-BR"));
}

int main(void)
{
    test_lookup();
    test_store_languages();
    test_errors();
    test_names();
    return t_finish("test_catalog_lang");
}
