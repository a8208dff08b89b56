/* vt_i18n_price.c — which locales and currencies exist, and prices as CLDR writes them, through
 * ICU's C API (uloc, ucurr, unum). Nothing here is written by hand per locale: symbols, their
 * place, separators, grouping (the Indian lakh), digits (Arabic-Indic in ar_EG) and each
 * currency's decimals are CLDR's. */
#include "vt_i18n.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/ucurr.h>
#include <unicode/uloc.h>
#include <unicode/unum.h>
#include <unicode/ures.h>
#include <unicode/ustring.h>

#define UBUF 256   /* UTF-16 units of one formatted price: far more than any locale writes */

/* ICU's name of a POSIX ("de_CH") or BCP 47 ("de-CH") tag into out; 0 when it is neither. */
static int icu_name(const char *tag, char *out, size_t len)
{
    out[0] = 0;
    if (!tag || !*tag || strchr(tag, '.') || strchr(tag, '@')) return 0;   /* no codeset, no keywords */
    UErrorCode e = U_ZERO_ERROR;
    if (strchr(tag, '-')) {
        int32_t used = 0;
        uloc_forLanguageTag(tag, out, (int32_t)len, &used, &e);
        if (U_FAILURE(e) || used != (int32_t)strlen(tag)) return 0;   /* "de-CH_x": ICU read "de" only */
    } else {
        uloc_canonicalize(tag, out, (int32_t)len, &e);
    }
    return U_SUCCESS(e) && e != U_STRING_NOT_TERMINATED_WARNING && out[0] && !strchr(out, '@');
}

/* Whether some locale ICU has data for starts with prefix, a whole subtag ("zh_Hant" matches
 * "zh_Hant_TW", "de" does not match "dsb"). */
static int available_prefix(const char *prefix)
{
    size_t n = strlen(prefix);
    for (int32_t i = 0, k = uloc_countAvailable(); i < k; i++) {
        const char *a = uloc_getAvailable(i);
        if (!strncmp(a, prefix, n) && (a[n] == 0 || a[n] == '_')) return 1;
    }
    return 0;
}

static int iso_country(const char *region)
{
    for (const char *const *c = uloc_getISOCountries(); *c; c++)
        if (!strcmp(*c, region)) return 1;
    return 0;
}

vt_result vt_i18n_locale_check(const char *tag, char *why, size_t len)
{
    char name[ULOC_FULLNAME_CAPACITY], lang[ULOC_LANG_CAPACITY], script[ULOC_SCRIPT_CAPACITY];
    char region[ULOC_COUNTRY_CAPACITY], variant[ULOC_FULLNAME_CAPACITY], pre[ULOC_FULLNAME_CAPACITY];
    if (len) why[0] = 0;
    if (!icu_name(tag, name, sizeof name)) {
        snprintf(why, len, _("not a locale name (write it as fr_FR, de_CH or de-CH)"));
        return VT_ERR_ARG;
    }
    UErrorCode e = U_ZERO_ERROR;
    uloc_getLanguage(name, lang, sizeof lang, &e);
    uloc_getScript(name, script, sizeof script, &e);
    uloc_getCountry(name, region, sizeof region, &e);
    uloc_getVariant(name, variant, sizeof variant, &e);
    if (U_FAILURE(e) || !lang[0]) { snprintf(why, len, _("not a locale name (write it as fr_FR, de_CH or de-CH)")); return VT_ERR_ARG; }
    if (!available_prefix(lang)) { snprintf(why, len, _("unknown language \"%s\" (CLDR has no data for it)"), lang); return VT_ERR_ARG; }
    snprintf(pre, sizeof pre, "%s_%s", lang, script);
    if (script[0] && !available_prefix(pre)) { snprintf(why, len, _("unknown script \"%s\" for \"%s\""), script, lang); return VT_ERR_ARG; }
    /* A region is an ISO 3166 country, or one of CLDR's own (es_419, Latin America). */
    if (region[0] && !iso_country(region) && !available_prefix(name)) {
        snprintf(why, len, _("unknown region \"%s\" (an ISO 3166 country code such as FR, CH, IN)"), region);
        return VT_ERR_ARG;
    }
    /* Variants only where CLDR has one (ca_ES_VALENCIA); en_US_FOO would be formatted as en_US. */
    if (variant[0] && !available_prefix(name)) { snprintf(why, len, _("unknown variant \"%s\""), variant); return VT_ERR_ARG; }
    return VT_OK;
}

/* Whether code is an ISO 4217 code, current or withdrawn (ICU knows them all). */
static int iso_currency(const char *code)
{
    UErrorCode e = U_ZERO_ERROR;
    UEnumeration *en = ucurr_openISOCurrencies(UCURR_ALL, &e);
    const char *k;
    int found = 0;
    while (U_SUCCESS(e) && !found && (k = uenum_next(en, NULL, &e))) found = !strcmp(k, code);
    uenum_close(en);
    return found;
}

