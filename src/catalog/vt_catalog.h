/* vt_catalog.h — the store's catalog: which product sits on which marker, its model and price.
 *
 * File format (JSON, version 1; model paths are relative to the catalog file):
 *   {"version": 1,
 *    "store":   {"name": "Lille Concept Store", "locale": "fr_FR", "currency": "EUR"},
 *    "markers": {"dictionary": "5X5_100", "length_mm": 50},
 *    "products": [{"id": "runner-x", "marker": 7, "name": "Runner X", "price": 89.99,
 *                  "model": "models/runner-x.glb", "scale": 1.0,
 *                  "offset_mm": [0, 0, 0], "rotation_deg": [0, 0, 0]}]}
 *
 * Ownership: vt_catalog_load returns a catalog the caller frees with vt_catalog_destroy; every
 * string in it belongs to it. */
#ifndef VT_CATALOG_H
#define VT_CATALOG_H

#include "core/vt_core.h"

typedef struct vt_product {
    char *id;
    int marker;
    char *name;
    double price;
    char *model_path;        /* resolved against the catalog's folder; NULL when none */
    double scale;            /* default 1 */
    double offset_mm[3];     /* in the model's frame (x right, y up, z front) */
    double rotation_deg[3];  /* about x, y, z of the model, applied in that order */
} vt_product;

typedef struct vt_catalog {
    char *path;              /* the file it came from */
    char *store_name, *locale, *currency;
    char *dictionary;        /* e.g. "5X5_100" */
    double length_mm;        /* printed marker side (black square) */
    vt_product *products;
    int count;
} vt_catalog;

/* Loads and checks a catalog; on failure err holds "FILE: what is wrong". */
vt_result vt_catalog_load(const char *path, vt_catalog **out, char *err, size_t errlen);
void vt_catalog_destroy(vt_catalog *c);   /* safe on NULL */
/* The product on marker id, or NULL (unknown markers are ignored). */
const vt_product *vt_catalog_find_marker(const vt_catalog *c, int marker);

/* Formats a price for a store: locale decides separators and where the symbol goes, currency
 * (ISO 4217) the symbol. fr_FR + EUR: "89,99 €"; en_GB + GBP: "£89.99"; en_US + USD: "$89.99".
 * Thousands are grouped ("1 299,00 €", "$1,299.00"). Returns buf. UTF-8. */
char *vt_format_price(double value, const char *locale, const char *currency, char *buf, size_t len);

#endif
