/* vt_tags.c — price tags: measured, laid out (vt_layout.c) and drawn, with a leader line to a
 * product whose tag had to move aside. */
#include "vt_ui_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A tag's text sizes and padding at scale 1, from the frame height. */
typedef struct tag_sizes { float name_px, price_px, was_px, pad, max_w; } tag_sizes;

static tag_sizes tag_sizes_for(int fh)
{
    /* max_w: a long name ends with an ellipsis rather than making a tag wider than this */
    return (tag_sizes){ fh * 0.030f, fh * 0.046f, fh * 0.030f, fh * 0.014f, fh * 0.50f };
}

/* The smallest scale a crowded tag takes: its price 24 px tall on a 1080-line frame. */
#define TAG_FLOOR_PRICE_FRAC (24.0f / 1080.0f)

/* The name on one line, ellipsised at width; start-aligned (a right-to-left name lies right). */
static vt_text_box name_box(float width) { return (vt_text_box){ width, 1, 0, VT_TEXT_START }; }

/* The tag's size at scale 1. */
static void measure(const vt_renderer *r, const vt_ui_tag *t, const tag_sizes *z, float *w, float *h)
{
    float wp = vt_render_text_width(r, z->price_px, t->price);
    if (t->was) wp += z->pad + vt_render_text_width(r, z->was_px, t->was);
    vt_text_box nb = name_box(fmaxf(z->max_w - 2 * z->pad, wp));
    float wn = vt_render_text_measure(r, z->name_px, t->name ? t->name : "", &nb).width;
    /* a little slack: text drawn smaller is not always exactly proportionally narrower */
    *w = (wn > wp ? wn : wp) * 1.03f + 2 * z->pad + 2;
    *h = z->name_px * 1.25f + z->price_px * 1.15f + z->pad * 1.6f;
}

/* The line from a tag moved aside to its product, ending in a dot on the product. */
static void draw_leader(vt_renderer *r, const vt_ui_rect *b, float ax, float ay, float o, int fh)
{
    float ex = fminf(fmaxf(ax, b->x + 4), b->x + b->w - 4), ey = fminf(fmaxf(ay, b->y + 4), b->y + b->h - 4);
    float lw = fmaxf(2.0f, fh * 0.0035f), dot = lw * 2.5f;
    const float halo[4] = { 0, 0, 0, 0.35f * o }, line[4] = { 1, 1, 1, 0.92f * o };
    vt_render_line(r, ex, ey, ax, ay, lw + 2, halo);
    vt_render_line(r, ex, ey, ax, ay, lw, line);
    vt_render_rect(r, ax - dot * 0.5f - 1, ay - dot * 0.5f - 1, dot + 2, dot + 2, halo);
    vt_render_rect(r, ax - dot * 0.5f, ay - dot * 0.5f, dot, dot, line);
}

static void draw_tag(vt_renderer *r, const vt_ui_tag *t, const vt_ui_placed *pl, tag_sizes z, int fh)
{
    const vt_ui_rect *b = &pl->rect;
    float s = pl->slot.scale, o = t->opacity;
    z.name_px *= s, z.price_px *= s, z.was_px *= s, z.pad *= s;
    float pad = z.pad;
    const float shadow[4] = { 0, 0, 0, 0.25f * o }, panel[4] = { 1, 1, 1, 0.94f * o };
    float accent[4], ink[4];
    vt_ui_rgba(accent, k_accent, o);
    vt_ui_rgba(ink, k_ink, o);
    if (!pl->leader && pl->ay > b->y + b->h) {   /* a stem from the tag down to the product */
        float sx = fminf(fmaxf(pl->ax, b->x + 8), b->x + b->w - 8);
        vt_render_rect(r, sx - 1.5f, b->y + b->h, 3, pl->ay - (b->y + b->h), panel);
    }
    vt_render_rect(r, b->x + 3, b->y + 4, b->w, b->h, shadow);
    vt_render_rect(r, b->x, b->y, b->w, b->h, panel);
    vt_render_rect(r, b->x, b->y, fh * 0.006f * s, b->h, accent);
    vt_text_box nb = name_box(b->w - 2 * pad);
    vt_render_text_box(r, b->x + pad, b->y + pad * 0.6f + z.name_px, z.name_px, t->name ? t->name : "", &nb, ink);
    float py = b->y + pad * 0.6f + z.name_px * 1.25f + z.price_px;
    if (!t->was) {
        vt_render_text(r, b->x + pad, py, z.price_px, t->price, ink);
        return;
    }
    /* A promotion: the new price in red, the regular one beside it, smaller and struck through. */
    float red[4], grey[4];
    vt_ui_rgba(red, k_promo, o);
    vt_ui_rgba(grey, k_muted, o);
    float x = b->x + pad + vt_render_text(r, b->x + pad, py, z.price_px, t->price, red) + pad;
    float ww = vt_render_text(r, x, py, z.was_px, t->was, grey);
    vt_render_line(r, x - 2, py - z.was_px * 0.33f, x + ww + 2, py - z.was_px * 0.33f, fmaxf(2.0f, fh * 0.0028f * s), grey);
}

void vt_ui_price_tags(vt_renderer *r, int fw, int fh, vt_ui_tag *tags, int count, const vt_ui_rect *avoid, int navoid)
{
    if (count > VT_UI_MAX_TAGS) count = VT_UI_MAX_TAGS;   /* the caller gives the nearest first */
    for (int i = 0; i < count; i++) tags[i].rect = (vt_ui_rect){ 0, 0, 0, 0 };
    if (count <= 0) return;
    tag_sizes z = tag_sizes_for(fh);
    vt_ui_layout_item items[VT_UI_MAX_TAGS];
    vt_ui_placed placed[VT_UI_MAX_TAGS];
    for (int i = 0; i < count; i++) {
        const vt_ui_tag *t = &tags[i];
        items[i] = (vt_ui_layout_item){ t->ax, t->ay, t->depth, { { 0 } }, 0, 0, t->slot };
        memcpy(items[i].quad, t->quad, sizeof items[i].quad);
        measure(r, t, &z, &items[i].w, &items[i].h);
    }
    vt_ui_layout_desc d = { fw, fh, count, avoid, navoid, TAG_FLOOR_PRICE_FRAC * fh / z.price_px };
    vt_ui_layout_tags(&d, items, placed);
    for (int i = 0; i < count; i++) {
        tags[i].slot = placed[i].shown ? placed[i].slot : (vt_ui_slot){ 0 };
        if (placed[i].shown) tags[i].rect = placed[i].rect;
    }
    /* Leaders first, so that no line crosses a tag; then the farthest tag first. */
    int order[VT_UI_MAX_TAGS], n = 0;
    for (int i = 0; i < count; i++) if (placed[i].shown) order[n++] = i;
    for (int a = 1; a < n; a++)
        for (int b = a; b > 0 && tags[order[b]].depth > tags[order[b - 1]].depth; b--) {
            int t = order[b]; order[b] = order[b - 1]; order[b - 1] = t;
        }
    for (int k = 0; k < n; k++) {
        const vt_ui_placed *pl = &placed[order[k]];
        if (pl->leader) draw_leader(r, &pl->rect, pl->lx, pl->ly, tags[order[k]].opacity, fh);
    }
    for (int k = 0; k < n; k++) draw_tag(r, &tags[order[k]], &placed[order[k]], z, fh);
}
