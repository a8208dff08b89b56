/* test_catalog_promo.c — a product's scheduled "promotion" and its "active" flag: reading, the
 * errors with their line and column, the price at instants before, at and after the window's
 * start and end, a window across a daylight-saving change, store.timezone honoured (and the
 * machine's zone without one), times the clocks skip or repeat, and promo_price kept working. */
#include "catalog/vt_catalog.h"
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* UTC ms of a UTC date and time. */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
    struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi };
    return (int64_t)timegm(&tm) * 1000;
}

static char *catalog(const char *zone, const char *promo)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             "{\"version\": 1, \"store\": {\"name\": \"S\", \"locale\": \"fr_FR\", \"currency\": \"EUR\"%s%s%s},\n"
             " \"products\": [\n"
             "  {\"id\": \"a\", \"marker\": 1, \"name\": \"A\", \"price\": 89.99,\n"
             "   \"promotion\": %s}]}\n",
             zone ? ", \"timezone\": \"" : "", zone ? zone : "", zone ? "\"" : "", promo);
    return buf;
}

static void test_window(void)
{
    vt_catalog_report rep;
    vt_catalog *c = t_parse_catalog(catalog("Europe/Paris", "{\"price\": 69.99, \"start\": \"2026-12-24T08:00\", \"end\": \"2026-12-26T20:00:30\"}"), &rep);
    CHECKF(c && rep.errors == 0, "%d errors: %s", rep.errors, rep.count ? rep.items[0].msg : "");
    if (!c) return;
    const vt_product *p = &c->products[0];
    int64_t start = utc(2026, 12, 24, 7, 0), end = utc(2026, 12, 26, 19, 0) + 30000;   /* Paris is UTC+1 in winter */
    CHECK(p->promotion_price == 69.99 && p->promotion_start_ms == start && p->promotion_end_ms == end);
    CHECK(p->active == 1);
    double was;
    CHECK(vt_product_price_at(p, start - 1, &was) == 89.99 && was == -1);
    CHECK(vt_product_price_at(p, start, &was) == 69.99 && was == 89.99);
    CHECK(vt_product_price_at(p, end - 1, &was) == 69.99 && was == 89.99);
    CHECK(vt_product_price_at(p, end, &was) == 89.99 && was == -1);
    CHECK(vt_product_price_at(p, start, NULL) == 69.99);
    vt_catalog_destroy(c);
    vt_catalog_report_free(&rep);

    /* open on one side; and the wall clock */
    c = t_parse_catalog(catalog("Europe/Paris", "{\"price\": 50, \"start\": \"2000-01-01T00:00\"}"), &rep);
    CHECK(c && c->products[0].promotion_end_ms == -1 && vt_product_price_now(&c->products[0]) == 50);
    CHECK(c && vt_product_price_at(&c->products[0], utc(1999, 12, 31, 22, 59), NULL) == 89.99);
    vt_catalog_destroy(c);
    vt_catalog_report_free(&rep);
    c = t_parse_catalog(catalog("Europe/Paris", "{\"price\": 50, \"end\": \"2001-01-01T00:00\"}"), &rep);
    CHECK(c && c->products[0].promotion_start_ms == -1 && vt_product_price_now(&c->products[0]) == 89.99);
    CHECK(c && vt_product_price_at(&c->products[0], 0, NULL) == 50);
    vt_catalog_destroy(c);
    vt_catalog_report_free(&rep);
    c = t_parse_catalog(catalog(NULL, "{\"price\": 50}"), &rep);
    CHECK(c && vt_product_price_now(&c->products[0]) == 50);
    vt_catalog_destroy(c);
    vt_catalog_report_free(&rep);
}

