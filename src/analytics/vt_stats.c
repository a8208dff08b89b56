/* vt_stats.c — `vitrine stats`: per product, per hour of day (UTC) and totals, from the events. */
#include "analytics/vt_analytics.h"

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct prod_row {
    char id[64], name[96];
    long found, card_opens, basket_adds;
    double dwell, median;
} prod_row;

typedef struct hour_row { long found, card_opens, basket_adds; double dwell; } hour_row;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* "2026-11-26" as an upper bound means the whole day: the next day's start. */
static void upper_bound(const char *to, char out[40])
{
    if (to && strlen(to) == 10) {
        struct tm tm = { 0 };
        if (sscanf(to, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) == 3) {
            tm.tm_year -= 1900;
            tm.tm_mon -= 1;
            time_t t = timegm(&tm) + 86400;
            gmtime_r(&t, &tm);
            strftime(out, 40, "%Y-%m-%d", &tm);
            return;
        }
    }
    snprintf(out, 40, "%s", to ? to : "9999");
}

static int valid_date(const char *s)
{
    int y, m, d;
    return s && strlen(s) >= 10 && sscanf(s, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

int vt_stats_print(const char *path, const char *from, const char *to, vt_stats_format fmt, FILE *out, char *err,
                   size_t errlen)
{
    char why[256];
    if (vt_file_check(path, why, sizeof why) != VT_OK) { snprintf(err, errlen, "%s: %s", path, why); return 1; }
    if ((from && !valid_date(from)) || (to && !valid_date(to))) {
        snprintf(err, errlen, "--from/--to: expected a date as YYYY-MM-DD (optionally with THH:MM:SS)");
        return 1;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return 1;
    }
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('events', 'sessions')",
                                -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
    int tables = ok ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (!ok) {
        snprintf(err, errlen, "%s: not a readable SQLite database (%s)", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return 1;
    }
    if (tables != 2) {
        snprintf(err, errlen, "%s: not a Vitrine analytics database (no events/sessions tables)", path);
        sqlite3_close(db);
        return 1;
    }
    char lo[40], hi[40];
    snprintf(lo, sizeof lo, "%s", from ? from : "0000");
    upper_bound(to, hi);

    /* Per product. */
    int cap = 64, np = 0;
    prod_row *pr = calloc((size_t)cap, sizeof *pr);
    const char *q_prod =
        "SELECT product_id, max(product_name), sum(type = 'product_found'),"
        " total(CASE WHEN type = 'product_lost' THEN dwell_seconds END), sum(type = 'card_opened'), sum(type = 'basket_add')"
        " FROM events WHERE product_id IS NOT NULL AND ts_utc >= ?1 AND ts_utc < ?2 GROUP BY product_id"
        " ORDER BY 3 DESC, 1";
    if (sqlite3_prepare_v2(db, q_prod, -1, &st, NULL) != SQLITE_OK) goto dberr;
    sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (np == cap) { cap *= 2; pr = realloc(pr, (size_t)cap * sizeof *pr); }
        prod_row *p = &pr[np++];
        memset(p, 0, sizeof *p);
        snprintf(p->id, sizeof p->id, "%s", (const char *)sqlite3_column_text(st, 0));
        const unsigned char *nm = sqlite3_column_text(st, 1);
        snprintf(p->name, sizeof p->name, "%s", nm ? (const char *)nm : p->id);
        p->found = sqlite3_column_int64(st, 2);
        p->dwell = sqlite3_column_double(st, 3);
        p->card_opens = sqlite3_column_int64(st, 4);
        p->basket_adds = sqlite3_column_int64(st, 5);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) goto dberr;
    /* Median dwell per product. */
    for (int i = 0; i < np; i++) {
        if (sqlite3_prepare_v2(db, "SELECT dwell_seconds FROM events WHERE type = 'product_lost' AND product_id = ?1"
                                   " AND ts_utc >= ?2 AND ts_utc < ?3 AND dwell_seconds IS NOT NULL",
                               -1, &st, NULL) != SQLITE_OK)
            goto dberr;
        sqlite3_bind_text(st, 1, pr[i].id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, lo, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, hi, -1, SQLITE_STATIC);
        int n = 0, c = 16;
        double *v = malloc((size_t)c * sizeof *v);
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (n == c) { c *= 2; v = realloc(v, (size_t)c * sizeof *v); }
            v[n++] = sqlite3_column_double(st, 0);
        }
        sqlite3_finalize(st);
        qsort(v, (size_t)n, sizeof *v, cmp_double);
        pr[i].median = n ? (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2])) : 0;
        free(v);
    }
    /* Per hour of day (UTC). */
    hour_row hours[24];
    memset(hours, 0, sizeof hours);
    if (sqlite3_prepare_v2(db,
                           "SELECT CAST(substr(ts_utc, 12, 2) AS INTEGER), sum(type = 'product_found'),"
                           " total(CASE WHEN type = 'product_lost' THEN dwell_seconds END), sum(type = 'card_opened'),"
                           " sum(type = 'basket_add') FROM events WHERE ts_utc >= ?1 AND ts_utc < ?2 GROUP BY 1",
                           -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int h = sqlite3_column_int(st, 0);
        if (h < 0 || h > 23) continue;
        hours[h] = (hour_row){ sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4),
                               sqlite3_column_double(st, 2) };
    }
    sqlite3_finalize(st);
    /* Sessions and dropped events. */
    long sessions = 0, dropped = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*), total(dropped_events) FROM sessions WHERE started_utc >= ?1 AND started_utc < ?2",
                           -1, &st, NULL) != SQLITE_OK)
        goto dberr;
    sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) { sessions = sqlite3_column_int64(st, 0); dropped = (long)sqlite3_column_double(st, 1); }
    sqlite3_finalize(st);

    long t_found = 0, t_cards = 0, t_adds = 0;
    double t_dwell = 0;
    for (int i = 0; i < np; i++) { t_found += pr[i].found; t_cards += pr[i].card_opens; t_adds += pr[i].basket_adds; t_dwell += pr[i].dwell; }
