/* test_catalog.c — prices per store locale, and reading catalogs good and bad. */
#include "catalog/vt_catalog.h"
#include "test_util.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static vt_result load_text(const char *text, vt_catalog **c, char *err, size_t n)
{
    char path[] = "/tmp/vt_test_catalog_XXXXXX.json";
    FILE *f = fdopen(mkstemps(path, 5), "w");
    fputs(text, f);
    fclose(f);
    vt_result r = vt_catalog_load(path, c, err, n);
    remove(path);
    return r;
}

#define PRICE(v, loc, cur, want) do { char b[64]; vt_format_price(v, loc, cur, b, sizeof b); \
    CHECKF(!strcmp(b, want), "%s %s %.2f -> '%s', want '%s'", loc, cur, (double)(v), b, want); } while (0)

/* vt_catalog_parse_text's results: the code, and a catalog only where the header says. */
static void test_parse_results(void)
{
    static const char good[] = "{\"version\": 1, \"products\": [{\"id\": \"a\", \"marker\": 1, \"name\": \"A\", \"price\": 1}]}";
    static const char bad[] = "{\"version\": 1, \"products\": [{\"id\": \"a\", \"marker\": 1, \"name\": \"A\", \"price\": -1}]}";
    vt_catalog *c = NULL;
    CHECK(vt_catalog_parse_text(good, sizeof good - 1, "g.json", NULL, 0, &c) == VT_OK && c && c->count == 1);
    vt_filter_params d = vt_filter_params_defaults();
    CHECK(c && c->filter.min_cutoff == d.min_cutoff && c->filter.beta == d.beta && c->filter.d_cutoff == d.d_cutoff &&
          c->filter.lost_after_frames == d.lost_after_frames && d.min_cutoff == 0.5 && d.lost_after_frames == 8);
    vt_catalog_destroy(c);
    vt_catalog_report rep = { 0 };
    CHECK(vt_catalog_parse_text(bad, sizeof bad - 1, "b.json", &rep, 0, &c) == VT_ERR_FORMAT && !c && rep.errors == 1);
    CHECK(vt_catalog_parse_text(bad, sizeof bad - 1, "b.json", NULL, 1, &c) == VT_ERR_FORMAT && c && c->count == 1);
    vt_catalog_destroy(c);
    CHECK(vt_catalog_parse_text("{", 1, "t.json", NULL, 1, &c) == VT_ERR_FORMAT && !c);
    CHECK(vt_catalog_parse("/nonexistent/c.json", &rep, 0, &c) == VT_ERR_NOT_FOUND && !c);
    vt_catalog_report_free(&rep);
    vt_watch *w = NULL;
    char err[128];
    CHECK(vt_watch_create(&w, err, sizeof err) == VT_OK && w);
    vt_watch_destroy(w);
}

/* "lighting": "room" (the default) or "studio"; anything else is an error at the key. */
static void test_lighting(void)
{
    static const char *const cases[][2] = { { "", "0" }, { "\"lighting\": \"room\",", "0" }, { "\"lighting\": \"studio\",", "1" },
                                            { "\"lighting\": \"Studio\",", "e" }, { "\"lighting\": 1,", "e" } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char json[256];
        snprintf(json, sizeof json, "{\"version\": 1, %s\"products\": [{\"id\": \"a\", \"marker\": 1, \"name\": \"A\", \"price\": 1}]}",
                 cases[i][0]);
        vt_catalog_report rep = { 0 };
        vt_catalog *c = NULL;
        vt_result r = vt_catalog_parse_text(json, strlen(json), "l.json", &rep, 0, &c);
        const vt_catalog_problem *p = rep.count ? &rep.items[0] : &(vt_catalog_problem){ 0 };
        if (cases[i][1][0] == 'e')   /* at the value: line 1, column 28 */
            CHECKF(r == VT_ERR_FORMAT && rep.count == 1 && p->line == 1 && p->col == 28 && strstr(p->msg, "\"lighting\" must be \"room\""),
                   "%s: %d %d:%d %s", cases[i][0], r, p->line, p->col, p->msg);
        else CHECKF(r == VT_OK && c && c->studio_light == cases[i][1][0] - '0', "%s", cases[i][0]);
        vt_catalog_destroy(c);
        vt_catalog_report_free(&rep);
    }
}

