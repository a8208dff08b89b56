/* catalog_promo.h — private to src/catalog: a product's scheduled "promotion" and its "active"
 * flag (vt_catalog_promo.c), called by vt_catalog.c's checks. */
#ifndef VT_CATALOG_PROMO_H
#define VT_CATALOG_PROMO_H

#include "catalog/vt_catalog.h"

#include <cjson/cJSON.h>

/* The store's clock for one catalog's promotions, made on first use (ICU's calendars cost). */
typedef struct cat_clock { struct vt_i18n_zone *zone; int tried; } cat_clock;

/* product (at JSON path pp)'s "promotion" and "active" into pr (pr->price already read); problems
 * into rep at their places in c. Returns the number of errors. */
int cat_read_promotion(vt_catalog *c, vt_catalog_report *rep, const cJSON *product, const char *pp, vt_product *pr,
                       cat_clock *clock);
void cat_clock_free(cat_clock *clock);

#endif
