/* vt_catalog.h — the store's catalog: which product sits on which marker, what it is, its model
 * and its price. Reference with an example of every field: docs/catalog.md.
 *
 *   {"version": 1,
 *    "store":   {"name": "Lille Concept Store", "locale": "fr_FR", "currency": "EUR",
 *                "timezone": "Europe/Paris"},
 *    "markers": {"dictionary": "5X5_100", "length_mm": 50},
 *    "products": [{"id": "runner-x", "marker": 7, "name": "Runner X", "price": 89.99,
 *                  "model": "models/runner-x.glb", "scale": 1.0,
 *                  "offset_mm": [0, 0, 0], "rotation_deg": [0, 0, 0]}]}
 *
 * Model paths are relative to the catalog file. Every problem found while reading carries the
 * line and column of the value it is about. Data after the JSON value and a key given twice in
 * one object are errors (a JSON reader would drop them silently). Reading is linear in the file.
 *
 * Ownership: vt_catalog_parse / vt_catalog_load give a catalog the caller frees with
 * vt_catalog_destroy; every string in it belongs to it. A vt_catalog_report is the caller's,
 * freed with vt_catalog_report_free. */
#ifndef VT_CATALOG_H
#define VT_CATALOG_H

#include "core/vt_core.h"

/* ---- limits: what a catalog may hold (docs/reliability.md, "Limits: catalogs") ----
 * Each is checked with one error naming the file and, where there is one, the place. The text is
 * checked for the first five before any JSON library reads it. */
#define VT_CATALOG_MAX_BYTES (16 * 1024 * 1024)   /* the file */
#define VT_CATALOG_MAX_DEPTH 64                    /* nesting of objects and arrays */
#define VT_CATALOG_MAX_VALUES 1000000              /* JSON values in all (bounds the parser's memory) */
#define VT_CATALOG_MAX_STRING 4096                 /* bytes in one string or key */
#define VT_CATALOG_MAX_PRODUCTS 10000
#define VT_CATALOG_MAX_PRICE 1e9                   /* price, promo_price: below what a tag can show */
#define VT_CATALOG_MAX_MARKER_ID 65535
#define VT_CATALOG_MAX_LOST_FRAMES 100000          /* markers.filter.lost_after_frames */
#define VT_CATALOG_MAX_NUMBER 1e6                  /* any other number (scale, mm, degrees, seconds) */
#define VT_CATALOG_MAX_PROBLEMS 1000               /* kept in a report; the rest are counted */
#define VT_CATALOG_MAX_VARIANT 128                 /* bytes in a product's "variant" */
#define VT_CATALOG_MAX_LANGUAGES 32                /* offered to visitors (store.languages or translated to) */

/* A product's visitor texts in one language (the catalog's "translations": {"en": {...}}); a
 * text not given is NULL (the store's language's shows). */
typedef struct vt_product_lang {
    char *lang;                /* canonical BCP 47 tag: "en", "pt-BR" */
    char *name, *brand, *category, *description, *url;
} vt_product_lang;

typedef struct vt_product {
    char *id;
    int marker;
    char *name, *brand, *category, *description, *url;   /* NULL when absent (name: the id) */
    double price;
    double promo_price;        /* < 0 when none (always on) */
    double promotion_price;    /* "promotion": the price inside its window, < 0 when none */
    int64_t promotion_start_ms, promotion_end_ms;   /* its window, UTC ms since 1970 (the store's clock
                                * read at load, daylight saving included); -1: open on that side */
    int active;                /* "active" (default 1): 0 hides it from visitors; it stays in the catalog */
    double dimensions_mm[3];   /* width, height, depth; 0 when not given */
    char *model_path;          /* resolved against the catalog's folder; NULL when none */
    char *variant;             /* "variant": a KHR_materials_variants name of the model; NULL: its default */
    char *animation;           /* "animation": the model's glTF animation to loop; "none": still; NULL: its first */
    double scale;              /* default 1 */
    double offset_mm[3];       /* in the model's frame (x right, y up, z front) */
    double rotation_deg[3];    /* about x, y, z of the model, applied in that order */
    double length_mm;          /* this product's printed marker side (default: the catalog's) */
    int turntable;             /* turn slowly on the marker (visitor display) */
    vt_product_lang *translations;   /* ntranslations of them; the fields above are in the store's language */
    int ntranslations;
} vt_product;

typedef struct vt_filter_params {
    double min_cutoff;         /* 1€ filter: Hz, steadiness when still (default 0.5) */
    double beta;               /* 1€ filter: speed coefficient, responsiveness (default 50) */
    double d_cutoff;           /* 1€ filter: Hz, of the speed estimate (default 1.0) */
    int lost_after_frames;     /* frames unseen before a product counts as gone (default 8) */
} vt_filter_params;

/* The defaults above, written out; a catalog without "markers.filter" gets exactly these. */
vt_filter_params vt_filter_params_defaults(void);

