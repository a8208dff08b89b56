/* console_products.h — inside the console's catalog part (console_products.c, console_fields.c,
 * console_versions.c): the catalog file read and written, ETags, saved versions.
 *
 * Every function here runs with c->edit_lock held (the handlers take it), so the saved versions
 * and the catalog's ETag need no lock of their own. */
#ifndef VT_CONSOLE_PRODUCTS_H
#define VT_CONSOLE_PRODUCTS_H

#include "console.h"

#include "catalog/vt_catalog.h"

#define CP_ETAG 80          /* "\"c-<32 hex>\"" and its NUL */
#define CP_SUMMARY 256
#define CP_MAX_VERSIONS 10000
#define CP_CHANGED_SEARCH 200   /* saved versions searched for the product a stale If-Match saw */

typedef struct cp_version {
    int n;
    char etag[CP_ETAG];     /* of the file's bytes */
    char saved[32];         /* ISO 8601 UTC: "2026-12-02T12:30:00Z" */
    char summary[CP_SUMMARY];
} cp_version;

struct console_products {
    cp_version *v;          /* oldest first */
    int nv, cap;
    int current;            /* the saved version the file on disk is (0: none yet) */
    char etag[CP_ETAG];     /* of the file on disk when last looked at */
};

/* ---- console_versions.c ---- */
vt_result cp_versions_open(vt_console *c, char *err, size_t errlen);
void cp_versions_close(vt_console *c);
/* Saves text as a new version with summary (the index written atomically, the oldest pruned past
 * CP_MAX_VERSIONS); it becomes the current one. -1 with err when it cannot be written. */
int cp_version_save(vt_console *c, const char *text, size_t len, const char *etag, const char *summary, char *err,
                    size_t errlen);
/* Version n's text (malloc'd, NUL-terminated), or NULL when unknown or unreadable. */
char *cp_version_text(vt_console *c, int n, size_t *len);

/* ---- console_products.c ---- */
/* The file on disk now (malloc'd text, parsed root) after noting a hand edit as a version; NULL
 * with an error response in rs (when rs is not NULL) when it cannot be read. */
char *cp_read_catalog(vt_console *c, size_t *len, console_resp *rs);
/* "\"<prefix>-<hex>\"": libsodium's generichash of n bytes. */
void cp_etag(const char prefix, const void *data, size_t n, char *out, size_t len);
/* Validates root as the new catalog, writes it atomically and saves it as a version with summary;
 * 1 when done (*cat, when cat is not NULL: the new catalog, the caller destroys it), else 0 with
 * the response (422 with the problems, or 5xx) in rs. */
int cp_commit(vt_console *c, cJSON *root, const char *summary, vt_catalog **cat, console_resp *rs);

/* The catalog on disk as JSON (and as the display reads it into *cat: partial, what could be read
 * when it has errors; error gets the first). NULL with a response in rs when it cannot be read or
 * is not JSON. */
cJSON *cp_open_catalog(vt_console *c, vt_catalog **cat, char *error, size_t elen, console_resp *rs);
/* P (the product as in the file, with etag, price_text, price_now, promotion_now) with its ETag
 * header, status st. */
void cp_answer_product(console_resp *rs, int st, const cJSON *prod, const vt_catalog *cat);
/* 404 for an unknown product id, with the ids near it. */
void cp_not_found(const char *id, const vt_catalog *cat, console_resp *rs);

/* ---- console_fields.c ---- */
/* A product's ETag: the hash of its JSON with keys sorted (the order a hand edit leaves does not
 * count). */
void cp_product_etag(const cJSON *product, char *out, size_t len);
/* Applies the editable fields of patch to product (a catalog product object): type checks,
 * null removes, translations merged per language. 1 when done; 0 with a 400 in rs. is_new: a
 * product being added (its "id" is taken, not refused). */
int cp_apply_fields(cJSON *product, const cJSON *patch, int is_new, console_resp *rs);
/* The fields that differ between a and b (either may be NULL): [{"field","was","now"}]. */
cJSON *cp_changed(const cJSON *a, const cJSON *b);
/* A one-line summary of what changed from the catalog old to new ("Runner X: price 89.99 ->
 * 79.99"), in the staff's language. */
void cp_summary(const cJSON *old_root, const cJSON *new_root, char *out, size_t len);
/* The product object with id in root's "products", or NULL; *index gets its place. */
cJSON *cp_find_product(const cJSON *root, const char *id, int *index);

#endif
