/* test_text.c — text through Pango, drawn for real (headless EGL) and read back as pixels:
 * Japanese, Arabic and Hebrew are glyphs (not "?" nor nothing), right-to-left strings run right
 * to left and lie right in a start-aligned box, wrapping keeps to the box and its lines with an
 * ellipsis, widths agree with what is drawn, the cache does no layout or upload for a redrawn
 * frame, and the coverage check names a character no installed font has. */
#include "render/vt_render.h"
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 800
#define H 200

static const float k_white[4] = { 1, 1, 1, 1 };

typedef struct ink { long sum; int x0, y0, x1, y1; } ink;   /* x1, y1 exclusive; x0 > x1 when none */

/* One frame on black with utf8 drawn in white at (x, y) in box (NULL: vt_render_text). */
static void draw(vt_renderer *r, vt_image *out, float x, float y, float px, const char *utf8, const vt_text_box *box)
{
    vt_camera cam;
    vt_camera_parse("600,600,399.5,99.5", &cam);
    vt_render_begin(r, NULL, &cam);
    if (box) vt_render_text_box(r, x, y, px, utf8, box, k_white);
    else vt_render_text(r, x, y, px, utf8, k_white);
    vt_render_end(r, out);
}

static ink ink_of(const vt_image *im)
{
    ink k = { 0, W, H, -1, -1 };
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int v = vt_image_row(im, y)[x * 4];
            if (v < 40) continue;
            k.sum += v;
            if (x < k.x0) k.x0 = x;
            if (y < k.y0) k.y0 = y;
            if (x + 1 > k.x1) k.x1 = x + 1;
            if (y + 1 > k.y1) k.y1 = y + 1;
        }
    return k;
}

/* Mean absolute difference of the red channel over w x h at (ax, ay) in a and (bx, by) in b. */
static double diff_region(const vt_image *a, int ax, int ay, const vt_image *b, int bx, int by, int w, int h)
{
    double d = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) d += abs(vt_image_row(a, ay + y)[(ax + x) * 4] - vt_image_row(b, by + y)[(bx + x) * 4]);
    return d / ((double)w * h);
}

static double diff_all(const vt_image *a, const vt_image *b) { return diff_region(a, 0, 0, b, 0, 0, W, H); }

/* A name in a script other than Latin: glyphs, unlike as many "?" and unlike nothing. */
static void check_glyphs(vt_renderer *r, const char *name, const char *what, int nchars)
{
    vt_image a, q, e;
    vt_image_alloc(&a, VT_PIX_RGBA8, W, H);
    vt_image_alloc(&q, VT_PIX_RGBA8, W, H);
    vt_image_alloc(&e, VT_PIX_RGBA8, W, H);
    char qs[64] = "";
    for (int i = 0; i < nchars && i < 60; i++) strcat(qs, "?");
    draw(r, &a, 20, 120, 48, name, NULL);
    draw(r, &q, 20, 120, 48, qs, NULL);
    draw(r, &e, 20, 120, 48, "", NULL);
    ink ka = ink_of(&a), kq = ink_of(&q), ke = ink_of(&e);
    CHECKF(ke.sum == 0, "an empty string draws nothing (%ld)", ke.sum);
    /* substantial: at least a tenth of each character's em square in full ink */
    CHECKF(ka.sum > 255L * nchars * 48 * 48 / 10, "%s: ink %ld for %d characters", what, ka.sum, nchars);
    /* the share of ink that differs: 0 for the same drawing, near 1 for unrelated shapes */
    double dq = diff_all(&a, &q) * W * H / (double)(ka.sum + kq.sum);
    CHECKF(dq > 0.4, "%s differs from %d '?' (share of ink that differs %.2f)", what, nchars, dq);
    CHECKF(vt_render_text_missing(name, NULL, 0) == 0, "%s: every character has a font", what);
    vt_image_free(&a);
    vt_image_free(&q);
    vt_image_free(&e);
}

