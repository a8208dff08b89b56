/* cmd_validate.c — `vitrine validate CATALOG`: every problem, with its line and column. */
#include "app/vt_app.h"
#include "app_checks.h"
#include "assets/vt_assets.h"
#include "catalog/vt_catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *k_help =
    /* TRANSLATORS: --help: keep commands, option names, CAPITAL values and the layout as they are. */
    N_("usage: vitrine validate CATALOG\n"
    "\n"
    "Checks a catalog before it goes live: JSON syntax, the type of every field, duplicate product\n"
    "ids and marker ids, marker ids outside the dictionary, a store locale CLDR does not know or a\n"
    "currency that is not a current ISO 4217 code, negative or non-numeric prices, promo prices\n"
    "not below the price, prices the currency's decimals round (a warning: 1299.5 JPY shows as\n"
    "\uffe51,300), models that are missing or do not load (each is loaded), and\n"
    "unknown keys (a warning: they are ignored), duplicate keys, data after the catalog, and the\n"
    "limits (file size, nesting, products, string lengths, prices; docs/reliability.md). One line\n"
    "per problem (at most 1000, then how many more):\n"
    "  FILE:LINE:COL: error: ...      or      FILE:LINE:COL: warning: ...\n"
    "Exit status: 0 no error (warnings allowed), 1 errors, 2 bad arguments. Reference:\n"
    "docs/catalog.md.\n");

/* Adds a problem placed at the JSON path jp ("products[2].model"). */
static void add_at(vt_catalog_report *rep, const vt_catalog *cat, int is_error, const char *jp, const char *msg)
{
    int line, col;
    vt_catalog_position(cat, jp, &line, &col);
    vt_catalog_report_add(rep, is_error, line, col, "%s", msg);
}

/* One model, loaded as the display will, for the product at index i. */
static void check_model(vt_catalog_report *rep, const vt_catalog *cat, int i, const vt_model *m, const char *err)
{
    const vt_product *p = &cat->products[i];
    char jp[64], msg[1400], why[512];
    snprintf(jp, sizeof jp, "products[%d].model", i);
    if (!m) {
        snprintf(msg, sizeof msg, _("model of %s: %s"), p->id ? p->id : "?", err);
        add_at(rep, cat, 1, jp, msg);
        return;
    }
    /* A model far from the product's stated size, or larger than 5 m, is probably in the wrong
     * unit (the same rule as at run time). */
    app_model_scale(m, p, why, sizeof why);
    if (why[0]) {
        snprintf(msg, sizeof msg, "%s: %s", p->id ? p->id : "?", why);
        add_at(rep, cat, 0, jp, msg);
    }
    int cost = app_draw_cost(m, why, sizeof why);
    if (cost) {
        snprintf(msg, sizeof msg, _("model of %s: %s: %s"), p->id ? p->id : "?", p->model_path, why);
        add_at(rep, cat, cost == 2, jp, msg);
    }
}

/* Each product's visible text (name, brand, description): a warning for characters that no
 * installed font has (the display would draw boxes). */
/* One visitor text of product i at key path jp (lang: a translation's, or NULL for the store's). */
static void check_one_text(vt_catalog_report *rep, const vt_catalog *cat, int i, const char *jp, const char *key,
                           const char *lang, const char *text)
{
    char why[700], msg[900];
    if (!text || !app_text_coverage(text, why, sizeof why)) return;
    const char *id = cat->products[i].id ? cat->products[i].id : "?";
    /* TRANSLATORS: "name of runner-x: no installed font has ..."; the first %s is a catalog key. */
    if (!lang) snprintf(msg, sizeof msg, _("%s of %s: %s"), key, id, why);
    /* TRANSLATORS: "name of runner-x in ja: no installed font has ..." */
    else snprintf(msg, sizeof msg, _("%s of %s in %s: %s"), key, id, lang, why);
    int line = 0, col = 0;
    if (!vt_catalog_position(cat, jp, &line, &col)) {   /* a translation's tag as written may differ: its product then */
        char pp[32];
        snprintf(pp, sizeof pp, "products[%d]", i);
        vt_catalog_position(cat, pp, &line, &col);
    }
    vt_catalog_report_add(rep, 0, line, col, "%s", msg);
}

