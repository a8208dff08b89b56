/* vt_layout.c — where each price tag goes (no drawing, no GL): above its product when there is
 * room; else aside with a leader line, then smaller (down to a readable floor), then stacked
 * wherever the screen has room. Last frame's slot is kept while it stays valid, so a tag does not
 * jump from frame to frame. */
#include "ui/vt_ui.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MARGIN 4.0f      /* frame pixels kept free along the screen's edges */
#define CLEAR 4.0f       /* between a new tag and anything else */
#define RETURN_CLEAR 12.0f   /* a tag moved aside comes home only with this much room: no flicker */

typedef struct lay {
    const vt_ui_layout_desc *d;
    const vt_ui_layout_item *items;
    vt_ui_placed *out;
    vt_ui_rect taken[VT_UI_MAX_TAGS + 8];   /* avoid rectangles, then the tags placed so far */
    int owner[VT_UI_MAX_TAGS + 8];          /* the item a taken rect belongs to, -1 for avoid */
    int ntaken;
    float fw, fh, gap;
} lay;

static int hit(const vt_ui_rect *a, const vt_ui_rect *b, float m)
{
    return a->x < b->x + b->w + m && b->x < a->x + a->w + m && a->y < b->y + b->h + m && b->y < a->y + a->h + m;
}

static int on_screen(const lay *L, const vt_ui_rect *b)
{
    return b->x >= MARGIN - 0.01f && b->y >= MARGIN - 0.01f && b->x + b->w <= L->fw - MARGIN + 0.01f &&
           b->y + b->h <= L->fh - MARGIN + 0.01f;
}

/* Free: on screen and clear (by m) of everything taken except item self's own rect. */
static int free_at(const lay *L, const vt_ui_rect *b, float m, int self)
{
    if (!on_screen(L, b)) return 0;
    for (int k = 0; k < L->ntaken; k++)
        if (L->owner[k] != self && hit(b, &L->taken[k], m)) return 0;
    return 1;
}

static void quad_box(const float q[4][2], vt_ui_rect *b)
{
    float x0 = q[0][0], x1 = q[0][0], y0 = q[0][1], y1 = q[0][1];
    for (int k = 1; k < 4; k++) {
        x0 = fminf(x0, q[k][0]); x1 = fmaxf(x1, q[k][0]);
        y0 = fminf(y0, q[k][1]); y1 = fmaxf(y1, q[k][1]);
    }
    *b = (vt_ui_rect){ x0, y0, x1 - x0, y1 - y0 };
}

/* The anchor: the top of the product, or, when that is off screen or unknown (an absurd model,
 * one behind the camera), the top middle of the marker, clamped onto the screen. */
static void anchor_of(const lay *L, const vt_ui_layout_item *it, float *ax, float *ay)
{
    *ax = it->ax, *ay = it->ay;
    vt_ui_rect q;
    quad_box(it->quad, &q);
    int ok = isfinite(*ax) && isfinite(*ay) && *ax >= 0 && *ax < L->fw && *ay >= 0 && *ay < L->fh;
    /* A top far above its own marker (more than the screen's height): the model makes no sense. */
    if (ok && q.w > 0 && q.y - *ay > L->fh) ok = 0;
    if (!ok) { *ax = q.x + q.w * 0.5f; *ay = q.y; }
    *ax = fminf(fmaxf(*ax, 0), L->fw - 1);
    *ay = fminf(fmaxf(*ay, 0), L->fh - 1);
}

static vt_ui_rect slot_rect(const vt_ui_layout_item *it, float ax, float ay, const vt_ui_slot *s)
{
    return (vt_ui_rect){ ax + s->dx, ay + s->dy, it->w * s->scale, it->h * s->scale };
}

/* The home slot at a scale: centred above the anchor, moved onto the screen. */
static vt_ui_slot home_slot(const lay *L, const vt_ui_layout_item *it, float ax, float ay, float scale)
{
    float w = it->w * scale, h = it->h * scale;
    float x = fminf(fmaxf(ax - w * 0.5f, MARGIN), L->fw - MARGIN - w);
    float y = fminf(fmaxf(ay - L->gap - h, MARGIN), L->fh - MARGIN - h);
    return (vt_ui_slot){ x - ax, y - ay, scale, 1, 0 };
}

/* How far a candidate is from home and from where the tag was last frame (a tag that must move
 * moves as little as it can), plus what it hides: other products' markers cost more. */
static float cost(const lay *L, int self, const vt_ui_rect *b, const vt_ui_slot *home, float ax, float ay)
{
    const vt_ui_slot *prev = &L->items[self].prev;
    float c = hypotf(b->x - (ax + home->dx), b->y - (ay + home->dy));
    if (prev->set) c = c * 0.35f + hypotf(b->x - (ax + prev->dx), b->y - (ay + prev->dy));
    if (b->y > ay) c += L->fh * 0.05f;   /* below the anchor reads worse than above */
    for (int i = 0; i < L->d->count && i < VT_UI_MAX_TAGS; i++) {
        vt_ui_rect q;
        quad_box(L->items[i].quad, &q);
        if (q.w > 0 && hit(b, &q, 0)) c += i == self ? L->fh * 0.15f : L->fh * 0.3f;
    }
    return c;
}

