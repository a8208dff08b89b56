/* vt_render_text.c — text on the 2-D overlay through Pango: HarfBuzz shapes it, Pango's bidi
 * orders it (the paragraph's direction from the text), fontconfig falls back to a font that has
 * each character, and Pango wraps and ellipsises it by display width. Each string is laid out and
 * rasterised by pangocairo into an A8 image once, uploaded as a texture, and drawn as a tinted quad;
 * an LRU cache (keyed by text, size and box) keeps the layout and the texture, so a frame that
 * redraws the same tags does no new layout or upload. */
#include "vt_render_internal.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

/* The UI's bold sans: DejaVu Sans Bold for what it covers (the look the UI always had), then Noto
 * Sans, then whatever fontconfig finds for the other scripts (Noto CJK, Arabic, Devanagari...). */
#define VT_FONT_FAMILIES "DejaVu Sans,Noto Sans,Sans Bold"
#define VT_TEXT_CACHE 256   /* entries kept; more only while one frame uses them all */

typedef struct vt_text_entry {
    uint64_t hash, used;     /* used: the cache's clock at the last lookup */
    char *text;
    float px;
    vt_text_box box;
    PangoLayout *layout;
    vt_text_size size;
    GLuint tex;              /* 0 until first drawn (or when nothing shows: spaces) */
    int drawn;
    int tw, th;              /* the image, whole pixels */
    float ox, oy;            /* its top-left from (box left, first baseline) */
} vt_text_entry;

struct vt_text_cache {
    PangoFontMap *fonts;
    PangoContext *ctx;
    PangoFontDescription *font;
    vt_text_entry *e;
    int n, cap;
    uint64_t clock, frame_start;
    long layouts, uploads;
};