#define CONV(adds, found) ((found) ? (double)(adds) / (double)(found) : 0.0)

    if (fmt == VT_STATS_JSON) {
        cJSON *root = cJSON_CreateObject(), *ps = cJSON_AddArrayToObject(root, "products");
        for (int i = 0; i < np; i++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "id", pr[i].id);
            cJSON_AddStringToObject(o, "name", pr[i].name);
            cJSON_AddNumberToObject(o, "found", (double)pr[i].found);
            cJSON_AddNumberToObject(o, "dwell_seconds", pr[i].dwell);
            cJSON_AddNumberToObject(o, "median_dwell_seconds", pr[i].median);
            cJSON_AddNumberToObject(o, "card_opens", (double)pr[i].card_opens);
            cJSON_AddNumberToObject(o, "basket_adds", (double)pr[i].basket_adds);
            cJSON_AddNumberToObject(o, "conversion", CONV(pr[i].basket_adds, pr[i].found));
            cJSON_AddItemToArray(ps, o);
        }
        cJSON *hs = cJSON_AddArrayToObject(root, "hours");
        for (int h = 0; h < 24; h++) {
            if (!hours[h].found && !hours[h].card_opens && !hours[h].basket_adds && !hours[h].dwell) continue;
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "hour", h);
            cJSON_AddNumberToObject(o, "found", (double)hours[h].found);
            cJSON_AddNumberToObject(o, "dwell_seconds", hours[h].dwell);
            cJSON_AddNumberToObject(o, "card_opens", (double)hours[h].card_opens);
            cJSON_AddNumberToObject(o, "basket_adds", (double)hours[h].basket_adds);
            cJSON_AddItemToArray(hs, o);
        }
        cJSON *t = cJSON_AddObjectToObject(root, "totals");
        cJSON_AddNumberToObject(t, "sessions", (double)sessions);
        cJSON_AddNumberToObject(t, "found", (double)t_found);
        cJSON_AddNumberToObject(t, "dwell_seconds", t_dwell);
        cJSON_AddNumberToObject(t, "card_opens", (double)t_cards);
        cJSON_AddNumberToObject(t, "basket_adds", (double)t_adds);
        cJSON_AddNumberToObject(t, "conversion", CONV(t_adds, t_found));
        cJSON_AddNumberToObject(t, "dropped_events", (double)dropped);
        char *s = cJSON_PrintUnformatted(root);
        fprintf(out, "%s\n", s);
        free(s);
        cJSON_Delete(root);
    } else if (fmt == VT_STATS_CSV) {
        fprintf(out, "section,key,name,found,dwell_seconds,median_dwell_seconds,card_opens,basket_adds,conversion\n");
        for (int i = 0; i < np; i++) {
            fprintf(out, "product,%s,\"", pr[i].id);
            for (const char *c = pr[i].name; *c; c++) fprintf(out, *c == '"' ? "\"\"" : "%c", *c);
            fprintf(out, "\",%ld,%.1f,%.1f,%ld,%ld,%.2f\n", pr[i].found, pr[i].dwell, pr[i].median, pr[i].card_opens,
                    pr[i].basket_adds, CONV(pr[i].basket_adds, pr[i].found));
        }
        for (int h = 0; h < 24; h++)
            if (hours[h].found || hours[h].card_opens || hours[h].basket_adds || hours[h].dwell)
                fprintf(out, "hour,%02d,,%ld,%.1f,,%ld,%ld,%.2f\n", h, hours[h].found, hours[h].dwell, hours[h].card_opens,
                        hours[h].basket_adds, CONV(hours[h].basket_adds, hours[h].found));
        fprintf(out, "total,all,,%ld,%.1f,,%ld,%ld,%.2f\n", t_found, t_dwell, t_cards, t_adds, CONV(t_adds, t_found));
    } else {
        fprintf(out, "%-24s %7s %10s %10s %7s %7s %6s\n", "product", "found", "dwell (s)", "median (s)", "cards", "basket", "conv.");
        for (int i = 0; i < np; i++)
            fprintf(out, "%-24.24s %7ld %10.1f %10.1f %7ld %7ld %5.0f%%\n", pr[i].name, pr[i].found, pr[i].dwell, pr[i].median,
                    pr[i].card_opens, pr[i].basket_adds, 100 * CONV(pr[i].basket_adds, pr[i].found));
        if (!np) fprintf(out, "(no product was seen%s)\n", from || to ? " in that period" : "");
        fprintf(out, "\nhour (UTC)  found  dwell (s)  cards  basket\n");
        for (int h = 0; h < 24; h++)
            if (hours[h].found || hours[h].card_opens || hours[h].basket_adds || hours[h].dwell)
                fprintf(out, "%02d:00       %5ld  %9.1f  %5ld  %6ld\n", h, hours[h].found, hours[h].dwell, hours[h].card_opens,
                        hours[h].basket_adds);
        fprintf(out, "\ntotal: %ld session(s), %ld product views, %.1f s of attention, %ld card(s) opened, %ld basket add(s)",
                sessions, t_found, t_dwell, t_cards, t_adds);
        if (dropped) fprintf(out, ", %ld event(s) dropped", dropped);
        fprintf(out, "\n");
    }
    free(pr);
    sqlite3_close(db);
    return 0;
dberr:
    snprintf(err, errlen, "%s: cannot read: %s", path, sqlite3_errmsg(db));
    free(pr);
    sqlite3_close(db);
    return 1;
}
