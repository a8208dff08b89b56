/* vt_i18n.h — what a locale decides, through ICU (CLDR's data): which locales, languages,
 * currencies and time zones exist, how a price, a date or an hour is written, how wide text is on
 * a terminal. Translations of Vitrine's own strings are gettext's, in core (vt_tr, vt_tr_lang).
 * Locales are POSIX or BCP 47 names ("fr_FR", "de-CH", "ja"). Nothing here keeps state but ICU's
 * caches, a few price formatters (behind a lock) and the objects made here (a zone's calendar, a
 * date format: one per thread); every other call is thread-safe. Strings are UTF-8; out buffers are the caller's and always
 * end with a NUL. */
#ifndef VT_I18N_H
#define VT_I18N_H

#include "core/vt_core.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- languages ------------------------------------------------------------------------ */
/* The POSIX locale that gettext and glibc know for a language or locale tag, through CLDR's
 * likely subtags: "ja" -> "ja_JP", "fr" -> "fr_FR", "de-CH" -> "de_CH", "zh-Hant" -> "zh_TW".
 * VT_ERR_ARG when ICU cannot make a language of tag. */
vt_result vt_i18n_posix_locale(const char *tag, char *out, size_t len);
/* The language part of a tag ("fr_FR" -> "fr"); "" for NULL. */
void vt_i18n_language(const char *tag, char *out, size_t len);
/* Whether tag names a language ICU knows (ISO 639) and, when it has one, a region it knows
 * (ISO 3166 or UN M.49): VT_OK, else VT_ERR_ARG with why (one line: "xx" is no language, "fr-XX"
 * no region, "french" no tag). src/i18n/vt_i18n_lang.c. */
vt_result vt_i18n_check_language(const char *tag, char *why, size_t len);
/* tag in canonical BCP 47 form ("pt_BR" -> "pt-BR", "FR" -> "fr", "zh_hant" -> "zh-Hant"), to
 * compare tags with strcmp. VT_ERR_ARG (out "") when it is not a tag. */
vt_result vt_i18n_language_tag(const char *tag, char *out, size_t len);
/* The language's name in itself, first letter a capital, for a language selector: "fr" ->
 * "Français", "ja" -> "日本語", "en" -> "English"; with a region, the region too ("pt-BR" ->
 * "Português (Brasil)"). VT_ERR_ARG (out "") for a tag ICU has no name for. */
vt_result vt_i18n_language_name(const char *tag, char *out, size_t len);

/* ---- time zones, dates and times (vt_i18n_time.c) ------------------------------------- */
/* Zones are IANA names ("Europe/Paris", "America/New_York", "UTC"), from ICU's tz data. */
/* VT_OK when ICU knows zone as a system zone (links such as "US/Eastern" too), with its canonical
 * name in canon (may be NULL); VT_ERR_ARG otherwise ("Europe/Pariss", "GMT+5", ""). */
vt_result vt_i18n_zone_check(const char *zone, char *canon, size_t len);
/* Calls fn with each canonical location zone ICU knows, and "UTC" (for "did you mean"). */
void vt_i18n_zone_each(void (*fn)(const char *zone, void *ctx), void *ctx);
/* The machine's zone as ICU sees it (TZ, else /etc/localtime): "Europe/Paris", "UTC"... */
void vt_i18n_default_zone(char *out, size_t len);

/* Where a UTC instant falls on a zone's clock, daylight saving included. */
typedef struct vt_local_time {
    int year, month, day;          /* month 1-12 */
    int hour, minute, second;
    int offset_min;                /* local minus UTC: +60 in Paris in winter, +120 in summer */
    int64_t hour_start_ms;         /* UTC ms since 1970 of the local hour's start */
    int64_t day_start_ms;          /* ... of the local day's start (its first valid minute) */
    int day_hours;                 /* hours in that local day: 24, 23 or 25 across a DST change */
} vt_local_time;

typedef struct vt_i18n_zone vt_i18n_zone;   /* one zone's calendar; not thread-safe: one per thread */
/* VT_ERR_ARG (and *out NULL) for a zone ICU does not know. Free with vt_i18n_zone_destroy. */
vt_result vt_i18n_zone_create(const char *zone, vt_i18n_zone **out);
void vt_i18n_zone_destroy(vt_i18n_zone *z);   /* safe on NULL */
vt_result vt_i18n_zone_local(vt_i18n_zone *z, int64_t utc_ms, vt_local_time *out);
/* The UTC instant of a wall-clock time in the zone (month 1-12). A time a DST change skips is
 * read as after the change (02:30 on a spring-forward night: 03:30); a repeated one as its first. */
