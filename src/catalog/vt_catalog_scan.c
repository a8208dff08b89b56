/* vt_catalog_scan.c — one pass over a catalog's text before cJSON parses it: cJSON recurses and
 * keeps the first of two equal keys silently, and finding each value's place by searching the
 * text again made the checks quadratic. Here an explicit stack (no recursion) walks the text once,
 * checks the limits, notes duplicate keys and builds a hash index of places by JSON path. */
#include "catalog_scan.h"

#include <stdlib.h>
#include <string.h>

/* ---- hash tables ---- */
uint64_t cat_hash(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) { h ^= b[i]; h *= 1099511628211ULL; }
    return h;
}

/* FNV's low bits are weak for a power-of-two table: mix before taking them. */
static size_t slot(uint64_t h, int cap)
{
    h ^= h >> 33; h *= 0xff51afd7ed558ccdULL; h ^= h >> 33;
    return (size_t)h & (size_t)(cap - 1);
}

static int grow_to(cat_table *t, int nc)
{
    vt_json_pos *ne = calloc((size_t)nc, sizeof *ne);
    if (!ne) return -1;
    for (int i = 0; i < t->cap; i++) {
        if (!t->e[i].h) continue;
        size_t s = slot(t->e[i].h, nc);
        while (ne[s].h) s = (s + 1) & (size_t)(nc - 1);
        ne[s] = t->e[i];
    }
    free(t->e);
    t->e = ne;
    t->cap = nc;
    return 0;
}

static int grow(cat_table *t) { return grow_to(t, t->cap ? t->cap * 2 : 64); }

vt_json_pos *cat_table_slot(cat_table *t, uint64_t h, int *added)
{
    if (!h) h = 1;
    *added = 0;
    if ((t->n + 1) * 2 > t->cap && grow(t)) return NULL;
    size_t s = slot(h, t->cap);
    while (t->e[s].h) {
        if (t->e[s].h == h) return &t->e[s];
        s = (s + 1) & (size_t)(t->cap - 1);
    }
    t->e[s] = (vt_json_pos){ .h = h };
    t->n++;
    *added = 1;
    return &t->e[s];
}

const vt_json_pos *cat_table_get(const vt_json_pos *e, int cap, uint64_t h)
{
    if (!h) h = 1;
    if (!e || cap <= 0) return NULL;
    for (size_t s = slot(h, cap); e[s].h; s = (s + 1) & (size_t)(cap - 1))
        if (e[s].h == h) return &e[s];
    return NULL;
}

void cat_table_free(cat_table *t)
{
    free(t->e);
    memset(t, 0, sizeof *t);
}

void cat_line_col(const char *text, size_t off, int *line, int *col)
{
    *line = *col = 1;
    for (size_t i = 0; i < off; i++)
        if (text[i] == '\n') { (*line)++; *col = 1; } else if (((unsigned char)text[i] & 0xC0) != 0x80) (*col)++;
}

/* ---- the pass ---- */
/* Places are kept for values and keys this deep at most (root 0, products[2] 2, products[2].model
 * 3, products[2].translations.ja.name 5): messages name nothing deeper, and deep data would only
 * fill the index. */
#define POS_DEPTH 5

/* Keys of an object up to this many are compared with each other directly; past it they go to a
 * hash set (most objects are small: a set for each would cost more than the comparisons). */
#define FEW_KEYS 16

typedef struct frame {
    uint64_t h;        /* the container's path, hashed */
    uint64_t key_h;    /* object: the path of the member whose value comes next */
    int serial;        /* object: which object, for duplicate keys */
    int idx;           /* array: the next element's index; object: keys so far */
    char is_obj, want_key, key_products, products;
    const char *kp[FEW_KEYS];   /* object: its first keys, and their lengths */
    unsigned short kl[FEW_KEYS];
} frame;