vt_result vt_render_text_init(vt_renderer *r, char *err, size_t errlen)
{
    vt_text_cache *c = calloc(1, sizeof *c);
    if (!c) { snprintf(err, errlen, _("no memory for the text cache")); return VT_ERR_NO_MEMORY; }
    r->text = c;
    /* A font map of its own: Pango's default one is per thread, a renderer lives on one. */
    c->fonts = pango_cairo_font_map_new();
    c->ctx = c->fonts ? pango_font_map_create_context(c->fonts) : NULL;
    c->font = pango_font_description_from_string(VT_FONT_FAMILIES);
    if (!c->ctx || !c->font) { snprintf(err, errlen, _("Pango has no font map (is fontconfig set up?)")); return VT_ERR_NOT_FOUND; }
    /* Grey antialiasing for an A8 image, unhinted metrics so widths scale with the size. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_SLIGHT);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(c->ctx, fo);
    cairo_font_options_destroy(fo);
    return VT_OK;
}

static void entry_free(vt_text_entry *e)
{
    if (e->tex) glDeleteTextures(1, &e->tex);
    if (e->layout) g_object_unref(e->layout);
    free(e->text);
    memset(e, 0, sizeof *e);
}

/* With the renderer's context current (its textures are deleted). */
void vt_render_text_destroy(vt_renderer *r)
{
    vt_text_cache *c = r->text;
    if (!c) return;
    for (int i = 0; i < c->n; i++) entry_free(&c->e[i]);
    free(c->e);
    if (c->font) pango_font_description_free(c->font);
    if (c->ctx) g_object_unref(c->ctx);
    if (c->fonts) g_object_unref(c->fonts);
    free(c);
    r->text = NULL;
}

void vt_render_text_frame(vt_renderer *r)
{
    if (r->text) r->text->frame_start = r->text->clock;
}

void vt_render_text_stats(const vt_renderer *r, long *layouts, long *uploads)
{
    if (layouts) *layouts = r->text ? r->text->layouts : 0;
    if (uploads) *uploads = r->text ? r->text->uploads : 0;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

static uint64_t key_hash(const char *s, float px, const vt_text_box *b)
{
    uint64_t h = fnv(14695981039346656037ull, s, strlen(s));
    h = fnv(h, &px, sizeof px);
    return fnv(h, b, sizeof *b);
}

/* Pango needs valid UTF-8: bad bytes become U+FFFD (a caller's text is never refused). */
static char *valid_copy(const char *s)
{
    if (g_utf8_validate(s, -1, NULL)) return strdup(s);
    gchar *v = g_utf8_make_valid(s, -1);
    char *out = v ? strdup(v) : NULL;
    g_free(v);
    return out;
}

/* The per-line metrics of a laid-out entry: width, lines, height, direction. */
static void measure_layout(vt_text_entry *e)
{
    PangoLayoutIter *it = pango_layout_get_iter(e->layout);
    int i = 0, base0 = 0, w = 0;
    float last_base = 0, top = 0, bottom = 0;
    do {
        PangoRectangle log;
        pango_layout_iter_get_line_extents(it, NULL, &log);
        int base = pango_layout_iter_get_baseline(it);
        if (i == 0) { base0 = base; top = (float)(base - log.y) / PANGO_SCALE; }
        last_base = e->box.line_px > 0 ? i * e->box.line_px : (float)(base - base0) / PANGO_SCALE;
        bottom = (float)(log.y + log.height - base) / PANGO_SCALE;
        if (log.width > w) w = log.width;
        i++;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    PangoLayoutLine *first = pango_layout_get_line_readonly(e->layout, 0);
    e->size.width = (float)w / PANGO_SCALE;
    e->size.lines = i;
    e->size.ascent = top;
    e->size.height = top + last_base + bottom;
    e->size.ellipsised = pango_layout_is_ellipsized(e->layout);
    e->size.rtl = first && first->resolved_dir == PANGO_DIRECTION_RTL;
}

static PangoAlignment alignment(vt_text_align a)
{
    /* Pango's auto-dir flips left and right for a right-to-left paragraph: left is "start". */
    return a == VT_TEXT_CENTRE ? PANGO_ALIGN_CENTER : a == VT_TEXT_END ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
}

static int make_layout(vt_text_cache *c, vt_text_entry *e)
{
    PangoLayout *l = pango_layout_new(c->ctx);
    if (!l) return 0;
    pango_font_description_set_absolute_size(c->font, e->px * PANGO_SCALE);
    pango_layout_set_font_description(l, c->font);
    pango_layout_set_text(l, e->text, -1);
    if (e->box.width > 0) {
        pango_layout_set_width(l, (int)(e->box.width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
        pango_layout_set_alignment(l, alignment(e->box.align));
        if (e->box.max_lines > 0) {   /* at most that many lines, the last one ellipsised */
            pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
            pango_layout_set_height(l, -e->box.max_lines);
        }
    }
    e->layout = l;
    c->layouts++;
    measure_layout(e);
    return 1;
}

/* The slot for a new entry: a free one, else the least recently used one not used this frame
 * (its texture may be queued for this frame's overlay), else a new one. */
static vt_text_entry *slot(vt_text_cache *c)
{
    if (c->n < VT_TEXT_CACHE || c->n < c->cap) {
        if (c->n == c->cap) {
            int cap = c->cap ? c->cap * 2 : 64;
            vt_text_entry *e = realloc(c->e, (size_t)cap * sizeof *e);
            if (!e) return NULL;
            c->e = e, c->cap = cap;
        }
        memset(&c->e[c->n], 0, sizeof c->e[0]);
        return &c->e[c->n++];
    }
    vt_text_entry *old = &c->e[0];
    for (int i = 1; i < c->n; i++) if (c->e[i].used < old->used) old = &c->e[i];
    if (old->used > c->frame_start) {   /* all in this frame's use: grow past the usual size */
        vt_text_entry *e = realloc(c->e, (size_t)c->cap * 2 * sizeof *e);
        if (!e) return NULL;
        c->e = e, c->cap *= 2;
        memset(&c->e[c->n], 0, sizeof c->e[0]);
        return &c->e[c->n++];
    }
    entry_free(old);
    return old;
}

static vt_text_entry *lookup(vt_text_cache *c, float px, const char *s, const vt_text_box *box)
{
    vt_text_box b = box ? *box : (vt_text_box){ 0 };
    if (b.width <= 0) b.width = 0, b.max_lines = 0, b.align = VT_TEXT_START;
    if (!s) s = "";
    /* Quarter pixels: a size that animates (the basket's swell) makes a few dozen entries, not
     * one a frame; an eighth of a pixel off is invisible. */
    px = fmaxf(roundf(px * 4) / 4, 0.25f);
    uint64_t h = key_hash(s, px, &b);
    c->clock++;
    for (int i = 0; i < c->n; i++) {
        vt_text_entry *e = &c->e[i];
        if (e->text && e->hash == h && e->px == px && !memcmp(&e->box, &b, sizeof b) && !strcmp(e->text, s)) {
            e->used = c->clock;
            return e;
        }
    }
    vt_text_entry *e = slot(c);
    if (!e) return NULL;
    *e = (vt_text_entry){ .hash = h, .used = c->clock, .px = px, .box = b, .text = valid_copy(s) };
    if (!e->text || !make_layout(c, e)) { entry_free(e); return NULL; }   /* a free slot again (used 0) */
    return e;
}

vt_text_size vt_render_text_measure(const vt_renderer *r, float px, const char *utf8, const vt_text_box *box)
{
    vt_text_entry *e = px > 0 && r->text ? lookup(r->text, px, utf8, box) : NULL;
    return e ? e->size : (vt_text_size){ 0 };
}

float vt_render_text_width(const vt_renderer *r, float px, const char *utf8)
{
    return vt_render_text_measure(r, px, utf8, NULL).width;
}

/* Where line i's baseline lies below the first one's, in pixels. */
static float line_base(const vt_text_entry *e, int i, int base, int base0)
{
    return e->box.line_px > 0 ? i * e->box.line_px : (float)(base - base0) / PANGO_SCALE;
}

/* The ink of all lines (at the box's line pitch) from (box left, first baseline), whole pixels
 * with a pixel to spare; 0 when nothing shows. */
static int ink_bounds(const vt_text_entry *e, int *x0, int *y0, int *x1, int *y1)
{
    PangoLayoutIter *it = pango_layout_get_iter(e->layout);
    float lx = INFINITY, ly = INFINITY, hx = -INFINITY, hy = -INFINITY;
    int i = 0, base0 = 0;
    do {
        PangoRectangle ink;
        pango_layout_iter_get_line_extents(it, &ink, NULL);
        int base = pango_layout_iter_get_baseline(it);
        if (i == 0) base0 = base;
        float b = line_base(e, i++, base, base0);
        if (ink.width <= 0 || ink.height <= 0) continue;
        lx = fminf(lx, (float)ink.x / PANGO_SCALE), hx = fmaxf(hx, (float)(ink.x + ink.width) / PANGO_SCALE);
        ly = fminf(ly, b + (float)(ink.y - base) / PANGO_SCALE), hy = fmaxf(hy, b + (float)(ink.y + ink.height - base) / PANGO_SCALE);
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    if (lx > hx) return 0;
    *x0 = (int)floorf(lx) - 1, *y0 = (int)floorf(ly) - 1, *x1 = (int)ceilf(hx) + 1, *y1 = (int)ceilf(hy) + 1;
    return 1;
}

/* Draws every line into cr (origin: box left, first baseline) at the box's line pitch. */
static void show_lines(const vt_text_entry *e, cairo_t *cr)
{
    PangoLayoutIter *it = pango_layout_get_iter(e->layout);
    int i = 0, base0 = 0;
    do {
        PangoRectangle log;
        pango_layout_iter_get_line_extents(it, NULL, &log);
        int base = pango_layout_iter_get_baseline(it);
        if (i == 0) base0 = base;
        cairo_move_to(cr, (double)log.x / PANGO_SCALE, line_base(e, i++, base, base0));
        pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(it));
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

/* Rasterises the entry into an A8 image and uploads it as a single-channel texture. */
static void upload(vt_text_cache *c, vt_text_entry *e)
{
    int x0, y0, x1, y1;
    e->drawn = 1;
    if (!ink_bounds(e, &x0, &y0, &x1, &y1)) return;
    GLint max = 0;
    glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max);
    if (x1 - x0 > max || y1 - y0 > max) {
        VT_WARN("render", "text of %dx%d pixels is past the GL's %d: not drawn", x1 - x0, y1 - y0, max);
        return;
    }
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, x1 - x0, y1 - y0);
    cairo_t *cr = cairo_create(s);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        VT_WARN("render", "no memory for a %dx%d text image: not drawn", x1 - x0, y1 - y0);
    } else {
        cairo_translate(cr, -x0, -y0);
        show_lines(e, cr);
        cairo_surface_flush(s);
        glGenTextures(1, &e->tex);
        glBindTexture(GL_TEXTURE_2D, e->tex);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glPixelStorei(GL_UNPACK_ROW_LENGTH, cairo_image_surface_get_stride(s));
        glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, x1 - x0, y1 - y0, 0, GL_RED, GL_UNSIGNED_BYTE, cairo_image_surface_get_data(s));
        glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        e->tw = x1 - x0, e->th = y1 - y0, e->ox = (float)x0, e->oy = (float)y0;
        c->uploads++;
    }
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

vt_text_size vt_render_text_box(vt_renderer *r, float x, float y, float px, const char *utf8, const vt_text_box *box,
                                const float rgba[4])
{
    vt_text_entry *e = px > 0 && r->text ? lookup(r->text, px, utf8, box) : NULL;
    if (!e) return (vt_text_size){ 0 };
    if (!e->drawn) upload(r->text, e);
    if (e->tex) {
        /* Whole pixels: the image's texels land on the frame's pixels one to one (sharp). */
        float qx = roundf(x + e->ox), qy = roundf(y + e->oy);
        vt_render_ui_quad(r, qx, qy, qx + e->tw, qy + e->th, 0, 0, 1, 1, e->tex, rgba);
    }
    return e->size;
}

float vt_render_text(vt_renderer *r, float x, float y, float px, const char *utf8, const float rgba[4])
{
    return vt_render_text_box(r, x, y, px, utf8, NULL, rgba).width;
}