/* A moment of CLDR's currency data ("from", "to": two int32 halves of milliseconds). */
static UDate cldr_date(const UResourceBundle *entry, const char *key, UDate none)
{
    UErrorCode e = U_ZERO_ERROR;
    UResourceBundle *d = ures_getByKey(entry, key, NULL, &e);
    int32_t n = 0;
    const int32_t *v = U_SUCCESS(e) ? ures_getIntVector(d, &n, &e) : NULL;
    UDate t = U_SUCCESS(e) && n == 2 ? (UDate)(int64_t)(((uint64_t)(uint32_t)v[0] << 32) | (uint32_t)v[1]) : none;
    ures_close(d);
    return t;
}

/* Whether some region's legal tender today is code, from CLDR's CurrencyMap. (Not
 * ucurr_isAvailable: ICU 72's answers no for GBP, INR and EGP; ucurr_countCurrencies crashes on
 * a region without a currency, such as AQ.) */
static int currency_in_use(const char *code)
{
    UErrorCode e = U_ZERO_ERROR;
    UResourceBundle *sup = ures_openDirect(U_ICUDATA_NAME "-curr", "supplementalData", &e);
    UResourceBundle *map = ures_getByKey(sup, "CurrencyMap", NULL, &e);
    UResourceBundle *region = NULL, *entry = NULL;
    UDate now = ucal_getNow();
    int found = 0;
    while (U_SUCCESS(e) && !found && ures_hasNext(map)) {
        region = ures_getNextResource(map, region, &e);
        ures_resetIterator(region);
        while (U_SUCCESS(e) && !found && ures_hasNext(region)) {
            entry = ures_getNextResource(region, entry, &e);
            UErrorCode e2 = U_ZERO_ERROR;
            int32_t n = 0;
            const UChar *id = ures_getStringByKey(entry, "id", &n, &e2);
            char a[4] = "";
            if (U_FAILURE(e2) || n != 3) continue;
            u_UCharsToChars(id, a, 3);
            int32_t tn = 0;
            UErrorCode e3 = U_ZERO_ERROR;
            const UChar *tender = ures_getStringByKey(entry, "tender", &tn, &e3);   /* "false" for USN, CLF... */
            found = !strcmp(a, code) && cldr_date(entry, "from", -1e300) <= now && cldr_date(entry, "to", 1e300) > now &&
                    !(U_SUCCESS(e3) && tn == 5 && tender[0] == 'f');
        }
    }
    ures_close(entry);
    ures_close(region);
    ures_close(map);
    ures_close(sup);
    return found;
}

vt_result vt_i18n_currency_check(const char *code, char *why, size_t len)
{
    if (len) why[0] = 0;
    int letters = code && strlen(code) == 3;
    for (int i = 0; letters && i < 3; i++) letters = code[i] >= 'A' && code[i] <= 'Z';
    if (!letters) {
        snprintf(why, len, _("an ISO 4217 code is three capital letters, such as EUR, CHF or JPY"));
        return VT_ERR_ARG;
    }
    if (!iso_currency(code)) { snprintf(why, len, _("not an ISO 4217 currency code")); return VT_ERR_ARG; }
    /* Listed, but no one's money today (HRK since the euro, VEF): prices in it are no one's. */
    if (!currency_in_use(code)) {
        snprintf(why, len, _("no country's money today (withdrawn, or a code for a fund or a metal)"));
        return VT_ERR_ARG;
    }
    return VT_OK;
}

int vt_i18n_currency_digits(const char *code)
{
    int letters = code && strlen(code) == 3;
    for (int i = 0; letters && i < 3; i++) letters = code[i] >= 'A' && code[i] <= 'Z';
    if (!letters || !iso_currency(code)) return -1;
    UChar u[4];
    u_charsToUChars(code, u, 4);
    UErrorCode e = U_ZERO_ERROR;
    int32_t d = ucurr_getDefaultFractionDigitsForUsage(u, UCURR_USAGE_STANDARD, &e);
    return U_SUCCESS(e) ? d : -1;
}

/* A currency formatter for locale and currency (the caller closes it); NULL on failure. The
 * currency sets the symbol and, with its standard usage, the decimals (JPY 0, KWD 3). */
static UNumberFormat *open_price_format(const char *locale, const char *currency)
{
    char name[ULOC_FULLNAME_CAPACITY];
    if (!icu_name(locale, name, sizeof name) || !currency || strlen(currency) != 3) return NULL;
    UChar u[4];
    u_charsToUChars(currency, u, 4);
    UErrorCode e = U_ZERO_ERROR;
    UNumberFormat *f = unum_open(UNUM_CURRENCY, NULL, 0, name, NULL, &e);
    unum_setTextAttribute(f, UNUM_CURRENCY_CODE, u, 3, &e);
    if (U_FAILURE(e)) { unum_close(f); return NULL; }
    return f;
}

/* UTF-16 text into out as UTF-8; VT_ERR_ARG when it does not fit (out is then ""). */
static vt_result to_utf8(const UChar *s, int32_t n, char *out, size_t len)
{
    UErrorCode e = U_ZERO_ERROR;
    int32_t got = 0;
    u_strToUTF8(out, (int32_t)len, &got, s, n, &e);
    if (U_FAILURE(e) || got >= (int32_t)len) { out[0] = 0; return VT_ERR_ARG; }
    return VT_OK;
}