/* The catalog's "camera": a kiosk's source and the mode and controls asked of it
 * (docs/catalog.md). Every field is optional (NULL / 0 / "" when not given); the command line's
 * --camera options win over it, field by field. */
typedef struct vt_catalog_camera {
    char *source;              /* "/dev/video0", "rtsp://...", "http://...", "gst:...", or an index ("0") */
    int width, height;         /* "size": "1920x1080" */
    double fps;
    char format[8];            /* a FOURCC, upper-cased ("MJPG") */
    char *exposure, *focus, *white_balance;   /* "auto", "locked" or a whole number written out */
} vt_catalog_camera;
/* A pixel format as staff write it ("mjpg"): 1 when it is 4 letters or digits, upper-cased into out. */
int vt_catalog_camera_fourcc(const char *text, char out[8]);
/* 1 when a and b ask for the same camera settings. */
int vt_catalog_camera_equal(const vt_catalog_camera *a, const vt_catalog_camera *b);

typedef struct vt_catalog {
    char *path;                /* the file it came from */
    char *store_name, *locale, *currency;
    double attract_after_s;    /* seconds with nothing on show before the invitation (default 20) */
    char *time_zone;           /* store.timezone: IANA ("Europe/Paris"); NULL: the machine's */
    char *dictionary;          /* e.g. "5X5_100" */
    double length_mm;          /* default printed marker side (the black square) */
    vt_filter_params filter;
    vt_catalog_camera camera;  /* "camera" (all zero when absent) */
    int studio_light;          /* "lighting": 1 "studio" (the built-in studio alone), 0 "room" (the
                                * default: the studio scaled and tinted by the light the camera sees) */
    vt_product *products;
    int count;
    char **languages;          /* what the visitor's language selector offers (canonical BCP 47 tags):
                                * store.languages, else the store's language and every language a
                                * product translates to; always holds the store's language */
    int nlanguages, store_language;   /* languages[store_language]: store.locale's language */
    struct vt_json_pos *pos;   /* where each value was in the file, for messages: a hash table */
    int npos;                  /* of npos entries (vt_catalog_position looks one up) */
} vt_catalog;

typedef struct vt_catalog_problem {
    int is_error;              /* 0: a warning */
    int line, col;             /* 1-based; 0 when not tied to a place */
    int unknown_key;           /* a key the catalog does not know (a warning; vt_catalog_load logs it) */
    int at_load;               /* another warning vt_catalog_load logs: a price its currency rounds */
    char msg[256];
} vt_catalog_problem;

typedef struct vt_catalog_report {
    vt_catalog_problem *items;
    int count, errors, capacity;
    int omitted;               /* problems past VT_CATALOG_MAX_PROBLEMS: counted (errors too), not kept */
} vt_catalog_report;

/* Reads and checks a catalog, collecting every problem in rep (may be NULL): the messages.
 * VT_OK when there is no error (warnings allowed), with the catalog in *out; otherwise
 * VT_ERR_NOT_FOUND / VT_ERR_IO / VT_ERR_ARG (the file), VT_ERR_FORMAT (not JSON, or errors in it)
 * or VT_ERR_NO_MEMORY, and *out is NULL — except that with partial != 0 and a catalog that is
 * JSON but has errors, *out holds the products that could be read (for `vitrine validate`). */
vt_result vt_catalog_parse(const char *path, vt_catalog_report *rep, int partial, vt_catalog **out);
/* The same over text already in memory (n bytes); path only names it in messages and resolves
 * model paths. */
vt_result vt_catalog_parse_text(const char *text, size_t n, const char *path, vt_catalog_report *rep, int partial,
                                vt_catalog **out);