/* Across the spring change in Paris (2026-03-29 02:00 CET -> 03:00 CEST), and the zone honoured. */
static void test_zones(void)
{
    vt_catalog_report rep;
    vt_catalog *c = t_parse_catalog(catalog("Europe/Paris", "{\"price\": 1, \"start\": \"2026-03-29T01:30\", \"end\": \"2026-03-29T03:30\"}"), &rep);
    CHECK(c && rep.errors == 0);
    if (c) {
        CHECK(c->products[0].promotion_start_ms == utc(2026, 3, 29, 0, 30));
        CHECKF(c->products[0].promotion_end_ms - c->products[0].promotion_start_ms == 3600 * 1000, "one hour of clock time");
        CHECK(vt_product_price_at(&c->products[0], utc(2026, 3, 29, 1, 29), NULL) == 1);
        CHECK(vt_product_price_at(&c->products[0], utc(2026, 3, 29, 1, 30), NULL) == 89.99);
    }
    vt_catalog_destroy(c);
    vt_catalog_report_free(&rep);
    /* the clocks skip 02:30 that night: a warning, read as after the change */
    c = t_parse_catalog(catalog("Europe/Paris", "{\"price\": 1, \"start\": \"2026-03-29T02:30\"}"), &rep);
    const vt_catalog_problem *w = t_find_problem(&rep, "does not exist");
    CHECK(c && rep.errors == 0 && w && !w->is_error && w->line == 4);
    CHECK(c && c->products[0].promotion_start_ms == utc(2026, 3, 29, 1, 30));
    vt_catalog_destroy(c);
    vt_catalog_report_free(&rep);
    /* ... and repeat 02:30 on 25 October: its first time (still summer time, UTC+2) */
    c = t_parse_catalog(catalog("Europe/Paris", "{\"price\": 1, \"end\": \"2026-10-25T02:30\"}"), &rep);
    w = t_find_problem(&rep, "happens twice");
    CHECK(c && rep.errors == 0 && w && !w->is_error);
    CHECK(c && c->products[0].promotion_end_ms == utc(2026, 10, 25, 0, 30));
    vt_catalog_destroy(c);
    vt_catalog_report_free(&rep);
    /* store.timezone honoured */
    c = t_parse_catalog(catalog("America/New_York", "{\"price\": 1, \"start\": \"2026-12-24T08:00\"}"), &rep);
    CHECK(c && c->products[0].promotion_start_ms == utc(2026, 12, 24, 13, 0));
    vt_catalog_destroy(c);
    vt_catalog_report_free(&rep);
    /* none: the machine's (TZ, set in main) */
    c = t_parse_catalog(catalog(NULL, "{\"price\": 1, \"start\": \"2026-12-24T08:00\"}"), &rep);
    CHECK(c && c->products[0].promotion_start_ms == utc(2026, 12, 23, 23, 0));
    vt_catalog_destroy(c);
    vt_catalog_report_free(&rep);
    int64_t ms;
    int dst;
    char why[160];
    CHECK(vt_catalog_local_time("2026-07-01T12:00", "Asia/Tokyo", &ms, &dst, why, sizeof why) == VT_OK && ms == utc(2026, 7, 1, 3, 0) && dst == 0);
    CHECK(vt_catalog_local_time("2026-07-01T12:00", "Mars/Olympus", &ms, &dst, why, sizeof why) == VT_ERR_ARG);
}

static void expect_error(const char *promo, const char *needle, int line)
{
    vt_catalog_report rep;
    vt_catalog *c = t_parse_catalog(catalog("Europe/Paris", promo), &rep);
    const vt_catalog_problem *e = t_find_problem(&rep, needle);
    CHECKF(e && e->is_error && e->line == line && e->col > 1, "%s: %s (line %d)", promo, e ? e->msg : "not found", e ? e->line : 0);
    CHECK(c && c->products[0].promotion_price < 0);
    vt_catalog_destroy(c);
    vt_catalog_report_free(&rep);
}

