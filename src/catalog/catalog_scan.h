/* catalog_scan.h — private to src/catalog: hash tables, and the one pass over a catalog's text
 * that runs before cJSON sees it (limits, duplicate keys, where every value is). */
#ifndef VT_CATALOG_SCAN_H
#define VT_CATALOG_SCAN_H

#include "catalog/vt_catalog.h"

#include <stddef.h>
#include <stdint.h>

/* One entry of an open-addressing table: h is a 64-bit hash (never 0: 0 marks a free slot). In
 * the position index, a value's JSON path hashed, the value's place and its key's (0 when none);
 * elsewhere line is a payload. */
typedef struct vt_json_pos { uint64_t h; int line, col, kline, kcol; } vt_json_pos;

typedef struct cat_table {
    vt_json_pos *e;
    int cap, n;                /* cap: a power of two, or 0 */
} cat_table;

#define CAT_HASH_BASIS 14695981039346656037ULL
/* FNV-1a over n bytes, continuing from h (CAT_HASH_BASIS to start): hashing "products" then
 * "[2]" gives the hash of "products[2]". */
uint64_t cat_hash(uint64_t h, const void *p, size_t n);
/* The entry for h, added (zeroed but for h; *added = 1) when it was not there; NULL when out of
 * memory. */
vt_json_pos *cat_table_slot(cat_table *t, uint64_t h, int *added);
/* The entry for h in a table of cap entries, or NULL. */
const vt_json_pos *cat_table_get(const vt_json_pos *e, int cap, uint64_t h);
void cat_table_free(cat_table *t);

/* The pass before cJSON: the text's nesting depth, its number of values, the length of every
 * string, the number of products are checked against the limits in vt_catalog.h — one error in
 * rep and -1 when a limit is passed (cJSON must then not see the text). Otherwise 0, with the
 * place of every value and its key up to depth 3 in *pos (the caller frees it), and duplicate keys of
 * any object, at any depth, in dups (their problems, for the caller to report once cJSON has
 * accepted the text; the caller frees dups->items). Never recursive; linear in n. */
int cat_scan(const char *text, size_t n, vt_catalog_report *rep, cat_table *pos, vt_catalog_report *dups);

/* Line and column (1-based, columns in UTF-8 characters) of byte off of text. */
void cat_line_col(const char *text, size_t off, int *line, int *col);

/* vt_catalog_locale.c: errors for a store locale that is not CLDR's or a currency that is not a
 * current ISO 4217 code, at their place (returns how many); a warning, at its place, for each
 * price of product p (at JSON path pp) that the currency's digits change on its tag. */
int cat_check_locale(const vt_catalog *c, vt_catalog_report *rep);
void cat_check_price_shown(const vt_catalog *c, vt_catalog_report *rep, const vt_product *p, const char *pp);

#endif
