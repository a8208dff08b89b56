/* vt_stats_time.c — `vitrine stats` per day and per hour on the store's clock (ICU's calendar),
 * the table's dates and hours as the store's locale writes them, columns by display width. */
#include "stats_time.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CONV(adds, found) ((found) ? (double)(adds) / (double)(found) : 0.0)
#define LABEL 160   /* bytes of a date or hour label */

vt_result stats_time_open(stats_time *t, const char *zone, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (zone) snprintf(t->zone_name, sizeof t->zone_name, "%s", zone);
    else vt_i18n_default_zone(t->zone_name, sizeof t->zone_name);
    if (vt_i18n_zone_create(t->zone_name, &t->zone) != VT_OK) {
        snprintf(err, errlen, _("unknown time zone \"%s\" (an IANA name such as Europe/Paris)"), t->zone_name);
        return VT_ERR_ARG;
    }
    return VT_OK;
}

void stats_time_close(stats_time *t)
{
    vt_i18n_zone_destroy(t->zone);
    free(t->hours);
    free(t->days);
    memset(t, 0, sizeof *t);
}

/* ms since 1970 as the database writes UTC: "2026-11-26T14:03:12.345Z". */
static void utc_text(int64_t ms, char out[40])
{
    time_t s = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    char day[32];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 40, "%s.%03dZ", day, (int)(ms - (int64_t)s * 1000));
}

/* A checked date ("2026-11-26", optionally "T14:00:00") on the zone's clock, as UTC ms; end: the
 * first instant after it (the next day's start, or the next second). */
static int64_t local_bound(stats_time *t, const char *s, int end)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    int n = sscanf(s, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &sec);
    if (n < 6) return vt_i18n_zone_utc(t->zone, y, mo, d + (end ? 1 : 0), 0, 0, 0);   /* ICU carries day 32 over */
    return vt_i18n_zone_utc(t->zone, y, mo, d, h, mi, sec) + (end ? 1000 : 0);
}

void stats_time_bounds(stats_time *t, const char *from, const char *to, char lo[40], char hi[40])
{
    if (from) utc_text(local_bound(t, from, 0), lo);
    else snprintf(lo, 40, "0000");
    if (to) utc_text(local_bound(t, to, 1), hi);
    else snprintf(hi, 40, "9999");
}

/* The bucket starting at start_ms: the last one (events come in time order) or a new one. */
static stats_bucket *bucket(stats_time *t, stats_bucket **v, int *n, int *cap, int64_t start_ms, int day)
{
    stats_bucket *last = *n ? &(*v)[*n - 1] : NULL;
    if (last && (day ? last->start.day_start_ms : last->start.hour_start_ms) == start_ms) return last;
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 64;
        stats_bucket *nv = realloc(*v, (size_t)nc * sizeof *nv);
        if (!nv) return NULL;
        *v = nv;
        *cap = nc;
    }
    stats_bucket *b = &(*v)[(*n)++];
    memset(b, 0, sizeof *b);
    vt_i18n_zone_local(t->zone, start_ms, &b->start);
    return b;
}

static void count(stats_bucket *b, const char *type, double dwell)
{
    if (!b) return;
    if (!strcmp(type, "product_found")) b->found++;
    else if (!strcmp(type, "product_lost")) b->dwell += dwell;
    else if (!strcmp(type, "card_opened")) b->card_opens++;
    else if (!strcmp(type, "basket_add")) b->basket_adds++;
}

