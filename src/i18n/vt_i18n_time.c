/* vt_i18n_time.c — time zones (ucal), dates and times as a locale writes them (udat through the
 * pattern generator) and the width of text on a terminal (grapheme clusters, East Asian Width). */
#include "vt_i18n.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/ucal.h>
#include <unicode/uchar.h>
#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/uenum.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#define ZONE_CAP 128   /* UChars of a zone id: the longest IANA name is 32 */

/* zone as UTF-16 into u (cap UChars); 0 when it is empty, too long or not UTF-8. */
static int to_u16(const char *s, UChar *u, int32_t cap)
{
    UErrorCode e = U_ZERO_ERROR;
    int32_t n = 0;
    if (!s || !*s) return 0;
    u_strFromUTF8(u, cap, &n, s, -1, &e);
    return U_SUCCESS(e) && e != U_STRING_NOT_TERMINATED_WARNING && n > 0;
}

static void to_utf8(const UChar *u, int32_t n, char *out, size_t len)
{
    UErrorCode e = U_ZERO_ERROR;
    int32_t got = 0;
    if (!len) return;
    out[0] = 0;
    u_strToUTF8(out, (int32_t)len - 1, &got, u, n, &e);
    out[U_SUCCESS(e) && got < (int32_t)len ? got : 0] = 0;
}

vt_result vt_i18n_zone_check(const char *zone, char *canon, size_t len)
{
    UChar id[ZONE_CAP], c[ZONE_CAP];
    UBool system = 0;
    UErrorCode e = U_ZERO_ERROR;
    if (canon && len) canon[0] = 0;
    if (!to_u16(zone, id, ZONE_CAP)) return VT_ERR_ARG;
    int32_t n = ucal_getCanonicalTimeZoneID(id, -1, c, ZONE_CAP, &system, &e);
    /* A custom id such as "GMT+5" is canonical but no system zone: no DST rules, no IANA name. */
    if (U_FAILURE(e) || !system) return VT_ERR_ARG;
    if (canon) to_utf8(c, n, canon, len);
    return VT_OK;
}

void vt_i18n_zone_each(void (*fn)(const char *zone, void *ctx), void *ctx)
{
    UErrorCode e = U_ZERO_ERROR;
    UEnumeration *en = ucal_openTimeZoneIDEnumeration(UCAL_ZONE_TYPE_CANONICAL_LOCATION, NULL, NULL, &e);
    const char *z;
    while (U_SUCCESS(e) && (z = uenum_next(en, NULL, &e)) != NULL) fn(z, ctx);
    uenum_close(en);
    fn("UTC", ctx);
}

void vt_i18n_default_zone(char *out, size_t len)
{
    UChar id[ZONE_CAP];
    UErrorCode e = U_ZERO_ERROR;
    int32_t n = ucal_getDefaultTimeZone(id, ZONE_CAP, &e);
    if (U_FAILURE(e) || n <= 0) snprintf(out, len, "UTC");
    else to_utf8(id, n, out, len);
}

/* ---- a zone's calendar ---- */
struct vt_i18n_zone { UCalendar *cal; };

vt_result vt_i18n_zone_create(const char *zone, vt_i18n_zone **out)
{
    UChar id[ZONE_CAP];
    UErrorCode e = U_ZERO_ERROR;
    *out = NULL;
    if (vt_i18n_zone_check(zone, NULL, 0) != VT_OK || !to_u16(zone, id, ZONE_CAP)) return VT_ERR_ARG;
    vt_i18n_zone *z = calloc(1, sizeof *z);
    if (!z) return VT_ERR_NO_MEMORY;
    /* Gregorian whatever the locale: these are the fields of ISO dates and of the buckets. */
    z->cal = ucal_open(id, -1, "en_US_POSIX", UCAL_GREGORIAN, &e);
    if (U_FAILURE(e)) { free(z); return VT_ERR_ARG; }
    /* A wall time given twice (the hour a DST change repeats) is read as its first occurrence. */
    ucal_setAttribute(z->cal, UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);
    *out = z;
    return VT_OK;
}

void vt_i18n_zone_destroy(vt_i18n_zone *z)
{
    if (!z) return;
    ucal_close(z->cal);
    free(z);
}