static void test_errors(void)
{
    expect_error("{\"price\": 89.99}", "products[0].promotion.price (89.99) must be below the price", 4);
    expect_error("{\"price\": -1}", "must not be negative", 4);
    expect_error("{\"price\": \"x\"}", "products[0].promotion.price must be a number", 4);
    expect_error("{\"start\": \"2026-12-24T08:00\"}", "products[0].promotion has no \"price\"", 4);
    expect_error("[1]", "products[0].promotion must be an object", 4);
    expect_error("{\"price\": 1, \"start\": \"24/12/2026 08:00\"}", "is not a local date and time", 4);
    expect_error("{\"price\": 1, \"start\": \"2026-12-24\"}", "is not a local date and time", 4);
    expect_error("{\"price\": 1, \"start\": \"2026-12-24T08:00Z\"}", "is not a local date and time", 4);
    expect_error("{\"price\": 1, \"start\": \"2026-02-30T08:00\"}", "there is no day 30", 4);
    expect_error("{\"price\": 1, \"start\": \"2026-12-24T24:00\"}", "there is no time", 4);
    expect_error("{\"price\": 1, \"start\": 20261224}", "must be a local date and time", 4);
    expect_error("{\"price\": 1, \"start\": \"2026-12-26T08:00\", \"end\": \"2026-12-24T08:00\"}", "must be after products[0].promotion.start", 4);
    expect_error("{\"price\": 1, \"strat\": \"2026-12-26T08:00\"}", "unknown key \"strat\"", 4);
    /* the place is the value's: column of "start"'s value */
    vt_catalog_report rep;
    vt_catalog *c = t_parse_catalog(catalog("Europe/Paris", "{\"price\": 1, \"start\": \"bad\"}"), &rep);
    const vt_catalog_problem *e = t_find_problem(&rep, "not a local date");
    CHECKF(e && e->col == 39, "col %d", e ? e->col : 0);
    vt_catalog_destroy(c);
    vt_catalog_report_free(&rep);
}

static void test_active_and_promo_price(void)
{
    const char *json =
        "{\"version\": 1, \"store\": {\"name\": \"S\", \"locale\": \"fr_FR\", \"currency\": \"EUR\", \"timezone\": \"Europe/Paris\"},\n"
        " \"products\": [\n"
        "  {\"id\": \"a\", \"marker\": 1, \"price\": 10, \"active\": false},\n"
        "  {\"id\": \"b\", \"marker\": 2, \"price\": 10, \"active\": true, \"promo_price\": 8,\n"
        "   \"promotion\": {\"price\": 6, \"start\": \"2026-01-01T00:00\", \"end\": \"2026-01-02T00:00\"}},\n"
        "  {\"id\": \"c\", \"marker\": 3, \"price\": 10, \"active\": \"no\"}]}\n";
    vt_catalog_report rep;
    vt_catalog *c = t_parse_catalog(json, &rep);
    CHECK(c && c->count == 3);
    if (!c) return;
    CHECK(c->products[0].active == 0 && c->products[1].active == 1);
    const vt_catalog_problem *e = t_find_problem(&rep, "products[2].active must be true or false");
    CHECK(e && e->is_error && e->line == 6 && rep.errors == 1);
    double was;
    const vt_product *b = &c->products[1];
    CHECK(vt_product_price_at(b, utc(2025, 12, 31, 22, 59), &was) == 8 && was == 10);   /* promo_price, always on */
    CHECK(vt_product_price_at(b, utc(2025, 12, 31, 23, 0), &was) == 6 && was == 10);    /* the promotion wins inside */
    CHECK(vt_product_price_at(b, utc(2026, 1, 1, 23, 0), &was) == 8);
    CHECK(vt_product_price_at(&c->products[0], 0, &was) == 10 && was == -1);
    vt_catalog_destroy(c);
    vt_catalog_report_free(&rep);
}

int main(void)
{
    setenv("TZ", "Asia/Tokyo", 1);   /* the machine's zone when the store gives none: before ICU starts */
    tzset();
    test_window();
    test_zones();
    test_errors();
    test_active_and_promo_price();
    return t_finish("test_catalog_promo");
}
