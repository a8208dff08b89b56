/* console_stats.c — what visitors looked at, for the stats page: `vitrine stats --json` (or
 * --csv) over the visits database, on the store's clock (store.timezone) and in its locale.
 * A database not written yet (the display never ran with analytics) is no error: the page gets
 * an empty result with "no_data": true and says "no visits recorded yet". */
#include "console.h"

#include "analytics/vt_analytics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The header line vt_stats_print's CSV starts with, for an empty download. */
#define STATS_CSV_HEAD "section,key,name,found,dwell_seconds,median_dwell_seconds,card_opens,basket_adds,conversion,dropped_events\n"

typedef struct stats_args {
    char from[32], to[32];
    char zone[128], locale[64];
} stats_args;

/* The store's zone and locale, read from the catalog's store object (the rest is not needed,
 * and a catalog with a product error still has a clock). "" when absent. */
static void store_clock(vt_console *c, stats_args *a)
{
    char *text = NULL, err[256];
    size_t n = 0;
    if (vt_read_file(c->catalog, &text, &n, err, sizeof err) != VT_OK) return;
    cJSON *root = cJSON_ParseWithLength(text, n);
    free(text);
    const cJSON *store = cJSON_GetObjectItemCaseSensitive(root, "store");
    const cJSON *tz = cJSON_GetObjectItemCaseSensitive(store, "timezone");
    const cJSON *loc = cJSON_GetObjectItemCaseSensitive(store, "locale");
    if (cJSON_IsString(tz)) snprintf(a->zone, sizeof a->zone, "%s", tz->valuestring);
    if (cJSON_IsString(loc)) snprintf(a->locale, sizeof a->locale, "%s", loc->valuestring);
    cJSON_Delete(root);
}

/* from/to from the query (empty = open), checked: 1, or 0 with a 400 in rs. */
static int read_range(const console_req *rq, console_resp *rs, stats_args *a)
{
    const char *names[2] = { "from", "to" };
    char *vals[2] = { a->from, a->to };
    for (int i = 0; i < 2; i++) {
        vals[i][0] = 0;
        if (!console_query(rq, names[i], vals[i], sizeof a->from) || !vals[i][0]) continue;
        if (strlen(vals[i]) >= sizeof a->from - 1 || vt_parse_date(vals[i]) != 0) {
            console_resp_error(rs, 400, _("%s: expected a date as YYYY-MM-DD (optionally with THH:MM:SS), not \"%.31s\""),
                               names[i], vals[i]);
            return 0;
        }
    }
    /* Same-length ISO strings compare as dates; a day alone is its start. */
    if (a->from[0] && a->to[0] && strncmp(a->from, a->to, 10) > 0) {
        console_resp_error(rs, 400, _("from (%s) is after to (%s)"), a->from, a->to);
        return 0;
    }
    return 1;
}

static int db_missing(const vt_console *c)
{
    struct stat st;
    return stat(c->analytics, &st) != 0 && errno == ENOENT;
}

/* The shape `vitrine stats --json` gives, with nothing in it. */
static void empty_json(const stats_args *a, console_resp *rs)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddArrayToObject(j, "products");
    cJSON_AddStringToObject(j, "time_zone", a->zone[0] ? a->zone : "UTC");
    cJSON_AddArrayToObject(j, "days");
    cJSON_AddArrayToObject(j, "hours");
    cJSON *t = cJSON_AddObjectToObject(j, "totals");
    const char *keys[] = { "sessions", "found", "dwell_seconds", "card_opens", "basket_adds", "conversion",
                           "dropped_events" };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) cJSON_AddNumberToObject(t, keys[i], 0);
    cJSON_AddBoolToObject(j, "no_data", 1);
    console_resp_json(rs, 200, j);
}

/* Runs vt_stats_print into the response; 0 with an error in rs when it failed. */
static int print_stats(vt_console *c, const stats_args *a, vt_stats_format fmt, console_resp *rs)
{
    vt_stats_desc d;
    memset(&d, 0, sizeof d);
    d.from = a->from[0] ? a->from : NULL;
    d.to = a->to[0] ? a->to : NULL;
    d.format = fmt;
    d.time_zone = a->zone[0] ? a->zone : NULL;
    d.locale = a->locale[0] ? a->locale : NULL;
    char *buf = NULL, err[512] = "";
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f) {
        console_resp_error(rs, 503, _("out of memory"));
        return 0;
    }
    vt_result r = vt_stats_print(c->analytics, &d, f, err, sizeof err);
    fclose(f);
    if (r != VT_OK) {
        free(buf);
        VT_WARN("console", _("stats: %s"), err);
        console_resp_error(rs, r == VT_ERR_ARG ? 400 : 500, "%s", err);
        return 0;
    }
    console_resp_bytes(rs, 200, fmt == VT_STATS_CSV ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
                       (unsigned char *)buf, n);
    return 1;
}

void console_api_stats(vt_console *c, console_req *rq, console_resp *rs)
{
    stats_args a;
    memset(&a, 0, sizeof a);
    if (!read_range(rq, rs, &a)) return;
    store_clock(c, &a);
    if (db_missing(c)) {
        empty_json(&a, rs);
        return;
    }
    print_stats(c, &a, VT_STATS_JSON, rs);
}

void console_api_stats_csv(vt_console *c, console_req *rq, console_resp *rs)
{
    stats_args a;
    memset(&a, 0, sizeof a);
    if (!read_range(rq, rs, &a)) return;
    store_clock(c, &a);
    if (db_missing(c)) console_resp_copy(rs, 200, "text/csv; charset=utf-8", STATS_CSV_HEAD, strlen(STATS_CSV_HEAD));
    else if (!print_stats(c, &a, VT_STATS_CSV, rs)) return;
    char disp[128];
    snprintf(disp, sizeof disp, "attachment; filename=\"vitrine-stats%s%s%s%s.csv\"", a.from[0] ? "-" : "",
             a.from[0] ? a.from : "", a.to[0] ? "-" : "", a.to[0] ? a.to : "");
    for (char *p = disp; *p; p++)
        if (*p == ':') *p = '-';   /* a time's colons: no file name's */
    console_resp_header(rs, "Content-Disposition", disp);
}
