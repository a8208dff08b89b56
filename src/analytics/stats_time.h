/* stats_time.h — private to src/analytics: `vitrine stats` on a zone's clock (vt_stats_time.c).
 * Events are bucketed in C, one by one, through ICU's calendar (not by SQLite on the UTC text):
 * a local day is 23 or 25 hours long across a DST change, and an hour repeated by the change is
 * two buckets (their offsets differ). */
#ifndef VT_STATS_TIME_H
#define VT_STATS_TIME_H

#include "analytics/vt_analytics.h"
#include "i18n/vt_i18n.h"

#include <cjson/cJSON.h>
#include <sqlite3.h>

typedef struct stats_bucket {
    vt_local_time start;       /* the local hour's or day's start */
    long found, card_opens, basket_adds;
    double dwell;
} stats_bucket;

typedef struct stats_time {
    vt_i18n_zone *zone;
    char zone_name[64];
    stats_bucket *hours, *days;   /* in time order */
    int nh, nd, caph, capd;
} stats_time;

/* Opens the zone (NULL: the machine's); VT_ERR_ARG with err when ICU does not know it. */
vt_result stats_time_open(stats_time *t, const char *zone, char *err, size_t errlen);
void stats_time_close(stats_time *t);
/* --from / --to (checked dates, on the zone's clock, either NULL) as bounds on ts_utc: lo <= ts < hi. */
void stats_time_bounds(stats_time *t, const char *from, const char *to, char lo[40], char hi[40]);
/* Buckets every event with lo <= ts_utc < hi; 0 on a database error. */
int stats_time_query(stats_time *t, sqlite3 *db, const char *lo, const char *hi);

void stats_time_json(const stats_time *t, cJSON *root);
void stats_time_csv(const stats_time *t, FILE *out);
/* The table's first line (the zone and why), then the days and the hours, aligned by display width. */
void stats_time_header(const stats_time *t, const vt_stats_desc *d, FILE *out);
void stats_time_table(const stats_time *t, const vt_stats_desc *d, FILE *out);

#endif