/* The best free slot near home at one scale; 0 when none. */
static int best_near(const lay *L, int self, float ax, float ay, float scale, vt_ui_slot *best)
{
    const vt_ui_layout_item *it = &L->items[self];
    vt_ui_slot home = home_slot(L, it, ax, ay, scale);
    float w = it->w * scale, h = it->h * scale, best_c = INFINITY;
    vt_ui_rect q;
    quad_box(it->quad, &q);
    static const float cols[] = { 0, -0.55f, 0.55f, -1.1f, 1.1f, -1.65f, 1.65f, -2.2f, 2.2f };
    for (int r = -2; r < 5; r++) {
        /* rows: home, then higher up; below the marker (r = -1); beside the product (r = -2) */
        float dy = r >= 0 ? home.dy - r * (h + 2 * CLEAR) : r == -1 ? q.y + q.h + L->gap - ay : -h * 0.5f;
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            vt_ui_slot s = { home.dx + cols[c] * (w + CLEAR), dy, scale, 1, !(r == 0 && c == 0) };
            vt_ui_rect b = slot_rect(it, ax, ay, &s);
            if (!free_at(L, &b, CLEAR, self)) continue;
            float k = cost(L, self, &b, &home, ax, ay);
            if (k < best_c) { best_c = k; *best = s; }
        }
    }
    return isfinite(best_c);
}

/* Last resort at the floor scale: the free place on the whole screen nearest the anchor. */
static int best_anywhere(const lay *L, int self, float ax, float ay, float scale, vt_ui_slot *best)
{
    const vt_ui_layout_item *it = &L->items[self];
    float w = it->w * scale, h = it->h * scale, best_c = INFINITY;
    float sx = fmaxf(w * 0.25f, 8), sy = fmaxf(h * 0.25f, 8);
    for (float y = MARGIN; y + h <= L->fh - MARGIN; y += sy)
        for (float x = MARGIN; x + w <= L->fw - MARGIN; x += sx) {
            vt_ui_rect b = { x, y, w, h };
            if (!free_at(L, &b, CLEAR, self)) continue;
            float k = hypotf(x + w * 0.5f - ax, y + h - ay);
            if (k < best_c) { best_c = k; *best = (vt_ui_slot){ x - ax, y - ay, scale, 1, 1 }; }
        }
    return isfinite(best_c);
}

/* A leader when the tag is not right over its anchor (a short stem reaches it otherwise). */
static int needs_leader(const lay *L, const vt_ui_rect *b, float ax, float ay)
{
    return ax < b->x - 1 || ax > b->x + b->w + 1 || ay < b->y + b->h - 1 || ay - (b->y + b->h) > 3 * L->gap;
}

/* Where a leader meets its product: the point of the product's axis (from its marker's top up
 * to the anchor) nearest the tag, so a tag below a tall product points at its foot. */
static void leader_end(const vt_ui_layout_item *it, const vt_ui_rect *b, float ax, float ay, float *lx, float *ly)
{
    float bx = (it->quad[0][0] + it->quad[1][0]) * 0.5f, by = fminf(it->quad[0][1], it->quad[1][1]);
    float cx = b->x + b->w * 0.5f, cy = b->y + b->h * 0.5f, dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    float t = len2 > 1 ? ((cx - ax) * dx + (cy - ay) * dy) / len2 : 0;
    if (!(by > ay)) t = 0;   /* no marker below the anchor (none given, or the anchor is on it) */
    t = fminf(fmaxf(t, 0), 1);
    *lx = ax + dx * t, *ly = ay + dy * t;
}

static void take(lay *L, int i, float ax, float ay, const vt_ui_slot *s)
{
    const vt_ui_layout_item *it = &L->items[i];
    vt_ui_placed *o = &L->out[i];
    o->slot = *s;
    o->rect = slot_rect(it, ax, ay, s);
    o->ax = ax, o->ay = ay;
    o->shown = 1;
    o->leader = o->slot.leader = s->leader || needs_leader(L, &o->rect, ax, ay);
    leader_end(it, &o->rect, ax, ay, &o->lx, &o->ly);
    L->taken[L->ntaken] = o->rect;
    L->owner[L->ntaken++] = i;
}

/* A tag whose last slot is now in the way of something slides just clear of it (the least
 * move of the four), so it glides along the HUD or another tag instead of jumping away. */