vt_result vt_i18n_zone_local(vt_i18n_zone *z, int64_t utc_ms, vt_local_time *t)
{
    UErrorCode e = U_ZERO_ERROR;
    UCalendar *c = z->cal;
    memset(t, 0, sizeof *t);
    ucal_setMillis(c, (UDate)utc_ms, &e);
    t->year = ucal_get(c, UCAL_EXTENDED_YEAR, &e);
    t->month = ucal_get(c, UCAL_MONTH, &e) + 1;
    t->day = ucal_get(c, UCAL_DATE, &e);
    t->hour = ucal_get(c, UCAL_HOUR_OF_DAY, &e);
    t->minute = ucal_get(c, UCAL_MINUTE, &e);
    t->second = ucal_get(c, UCAL_SECOND, &e);
    int ms = ucal_get(c, UCAL_MILLISECOND, &e);
    t->offset_min = (ucal_get(c, UCAL_ZONE_OFFSET, &e) + ucal_get(c, UCAL_DST_OFFSET, &e)) / 60000;
    t->hour_start_ms = utc_ms - ((int64_t)t->minute * 60 + t->second) * 1000 - ms;
    /* The day's bounds from the calendar, not 24 h: a DST change makes it 23 or 25 hours long. */
    ucal_set(c, UCAL_HOUR_OF_DAY, 0);
    ucal_set(c, UCAL_MINUTE, 0);
    ucal_set(c, UCAL_SECOND, 0);
    ucal_set(c, UCAL_MILLISECOND, 0);
    t->day_start_ms = (int64_t)ucal_getMillis(c, &e);
    ucal_add(c, UCAL_DATE, 1, &e);
    int64_t next = (int64_t)ucal_getMillis(c, &e);
    t->day_hours = (int)((next - t->day_start_ms + 1800000) / 3600000);
    return U_SUCCESS(e) ? VT_OK : VT_ERR_ARG;
}

int64_t vt_i18n_zone_utc(vt_i18n_zone *z, int year, int month, int day, int hour, int minute, int second)
{
    UErrorCode e = U_ZERO_ERROR;
    ucal_clear(z->cal);
    ucal_setDateTime(z->cal, year, month - 1, day, hour, minute, second, &e);
    ucal_set(z->cal, UCAL_MILLISECOND, 0);
    return (int64_t)ucal_getMillis(z->cal, &e);
}

void vt_i18n_iso8601(const vt_local_time *t, char *out, size_t len)
{
    int off = t->offset_min < 0 ? -t->offset_min : t->offset_min;
    snprintf(out, len, "%04d-%02d-%02dT%02d:%02d%c%02d:%02d", t->year, t->month, t->day, t->hour, t->minute,
             t->offset_min < 0 ? '-' : '+', off / 60, off % 60);
}

/* ---- dates and times in a locale's words ---- */
struct vt_i18n_datefmt { UDateFormat *df; };

vt_result vt_i18n_datefmt_create(const char *locale, const char *zone, const char *skeleton, vt_i18n_datefmt **out)
{
    UChar id[ZONE_CAP], skel[64], pat[128];
    UErrorCode e = U_ZERO_ERROR;
    *out = NULL;
    /* udat_open takes an unknown zone for GMT without a word: check it first. */
    if (vt_i18n_zone_check(zone, NULL, 0) != VT_OK || !to_u16(zone, id, ZONE_CAP) || !to_u16(skeleton, skel, 64))
        return VT_ERR_ARG;
    UDateTimePatternGenerator *g = udatpg_open(locale, &e);
    int32_t n = U_SUCCESS(e) ? udatpg_getBestPattern(g, skel, -1, pat, 128, &e) : 0;
    udatpg_close(g);
    if (U_FAILURE(e) || n <= 0) return VT_ERR_ARG;
    vt_i18n_datefmt *f = calloc(1, sizeof *f);
    if (!f) return VT_ERR_NO_MEMORY;
    f->df = udat_open(UDAT_PATTERN, UDAT_PATTERN, locale, id, -1, pat, n, &e);
    if (U_FAILURE(e)) { free(f); return VT_ERR_ARG; }
    *out = f;
    return VT_OK;
}

void vt_i18n_datefmt_destroy(vt_i18n_datefmt *f)
{
    if (!f) return;
    udat_close(f->df);
    free(f);
}

char *vt_i18n_datefmt_format(vt_i18n_datefmt *f, int64_t utc_ms, char *out, size_t len)
{
    UChar u[256];
    UErrorCode e = U_ZERO_ERROR;
    if (!len) return out;
    out[0] = 0;
    int32_t n = udat_format(f->df, (UDate)utc_ms, u, 256, NULL, &e);
    if (U_SUCCESS(e) && n < 256) to_utf8(u, n, out, len);
    return out;
}