/* "Did you mean": the known word nearest a typo, and the product ids near an unknown one. */
static void test_near(void)
{
    CHECK(vt_edit_distance("modle", "model") == 1 && vt_edit_distance("prise", "price") == 1 && vt_edit_distance("", "abc") == 3);
    CHECK(vt_edit_distance("Model", "model") == 0 && vt_edit_distance("kitten", "sitting") == 3);
    static const char *const keys[] = { "id", "model", "price", "dimensions_mm", "scale", NULL };
    CHECK(vt_nearest_word("modle", keys) && !strcmp(vt_nearest_word("modle", keys), "model"));
    CHECK(vt_nearest_word("dimension_mm", keys) && !strcmp(vt_nearest_word("dimension_mm", keys), "dimensions_mm"));
    CHECK(vt_nearest_word("colour", keys) == NULL && vt_nearest_word("x", keys) == NULL);
    static const char text[] = "{\"version\": 1, \"products\": [{\"id\": \"gateau-anniversaire\", \"marker\": 1, \"price\": 1},"
                               "{\"id\": \"galette\", \"marker\": 2, \"price\": 1}, {\"id\": \"cafe\", \"marker\": 3, \"price\": 1}]}";
    vt_catalog *c = NULL;
    char ids[256];
    CHECK(vt_catalog_parse_text(text, sizeof text - 1, "n.json", NULL, 0, &c) == VT_OK && c);
    CHECK(vt_catalog_near_ids(c, "gatea", ids, sizeof ids) == 1 && !strcmp(ids, "gateau-anniversaire"));
    CHECK(vt_catalog_near_ids(c, "cafee", ids, sizeof ids) == 1 && !strcmp(ids, "cafe"));
    CHECK(vt_catalog_near_ids(c, "zzz", ids, sizeof ids) == 0 && !strcmp(ids, "gateau-anniversaire, galette, cafe"));
    CHECK(vt_catalog_near_ids(c, "zzz", ids, 12) == 0 && !strcmp(ids, ""));   /* too small for one id: empty, not cut */
    vt_catalog_destroy(c);
}

/* Places come from a hash index (any number of values), and a report keeps at most
 * VT_CATALOG_MAX_PROBLEMS problems, counting the rest. */
static void test_limits(void)
{
    static const char text[] = "{\"version\": 1,\n \"products\": [\n  {\"id\": \"a\", \"marker\": 1, \"price\": 1}]}";
    vt_catalog *c = NULL;
    int line, col;
    CHECK(vt_catalog_parse_text(text, sizeof text - 1, "p.json", NULL, 0, &c) == VT_OK && c);
    CHECK(vt_catalog_position(c, "products[0].marker", &line, &col) && line == 3 && col == 25);
    CHECK(vt_catalog_position(c, "products[0].marker#", &line, &col) && line == 3 && col == 15);
    CHECK(vt_catalog_position(c, "products", &line, &col) && line == 2 && col == 14);
    CHECK(!vt_catalog_position(c, "products[1]", &line, &col) && line == 0 && col == 0);
    vt_catalog_destroy(c);
    vt_catalog_report rep = { 0 };
    for (int i = 0; i < VT_CATALOG_MAX_PROBLEMS + 5; i++) vt_catalog_report_add(&rep, i % 2, 1, 1, "p%d", i);
    CHECK(rep.count == VT_CATALOG_MAX_PROBLEMS && rep.omitted == 5 && rep.errors == (VT_CATALOG_MAX_PROBLEMS + 5) / 2);
    vt_catalog_report_free(&rep);
}

