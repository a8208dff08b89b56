/* vt_i18n_lang.c — which languages exist and what each is called in itself, through ICU's uloc. */
#include "vt_i18n.h"

#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

/* 1 when code is in ICU's NULL-terminated list (ISO 639 languages, ISO 3166 regions). */
static int in_list(const char *const *list, const char *code)
{
    for (int i = 0; list && list[i]; i++)
        if (!strcmp(list[i], code)) return 1;
    return 0;
}

/* tag as ICU's locale id ("pt-BR" and "pt_BR" alike); 0 when it is not a tag. */
static int to_locale_id(const char *tag, char *out, size_t len)
{
    char bcp[ULOC_FULLNAME_CAPACITY];
    if (!tag || !*tag || strlen(tag) >= sizeof bcp) return 0;
    snprintf(bcp, sizeof bcp, "%s", tag);
    for (char *p = bcp; *p; p++) if (*p == '_') *p = '-';
    UErrorCode e = U_ZERO_ERROR;
    int32_t parsed = 0;
    uloc_forLanguageTag(bcp, out, (int32_t)len, &parsed, &e);
    return U_SUCCESS(e) && *out && parsed == (int32_t)strlen(bcp);
}

vt_result vt_i18n_check_language(const char *tag, char *why, size_t len)
{
    char id[ULOC_FULLNAME_CAPACITY], lang[ULOC_LANG_CAPACITY] = "", region[ULOC_COUNTRY_CAPACITY] = "";
    if (len) why[0] = 0;
    if (!to_locale_id(tag, id, sizeof id)) {
        snprintf(why, len, _("\"%.40s\" is not a language tag (such as fr, en-GB, ja)"), tag ? tag : "");
        return VT_ERR_ARG;
    }
    UErrorCode e = U_ZERO_ERROR;
    uloc_getLanguage(id, lang, sizeof lang, &e);
    uloc_getCountry(id, region, sizeof region, &e);
    if (U_FAILURE(e) || !in_list(uloc_getISOLanguages(), lang)) {
        snprintf(why, len, _("\"%.40s\": unknown language \"%s\" (not in ICU's ISO 639 list, e.g. fr, de, ja)"), tag, lang);
        return VT_ERR_ARG;
    }
    /* Three-digit regions (419: Latin America) are UN M.49 areas, which ICU knows too. */
    int m49 = strlen(region) == 3 && strspn(region, "0123456789") == 3;
    if (*region && !m49 && !in_list(uloc_getISOCountries(), region)) {
        snprintf(why, len, _("\"%.40s\": unknown region \"%s\" (not in ICU's ISO 3166 list, e.g. FR, GB, JP)"), tag, region);
        return VT_ERR_ARG;
    }
    return VT_OK;
}

vt_result vt_i18n_language_tag(const char *tag, char *out, size_t len)
{
    char id[ULOC_FULLNAME_CAPACITY];
    if (len) out[0] = 0;
    if (!len || !to_locale_id(tag, id, sizeof id)) return VT_ERR_ARG;
    UErrorCode e = U_ZERO_ERROR;
    uloc_toLanguageTag(id, out, (int32_t)len, 1, &e);
    if (U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING) { out[0] = 0; return VT_ERR_ARG; }
    return VT_OK;
}

vt_result vt_i18n_language_name(const char *tag, char *out, size_t len)
{
    char id[ULOC_FULLNAME_CAPACITY];
    if (len) out[0] = 0;
    if (!len || !to_locale_id(tag, id, sizeof id)) return VT_ERR_ARG;
    UChar name[128];
    UErrorCode e = U_ZERO_ERROR;
    char region[ULOC_COUNTRY_CAPACITY] = "";
    uloc_getCountry(id, region, sizeof region, &e);
    /* With a region (pt-BR beside pt-PT) the region is named too: "português (Brasil)". */
    int32_t n = *region ? uloc_getDisplayName(id, id, name, 128, &e) : uloc_getDisplayLanguage(id, id, name, 128, &e);
    if (U_FAILURE(e) || e == U_USING_DEFAULT_WARNING || n <= 0) return VT_ERR_ARG;
    /* CLDR writes most names as inside a sentence ("français"); alone on a button, the first
     * letter is a capital ("Français"). Scripts without case ("日本語") are unchanged. */
    int32_t i = 0;
    UChar32 c;
    U16_NEXT(name, i, n, c);
    UChar head[2], rest[128];
    int32_t hl = 0;
    U16_APPEND_UNSAFE(head, hl, u_totitle(c));
    int32_t rl = n - i;
    memcpy(rest, name + i, (size_t)rl * sizeof *rest);
    memcpy(name, head, (size_t)hl * sizeof *name);
    memcpy(name + hl, rest, (size_t)rl * sizeof *name);
    n = hl + rl > 128 ? 128 : hl + rl;
    e = U_ZERO_ERROR;
    u_strToUTF8(out, (int32_t)len, NULL, name, n, &e);
    if (U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING) { out[0] = 0; return VT_ERR_ARG; }
    return VT_OK;
}
