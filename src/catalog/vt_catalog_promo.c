/* vt_catalog_promo.c — scheduled promotions ("promotion": {"price", "start", "end"} on the
 * store's clock) and the "active" flag; the price a visitor pays at a given instant. */
#include "catalog_promo.h"
#include "i18n/vt_i18n.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PATH_LEN 160

int64_t vt_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double vt_product_price_at(const vt_product *p, int64_t utc_ms, double *was)
{
    if (was) *was = -1;
    if (p->promotion_price >= 0 && (p->promotion_start_ms < 0 || utc_ms >= p->promotion_start_ms) &&
        (p->promotion_end_ms < 0 || utc_ms < p->promotion_end_ms)) {
        if (was) *was = p->price;
        return p->promotion_price;
    }
    if (p->promo_price >= 0) {
        if (was) *was = p->price;
        return p->promo_price;
    }
    return p->price;
}

double vt_product_price_now(const vt_product *p) { return vt_product_price_at(p, vt_wall_ms(), NULL); }

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* "YYYY-MM-DDTHH:MM[:SS]" into its fields; 0 when malformed (why says how). */
static int parse_fields(const char *s, int f[6], char *why, size_t len)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int n = 0;
    f[5] = 0;
    int got = sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &f[0], &f[1], &f[2], &f[3], &f[4], &n);
    if (got != 5 || n != 16) goto bad;
    if (s[16] == ':') {
        int m = 0;
        if (sscanf(s + 16, ":%2d%n", &f[5], &m) != 1 || m != 3) goto bad;
        n += 3;
    }
    if (s[n] != 0) goto bad;
    for (int i = 0; i < n; i++) {   /* sscanf takes signs and spaces: digits only where digits go */
        int sep = i == 4 || i == 7 || i == 10 || i == 13 || i == 16;
        if (!sep && (s[i] < '0' || s[i] > '9')) goto bad;
    }
    if (f[0] < 1970 || f[0] > 9999) { snprintf(why, len, _("the year %d is outside 1970-9999"), f[0]); return 0; }
    if (f[1] < 1 || f[1] > 12) { snprintf(why, len, _("there is no month %d"), f[1]); return 0; }
    int md = mdays[f[1] - 1] + (f[1] == 2 && leap(f[0]));
    if (f[2] < 1 || f[2] > md) { snprintf(why, len, _("there is no day %d in %04d-%02d"), f[2], f[0], f[1]); return 0; }
    if (f[3] > 23 || f[4] > 59 || f[5] > 59) { snprintf(why, len, _("there is no time %02d:%02d:%02d"), f[3], f[4], f[5]); return 0; }
    return 1;
bad:
    snprintf(why, len, _("\"%.40s\" is not a local date and time such as \"2026-12-24T08:00\" (seconds optional)"), s);
    return 0;
}

/* The wall time utc_ms shows on z's clock equals f (to the minute)? */
static int shows(vt_i18n_zone *z, int64_t utc_ms, const int f[6])
{
    vt_local_time t;
    return vt_i18n_zone_local(z, utc_ms, &t) == VT_OK && t.year == f[0] && t.month == f[1] && t.day == f[2] &&
           t.hour == f[3] && t.minute == f[4];
}

/* f on z's clock into UTC ms; *dst 1 when the clocks skip it, 2 when they repeat it. */
static int64_t to_utc(vt_i18n_zone *z, const int f[6], int *dst)
{
    int64_t ms = vt_i18n_zone_utc(z, f[0], f[1], f[2], f[3], f[4], f[5]);
    *dst = 0;
    if (!shows(z, ms, f)) *dst = 1;   /* ICU moved it past the gap */
    else if (shows(z, ms + 3600 * 1000, f) || shows(z, ms + 1800 * 1000, f))
        *dst = 2;                     /* the same wall time again after the clocks go back */
    return ms;
}

vt_result vt_catalog_local_time(const char *text, const char *zone, int64_t *utc_ms, int *dst, char *why, size_t len)
{
    int f[6], d = 0;
    if (dst) *dst = 0;
    if (len) why[0] = 0;
    if (!text || !parse_fields(text, f, why, len)) return VT_ERR_ARG;
    char machine[128];
    if (!zone || !*zone) {
        vt_i18n_default_zone(machine, sizeof machine);
        zone = machine;
    }
    vt_i18n_zone *z = NULL;
    if (vt_i18n_zone_create(zone, &z) != VT_OK) {
        snprintf(why, len, _("unknown time zone \"%.60s\""), zone);
        return VT_ERR_ARG;
    }
    *utc_ms = to_utc(z, f, &d);
    vt_i18n_zone_destroy(z);
    if (dst) *dst = d;
    return VT_OK;
}

/* A problem at json_path (its key's place when the value's is unknown); returns is_error.
 * Named like vt_catalog.c's: xgettext's keyword problem:4 takes its messages. */
typedef struct promo_ctx { vt_catalog *c; vt_catalog_report *rep; cat_clock *k; } promo_ctx;