int stats_time_query(stats_time *t, sqlite3 *db, const char *lo, const char *hi)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT ts_utc, type, dwell_seconds FROM events WHERE ts_utc >= ?1 AND ts_utc < ?2 AND type IN"
                               " ('product_found', 'product_lost', 'card_opened', 'basket_add') ORDER BY ts_utc", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *ts = (const char *)sqlite3_column_text(st, 0), *type = (const char *)sqlite3_column_text(st, 1);
        struct tm tm = { 0 };
        int ms = 0;
        if (!ts || !type || sscanf(ts, "%d-%d-%dT%d:%d:%d.%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                                   &tm.tm_sec, &ms) < 6)
            continue;   /* not a time this Vitrine writes */
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        vt_local_time lt;
        if (vt_i18n_zone_local(t->zone, (int64_t)timegm(&tm) * 1000 + ms, &lt) != VT_OK) continue;
        double dwell = sqlite3_column_double(st, 2);
        count(bucket(t, &t->hours, &t->nh, &t->caph, lt.hour_start_ms, 0), type, dwell);
        count(bucket(t, &t->days, &t->nd, &t->capd, lt.day_start_ms, 1), type, dwell);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}

static void day_text(const vt_local_time *s, char out[16]) { snprintf(out, 16, "%04d-%02d-%02d", s->year, s->month, s->day); }

static void add_figures(cJSON *o, const stats_bucket *b)
{
    cJSON_AddNumberToObject(o, "found", (double)b->found);
    cJSON_AddNumberToObject(o, "dwell_seconds", b->dwell);
    cJSON_AddNumberToObject(o, "card_opens", (double)b->card_opens);
    cJSON_AddNumberToObject(o, "basket_adds", (double)b->basket_adds);
}

void stats_time_json(const stats_time *t, cJSON *root)
{
    char iso[40], day[16];
    cJSON_AddStringToObject(root, "time_zone", t->zone_name);
    cJSON *ds = cJSON_AddArrayToObject(root, "days");
    for (int i = 0; i < t->nd; i++) {
        cJSON *o = cJSON_CreateObject();
        day_text(&t->days[i].start, day);
        vt_i18n_iso8601(&t->days[i].start, iso, sizeof iso);
        cJSON_AddStringToObject(o, "day", day);
        cJSON_AddStringToObject(o, "start", iso);
        cJSON_AddNumberToObject(o, "hours", t->days[i].start.day_hours);
        add_figures(o, &t->days[i]);
        cJSON_AddItemToArray(ds, o);
    }
    cJSON *hs = cJSON_AddArrayToObject(root, "hours");
    for (int i = 0; i < t->nh; i++) {
        cJSON *o = cJSON_CreateObject();
        day_text(&t->hours[i].start, day);
        vt_i18n_iso8601(&t->hours[i].start, iso, sizeof iso);
        cJSON_AddStringToObject(o, "start", iso);
        cJSON_AddStringToObject(o, "day", day);
        cJSON_AddNumberToObject(o, "hour", t->hours[i].start.hour);
        add_figures(o, &t->hours[i]);
        cJSON_AddItemToArray(hs, o);
    }
}

void stats_time_csv(const stats_time *t, FILE *out)
{
    char iso[40];
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < (k ? t->nh : t->nd); i++) {
            const stats_bucket *b = k ? &t->hours[i] : &t->days[i];
            vt_i18n_iso8601(&b->start, iso, sizeof iso);
            fprintf(out, "%s,%s,,%ld,%.1f,,%ld,%ld,%.2f,\n", k ? "hour" : "day", iso, b->found, b->dwell, b->card_opens,
                    b->basket_adds, CONV(b->basket_adds, b->found));
        }
}

void stats_time_header(const stats_time *t, const vt_stats_desc *d, FILE *out)
{
    fprintf(out, _("times in %s (%s)"), t->zone_name, d->zone_source ? d->zone_source : _("the machine's time zone"));
    if (d->locale) fprintf(out, _("; dates as %s writes them"), d->locale);
    fputs("\n\n", out);
}

/* One cell: a space before all but the first, then s fitted to w columns. */
static void cell(FILE *out, const char *s, int w, int right, int first)
{
    char buf[LABEL * 2];
    if (!first) fputc(' ', out);
    fputs(vt_i18n_pad(s, w, right, buf, sizeof buf), out);
}

/* The figures' header cells and a row's figures, aligned under them; a language's longer heading
 * widens its column (w: the four widths, set by figures_header). */
static void figures_header(FILE *out, int w[4])
{
    const char *head[4] = { _("found"), _("dwell (s)"), _("cards"), _("basket") };
    static const int min_w[4] = { 7, 10, 7, 7 };
    for (int k = 0; k < 4; k++) {
        int hw = vt_i18n_text_width(head[k]);
        w[k] = hw > min_w[k] ? hw : min_w[k];
        cell(out, head[k], w[k], 1, 0);
    }
    fputc('\n', out);
}

static void figures(FILE *out, const stats_bucket *b, const int w[4])
{
    fprintf(out, " %*ld %*.1f %*ld %*ld\n", w[0], b->found, w[1], b->dwell, w[2], b->card_opens, w[3], b->basket_adds);
}

static int same_hour(const vt_local_time *a, const vt_local_time *b)
{
    return a->year == b->year && a->month == b->month && a->day == b->day && a->hour == b->hour;
}

/* Labels of the buckets (LABEL bytes each, malloc'ed) and the widest one's width (at least min). */
static char *day_labels(const stats_bucket *v, int n, vt_i18n_datefmt *f, int with_hours, int *w)
{
    char *l = calloc((size_t)(n ? n : 1), LABEL);
    for (int i = 0; l && i < n; i++) {
        char date[LABEL];
        vt_i18n_datefmt_format(f, v[i].start.day_start_ms, date, sizeof date);
        if (with_hours && v[i].start.day_hours != 24)   /* a DST change: say how long the day was */
            snprintf(l + (size_t)i * LABEL, LABEL, _("%s (%d h)"), date, v[i].start.day_hours);
        else snprintf(l + (size_t)i * LABEL, LABEL, "%s", date);
        int lw = vt_i18n_text_width(l + (size_t)i * LABEL);
        if (lw > *w) *w = lw;
    }
    return l;
}