typedef struct scan {
    const char *p, *end;
    int line, col;
    frame st[VT_CATALOG_MAX_DEPTH];
    int d, objects;
    long values;
    cat_table *pos, keys;
    vt_catalog_report *rep, *dups;
    int failed;        /* a limit was passed (reported) */
} scan;

static void adv(scan *s)
{
    if (*s->p == '\n') { s->line++; s->col = 1; } else if (((unsigned char)*s->p & 0xC0) != 0x80) s->col++;
    s->p++;
}

static void limit(scan *s, int line, int col, const char *msg)
{
    vt_catalog_report_add(s->rep, 1, line, col, "%s", msg);
    s->failed = 1;
}

/* Skips a string at s->p (on its quote); returns its raw length in bytes, checked. */
static size_t skip_string(scan *s)
{
    int l = s->line, c = s->col;
    adv(s);
    const char *b = s->p;
    while (s->p < s->end && *s->p != '"') {
        if (*s->p == '\\' && s->p + 1 < s->end) adv(s);
        adv(s);
    }
    size_t len = (size_t)(s->p - b);
    if (s->p < s->end) adv(s);
    if (len > VT_CATALOG_MAX_STRING) {
        char m[160];
        snprintf(m, sizeof m, _("a string of %zu bytes: strings (and keys) may have at most %d"), len, VT_CATALOG_MAX_STRING);
        limit(s, l, c, m);
    }
    return len;
}

/* The place of the value at path h (is_key: of its key). The first place stays: cJSON keeps the
 * first of two equal keys too. */
static void note(scan *s, uint64_t h, int depth, int line, int col, int is_key)
{
    if (depth > POS_DEPTH) return;
    int added;
    vt_json_pos *e = cat_table_slot(s->pos, h, &added);
    if (!e) limit(s, 0, 0, "out of memory");
    else if (is_key && added) { e->kline = line; e->kcol = col; }
    else if (!is_key && !e->line) { e->line = line; e->col = col; }
}

/* 1 when object f has key k (len bytes) already; adds it. */
static int seen_key(scan *s, frame *f, const char *k, size_t len)
{
    int n = f->idx++, added;
    for (int i = 0; i < n && i < FEW_KEYS; i++)
        if (f->kl[i] == len && !memcmp(f->kp[i], k, len)) return 1;
    if (n < FEW_KEYS) { f->kp[n] = k; f->kl[n] = (unsigned short)len; return 0; }
    /* A large object: its keys in the set, keyed by the object's serial number. */
    uint64_t base = cat_hash(CAT_HASH_BASIS, &f->serial, sizeof f->serial);
    for (int i = 0; n == FEW_KEYS && i < FEW_KEYS; i++)
        if (!cat_table_slot(&s->keys, cat_hash(base, f->kp[i], f->kl[i]), &added)) limit(s, 0, 0, "out of memory");
    if (!cat_table_slot(&s->keys, cat_hash(base, k, len), &added)) limit(s, 0, 0, "out of memory");
    return !added;
}

/* A key at s->p in the object f: its place, and an error when the object has it already. */
static void scan_key(scan *s, frame *f)
{
    int l = s->line, c = s->col;
    const char *k = s->p + 1;
    size_t len = skip_string(s);
    if (s->failed) return;
    uint64_t h = s->d == 1 ? CAT_HASH_BASIS : cat_hash(f->h, ".", 1);
    f->key_h = h = cat_hash(h, k, len);
    f->want_key = 0;
    f->key_products = s->d == 1 && len == 8 && !memcmp(k, "products", 8);
    note(s, h, s->d, l, c, 1);
    if (seen_key(s, f, k, len) && !s->failed)
        vt_catalog_report_add(s->dups, 1, l, c, "duplicate key \"%.*s\" in this object (JSON readers would keep only one)",
                              len > 60 ? 60 : (int)len, k);
}

