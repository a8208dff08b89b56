/* vt_ui.c — price tags and banners. */
#include "ui/vt_ui.h"

#include <stdlib.h>

#define MAX_TAGS 64

typedef struct box { float x, y, w, h; } box;

static int cmp_depth(const void *a, const void *b)
{
    float da = ((const vt_ui_tag *)a)->depth, db = ((const vt_ui_tag *)b)->depth;
    return (da > db) - (da < db);
}

static int overlaps(const box *a, const box *b, float m)
{
    return a->x < b->x + b->w + m && b->x < a->x + a->w + m && a->y < b->y + b->h + m && b->y < a->y + a->h + m;
}

static void clamp_box(box *b, int fw, int fh)
{
    if (b->x < 4) b->x = 4;
    if (b->x + b->w > fw - 4) b->x = fw - 4 - b->w;
    if (b->y < 4) b->y = 4;
    if (b->y + b->h > fh - 4) b->y = fh - 4 - b->h;
}

void vt_ui_price_tags(vt_renderer *r, int fw, int fh, vt_ui_tag *tags, int count)
{
    if (count > MAX_TAGS) count = MAX_TAGS;
    qsort(tags, (size_t)count, sizeof *tags, cmp_depth);
    float name_px = fh * 0.030f, price_px = fh * 0.046f, pad = fh * 0.014f, gap = fh * 0.012f;
    box placed[MAX_TAGS];
    for (int i = 0; i < count; i++) {
        vt_ui_tag *t = &tags[i];
        float wn = vt_render_text_width(r, name_px, t->name), wp = vt_render_text_width(r, price_px, t->price);
        box b = { 0, 0, (wn > wp ? wn : wp) + 2 * pad, name_px * 1.25f + price_px * 1.15f + pad * 1.6f };
        b.x = t->ax - b.w * 0.5f;
        b.y = t->ay - gap - b.h;
        clamp_box(&b, fw, fh);
        /* Nearer products keep their place; a farther tag moves up, then sideways, to stay readable. */
        for (int tries = 0; tries < 12; tries++) {
            int hit = -1;
            for (int k = 0; k < i && hit < 0; k++) if (overlaps(&b, &placed[k], 4)) hit = k;
            if (hit < 0) break;
            const box *o = &placed[hit];
            if (tries < 6 && o->y - b.h - 6 >= 4) b.y = o->y - b.h - 6;
            else b.x = (b.x + b.w * 0.5f < o->x + o->w * 0.5f) ? o->x - b.w - 6 : o->x + o->w + 6;
            clamp_box(&b, fw, fh);
        }
        placed[i] = b;
    }
    /* Draw farthest first, so the nearest tag is on top if any still touch. */
    for (int i = count - 1; i >= 0; i--) {
        const vt_ui_tag *t = &tags[i];
        const box *b = &placed[i];
        float o = t->opacity;
        const float shadow[4] = { 0, 0, 0, 0.25f * o }, panel[4] = { 1, 1, 1, 0.94f * o };
        const float accent[4] = { 0.09f, 0.36f, 0.87f, o }, ink[4] = { 0.10f, 0.11f, 0.13f, o };
        /* A stem from the tag down to the product. */
        float sx = t->ax < b->x + 8 ? b->x + 8 : t->ax > b->x + b->w - 8 ? b->x + b->w - 8 : t->ax;
        if (t->ay > b->y + b->h) vt_render_rect(r, sx - 1.5f, b->y + b->h, 3, t->ay - (b->y + b->h), panel);
        vt_render_rect(r, b->x + 3, b->y + 4, b->w, b->h, shadow);
        vt_render_rect(r, b->x, b->y, b->w, b->h, panel);
        vt_render_rect(r, b->x, b->y, fh * 0.006f, b->h, accent);
        vt_render_text(r, b->x + pad, b->y + pad * 0.6f + name_px, name_px, t->name, ink);
        vt_render_text(r, b->x + pad, b->y + pad * 0.6f + name_px * 1.25f + price_px, price_px, t->price, ink);
    }
}

void vt_ui_banner(vt_renderer *r, int frame_w, int frame_h, const char *text)
{
    float px = frame_h * 0.026f, pad = px * 0.5f;
    float w = vt_render_text_width(r, px, text) + 2 * pad, h = px * 1.6f;
    float x = (frame_w - w) * 0.5f, y = frame_h - h - frame_h * 0.03f;
    const float bg[4] = { 0.12f, 0.12f, 0.14f, 0.82f }, ink[4] = { 1, 0.86f, 0.55f, 1 };
    vt_render_rect(r, x, y, w, h, bg);
    vt_render_text(r, x + pad, y + px * 1.15f, px, text, ink);
}
