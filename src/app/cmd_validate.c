/* cmd_validate.c — `vitrine validate CATALOG`: every problem, with its line and column. */
#include "app/vt_app.h"
#include "app_checks.h"
#include "assets/vt_assets.h"
#include "catalog/vt_catalog.h"

#include <stdio.h>
#include <string.h>

static const char *k_help =
    "usage: vitrine validate CATALOG\n"
    "\n"
    "Checks a catalog before it goes live: JSON syntax, the type of every field, duplicate product\n"
    "ids and marker ids, marker ids outside the dictionary, negative or non-numeric prices, promo\n"
    "prices not below the price, models that are missing or do not load (each is loaded), and\n"
    "unknown keys (a warning: they are ignored). One line per problem:\n"
    "  FILE:LINE:COL: error: ...      or      FILE:LINE:COL: warning: ...\n"
    "Exit status: 0 no error (warnings allowed), 1 errors, 2 bad arguments. Reference:\n"
    "docs/catalog.md.\n";

int vt_cmd_validate(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) { fputs(k_help, stdout); return 0; }
    if (argc != 2 || argv[1][0] == '-') {
        VT_ERROR("validate", "give one catalog file (try 'vitrine validate --help')");
        return 2;
    }
    const char *path = argv[1];
    vt_catalog_report rep = { 0 };
    vt_catalog *cat = NULL;
    vt_catalog_parse(path, &rep, 1, &cat);   /* the report says what is wrong */
    /* Models: load each one, as the display will. */
    for (int i = 0; cat && i < cat->count; i++) {
        const vt_product *p = &cat->products[i];
        if (!p->model_path) {
            char jp[64];
            int line, col;
            snprintf(jp, sizeof jp, "products[%d]", i);
            vt_catalog_position(cat, jp, &line, &col);
            vt_catalog_report_add(&rep, 0, line, col, "products[%d] (%s) has no \"model\"; a grey box stands in", i, p->id ? p->id : "?");
            continue;
        }
        vt_model *m = NULL;
        char err[1024], jp[64];
        if (vt_model_load(p->model_path, &m, err, sizeof err) != VT_OK) {
            int line, col;
            snprintf(jp, sizeof jp, "products[%d].model", i);
            vt_catalog_position(cat, jp, &line, &col);
            vt_catalog_report_add(&rep, 1, line, col, "model of %s: %s", p->id ? p->id : "?", err);
        } else {
            /* A model far from the product's stated size, or larger than 5 m, is probably in the
             * wrong unit (the same rule as at run time). */
            char why[512];
            app_model_scale(m, p, why, sizeof why);
            if (why[0]) {
                int line, col;
                snprintf(jp, sizeof jp, "products[%d].model", i);
                vt_catalog_position(cat, jp, &line, &col);
                vt_catalog_report_add(&rep, 0, line, col, "%s: %s", p->id ? p->id : "?", why);
            }
        }
        vt_model_destroy(m);
    }
    /* In file order; problems without a place last. */
    for (int i = 1; i < rep.count; i++)
        for (int k = i; k > 0; k--) {
            vt_catalog_problem *a = &rep.items[k - 1], *b = &rep.items[k];
            long ka = a->line ? a->line * 100000L + a->col : 1L << 40, kb = b->line ? b->line * 100000L + b->col : 1L << 40;
            if (ka <= kb) break;
            vt_catalog_problem t = *a; *a = *b; *b = t;
        }
    for (int i = 0; i < rep.count; i++) {
        char line[1400];
        vt_catalog_problem_format(path, &rep.items[i], line, sizeof line);
        puts(line);
    }
    int errors = rep.errors;
    if (!errors) fprintf(stderr, "vitrine: validate: %s: OK, %d product%s%s\n", path, cat ? cat->count : 0,
                         cat && cat->count == 1 ? "" : "s", rep.count ? " (see the warnings)" : "");
    vt_catalog_report_free(&rep);
    vt_catalog_destroy(cat);
    return errors ? 1 : 0;
}