/* A right-to-left string: its first logical word, drawn alone, is the right part of the whole. */
static void check_rtl(vt_renderer *r, const char *whole, const char *first_word, const char *what)
{
    vt_image a, b;
    vt_image_alloc(&a, VT_PIX_RGBA8, W, H);
    vt_image_alloc(&b, VT_PIX_RGBA8, W, H);
    CHECKF(vt_render_text_measure(r, 48, whole, NULL).rtl == 1, "%s: right to left", what);
    draw(r, &a, 40, 120, 48, whole, NULL);
    draw(r, &b, 40, 120, 48, first_word, NULL);
    ink ka = ink_of(&a), kb = ink_of(&b);
    int w = kb.x1 - kb.x0, h = (ka.y1 > kb.y1 ? ka.y1 : kb.y1) - (ka.y0 < kb.y0 ? ka.y0 : kb.y0);
    int y0 = ka.y0 < kb.y0 ? ka.y0 : kb.y0;
    CHECKF(w > 20 && ka.x1 - ka.x0 > w + 20, "%s: the word (%d px) is part of the whole (%d px)", what, w, ka.x1 - ka.x0);
    if (w > 20 && ka.x1 - ka.x0 > w + 20) {
        double right = diff_region(&a, ka.x1 - w, y0, &b, kb.x0, y0, w, h);
        double left = diff_region(&a, ka.x0, y0, &b, kb.x0, y0, w, h);
        CHECKF(right < 0.5 * left, "%s: the first word is drawn on the right (difference right %.2f, left %.2f)", what, right,
               left);
    }
    /* In a start-aligned box, against its right edge; a Latin string against its left. */
    const vt_text_box box = { 600, 1, 0, VT_TEXT_START };
    draw(r, &a, 100, 120, 40, whole, &box);
    ka = ink_of(&a);
    CHECKF(ka.x1 > 690 && ka.x1 <= 702 && ka.x0 > 300, "%s: start-aligned in the box 100..700: ink %d..%d", what, ka.x0, ka.x1);
    draw(r, &a, 100, 120, 40, "Runner X", &box);
    ka = ink_of(&a);
    CHECKF(ka.x0 >= 98 && ka.x0 < 110 && ka.x1 < 400, "Latin start-aligned in the box 100..700: ink %d..%d", ka.x0, ka.x1);
    vt_image_free(&a);
    vt_image_free(&b);
}

/* Wrapped in a box: never wider, at most N lines, an ellipsis where text was left out. */
static void check_wrap(vt_renderer *r)
{
    vt_image a;
    vt_image_alloc(&a, VT_PIX_RGBA8, W, H);
    const char *text = "Light road running shoe with a recycled mesh upper and a cushioned sole made for city miles.";
    const vt_text_box box = { 300, 2, 30, VT_TEXT_START };
    vt_text_size s = vt_render_text_measure(r, 22, text, &box);
    CHECKF(s.lines == 2 && s.ellipsised && s.width <= 300, "2 lines (%d), ellipsised (%d), <= 300 px (%.1f)", s.lines,
           s.ellipsised, s.width);
    vt_text_size d = vt_render_text_box(r, 50, 40, 22, text, &box, k_white);
    draw(r, &a, 50, 40, 22, text, &box);
    ink k = ink_of(&a);
    CHECKF(k.x0 >= 48 && k.x1 <= 352, "drawn within the box 50..350: %d..%d", k.x0, k.x1);
    CHECKF(k.y1 - k.y0 < 30 + 22 * 1.4, "two lines tall: %d px", k.y1 - k.y0);
    CHECKF(d.lines == s.lines && d.width == s.width, "drawing and measuring agree");
    const vt_text_box loose = { 300, 0, 30, VT_TEXT_START };
    vt_text_size all = vt_render_text_measure(r, 22, text, &loose);
    CHECKF(all.lines > 2 && !all.ellipsised && all.width <= 300, "unlimited: %d lines, not ellipsised", all.lines);
    /* Japanese has no spaces: broken between characters, still within the width */
    vt_text_size ja = vt_render_text_measure(r, 22, "軽量で通気性の良いランニングシューズ。リサイクル素材のメッシュアッパー。", &loose);
    CHECKF(ja.lines >= 2 && ja.width <= 300, "Japanese wraps: %d lines, %.1f px", ja.lines, ja.width);
    /* A word longer than the box is cut between characters, never inside one (é as e + U+0301 too). */
    const vt_text_box narrow = { 60, 0, 0, VT_TEXT_START };
    vt_text_size cut = vt_render_text_measure(r, 22, "Ce\u0301ramique\u0301\u0301", &narrow);
    CHECKF(cut.lines >= 2 && cut.width <= 60, "a long word cut: %d lines, %.1f px", cut.lines, cut.width);
    vt_image_free(&a);
}

