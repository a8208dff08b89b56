/* vt_stats.c — `vitrine stats`: per product, per day and hour (vt_stats_time.c) and totals, from the events. */
#include "analytics/vt_analytics.h"
#include "i18n/vt_i18n.h"
#include "stats_time.h"
#include "vt_unsaved.h"

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

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int valid_date(const char *s)
{
    int y, m, d;
    return s && strlen(s) >= 10 && sscanf(s, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* Everything `vitrine stats` prints, for events with lo <= ts_utc < hi. */
typedef struct stats {
    sqlite3 *db;
    char lo[40], hi[40];
    prod_row *pr;
    int np;
    stats_time time;           /* per day and hour, on the zone's clock */
    long sessions, dropped;
    long t_found, t_cards, t_adds;
    double t_dwell;
} stats;

#define CONV(adds, found) ((found) ? (double)(adds) / (double)(found) : 0.0)

/* Opens path read-only and checks that it is one of ours. */
static vt_result open_db(const char *path, sqlite3 **out, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    *out = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, _("%s: cannot open: %s"), path, db ? sqlite3_errmsg(db) : _("out of memory"));
        sqlite3_close(db);
        return VT_ERR_IO;
    }
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('events', 'sessions')",
                                -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
    int tables = ok ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (!ok) {
        snprintf(err, errlen, _("%s: not a readable SQLite database (%s)"), path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return VT_ERR_FORMAT;
    }
    if (tables != 2) {
        snprintf(err, errlen, _("%s: not a Vitrine analytics database (no events/sessions tables)"), path);
        sqlite3_close(db);
        return VT_ERR_FORMAT;
    }
    *out = db;
    return VT_OK;
}

/* A statement over the period: ?1 .. ?2 bound to lo and hi (after first_bound - 1 other binds). */
static sqlite3_stmt *prepare_period(const stats *s, const char *sql, int first_bound)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return NULL;
    sqlite3_bind_text(st, first_bound, s->lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, first_bound + 1, s->hi, -1, SQLITE_STATIC);
    return st;
}

static int query_products(stats *s)
{
    sqlite3_stmt *st = prepare_period(s,
        "SELECT product_id, max(product_name), sum(type = 'product_found'),"
        " total(CASE WHEN type = 'product_lost' THEN dwell_seconds END), sum(type = 'card_opened'), sum(type = 'basket_add')"
        " FROM events WHERE product_id IS NOT NULL AND ts_utc >= ?1 AND ts_utc < ?2 GROUP BY product_id"
        " ORDER BY 3 DESC, 1", 1);
    if (!st) return 0;
    int cap = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (s->np == cap) {
            cap = cap ? cap * 2 : 64;
            prod_row *n = realloc(s->pr, (size_t)cap * sizeof *n);
            if (!n) break;
            s->pr = n;
        }
        prod_row *p = &s->pr[s->np++];
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
    return rc == SQLITE_DONE;
}

/* Median dwell of product p. */
static int query_median(stats *s, prod_row *p)
{
    sqlite3_stmt *st = prepare_period(s, "SELECT dwell_seconds FROM events WHERE type = 'product_lost' AND product_id = ?1"
                                         " AND ts_utc >= ?2 AND ts_utc < ?3 AND dwell_seconds IS NOT NULL", 2);
    if (!st) return 0;
    sqlite3_bind_text(st, 1, p->id, -1, SQLITE_STATIC);
    int n = 0, c = 0;
    double *v = NULL;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == c) {
            c = c ? c * 2 : 16;
            double *nv = realloc(v, (size_t)c * sizeof *nv);
            if (!nv) break;
            v = nv;
        }
        v[n++] = sqlite3_column_double(st, 0);
    }
    sqlite3_finalize(st);
    if (n) qsort(v, (size_t)n, sizeof *v, cmp_double);
    p->median = n ? (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2])) : 0;
    free(v);
    return 1;
}