/* Every visitor text, translations included, has a font for each of its characters. */
static void check_text(vt_catalog_report *rep, const vt_catalog *cat)
{
    static const char *const keys[3] = { "name", "brand", "description" };
    for (int i = 0; i < cat->count; i++) {
        const vt_product *p = &cat->products[i];
        const char *vals[3] = { p->name, p->brand, p->description };
        char jp[160];
        for (int k = 0; k < 3; k++) {
            snprintf(jp, sizeof jp, "products[%d].%s", i, keys[k]);
            check_one_text(rep, cat, i, jp, keys[k], NULL, vals[k]);
        }
        for (int t = 0; t < p->ntranslations; t++) {
            const vt_product_lang *L = &p->translations[t];
            const char *tv[3] = { L->name, L->brand, L->description };
            for (int k = 0; k < 3; k++) {
                snprintf(jp, sizeof jp, "products[%d].translations.%s.%s", i, L->lang, keys[k]);
                check_one_text(rep, cat, i, jp, keys[k], L->lang, tv[k]);
            }
        }
    }
}

static const vt_catalog *g_sort_cat;   /* qsort has no context argument */
static int by_model(const void *a, const void *b)
{
    int i = *(const int *)a, k = *(const int *)b;
    int d = strcmp(g_sort_cat->products[i].model_path, g_sort_cat->products[k].model_path);
    return d ? d : (i > k) - (i < k);
}

/* Product i's "variant" is one of its model file's (names, n of them: the file's variants). */
static void check_variant(vt_catalog_report *rep, const vt_catalog *cat, int i, char *const *names, int n)
{
    const vt_product *p = &cat->products[i];
    for (int k = 0; k < n; k++) if (!strcmp(names[k], p->variant)) return;
    char jp[64], list[512], msg[1024];
    const char *file = strrchr(p->model_path, '/') ? strrchr(p->model_path, '/') + 1 : p->model_path;   /* a report line holds 255 bytes */
    vt_model_variants_join(names, n, list, sizeof list);
    snprintf(jp, sizeof jp, "products[%d].variant", i);
    if (n) snprintf(msg, sizeof msg, _("products[%d] (%s): variant \"%s\" is not in %s; its variants: %s (the default materials show)"), i,
                    p->id ? p->id : "?", p->variant, file, list);
    else snprintf(msg, sizeof msg, _("products[%d] (%s): variant \"%s\" is not in %s, which has no material variants (the default materials show)"),
                  i, p->id ? p->id : "?", p->variant, file);
    add_at(rep, cat, 0, jp, msg);
}

/* Product i's "animation" is one of its model's, or "none". */
static void check_animation(vt_catalog_report *rep, const vt_catalog *cat, int i, const vt_model *m)
{
    const vt_product *p = &cat->products[i];
    if (!m || !p->animation || !strcmp(p->animation, "none") || vt_model_animation(m, p->animation) >= 0) return;
    char jp[64], list[512], msg[1024];
    const char *file = strrchr(p->model_path, '/') ? strrchr(p->model_path, '/') + 1 : p->model_path;
    vt_model_animations_join(m, list, sizeof list);
    snprintf(jp, sizeof jp, "products[%d].animation", i);
    if (list[0]) snprintf(msg, sizeof msg, _("products[%d] (%s): animation \"%s\" is not in %s; its animations: %s (the first plays)"), i,
                          p->id ? p->id : "?", p->animation, file, list);
    else snprintf(msg, sizeof msg, _("products[%d] (%s): animation \"%s\" is not in %s, which has no animations"), i,
                  p->id ? p->id : "?", p->animation, file);
    add_at(rep, cat, 0, jp, msg);
}

/* Every product's model: each file loaded once however many products share it (in its default
 * materials: a variant only changes which of the file's materials a primitive uses). */