/* Accented Latin renders (the accents add ink), and widths agree with the drawing. */
static void check_latin(vt_renderer *r)
{
    vt_image a, b;
    vt_image_alloc(&a, VT_PIX_RGBA8, W, H);
    vt_image_alloc(&b, VT_PIX_RGBA8, W, H);
    draw(r, &a, 20, 120, 48, "Lumière Faïence Été", NULL);
    draw(r, &b, 20, 120, 48, "Lumiere Faience Ete", NULL);
    ink ka = ink_of(&a), kb = ink_of(&b);
    CHECKF(ka.sum > kb.sum && ka.y0 < kb.y0, "accents drawn: ink %ld > %ld, top %d above %d", ka.sum, kb.sum, ka.y0, kb.y0);
    float w = vt_render_text_width(r, 48, "Runner X");
    vt_camera cam;
    vt_camera_parse("600,600,399.5,99.5", &cam);
    vt_render_begin(r, NULL, &cam);
    float adv = vt_render_text(r, 20, 120, 48, "Runner X", k_white);
    vt_render_end(r, &a);
    ka = ink_of(&a);
    CHECKF(adv == w, "the advance drawn (%.2f) is the width measured (%.2f)", adv, w);
    CHECKF(fabsf((float)(ka.x1 - ka.x0) - w) < 48 * 0.3f, "ink %d px wide, width %.1f", ka.x1 - ka.x0, w);
    CHECKF(vt_render_text_width(r, 96, "Runner X") > 1.9f * w, "twice the size, about twice as wide");
    vt_image_free(&a);
    vt_image_free(&b);
}

/* A frame that redraws the same strings lays out and uploads nothing new. */
static void check_cache(vt_renderer *r)
{
    const char *names[3] = { "ランニング", "Mug Bleu", "14,50 €" };
    vt_camera cam;
    vt_camera_parse("600,600,399.5,99.5", &cam);
    long l0, u0, l1, u1;
    for (int f = 0; f < 3; f++) {
        if (f == 1) vt_render_text_stats(r, &l0, &u0);
        vt_render_begin(r, NULL, &cam);
        for (int i = 0; i < 3; i++) {
            vt_render_text_width(r, 31, names[i]);
            vt_render_text(r, 20, 40 + 50 * i, 31, names[i], k_white);
        }
        vt_render_end(r, NULL);
    }
    vt_render_text_stats(r, &l1, &u1);
    CHECKF(l1 == l0 && u1 == u0, "redrawn frames: %ld new layouts, %ld new uploads", l1 - l0, u1 - u0);
    CHECKF(l0 > 0 && u0 > 0, "the first frame laid out and uploaded (%ld, %ld)", l0, u0);
    /* past the cache's size: entries are evicted and drawing still works */
    char s[32];
    for (int i = 0; i < 600; i++) { snprintf(s, sizeof s, "tag %d", i); vt_render_text_width(r, 20, s); }
    vt_image a;
    vt_image_alloc(&a, VT_PIX_RGBA8, W, H);
    draw(r, &a, 20, 120, 48, "Runner X", NULL);
    CHECK(ink_of(&a).sum > 0);
    vt_image_free(&a);
}

static void check_coverage(void)
{
    char m[256];
    /* Toto (U+1E290, U+1E291): no font of fonts-noto-core has it (fc-list :charset=1e290 is empty) */
    int n = vt_render_text_missing("Toto 𞊐𞊑𞊐 oil", m, sizeof m);
    CHECKF(n == 2 && strstr(m, "U+1E290") && strstr(m, "U+1E291"), "two missing characters named: %d, %s", n, m);
    CHECK(vt_render_text_missing("مصباح מנורת \u200F\u200D", m,
                                 sizeof m) == 0);
    CHECK(vt_render_text_missing("Lumière € दीया", m, sizeof m) == 0);
}

int main(int argc, char **argv)
{
    (void)argc; (void)argv;
    char err[512];
    vt_renderer *r = NULL;
    vt_result res = vt_render_create(&(vt_render_desc){ .width = W, .height = H, .headless = 1 }, &r, err, sizeof err);
    CHECKF(res == VT_OK, "headless renderer: %s", err);
    if (res != VT_OK) return t_finish("test_text");
    check_glyphs(r, "ランニングシューズ",
                 "Japanese", 9);
    check_glyphs(r, "مصباح الطاولة", "Arabic", 13);
    check_glyphs(r, "מנורת שולחן", "Hebrew", 11);
    check_rtl(r, "مصباح الطاولة",
              "مصباح", "Arabic");
    check_rtl(r, "מנורת שולחן", "מנורת",
              "Hebrew");
    CHECK(vt_render_text_measure(r, 30, "Runner X", NULL).rtl == 0);
    check_wrap(r);
    check_latin(r);
    check_cache(r);
    check_coverage();
    vt_render_destroy(r);
    return t_finish("test_text");
}
