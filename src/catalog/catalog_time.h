/* catalog_time.h — private to src/catalog: the store's time zone (vt_catalog_time.c). */
#ifndef VT_CATALOG_TIME_H
#define VT_CATALOG_TIME_H

#include "catalog/vt_catalog.h"

/* Checks c->time_zone (store.timezone, when given): an unknown zone is one error in rep at its
 * place, with the nearest known zone. Returns the number of errors (0 or 1). */
int cat_check_time_zone(const vt_catalog *c, vt_catalog_report *rep);

#endif
