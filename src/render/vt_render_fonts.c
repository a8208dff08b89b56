/* vt_render_fonts.c — which characters of a text no installed font can show: fontconfig's
 * coverage of the fonts it sorts for the UI's font (the same fallback list Pango draws from).
 * No GL: validate calls it without a renderer. */
#include "vt_render_internal.h"

#include <fontconfig/fontconfig.h>
#include <glib.h>
#include <pthread.h>
#include <string.h>

static FcCharSet *g_cover;   /* the union of every sorted font's characters; kept for the process */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void load_coverage(void)
{
    if (!FcInit()) return;
    FcPattern *pat = FcNameParse((const FcChar8 *)"DejaVu Sans,Noto Sans,Sans:bold");
    if (!pat) return;
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcCharSet *cs = NULL;
    /* trim: fonts that add no character are left out; cs is the union of the rest's */
    FcFontSet *fs = FcFontSort(NULL, pat, FcTrue, &cs, &res);
    if (fs) FcFontSetDestroy(fs);
    FcPatternDestroy(pat);
    g_cover = cs;
}

/* Characters that are not drawn as glyphs of their own: nothing to cover. */
static int needs_glyph(gunichar c)
{
    if (g_unichar_isspace(c) || c == 0xFFFD) return 0;
    GUnicodeType t = g_unichar_type(c);
    if (t == G_UNICODE_CONTROL || t == G_UNICODE_FORMAT) return 0;
    /* variation selectors (U+FE00.., U+E0100..) pick a glyph; tag characters (U+E0000..) are invisible */
    return !(c >= 0xFE00 && c <= 0xFE0F) && !(c >= 0xE0000 && c <= 0xE01EF);
}

/* Each missing character once, as "X (U+XXXX)", comma-separated, as far as cap allows. */
int vt_render_text_missing(const char *utf8, char *missing, size_t cap)
{
    if (missing && cap) missing[0] = 0;
    if (!utf8) return 0;
    pthread_once(&g_once, load_coverage);
    int n = 0;
    size_t len = 0;
    for (const char *p = utf8; *p;) {
        gunichar c = g_utf8_get_char_validated(p, -1);
        if (c == (gunichar)-1 || c == (gunichar)-2) break;   /* not UTF-8: the catalog's check says so */
        const char *next = g_utf8_next_char(p);
        char code[16];
        snprintf(code, sizeof code, "(U+%04X)", (unsigned)c);
        if (needs_glyph(c) && (!g_cover || !FcCharSetHasChar(g_cover, c)) && !(missing && strstr(missing, code))) {
            char one[48];
            int k = snprintf(one, sizeof one, "%s%.*s (U+%04X)", n ? ", " : "", (int)(next - p), p, (unsigned)c);
            if (missing && len + (size_t)k < cap) { memcpy(missing + len, one, (size_t)k + 1); len += (size_t)k; }
            n++;
        }
        p = next;
    }
    return n;
}