/* Appends a problem (used by checks made outside this module, such as loading the models). */
void vt_catalog_report_add(vt_catalog_report *rep, int is_error, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void vt_catalog_report_free(vt_catalog_report *rep);
/* "FILE:LINE:COL: error: message" (or "warning:"); FILE:LINE:COL shortened when unknown. */
void vt_catalog_problem_format(const char *path, const vt_catalog_problem *p, char *buf, size_t len);
/* Where the value at a JSON path ("products[2].model") was; 0 when unknown. */
int vt_catalog_position(const vt_catalog *c, const char *json_path, int *line, int *col);

/* Parse; on failure err holds the first error, formatted as above. On success each unknown key is
 * logged once as a warning (catalog: FILE:LINE:COL: unknown key ..., with the product and the
 * nearest known key), since a typo such as "modle" otherwise passes silently. */
vt_result vt_catalog_load(const char *path, vt_catalog **out, char *err, size_t errlen);
void vt_catalog_destroy(vt_catalog *c);   /* safe on NULL */
/* The product on marker id, or NULL (unknown markers are ignored). */
const vt_product *vt_catalog_find_marker(const vt_catalog *c, int marker);
/* A product's text in language lang (a BCP 47 tag, canonical as in c->languages): its
 * translation into lang, else into lang's language ("pt" for "pt-BR"), else the store's text
 * (lang NULL: that). NULL when the product has no such text at all (a name always exists).
 * Translations are read in src/catalog/vt_catalog_lang.c. */
typedef enum vt_product_text_field {
    VT_TEXT_NAME, VT_TEXT_BRAND, VT_TEXT_CATEGORY, VT_TEXT_DESCRIPTION, VT_TEXT_URL,
} vt_product_text_field;
const char *vt_product_text(const vt_product *p, const char *lang, vt_product_text_field field);
/* The POSIX locale for the visitor's language c->languages[i] (for vt_tr_lang): store.locale for
 * the store's language ("fr_BE"), else CLDR's likely one ("ja" -> "ja_JP"). */
void vt_catalog_language_locale(const vt_catalog *c, int i, char *out, size_t len);

/* The price a visitor pays at utc_ms (ms since 1970, UTC): the promotion's price inside its
 * window [start, end), else the promo price when there is one, else the price. *was (may be
 * NULL) gets the regular price when a lower one applies, else -1. */
double vt_product_price_at(const vt_product *p, int64_t utc_ms, double *was);
/* The same at the wall clock now (vt_wall_ms): a scheduled promotion starts and ends on time. */
double vt_product_price_now(const vt_product *p);
/* The wall clock: ms since 1970, UTC (CLOCK_REALTIME). */
int64_t vt_wall_ms(void);
/* A promotion time as the catalog writes it ("2026-12-24T08:00", seconds optional) on zone's clock
 * (IANA; NULL or "": the machine's) into UTC ms. A time the clocks skip (spring forward) is read
 * as after the change (02:30 -> 03:30), a time they repeat (fall back) as its first occurrence;
 * *dst (may be NULL) gets 1 and 2 for those, else 0. VT_ERR_ARG with why for a malformed time or
 * an unknown zone. */
vt_result vt_catalog_local_time(const char *text, const char *zone, int64_t *utc_ms, int *dst, char *why, size_t len);

/* Edit distance (Levenshtein with transpositions, case-insensitive); 64 for words over 47 bytes. */
int vt_edit_distance(const char *a, const char *b);
/* Of the NULL-terminated words, the one a typo most probably meant, or NULL when none is close. */
const char *vt_nearest_word(const char *typo, const char *const *words);
/* Product ids near id into buf (", "-separated, nearest first, up to eight): returns 1; when none
 * is near, the catalog's first ids and 0. */
int vt_catalog_near_ids(const vt_catalog *c, const char *id, char *buf, size_t len);

/* VT_OK when zone is an IANA time zone ICU knows; otherwise VT_ERR_ARG and msg says so, with the
 * known zone nearest a typo ("Europe/Pariss": did you mean "Europe/Paris"?). */
vt_result vt_time_zone_check(const char *zone, char *msg, size_t len);

/* ---- hot reload ---- */
/* Watches files (the catalog and its models) for changes through inotify on their folders, so
 * that editors which save by writing a new file and renaming it are seen too. */
typedef struct vt_watch vt_watch;
/* VT_ERR_UNSUPPORTED when inotify is unavailable; *out is then NULL and err says why. */
vt_result vt_watch_create(vt_watch **out, char *err, size_t errlen);
/* Replaces the set of watched files. */
void vt_watch_set(vt_watch *w, const char *const *paths, int n);
/* Non-blocking: 1 when a watched file changed since the last call. */
int vt_watch_changed(vt_watch *w);
void vt_watch_destroy(vt_watch *w);            /* safe on NULL */

/* Formats a price for a store as CLDR writes it (ICU, src/i18n): the locale (any CLDR locale)
 * decides the symbol's form and place, separators, grouping and digits, the currency (ISO 4217)
 * the symbol and the decimals. fr_FR + EUR: "89,99 €" (U+00A0 before €, U+202F between
 * thousands: "1 299,00 €"); en_GB + GBP: "£89.99"; de_CH + CHF: "CHF 1’234’567.89"; en_IN + INR:
 * "₹12,34,567.89"; ja_JP + JPY: "￥1,300" for 1299.5 (no minor unit; validate warns of it).
 * Returns buf, UTF-8, never cut inside a character. A value that is not finite or of
 * VT_PRICE_FORMAT_MAX or more (far above any catalog price, even summed), or a price that does
 * not fit buf, shows "—" in place of the number ("— €", "$—"), never a wrong one. A buf of
 * VT_PRICE_FORMAT_LEN bytes holds any price (Arabic digits take two bytes each). */
#define VT_PRICE_FORMAT_MAX 1e15
#define VT_PRICE_FORMAT_LEN 128
char *vt_format_price(double value, const char *locale, const char *currency, char *buf, size_t len);

#endif