/* Per day and hour on the zone's clock, sessions and dropped events, and the totals over products. */
static int query_hours_sessions(stats *s)
{
    if (!stats_time_query(&s->time, s->db, s->lo, s->hi)) return 0;
    sqlite3_stmt *st = prepare_period(s, "SELECT count(*), total(dropped_events) FROM sessions WHERE started_utc >= ?1"
                                         " AND started_utc < ?2", 1);
    if (!st) return 0;
    if (sqlite3_step(st) == SQLITE_ROW) { s->sessions = sqlite3_column_int64(st, 0); s->dropped = (long)sqlite3_column_double(st, 1); }
    sqlite3_finalize(st);
    for (int i = 0; i < s->np; i++) {
        s->t_found += s->pr[i].found;
        s->t_cards += s->pr[i].card_opens;
        s->t_adds += s->pr[i].basket_adds;
        s->t_dwell += s->pr[i].dwell;
    }
    return 1;
}

/* Drops of sessions whose end is still in the -unsaved file (vt_unsaved.h) and not yet in their row. */
static void add_unsaved_drops(stats *s, const char *path)
{
    vt_unsaved u[64];
    int n = vt_unsaved_read(path, u, 64);
    sqlite3_stmt *st = n > 0 ? prepare_period(s, "SELECT dropped_events FROM sessions WHERE started_utc >= ?1 AND"
                                                 " started_utc < ?2 AND id = ?3", 1) : NULL;
    for (int i = 0; st && i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 3, u[i].session);
        if (sqlite3_step(st) == SQLITE_ROW && u[i].dropped > sqlite3_column_int64(st, 0))
            s->dropped += u[i].dropped - (long)sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
}

static void print_json(const stats *s, FILE *out)
{
    cJSON *root = cJSON_CreateObject(), *ps = cJSON_AddArrayToObject(root, "products");
    for (int i = 0; i < s->np; i++) {
        const prod_row *p = &s->pr[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", p->id);
        cJSON_AddStringToObject(o, "name", p->name);
        cJSON_AddNumberToObject(o, "found", (double)p->found);
        cJSON_AddNumberToObject(o, "dwell_seconds", p->dwell);
        cJSON_AddNumberToObject(o, "median_dwell_seconds", p->median);
        cJSON_AddNumberToObject(o, "card_opens", (double)p->card_opens);
        cJSON_AddNumberToObject(o, "basket_adds", (double)p->basket_adds);
        cJSON_AddNumberToObject(o, "conversion", CONV(p->basket_adds, p->found));
        cJSON_AddItemToArray(ps, o);
    }
    stats_time_json(&s->time, root);
    cJSON *t = cJSON_AddObjectToObject(root, "totals");
    cJSON_AddNumberToObject(t, "sessions", (double)s->sessions);
    cJSON_AddNumberToObject(t, "found", (double)s->t_found);
    cJSON_AddNumberToObject(t, "dwell_seconds", s->t_dwell);
    cJSON_AddNumberToObject(t, "card_opens", (double)s->t_cards);
    cJSON_AddNumberToObject(t, "basket_adds", (double)s->t_adds);
    cJSON_AddNumberToObject(t, "conversion", CONV(s->t_adds, s->t_found));
    cJSON_AddNumberToObject(t, "dropped_events", (double)s->dropped);
    char *text = cJSON_PrintUnformatted(root);
    fprintf(out, "%s\n", text);
    free(text);
    cJSON_Delete(root);
}

/* A text field by RFC 4180: quoted when it holds a comma, a quote, CR or LF (quotes doubled). */
static void csv_text(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) { fputs(s, out); return; }
    fputc('"', out);
    for (const char *c = s; *c; c++) {
        if (*c == '"') fputc('"', out);
        fputc(*c, out);
    }
    fputc('"', out);
}

static void print_csv(const stats *s, FILE *out)
{
    fprintf(out, "section,key,name,found,dwell_seconds,median_dwell_seconds,card_opens,basket_adds,conversion,dropped_events\n");
    for (int i = 0; i < s->np; i++) {
        const prod_row *p = &s->pr[i];
        fputs("product,", out);
        csv_text(out, p->id);
        fputc(',', out);
        csv_text(out, p->name);
        fprintf(out, ",%ld,%.1f,%.1f,%ld,%ld,%.2f,\n", p->found, p->dwell, p->median, p->card_opens, p->basket_adds,
                CONV(p->basket_adds, p->found));
    }
    stats_time_csv(&s->time, out);
    fprintf(out, "total,all,,%ld,%.1f,,%ld,%ld,%.2f,%ld\n", s->t_found, s->t_dwell, s->t_cards, s->t_adds,
            CONV(s->t_adds, s->t_found), s->dropped);
}

