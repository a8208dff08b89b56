/* catalog_lang.h — private to src/catalog: reading the per-product "translations" and
 * "store.languages" (vt_catalog_lang.c), called by vt_catalog.c's checks. */
#ifndef VT_CATALOG_LANG_H
#define VT_CATALOG_LANG_H

#include "catalog/vt_catalog.h"

#include <cjson/cJSON.h>

/* product (at JSON path pp, e.g. "products[2]")'s "translations" into pr; problems into rep with
 * their places in c. Returns the number of errors. */
int cat_read_translations(vt_catalog *c, vt_catalog_report *rep, const cJSON *product, const char *pp, vt_product *pr);
/* After the products: c->languages from "store.languages" (store may be NULL), else the store's
 * language and every language a product translates to; a product without a language that
 * store.languages offers is a warning. Returns the number of errors. */
int cat_read_languages(vt_catalog *c, vt_catalog_report *rep, const cJSON *store);
void cat_free_translations(vt_product *p);
void cat_free_languages(vt_catalog *c);

#endif