static void check_models(vt_catalog_report *rep, const vt_catalog *cat)
{
    int *order = malloc((size_t)(cat->count ? cat->count : 1) * sizeof *order), n = 0;
    if (!order) { vt_catalog_report_add(rep, 1, 0, 0, "out of memory"); return; }
    for (int i = 0; i < cat->count; i++) {
        const vt_product *p = &cat->products[i];
        if (p->model_path) { order[n++] = i; continue; }
        char jp[64], msg[256];
        snprintf(jp, sizeof jp, "products[%d]", i);
        snprintf(msg, sizeof msg, _("products[%d] (%s) has no \"model\"; a grey box stands in"), i, p->id ? p->id : "?");
        add_at(rep, cat, 0, jp, msg);
    }
    g_sort_cat = cat;
    qsort(order, (size_t)n, sizeof *order, by_model);
    for (int g = 0; g < n;) {
        const char *path = cat->products[order[g]].model_path;
        vt_model *m = NULL;
        char err[1024] = "";
        if (vt_model_load(path, &m, err, sizeof err) != VT_OK) m = NULL;
        char **names = NULL;
        int nv = 0, have_names = m && vt_model_variants(path, &names, &nv, err, sizeof err) == VT_OK;
        int e = g;
        for (; e < n && !strcmp(cat->products[order[e]].model_path, path); e++) {
            check_model(rep, cat, order[e], m, err);
            if (have_names && cat->products[order[e]].variant) check_variant(rep, cat, order[e], names, nv);
            check_animation(rep, cat, order[e], m);
        }
        vt_model_variants_free(names, nv);
        vt_model_destroy(m);
        g = e;
    }
    free(order);
}

static const vt_catalog_problem *g_sort_items;
/* In file order, problems without a place last; equal places keep their order. */
static int by_place(const void *a, const void *b)
{
    int i = *(const int *)a, k = *(const int *)b;
    const vt_catalog_problem *x = &g_sort_items[i], *y = &g_sort_items[k];
    long lx = x->line ? x->line : 1L << 40, ly = y->line ? y->line : 1L << 40;
    if (lx != ly) return lx < ly ? -1 : 1;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    return (i > k) - (i < k);
}

static void print_report(const char *path, const vt_catalog_report *rep)
{
    int *order = malloc((size_t)(rep->count ? rep->count : 1) * sizeof *order);
    for (int i = 0; order && i < rep->count; i++) order[i] = i;
    g_sort_items = rep->items;
    if (order) qsort(order, (size_t)rep->count, sizeof *order, by_place);
    for (int i = 0; i < rep->count; i++) {
        char line[1400];
        vt_catalog_problem_format(path, &rep->items[order ? order[i] : i], line, sizeof line);
        puts(line);
    }
    if (rep->omitted)
        printf(vt_trn("%s: %d more problem not shown (the first %d are above)\n",
                      "%s: %d more problems not shown (the first %d are above)\n", (unsigned long)rep->omitted),
               path, rep->omitted, rep->count);
    free(order);
}

/* The checks of `vitrine validate` without printing them (for `network publish`): the number of
 * errors, the first one (FILE:LINE:COL: error: ...) into first. */
int app_catalog_errors(const char *path, char *first, size_t len)
{
    vt_catalog_report rep = { 0 };
    vt_catalog *cat = NULL;
    vt_catalog_parse(path, &rep, 1, &cat);
    if (cat) check_models(&rep, cat);
    if (first && len) first[0] = 0;
    for (int i = 0; first && i < rep.count; i++)
        if (rep.items[i].is_error) {
            vt_catalog_problem_format(path, &rep.items[i], first, len);
            break;
        }
    int errors = rep.errors;
    if (errors && first && !first[0]) snprintf(first, len, _("%s: not a valid catalog"), path);
    vt_catalog_report_free(&rep);
    vt_catalog_destroy(cat);
    return errors;
}

int vt_cmd_validate(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) { fputs(_(k_help), stdout); return 0; }
    if (argc != 2 || argv[1][0] == '-') {
        VT_ERROR("validate", "give one catalog file (try 'vitrine validate --help')");
        return 2;
    }
    const char *path = argv[1];
    vt_catalog_report rep = { 0 };
    vt_catalog *cat = NULL;
    vt_catalog_parse(path, &rep, 1, &cat);   /* the report says what is wrong */
    if (cat) check_models(&rep, cat);
    if (cat) check_text(&rep, cat);
    print_report(path, &rep);
    int errors = rep.errors;
    if (!errors) {
        int n = cat ? cat->count : 0;
        char ok[1200];
        snprintf(ok, sizeof ok, rep.count ? vt_trn("%s: OK, %d product (see the warnings)", "%s: OK, %d products (see the warnings)", (unsigned long)n)
                                          : vt_trn("%s: OK, %d product", "%s: OK, %d products", (unsigned long)n), path, n);
        fprintf(stderr, "vitrine: validate: %s\n", ok);
    }
    vt_catalog_report_free(&rep);
    vt_catalog_destroy(cat);
    return errors ? 1 : 0;
}