int64_t vt_i18n_zone_utc(vt_i18n_zone *z, int year, int month, int day, int hour, int minute, int second);
/* "2026-03-29T03:00+02:00": ISO 8601 to the minute, with the offset ("Z" never: +00:00). */
void vt_i18n_iso8601(const vt_local_time *t, char *out, size_t len);

/* Dates and times as a locale writes them: an ICU skeleton ("yMMMd", "yMMMEd", "jmm" for the
 * locale's hour cycle) made a pattern by the locale's pattern generator (CLDR): fr_FR "yMMMd" ->
 * "1 déc. 2026", en_US "jmm" -> "12:00 AM", ja_JP "yMMMEd" -> "2026年12月1日(火)". */
typedef struct vt_i18n_datefmt vt_i18n_datefmt;   /* not thread-safe: one per thread */
/* locale NULL: ICU's default (the environment's). VT_ERR_ARG when ICU refuses the zone or the
 * skeleton. Free with vt_i18n_datefmt_destroy. */
vt_result vt_i18n_datefmt_create(const char *locale, const char *zone, const char *skeleton, vt_i18n_datefmt **out);
void vt_i18n_datefmt_destroy(vt_i18n_datefmt *f);   /* safe on NULL */
/* utc_ms written in the formatter's zone; returns out ("" on failure). */
char *vt_i18n_datefmt_format(vt_i18n_datefmt *f, int64_t utc_ms, char *out, size_t len);

/* ---- text on a terminal --------------------------------------------------------------- */
/* Columns a UTF-8 string takes: per grapheme cluster (ICU), 2 for East Asian Wide/Fullwidth and
 * emoji presentation, 0 for a cluster of combining marks, format and control characters alone,
 * else 1. Each invalid UTF-8 sequence counts as one U+FFFD (1 column). */
int vt_i18n_text_width(const char *s);
/* s fitted to exactly width columns into out: cut at a cluster boundary with "…" when wider,
 * then padded with spaces, on the right (align_right = 0) or the left. Meant for table cells: at
 * most 1023 bytes of s are kept. Returns out. */
char *vt_i18n_pad(const char *s, int width, int align_right, char *out, size_t len);

/* ---- prices (vt_i18n_price.c) ------------------------------------------------------------ */
/* Room for any price written below, in bytes of UTF-8 ("١٬٢٣٤٬٥٦٧٫٨٩ ج.م.‏" takes 40). */
#define VT_I18N_PRICE_LEN 128
/* VT_OK when tag ("de_CH", "de-CH", "es_419", "zh_Hant_TW", "fr") names a locale CLDR has data
 * for: a language ICU knows, and where given a known script, an ISO 3166 region (or CLDR's own,
 * such as 419) and only CLDR's variants. Otherwise VT_ERR_ARG, and why (len bytes) says which part
 * is unknown: "xx_YY" (language), "fr_XX" (region), "en_US_FOO" (variant), "fr_FR.UTF-8". */
vt_result vt_i18n_locale_check(const char *tag, char *why, size_t len);
/* VT_OK when code is an ISO 4217 currency in use today (EUR, CHF, KWD); VT_ERR_ARG with why for
 * "EURO", "eur", "XYZ" and withdrawn ones (HRK, DEM). */
vt_result vt_i18n_currency_check(const char *code, char *why, size_t len);
/* An ISO 4217 currency's decimal digits (CLDR, standard usage): EUR 2, JPY 0, KWD 3; -1 for others. */
int vt_i18n_currency_digits(const char *code);
/* value as an amount of currency written in locale (ICU's UNUM_CURRENCY): "CHF 1’234’567.89" in
 * de_CH, "₹12,34,567.89" in en_IN, "1 234 567,89 kr" in sv_SE (U+00A0), "￥1,300" for 1299.5 in
 * ja_JP (half-even to the currency's digits). VT_ERR_ARG for a value that is not finite, a name
 * ICU cannot read or an out too small (out is then ""). Neither name is checked against CLDR:
 * an unknown locale gets CLDR's root data; check first with the functions above. */
vt_result vt_i18n_format_price(double value, const char *locale, const char *currency, char *out, size_t len);
/* The same with U+2014 in place of the number, the symbol where the locale puts it: "— €", "$—". */
vt_result vt_i18n_format_no_price(const char *locale, const char *currency, char *out, size_t len);
/* 1 when writing value as above changes it (1299.5 JPY, 89.999 EUR, 1.0005 KWD), 0 when every
 * digit shows, -1 when it cannot be formatted. */
int vt_i18n_price_rounds(double value, const char *locale, const char *currency);

#ifdef __cplusplus
}
#endif
#endif