/* ---- width on a terminal ---- */
/* s as UTF-16 (malloc'ed, *n units; invalid UTF-8 becomes U+FFFD), or NULL. */
static UChar *u16_dup(const char *s, int32_t *n)
{
    size_t bytes = s ? strlen(s) : 0;
    UErrorCode e = U_ZERO_ERROR;
    if (bytes > (1u << 24)) return NULL;
    UChar *u = malloc((bytes + 1) * sizeof *u);
    if (u) u_strFromUTF8WithSub(u, (int32_t)bytes + 1, n, s ? s : "", (int32_t)bytes, 0xFFFD, NULL, &e);
    if (u && U_FAILURE(e)) { free(u); u = NULL; }
    return u;
}

/* Columns of the cluster u[a..b): its base character decides, as terminals do. */
static int cluster_width(const UChar *u, int32_t a, int32_t b)
{
    UChar32 c;
    U16_GET(u, a, a, b, c);
    int8_t gc = u_charType(c);
    if (gc == U_CONTROL_CHAR || gc == U_NON_SPACING_MARK || gc == U_ENCLOSING_MARK || gc == U_FORMAT_CHAR) return 0;
    int ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    if (ea == U_EA_WIDE || ea == U_EA_FULLWIDTH || u_hasBinaryProperty(c, UCHAR_EMOJI_PRESENTATION)) return 2;
    /* An emoji asked for as one (U+FE0F, the emoji variation selector) is drawn two wide. */
    for (int32_t i = a; i < b; i++)
        if (u[i] == 0xFE0F && u_hasBinaryProperty(c, UCHAR_EMOJI)) return 2;
    return 1;
}

/* Calls back per cluster: returns 0 to stop. */
typedef int (*cluster_fn)(const UChar *u, int32_t a, int32_t b, int w, void *ctx);

static void each_cluster(const UChar *u, int32_t n, cluster_fn fn, void *ctx)
{
    UErrorCode e = U_ZERO_ERROR;
    UBreakIterator *bi = n ? ubrk_open(UBRK_CHARACTER, "", u, n, &e) : NULL;
    if (U_FAILURE(e)) { ubrk_close(bi); return; }
    for (int32_t a = bi ? ubrk_first(bi) : UBRK_DONE, b; bi && (b = ubrk_next(bi)) != UBRK_DONE; a = b)
        if (!fn(u, a, b, cluster_width(u, a, b), ctx)) break;
    ubrk_close(bi);
}

static int add_width(const UChar *u, int32_t a, int32_t b, int w, void *ctx)
{
    (void)u, (void)a, (void)b;
    *(int *)ctx += w;
    return 1;
}

int vt_i18n_text_width(const char *s)
{
    int32_t n = 0;
    int w = 0;
    UChar *u = u16_dup(s, &n);
    if (!u) return s ? (int)strlen(s) : 0;
    each_cluster(u, n, add_width, &w);
    free(u);
    return w;
}

/* The longest run of whole clusters within max columns: its end and width. */
typedef struct fit { int max, w; int32_t end; } fit;

static int fit_cluster(const UChar *u, int32_t a, int32_t b, int w, void *ctx)
{
    fit *f = ctx;
    (void)u, (void)a;
    if (f->w + w > f->max) return 0;
    f->w += w;
    f->end = b;
    return 1;
}

char *vt_i18n_pad(const char *s, int width, int align_right, char *out, size_t len)
{
    int32_t n = 0;
    if (!len) return out;
    out[0] = 0;
    UChar *u = u16_dup(s, &n);
    if (!u || width <= 0) { free(u); return out; }
    fit all = { 1 << 30, 0, 0 };
    each_cluster(u, n, fit_cluster, &all);
    fit f = { width, all.w, n };
    if (all.w > width) {   /* too wide: whole clusters in width - 1 columns, then the ellipsis */
        f = (fit){ width - 1, 0, 0 };
        each_cluster(u, n, fit_cluster, &f);
    }
    char text[1024];
    to_utf8(u, f.end, text, sizeof text);
    free(u);
    const char *ell = all.w > width ? "\u2026" : "";
    int pad = width - f.w - (*ell ? 1 : 0);
    if (pad < 0) pad = 0;
    snprintf(out, len, "%*s%s%s%*s", align_right ? pad : 0, "", text, ell, align_right ? 0 : pad, "");
    return out;
}