static int problem(promo_ctx *x, int is_error, const char *json_path, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int problem(promo_ctx *x, int is_error, const char *json_path, const char *fmt, ...)
{
    char msg[256], key[PATH_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, vt_tr(fmt), ap);
    va_end(ap);
    int line, col;
    snprintf(key, sizeof key, "%s#", json_path);
    if (!vt_catalog_position(x->c, json_path, &line, &col)) vt_catalog_position(x->c, key, &line, &col);
    vt_catalog_report_add(x->rep, is_error, line, col, "%s", msg);
    return is_error;
}

/* The store's clock: store.timezone when ICU knows it, else the machine's. */
static vt_i18n_zone *store_clock(const vt_catalog *c, cat_clock *k)
{
    if (k->tried) return k->zone;
    k->tried = 1;
    char zone[128];
    if (c->time_zone && vt_i18n_zone_check(c->time_zone, NULL, 0) == VT_OK) snprintf(zone, sizeof zone, "%s", c->time_zone);
    else vt_i18n_default_zone(zone, sizeof zone);
    if (vt_i18n_zone_create(zone, &k->zone) != VT_OK) vt_i18n_zone_create("UTC", &k->zone);
    return k->zone;
}

void cat_clock_free(cat_clock *k)
{
    vt_i18n_zone_destroy(k->zone);
    k->zone = NULL;
    k->tried = 0;
}

/* promotion.start or .end (key) into *ms (-1 when absent); returns the number of errors. */
static int read_time(promo_ctx *x, const cJSON *promo, const char *pp, const char *key, int64_t *ms)
{
    char vp[PATH_LEN], why[160];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(promo, key);
    *ms = -1;
    if (!v) return 0;
    snprintf(vp, sizeof vp, "%.80s.promotion.%s", pp, key);
    if (!cJSON_IsString(v))
        return problem(x, 1, vp, "%s must be a local date and time such as \"2026-12-24T08:00\" (a string)", vp);
    int f[6], dst;
    if (!parse_fields(v->valuestring, f, why, sizeof why)) return problem(x, 1, vp, "%s: %s", vp, why);
    vt_i18n_zone *z = store_clock(x->c, x->k);
    if (!z) return problem(x, 1, vp, "%s: the store's time zone cannot be read", vp);
    *ms = to_utc(z, f, &dst);
    if (dst == 1)
        problem(x, 0, vp, "%s: %s does not exist on the store's clock (the clocks spring forward then); read as "
                "the same time after the change", vp, v->valuestring);
    else if (dst == 2)
        problem(x, 0, vp, "%s: %s happens twice on the store's clock (the clocks go back then); read as the "
                "first time", vp, v->valuestring);
    return 0;
}

/* "promotion": an object with a price below the product's and an optional window. */
static int read_promo(promo_ctx *x, const cJSON *promo, const char *pp, vt_product *pr)
{
    static const char *const known[] = { "price", "start", "end", NULL };
    char vp[100];
    snprintf(vp, sizeof vp, "%.80s.promotion", pp);
    if (!cJSON_IsObject(promo))
        return problem(x, 1, vp, "%s must be an object such as {\"price\": 69.99, \"start\": \"2026-12-24T08:00\", "
                       "\"end\": \"2026-12-26T20:00\"}", vp);
    int errors = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, promo) {
        int ok = 0;
        for (int i = 0; known[i]; i++) ok |= !strcmp(it->string, known[i]);
        char kp[PATH_LEN];
        snprintf(kp, sizeof kp, "%s.%.40s#", vp, it->string);
        if (!ok) errors += problem(x, 1, kp, "unknown key \"%.40s\" in %s: a promotion holds price, start and end",
                                   it->string, vp);
    }
    const cJSON *price = cJSON_GetObjectItemCaseSensitive(promo, "price");
    char pv[PATH_LEN];
    snprintf(pv, sizeof pv, "%s.price", vp);
    if (!price) errors += problem(x, 1, vp, "%s has no \"price\"", vp);
    else if (!cJSON_IsNumber(price) || !isfinite(price->valuedouble)) errors += problem(x, 1, pv, "%s must be a number", pv);
    else if (price->valuedouble < 0) errors += problem(x, 1, pv, "%s must not be negative (is %g)", pv, price->valuedouble);
    else if (price->valuedouble >= pr->price)
        errors += problem(x, 1, pv, "%s (%g) must be below the price (%g)", pv, price->valuedouble, pr->price);
    int64_t start, end;
    errors += read_time(x, promo, pp, "start", &start);
    errors += read_time(x, promo, pp, "end", &end);
    if (start >= 0 && end >= 0 && end <= start) {
        snprintf(pv, sizeof pv, "%s.end", vp);
        errors += problem(x, 1, pv, "%s must be after %s.start", pv, vp);
    }
    if (errors) return errors;
    pr->promotion_price = price->valuedouble;
    pr->promotion_start_ms = start;
    pr->promotion_end_ms = end;
    return 0;
}

int cat_read_promotion(vt_catalog *c, vt_catalog_report *rep, const cJSON *product, const char *pp, vt_product *pr,
                       cat_clock *k)
{
    promo_ctx x0 = { c, rep, k }, *x = &x0;
    int errors = 0;
    char vp[PATH_LEN];
    pr->promotion_price = -1;
    pr->promotion_start_ms = pr->promotion_end_ms = -1;
    pr->active = 1;
    const cJSON *active = cJSON_GetObjectItemCaseSensitive(product, "active");
    snprintf(vp, sizeof vp, "%s.active", pp);
    if (active && !cJSON_IsBool(active)) errors += problem(x, 1, vp, "%s must be true or false", vp);
    else if (active) pr->active = cJSON_IsTrue(active);
    const cJSON *promo = cJSON_GetObjectItemCaseSensitive(product, "promotion");
    if (promo) errors += read_promo(x, promo, pp, pr);
    return errors;
}