static int slide(const lay *L, int i, float ax, float ay, vt_ui_slot *best)
{
    const vt_ui_layout_item *it = &L->items[i];
    if (!it->prev.set) return 0;
    vt_ui_rect b = slot_rect(it, ax, ay, &it->prev);
    float best_d = fmaxf(L->fh * 0.04f, 2 * L->gap);   /* beyond this it is no slide: a new place */
    int found = 0;
    for (int k = 0; k < L->ntaken; k++) {
        const vt_ui_rect *o = &L->taken[k];
        if (L->owner[k] == i || !hit(&b, o, CLEAR)) continue;
        const float d[4][2] = { { o->x - CLEAR - 0.5f - (b.x + b.w), 0 }, { o->x + o->w + CLEAR + 0.5f - b.x, 0 },
                                { 0, o->y - CLEAR - 0.5f - (b.y + b.h) }, { 0, o->y + o->h + CLEAR + 0.5f - b.y } };
        for (int j = 0; j < 4; j++) {
            vt_ui_slot s = it->prev;
            s.dx += d[j][0], s.dy += d[j][1];
            vt_ui_rect c = slot_rect(it, ax, ay, &s);
            float dist = fabsf(d[j][0]) + fabsf(d[j][1]);
            if (dist < best_d && free_at(L, &c, CLEAR, i)) { best_d = dist; *best = s; found = 1; }
        }
    }
    return found;
}

static void place_new(lay *L, int i, float ax, float ay)
{
    vt_ui_slot slid;
    if (slide(L, i, ax, ay, &slid)) { take(L, i, ax, ay, &slid); return; }
    const float floor_s = L->d->min_scale > 0 ? fminf(L->d->min_scale, 1) : 0.5f;
    const float scales[] = { 1.0f, 0.85f, 0.7f, floor_s };
    vt_ui_slot s;
    for (int k = 0; k < 4; k++) {
        if (k > 0 && scales[k] < floor_s) continue;
        if (best_near(L, i, ax, ay, scales[k], &s)) { take(L, i, ax, ay, &s); return; }
    }
    if (best_anywhere(L, i, ax, ay, floor_s, &s)) take(L, i, ax, ay, &s);
}

/* Items in depth order, nearest first (a stable order: ties by index). */
static int depth_order(const vt_ui_layout_item *items, int n, int *order)
{
    for (int i = 0; i < n; i++) order[i] = i;
    /* insertion sort: stable, and n is at most VT_UI_MAX_TAGS */
    for (int a = 1; a < n; a++)
        for (int b = a; b > 0; b--) {
            const vt_ui_layout_item *x = &items[order[b]], *y = &items[order[b - 1]];
            if (!(x->depth < y->depth)) break;
            int t = order[b]; order[b] = order[b - 1]; order[b - 1] = t;
        }
    return n;
}

void vt_ui_layout_tags(const vt_ui_layout_desc *d, const vt_ui_layout_item *items, vt_ui_placed *out)
{
    lay L = { .d = d, .items = items, .out = out, .fw = (float)d->frame_w, .fh = (float)d->frame_h };
    L.gap = L.fh * 0.012f;
    int n = d->count < VT_UI_MAX_TAGS ? d->count : VT_UI_MAX_TAGS;
    for (int i = 0; i < d->count; i++) out[i] = (vt_ui_placed){ 0 };
    for (int k = 0; k < d->navoid && k < 8; k++) { L.taken[L.ntaken] = d->avoid[k]; L.owner[L.ntaken++] = -1; }
    int order[VT_UI_MAX_TAGS];
    float ax[VT_UI_MAX_TAGS], ay[VT_UI_MAX_TAGS];
    depth_order(items, n, order);
    for (int i = 0; i < n; i++) anchor_of(&L, &items[i], &ax[i], &ay[i]);
    /* 1. Last frame's slots, nearest first, while they stay on screen and clear. */
    for (int k = 0; k < n; k++) {
        int i = order[k];
        if (!items[i].prev.set || items[i].w <= 0) continue;
        /* at the screen's edge, it stops there rather than jumping elsewhere */
        vt_ui_slot s = items[i].prev;
        vt_ui_rect b = slot_rect(&items[i], ax[i], ay[i], &s);
        s.dx += fminf(fmaxf(b.x, MARGIN), L.fw - MARGIN - b.w) - b.x;
        s.dy += fminf(fmaxf(b.y, MARGIN), L.fh - MARGIN - b.h) - b.y;
        b = slot_rect(&items[i], ax[i], ay[i], &s);
        if (free_at(&L, &b, 0.5f, i)) take(&L, i, ax[i], ay[i], &s);
    }
    /* 2. A tag kept aside goes home at full size once home has room to spare. */
    for (int k = 0; k < n; k++) {
        int i = order[k];
        if (!out[i].shown || (!out[i].slot.leader && out[i].slot.scale >= 1)) continue;
        vt_ui_slot home = home_slot(&L, &items[i], ax[i], ay[i], 1);
        vt_ui_rect b = slot_rect(&items[i], ax[i], ay[i], &home);
        if (!free_at(&L, &b, RETURN_CLEAR, i)) continue;
        for (int t = 0; t < L.ntaken; t++) if (L.owner[t] == i) L.taken[t] = b;
        out[i].slot = home;
        out[i].rect = b;
        out[i].leader = out[i].slot.leader = needs_leader(&L, &b, ax[i], ay[i]);
        leader_end(&items[i], &b, ax[i], ay[i], &out[i].lx, &out[i].ly);
    }
    /* 3. The others, nearest first. */
    for (int k = 0; k < n; k++) {
        int i = order[k];
        if (!out[i].shown && items[i].w > 0) place_new(&L, i, ax[i], ay[i]);
    }
}