int main(int argc, char **argv)
{
    (void)argc; (void)argv;
    test_parse_results();
    test_lighting();
    test_near();
    PRICE(89.99, "fr_FR", "EUR", "89,99\u00a0€");   /* CLDR (ICU): a no-break space before € */
    PRICE(89.99, "en_GB", "GBP", "£89.99");
    PRICE(89.99, "en_US", "USD", "$89.99");
    PRICE(1299, "en_US", "USD", "$1,299.00");
    PRICE(1299.5, "fr_FR", "EUR", "1\u202f299,50\u00a0€");
    PRICE(1234567.891, "de_DE", "EUR", "1.234.567,89\u00a0€");
    PRICE(0.5, "en_GB", "GBP", "£0.50");
    PRICE(14.5, "fr_FR", "EUR", "14,50\u00a0€");
    PRICE(19.999, "en_US", "USD", "$20.00");
    PRICE(1500, "ja_JP", "JPY", "\uffe51,500");   /* ja writes the full-width yen sign */
    PRICE(10, "en_US", "CAD", "CA$10.00");
    PRICE(1234567.89, "de_CH", "CHF", "CHF\u00a01\u2019234\u2019567.89");
    PRICE(1234567.89, "en_IN", "INR", "\u20b912,34,567.89");
    /* Past what a tag can show, a dash, never an overflowed number (issue 22: 1e20 showed
     * "92 233 720 368 547 758,08 €"). */
    PRICE(VT_CATALOG_MAX_PRICE, "fr_FR", "EUR", "1\u202f000\u202f000\u202f000,00\u00a0€");
    PRICE(1e20, "fr_FR", "EUR", "\u2014\u00a0€");
    PRICE(-1e300, "en_US", "USD", "$\u2014");
    PRICE(NAN, "en_US", "USD", "$\u2014");
    PRICE(INFINITY, "fr_FR", "EUR", "\u2014\u00a0€");
    test_limits();

    vt_catalog *c = NULL;
    char err[512];
    CHECKF(load_text("{\"version\": 1, \"store\": {\"name\": \"Lille Concept Store\", \"locale\": \"fr_FR\", \"currency\": \"EUR\"},"
                     "\"markers\": {\"dictionary\": \"5X5_100\", \"length_mm\": 50},"
                     "\"products\": [{\"id\": \"runner-x\", \"marker\": 7, \"name\": \"Runner X\", \"price\": 89.99,"
                     "\"model\": \"models/runner-x.glb\", \"scale\": 1.5, \"offset_mm\": [1, 2, 3], \"rotation_deg\": [0, 90, 0]}]}",
                     &c, err, sizeof err) == VT_OK, "%s", err);
    if (c) {
        CHECK(!strcmp(c->store_name, "Lille Concept Store") && !strcmp(c->locale, "fr_FR") && c->length_mm == 50);
        CHECK(c->count == 1 && c->products[0].marker == 7 && c->products[0].price == 89.99 && c->products[0].scale == 1.5);
        CHECK(c->products[0].offset_mm[2] == 3 && c->products[0].rotation_deg[1] == 90);
        /* Model paths are relative to the catalog's folder. */
        CHECK(!strcmp(c->products[0].model_path, "/tmp/models/runner-x.glb"));
        CHECK(vt_catalog_find_marker(c, 7) == &c->products[0] && vt_catalog_find_marker(c, 8) == NULL);
        vt_catalog_destroy(c);
    }
    struct { const char *text, *want; } bad[] = {
        { "", "empty" },
        { "{\"products\": [", "ends too early" },
        { "[1, 2]", "must be a JSON object" },
        { "{\"version\": 2, \"products\": []}", "version" },
        { "{\"store\": 3, \"products\": []}", "\"store\" must be an object" },
        { "{}", "no \"products\" array" },
        { "{\"products\": {}}", "\"products\" must be an array" },
        { "{\"products\": [{\"marker\": 1, \"price\": 2}]}", "products[0] has no \"id\"" },
        { "{\"products\": [{\"id\": \"a\", \"marker\": 1.5, \"price\": 2}]}", "products[0].marker" },
        { "{\"products\": [{\"id\": \"a\", \"marker\": 1, \"price\": -2}]}", "products[0].price" },
        { "{\"products\": [{\"id\": \"a\", \"marker\": 1, \"price\": \"9\"}]}", "products[0].price" },
        { "{\"products\": [{\"id\": \"a\", \"marker\": 1, \"price\": 1, \"offset_mm\": [1]}]}", "offset_mm" },
        { "{\"products\": [{\"id\": \"a\", \"marker\": 1, \"price\": 1}, {\"id\": \"b\", \"marker\": 1, \"price\": 1}]}", "marker 1 is already used by products[0]" },
        { "{\"markers\": {\"length_mm\": 0}, \"products\": []}", "length_mm" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        c = NULL;
        vt_result r = load_text(bad[i].text, &c, err, sizeof err);
        CHECKF(r != VT_OK && c == NULL && strstr(err, bad[i].want) && strstr(err, "/tmp/vt_test_catalog_"),
               "catalog %zu: '%s' (want '%s')", i, err, bad[i].want);
    }
    /* A syntax error says where. */
    load_text("{\n  \"products\": [\n    {\"id\": \"a\",, }\n  ]\n}", &c, err, sizeof err);
    CHECKF(strstr(err, ":3:") != NULL, "line of the error: %s", err);
    CHECK(vt_catalog_load("/nonexistent/catalog.json", &c, err, sizeof err) == VT_ERR_NOT_FOUND && strstr(err, "no such file"));
    /* Inputs the fuzzer once broke the parser with (tests/fuzz/regressions): read without harm. */
    DIR *d = opendir(VT_TEST_SOURCE_DIR "/tests/fuzz/regressions/catalog");
    struct dirent *e;
    int replayed = 0;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/tests/fuzz/regressions/catalog/%s", VT_TEST_SOURCE_DIR, e->d_name);
        vt_catalog_report rep = { 0 };
        vt_catalog *c = NULL;
        vt_catalog_parse(path, &rep, 1, &c);
        vt_catalog_destroy(c);
        vt_catalog_report_free(&rep);
        replayed++;
    }
    if (d) closedir(d);
    CHECK(replayed >= 3);
    return t_finish("test_catalog");
}