/* Columns by display width (vt_i18n_pad), not bytes: an accented, Japanese or Arabic name takes
 * the columns a terminal gives it, and a long one is cut between characters, with an ellipsis. */
#define NAME_COLS 24
static void print_table(const stats *s, const vt_stats_desc *d, FILE *out)
{
    int w[6] = { 7, 10, 10, 7, 7, 6 };
    const char *head[6] = { _("found"), _("dwell (s)"), _("median (s)"), _("cards"), _("basket"), _("conv.") };
    char cell[512];
    stats_time_header(&s->time, d, out);
    fputs(vt_i18n_pad(_("product"), NAME_COLS, 0, cell, sizeof cell), out);
    for (int k = 0; k < 6; k++) {   /* a language's longer heading widens its column */
        int hw = vt_i18n_text_width(head[k]);
        if (hw > w[k]) w[k] = hw;
        fprintf(out, " %s", vt_i18n_pad(head[k], w[k], 1, cell, sizeof cell));
    }
    fputc('\n', out);
    for (int i = 0; i < s->np; i++) {
        const prod_row *p = &s->pr[i];
        fprintf(out, "%s %*ld %*.1f %*.1f %*ld %*ld %*.0f%%\n", vt_i18n_pad(p->name, NAME_COLS, 0, cell, sizeof cell), w[0],
                p->found, w[1], p->dwell, w[2], p->median, w[3], p->card_opens, w[4], p->basket_adds, w[5] - 1,
                100 * CONV(p->basket_adds, p->found));
    }
    if (!s->np) fprintf(out, "%s\n", d->from || d->to ? _("(no product was seen in that period)") : _("(no product was seen)"));
    fputc('\n', out);
    stats_time_table(&s->time, d, out);
    fprintf(out, _("\ntotal: %ld session(s), %ld product views, %.1f s of attention, %ld card(s) opened, %ld basket add(s)"),
            s->sessions, s->t_found, s->t_dwell, s->t_cards, s->t_adds);
    if (s->dropped) fprintf(out, _(", %ld event(s) dropped"), s->dropped);
    fprintf(out, "\n");
}

vt_result vt_stats_print(const char *path, const vt_stats_desc *d, FILE *out, char *err, size_t errlen)
{
    char why[256];
    vt_result r = vt_file_check(path, why, sizeof why);
    if (r != VT_OK) { snprintf(err, errlen, "%s: %s", path, why); return r; }
    if ((d->from && !valid_date(d->from)) || (d->to && !valid_date(d->to))) {
        snprintf(err, errlen, _("--from/--to: expected a date as YYYY-MM-DD (optionally with THH:MM:SS)"));
        return VT_ERR_ARG;
    }
    stats s;
    memset(&s, 0, sizeof s);
    if ((r = stats_time_open(&s.time, d->time_zone, err, errlen)) != VT_OK) return r;
    if ((r = open_db(path, &s.db, err, errlen)) != VT_OK) { stats_time_close(&s.time); return r; }
    stats_time_bounds(&s.time, d->from, d->to, s.lo, s.hi);
    int ok = query_products(&s);
    for (int i = 0; ok && i < s.np; i++) ok = query_median(&s, &s.pr[i]);
    if (ok) ok = query_hours_sessions(&s);
    if (ok) add_unsaved_drops(&s, path);
    if (!ok) {
        snprintf(err, errlen, _("%s: cannot read: %s"), path, sqlite3_errmsg(s.db));
        r = VT_ERR_IO;
    } else if (d->format == VT_STATS_JSON) {
        print_json(&s, out);
    } else if (d->format == VT_STATS_CSV) {
        print_csv(&s, out);
    } else {
        print_table(&s, d, out);
    }
    stats_time_close(&s.time);
    free(s.pr);
    sqlite3_close(s.db);
    return r;
}