/* The hours' labels: "00:00" as the locale writes it; with the zone's offset when a DST change
 * repeats the hour (two "02:00" rows). */
static char *hour_labels(const stats_time *t, vt_i18n_datefmt *f, vt_i18n_datefmt *fo, int *w)
{
    char *l = calloc((size_t)(t->nh ? t->nh : 1), LABEL);
    for (int i = 0; l && i < t->nh; i++) {
        const vt_local_time *s = &t->hours[i].start;
        int dup = (i > 0 && same_hour(&t->hours[i - 1].start, s)) || (i + 1 < t->nh && same_hour(s, &t->hours[i + 1].start));
        vt_i18n_datefmt_format(dup && fo ? fo : f, s->hour_start_ms, l + (size_t)i * LABEL, LABEL);
        int lw = vt_i18n_text_width(l + (size_t)i * LABEL);
        if (lw > *w) *w = lw;
    }
    return l;
}

/* Over several days, the hours of the day summed (when in the day visitors come): one row for each
 * local hour that saw something, labelled as the hours table labels it. */
static void print_hour_of_day(const stats_time *t, const char *hl, int wh, FILE *out)
{
    stats_bucket sum[24] = { 0 };
    int first[24], w[4];
    for (int h = 0; h < 24; h++) first[h] = -1;
    for (int i = 0; i < t->nh; i++) {
        const stats_bucket *b = &t->hours[i];
        int h = b->start.hour;
        if (h < 0 || h > 23) continue;
        if (first[h] < 0) first[h] = i;
        sum[h].found += b->found, sum[h].dwell += b->dwell, sum[h].card_opens += b->card_opens;
        sum[h].basket_adds += b->basket_adds;
    }
    fprintf(out, "\n%s\n", _("hour of the day, all days"));
    cell(out, _("hour"), wh, 0, 1);
    figures_header(out, w);
    for (int h = 0; h < 24; h++) {
        if (first[h] < 0) continue;
        cell(out, hl + (size_t)first[h] * LABEL, wh, 0, 1);
        figures(out, &sum[h], w);
    }
}

static void print_days_hours(const stats_time *t, FILE *out, vt_i18n_datefmt *fd, vt_i18n_datefmt *fh, vt_i18n_datefmt *fo)
{
    int w[4];
    const char *h_day = _("day"), *h_hour = _("hour");
    int wd = vt_i18n_text_width(h_day), wh = vt_i18n_text_width(h_hour), wdh = wd;
    char *dl = day_labels(t->days, t->nd, fd, 1, &wd), *hd = day_labels(t->hours, t->nh, fd, 0, &wdh);
    char *hl = hour_labels(t, fh, fo, &wh);
    if (dl && hd && hl && t->nd) {
        cell(out, h_day, wd, 0, 1);
        figures_header(out, w);
        for (int i = 0; i < t->nd; i++) {
            cell(out, dl + (size_t)i * LABEL, wd, 0, 1);
            figures(out, &t->days[i], w);
        }
        fputc('\n', out);
        cell(out, h_day, wdh, 0, 1);
        cell(out, h_hour, wh, 0, 0);
        figures_header(out, w);
        for (int i = 0; i < t->nh; i++) {
            cell(out, hd + (size_t)i * LABEL, wdh, 0, 1);
            cell(out, hl + (size_t)i * LABEL, wh, 0, 0);
            figures(out, &t->hours[i], w);
        }
        if (t->nd > 1) print_hour_of_day(t, hl, wh, out);
    }
    free(dl);
    free(hd);
    free(hl);
}

void stats_time_table(const stats_time *t, const vt_stats_desc *d, FILE *out)
{
    vt_i18n_datefmt *fd = NULL, *fh = NULL, *fo = NULL;
    /* The zone was opened already: only running out of memory fails here. */
    if (vt_i18n_datefmt_create(d->locale, t->zone_name, "yMMMEd", &fd) != VT_OK ||
        vt_i18n_datefmt_create(d->locale, t->zone_name, "jmm", &fh) != VT_OK) {
        fprintf(out, "%s\n", _("(cannot write dates in that locale)"));
    } else {
        vt_i18n_datefmt_create(d->locale, t->zone_name, "jmmO", &fo);
        print_days_hours(t, out, fd, fh, fo);
    }
    vt_i18n_datefmt_destroy(fd);
    vt_i18n_datefmt_destroy(fh);
    vt_i18n_datefmt_destroy(fo);
}
