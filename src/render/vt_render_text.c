/* vt_render_text.c — the glyph atlas (DejaVu Sans Bold found through fontconfig, rasterised once
 * by FreeType) and UTF-8 text drawing and measurement on the 2-D overlay. */
#include "vt_render_internal.h"

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <stdlib.h>
#include <string.h>

#define ATLAS 1024        /* the atlas is ATLAS x ATLAS coverage bytes */
#define MAX_GLYPHS 400

static char *find_font(void)
{
    char *path = NULL;
    if (FcInit()) {
        FcPattern *pat = FcNameParse((const FcChar8 *)"DejaVu Sans:style=Bold");
        FcConfigSubstitute(NULL, pat, FcMatchPattern);
        FcDefaultSubstitute(pat);
        FcResult res;
        FcPattern *m = FcFontMatch(NULL, pat, &res);
        FcChar8 *file;
        if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) path = strdup((const char *)file);
        if (m) FcPatternDestroy(m);
        FcPatternDestroy(pat);
        FcFini();   /* nothing else here uses fontconfig: give its cache back */
    }
    return path;
}

/* Latin-1 plus the signs prices need; returns how many. */
static int atlas_codepoints(uint32_t cps[MAX_GLYPHS])
{
    int n = 0;
    for (uint32_t c = 32; c < 127; c++) cps[n++] = c;
    for (uint32_t c = 160; c < 256; c++) cps[n++] = c;
    cps[n++] = 0x20AC; /* € */ cps[n++] = 0x202F; /* narrow no-break space */ cps[n++] = 0x2022; cps[n++] = 0x2014;
    cps[n++] = 0x2026; /* … */ cps[n++] = 0x2192; /* → */
    return n;
}

/* Rasterises the glyphs into pix (ATLAS x ATLAS), shelf by shelf, and records where each lies. */
static void rasterise(vt_renderer *r, FT_Face face, uint8_t *pix)
{
    uint32_t cps[MAX_GLYPHS];
    int n = atlas_codepoints(cps);
    int x = 1, y = 1, row_h = 0;
    for (int i = 0; i < n; i++) {
        if (FT_Load_Char(face, cps[i], FT_LOAD_RENDER)) continue;
        FT_GlyphSlot g = face->glyph;
        int w = (int)g->bitmap.width, h = (int)g->bitmap.rows;
        if (x + w + 1 >= ATLAS) { x = 1; y += row_h + 1; row_h = 0; }
        if (y + h + 1 >= ATLAS) break;
        for (int j = 0; j < h; j++) memcpy(pix + (y + j) * ATLAS + x, g->bitmap.buffer + j * g->bitmap.pitch, (size_t)w);
        vt_glyph *gl = &r->glyphs[r->glyph_count++];
        *gl = (vt_glyph){ cps[i], (float)x / ATLAS, (float)y / ATLAS, (float)(x + w) / ATLAS, (float)(y + h) / ATLAS,
                          w, h, g->bitmap_left, g->bitmap_top, g->advance.x / 64.0f };
        x += w + 1;
        if (h > row_h) row_h = h;
    }
}

static void upload_atlas(vt_renderer *r, const uint8_t *pix)
{
    glGenTextures(1, &r->atlas_tex);
    glBindTexture(GL_TEXTURE_2D, r->atlas_tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, ATLAS, ATLAS, 0, GL_RED, GL_UNSIGNED_BYTE, pix);
    glGenerateMipmap(GL_TEXTURE_2D);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
}

vt_result vt_render_atlas_build(vt_renderer *r, char *err, size_t errlen)
{
    char *path = find_font();
    FT_Library ft;
    FT_Face face;
    if (!path || FT_Init_FreeType(&ft)) {
        snprintf(err, errlen, _("no font found (install fonts-dejavu-core)"));
        free(path);
        return VT_ERR_NOT_FOUND;
    }
    if (FT_New_Face(ft, path, 0, &face)) {
        snprintf(err, errlen, _("%s: FreeType cannot open the font"), path);
        free(path);
        FT_Done_FreeType(ft);
        return VT_ERR_FORMAT;
    }
    free(path);
    FT_Set_Pixel_Sizes(face, 0, VT_GLYPH_PX);
    r->ascent = face->size->metrics.ascender / 64.0f;
    uint8_t *pix = calloc(ATLAS * ATLAS, 1);
    r->glyphs = calloc(MAX_GLYPHS, sizeof *r->glyphs);
    vt_result res = VT_OK;
    if (pix && r->glyphs) {
        rasterise(r, face, pix);
        upload_atlas(r, pix);
    } else {
        snprintf(err, errlen, _("no memory for the glyph atlas"));
        res = VT_ERR_NO_MEMORY;
    }
    free(pix);
    FT_Done_Face(face);
    FT_Done_FreeType(ft);
    return res;
}

static const vt_glyph *find_glyph(const vt_renderer *r, uint32_t cp)
{
    for (int i = 0; i < r->glyph_count; i++)
        if (r->glyphs[i].cp == cp) return &r->glyphs[i];
    return cp != '?' ? find_glyph(r, '?') : NULL;
}

static uint32_t next_cp(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = *p++;
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (extra) c &= 0x3F >> extra;
    for (int i = 0; i < extra && (*p & 0xC0) == 0x80; i++) c = (c << 6) | (*p++ & 0x3F);
    *s = (const char *)p;
    return c;
}

float vt_render_text_width(const vt_renderer *r, float px, const char *s)
{
    float w = 0, k = px / VT_GLYPH_PX;
    while (*s) {
        const vt_glyph *g = find_glyph(r, next_cp(&s));
        if (g) w += g->adv * k;
    }
    return w;
}

float vt_render_text(vt_renderer *r, float x, float y, float px, const char *s, const float rgba[4])
{
    float x0 = x, k = px / VT_GLYPH_PX;
    while (*s) {
        const vt_glyph *g = find_glyph(r, next_cp(&s));
        if (!g) continue;
        if (g->w > 0) {
            float gx = x + g->bx * k, gy = y - g->by * k;
            vt_render_ui_quad(r, gx, gy, gx + g->w * k, gy + g->h * k, g->u0, g->v0, g->u1, g->v1, rgba);
        }
        x += g->adv * k;
    }
    return x - x0;
}