/* Formatters kept for the pairs in use: opening one costs about 50 µs, and every tag, card and
 * basket is written each frame. Kept until exit (reachable: no leak); one lock, as a formatter
 * is one object and every thread may write prices. */
#define CACHE_SIZE 8
static struct { char key[ULOC_FULLNAME_CAPACITY + 4]; UNumberFormat *f; unsigned used; } g_cache[CACHE_SIZE];
static unsigned g_tick;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

/* value written for locale and currency into u (UBUF units), with its fields in it when it is not
 * NULL; the length, or -1. */
static int32_t format_cached(const char *locale, const char *currency, double value, UChar *u, UFieldPositionIterator *it)
{
    char key[sizeof g_cache[0].key];
    snprintf(key, sizeof key, "%s %.3s", locale ? locale : "", currency ? currency : "");
    pthread_mutex_lock(&g_lock);
    int slot = 0;
    for (int i = 0; i < CACHE_SIZE; i++) {
        if (g_cache[i].f && !strcmp(g_cache[i].key, key)) { slot = i; break; }
        if (g_cache[i].used < g_cache[slot].used) slot = i;   /* else the least recently used */
    }
    if (!g_cache[slot].f || strcmp(g_cache[slot].key, key)) {
        unum_close(g_cache[slot].f);
        g_cache[slot].f = open_price_format(locale, currency);
        snprintf(g_cache[slot].key, sizeof g_cache[slot].key, "%s", key);
    }
    g_cache[slot].used = ++g_tick;
    UErrorCode e = U_ZERO_ERROR;
    int32_t n = -1;
    if (g_cache[slot].f && it) n = unum_formatDoubleForFields(g_cache[slot].f, value, u, UBUF, it, &e);
    else if (g_cache[slot].f) n = unum_formatDouble(g_cache[slot].f, value, u, UBUF, NULL, &e);
    pthread_mutex_unlock(&g_lock);
    return U_FAILURE(e) || n >= UBUF ? -1 : n;
}

vt_result vt_i18n_format_price(double value, const char *locale, const char *currency, char *out, size_t len)
{
    if (!len) return VT_ERR_ARG;
    out[0] = 0;
    if (!isfinite(value)) return VT_ERR_ARG;
    UChar u[UBUF];
    int32_t n = format_cached(locale, currency, value == 0 ? 0.0 : value, u, NULL);   /* -0.0: "-0,00 €" */
    return n < 0 ? VT_ERR_ARG : to_utf8(u, n, out, len);
}

/* Whether an ICU field is part of the number (digits and separators), not the symbol or spacing. */
static int number_field(int32_t field)
{
    return field == UNUM_INTEGER_FIELD || field == UNUM_FRACTION_FIELD || field == UNUM_DECIMAL_SEPARATOR_FIELD ||
           field == UNUM_GROUPING_SEPARATOR_FIELD;
}

vt_result vt_i18n_format_no_price(const char *locale, const char *currency, char *out, size_t len)
{
    if (!len) return VT_ERR_ARG;
    out[0] = 0;
    UChar u[UBUF];
    UErrorCode e = U_ZERO_ERROR;
    UFieldPositionIterator *it = ufieldpositer_open(&e);
    int32_t n = U_SUCCESS(e) ? format_cached(locale, currency, 0.0, u, it) : -1;
    int32_t lo = n, hi = 0, b, en, field;
    while (n >= 0 && (field = ufieldpositer_next(it, &b, &en)) >= 0)
        if (number_field(field)) { lo = b < lo ? b : lo; hi = en > hi ? en : hi; }
    ufieldpositer_close(it);
    if (n < 0 || lo >= hi) return VT_ERR_ARG;
    /* The symbol and spacing where the locale puts them, a dash where the number was. */
    u[lo] = 0x2014;
    memmove(u + lo + 1, u + hi, (size_t)(n - hi) * sizeof *u);
    return to_utf8(u, n - (hi - lo) + 1, out, len);
}

int vt_i18n_price_rounds(double value, const char *locale, const char *currency)
{
    if (!isfinite(value)) return -1;
    UNumberFormat *f = open_price_format(locale, currency);
    if (!f) return -1;
    UErrorCode e = U_ZERO_ERROR;
    UNumberFormat *exact = unum_clone(f, &e);
    /* The same with room for every digit: ICU writes a double's shortest exact form, so the two
     * differ exactly when the currency's digits (or a rounding increment) change the value. */
    if (U_SUCCESS(e)) {
        unum_setAttribute(exact, UNUM_MAX_FRACTION_DIGITS, 20);
        unum_setDoubleAttribute(exact, UNUM_ROUNDING_INCREMENT, 0.0);
    }
    UChar a[UBUF], b[UBUF];
    int32_t na = unum_formatDouble(f, value, a, UBUF, NULL, &e);
    int32_t nb = unum_formatDouble(exact, value, b, UBUF, NULL, &e);
    unum_close(f);
    unum_close(exact);
    if (U_FAILURE(e) || na >= UBUF || nb >= UBUF) return -1;
    return na != nb || u_strncmp(a, b, na) != 0;
}
