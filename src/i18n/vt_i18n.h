/* vt_i18n.h — what a locale decides, through ICU (CLDR's data): which locales, languages,
 * currencies and time zones exist, how a price, a date or an hour is written, how wide text is on
 * a terminal. Translations of Vitrine's own strings are gettext's, in core (vt_tr, vt_tr_lang).
 * Locales are POSIX or BCP 47 names ("fr_FR", "de-CH", "ja"). Nothing here keeps state but ICU's
 * caches; every call is thread-safe. Strings are UTF-8; out buffers are the caller's and always
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

#ifdef __cplusplus
}
#endif
#endif