/* The path of the value starting here, inside frame f (NULL: the root); counts it. */
static uint64_t value_path(scan *s, frame *f)
{
    char m[160];
    if (++s->values > VT_CATALOG_MAX_VALUES) {
        snprintf(m, sizeof m, _("more than %d JSON values (numbers, strings, arrays, objects): the limit for a catalog"), VT_CATALOG_MAX_VALUES);
        limit(s, s->line, s->col, m);
    }
    if (!f) return CAT_HASH_BASIS;
    if (f->is_obj) { f->want_key = 1; return f->key_h; }
    if (f->products && f->idx >= VT_CATALOG_MAX_PRODUCTS) {
        snprintf(m, sizeof m, _("more than %d products: the limit for one catalog (split it, or ask for a larger limit)"), VT_CATALOG_MAX_PRODUCTS);
        limit(s, s->line, s->col, m);
    }
    /* "[idx]", written by hand: this runs for every element. */
    char *e = m + sizeof m - 1, *b = e;
    *b = ']';
    unsigned v = (unsigned)f->idx++;
    do { *--b = (char)('0' + v % 10); v /= 10; } while (v);
    *--b = '[';
    return cat_hash(f->h, b, (size_t)(e - b + 1));
}

/* A value at s->p: counted, noted, and entered when it is an object or array. */
static void scan_value(scan *s)
{
    frame *f = s->d ? &s->st[s->d - 1] : NULL;
    int l = s->line, c = s->col;
    uint64_t h = value_path(s, f);
    if (s->failed) return;
    note(s, h, s->d, l, c, 0);
    char ch = *s->p;
    if (ch == '{' || ch == '[') {
        if (s->d >= VT_CATALOG_MAX_DEPTH) {
            char m[160];
            snprintf(m, sizeof m, _("nested deeper than %d levels of objects and arrays: the limit for a catalog"), VT_CATALOG_MAX_DEPTH);
            limit(s, l, c, m);
            return;
        }
        frame *nf = &s->st[s->d++];
        nf->h = h;
        nf->idx = 0;
        nf->is_obj = nf->want_key = ch == '{';
        nf->key_products = 0;
        nf->products = ch == '[' && f && f->key_products;
        if (ch == '{') nf->serial = s->objects++;
        adv(s);
    } else if (ch == '"') {
        skip_string(s);
    } else {
        /* A number or literal; at least one byte, so that stray bytes cannot stall the pass. */
        const char *start = s->p;
        while (s->p < s->end && !strchr(",]}:[{\" \t\r\n", *s->p)) adv(s);
        if (s->p == start) adv(s);
    }
}

int cat_scan(const char *text, size_t n, vt_catalog_report *rep, cat_table *pos, vt_catalog_report *dups)
{
    scan s = { .p = text, .end = text + n, .line = 1, .col = 1, .pos = pos, .rep = rep, .dups = dups };
    /* Sized once, at half load for one noted value per 16 bytes of text (a product's fields): rehashing
     * as it grows touched every entry again, each a cache miss. calloc'd pages not reached cost
     * nothing. */
    int want = 64;
    while (want < (1 << 24) && (size_t)want < n / 8) want *= 2;
    if (!pos->cap && grow_to(pos, want)) limit(&s, 0, 0, "out of memory");
    int started = 0;
    while (s.p < s.end && !s.failed) {
        char ch = *s.p;
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == ':' || ch == ',') { adv(&s); continue; }
        if (ch == '}' || ch == ']') {
            adv(&s);
            if (s.d > 0) s.d--;
            if (!s.d) break;   /* the root value ended: what follows is cJSON's to judge */
            continue;
        }
        frame *f = s.d ? &s.st[s.d - 1] : NULL;
        if (!f && started) break;
        started = 1;
        if (f && f->is_obj && f->want_key) {
            if (ch == '"') scan_key(&s, f);
            else adv(&s);   /* not JSON: cJSON will say where */
            continue;
        }
        scan_value(&s);
        if (!s.d && !s.failed) break;   /* a root scalar */
    }
    cat_table_free(&s.keys);
    return s.failed ? -1 : 0;
}
