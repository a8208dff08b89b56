/* vt_i18n.h — what a locale decides, through ICU (CLDR's data): which locales, languages,
 * currencies and time zones exist, how a price, a date or an hour is written, how wide text is on
 * a terminal. Translations of Vitrine's own strings are gettext's, in core (vt_tr, vt_tr_lang).
 * Locales are POSIX or BCP 47 names ("fr_FR", "de-CH", "ja"). Nothing here keeps state but ICU's
 * caches and a few price formatters (behind a lock); every call is thread-safe. Strings are UTF-8; out buffers are the caller's and always
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
