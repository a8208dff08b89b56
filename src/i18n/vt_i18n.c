/* vt_i18n.c — languages and locale names through ICU's uloc. */
#include "vt_i18n.h"

#include <string.h>
#include <unicode/uloc.h>

vt_result vt_i18n_posix_locale(const char *tag, char *out, size_t len)
{
    if (len) out[0] = 0;
    if (!tag || !*tag || len < 2) return VT_ERR_ARG;
    char canon[ULOC_FULLNAME_CAPACITY], full[ULOC_FULLNAME_CAPACITY], lang[ULOC_LANG_CAPACITY], region[ULOC_COUNTRY_CAPACITY];
    UErrorCode e = U_ZERO_ERROR;
    uloc_forLanguageTag(tag, canon, sizeof canon, NULL, &e);   /* "de-CH" and "de_CH" alike */
    if (U_FAILURE(e) || !*canon) {
        e = U_ZERO_ERROR;
        uloc_canonicalize(tag, canon, sizeof canon, &e);
    }
    if (U_FAILURE(e)) return VT_ERR_ARG;
    uloc_addLikelySubtags(canon, full, sizeof full, &e);
    uloc_getLanguage(full, lang, sizeof lang, &e);
    uloc_getCountry(full, region, sizeof region, &e);
    if (U_FAILURE(e) || !*lang) return VT_ERR_ARG;
    snprintf(out, len, *region ? "%s_%s" : "%s", lang, region);
    return VT_OK;
}

void vt_i18n_language(const char *tag, char *out, size_t len)
{
    if (!len) return;
    out[0] = 0;
    if (!tag) return;
    size_t n = strcspn(tag, "_-.@");
    snprintf(out, len, "%.*s", (int)n, tag);
}
