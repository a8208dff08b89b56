/* vt_visitor.c — fades, turntable, tags, card, basket, attract screen, demo tour, kiosk keys. */
#include "visitor/vt_visitor.h"
#include "assets/vt_assets.h"   /* vt_model: its bounds, for picking and shadows */
#include "ui/vt_ui.h"
#include "visitor_lang.h"

#include <cglm/cglm.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FADE_IN_S 0.25
#define FADE_OUT_S 0.45
#define TURNTABLE_DEG_S 24.0   /* one turn in 15 s: slow enough to read the tag */
#define TOUR_IDLE_S 8.0        /* the tour starts after this long without a touch */
#define TOUR_PERIOD_S 24.0
#define CONFIRM_S 5.0

typedef struct item {
    float mv[16];              /* cam_from_model of the last pose, turntable included */
    int has_mv, seen;
    float alpha;
    double depth;
    float mk[16];              /* cam_from_marker (model axes: +Y the marker's normal) */
    float tag_x, tag_y;        /* where the tag's anchor is drawn (follows the product smoothly) */
    int tag_init;
    float sx, sy;              /* projected middle, for the card and the 1-9 order */
    float quad[4][2];          /* the marker's corners on screen */
    vt_ui_rect bounds;         /* the product on screen (its bounds and marker) */
    int sane;                  /* its model projects to a sensible size (else bounds: the marker's) */
    vt_ui_slot slot;           /* its tag's slot, kept from frame to frame */
    vt_ui_rect tag_rect;       /* where its tag was drawn (w = 0: none) */
} item;

struct vt_visitor {
    vt_visitor_desc d;
    const vt_catalog *cat;
    const vt_visitor_show *shows;
    item *items;
    int *order;                /* scratch for visible_order: n entries */
    vt_visitor_placed *placed; /* the last layout's products: n entries */
    int nplaced;
    vt_ui_rect basket_rect, hud_rect;
    int n;
    double t, dt;
    int64_t wall_ms;           /* the wall clock at this frame's start: the prices shown are those of then */
    int frame, started;
    int selected;              /* product with its card open, or -1 */
    double card_t, card_gone_t, pressed_until;
    vt_ui_rect card_rect, button_rect;
    int card_drawn, card_side;
    int basket_count;
    double basket_total, basket_pulse_t;
    double last_seen_t, last_input_t;
    int hud, confirm;
    double confirm_t;
    double tour_phase;         /* seconds into the tour's loop, -1 when not touring */
    int promo_product;         /* the tour's promotion, or -1 */
    visitor_lang lang;         /* the language the visitor reads, and its selector */
};

vt_result vt_visitor_create(const vt_visitor_desc *d, vt_visitor **out, char *err, size_t errlen)
{
    *out = NULL;
    vt_visitor *v = calloc(1, sizeof *v);
    if (!v) { snprintf(err, errlen, _("the visitor: out of memory")); return VT_ERR_NO_MEMORY; }
    if (d) v->d = *d;
    v->selected = -1;
    v->promo_product = -1;
    v->tour_phase = -1;
    v->wall_ms = vt_wall_ms();
    v->last_input_t = -1e9;
    *out = v;
    return VT_OK;
}

void vt_visitor_destroy(vt_visitor *v)
{
    if (!v) return;
    free(v->items);
    free(v->order);
    free(v->placed);
    free(v);
}

vt_result vt_visitor_set_scene(vt_visitor *v, const vt_catalog *cat, const vt_visitor_show *shows, int n, char *err,
                               size_t errlen)
{
    v->cat = cat;
    v->shows = shows;
    visitor_lang_set_catalog(&v->lang, cat);
    v->selected = -1;
    v->promo_product = -1;
    v->nplaced = 0;
    if (n == v->n && v->items) return VT_OK;
    free(v->items);
    free(v->order);
    free(v->placed);
    size_t cap = (size_t)(n > 0 ? n : 1);
    v->items = calloc(cap, sizeof *v->items);
    v->order = calloc(cap, sizeof *v->order);
    v->placed = calloc(cap, sizeof *v->placed);
    v->n = v->items && v->order && v->placed ? (n > 0 ? n : 0) : 0;
    if (v->n == n || n <= 0) return VT_OK;
    snprintf(err, errlen, _("the visitor: out of memory for %d products"), n);
    return VT_ERR_NO_MEMORY;
}

static void record(vt_visitor *v, vt_event_type type, int product)
{
    if (!v->d.stats || product < 0 || product >= v->n) return;
    const vt_product *p = v->shows[product].p;
    vt_event e = { .type = type, .marker = p->marker, .price = vt_product_price_at(p, v->wall_ms, NULL), .frame = v->frame };
    snprintf(e.product_id, sizeof e.product_id, "%s", p->id);
    snprintf(e.product_name, sizeof e.product_name, "%s", p->name);
    snprintf(e.currency, sizeof e.currency, "%s", v->cat->currency);
    vt_analytics_record(v->d.stats, &e);
}

static double price_of(const vt_visitor *v, int i, double *was)
{
    const vt_product *p = v->shows[i].p;
    *was = -1;
    if (i == v->promo_product) {   /* the tour's promotion: about a fifth off, at a .99 price */
        double q = floor(p->price * 0.8) + 0.99;
        *was = p->price;
        return q < p->price ? q : p->price * 0.8;
    }
    /* On the wall clock each frame: a scheduled promotion shows and ends on time, no reload. */
    return vt_product_price_at(p, v->wall_ms, was);
}

static void add_to_basket(vt_visitor *v, int product, int by_visitor)
{
    if (product < 0 || product >= v->n) return;
    double was;
    v->basket_total += price_of(v, product, &was);
    v->basket_count++;
    v->basket_pulse_t = v->t;
    v->pressed_until = v->t + 0.3;
    if (by_visitor) record(v, VT_EV_BASKET_ADD, product);
}

void vt_visitor_open_card(vt_visitor *v, int product)
{
    if (product >= v->n) return;
    if (product >= 0 && product != v->selected) {
        v->card_t = v->t;
        v->card_gone_t = -1;
        v->card_side = 0;
    }
    v->selected = product;
    v->card_drawn = 0;
}

/* Products on show, left to right on screen (into v->order, sized for every product): the order
 * of keys 1-9 and Tab. */
static int visible_order(vt_visitor *v)
{
    int n = 0, *out = v->order;
    for (int i = 0; i < v->n; i++)
        if (v->items[i].has_mv && v->items[i].alpha > 0.5f) out[n++] = i;
    for (int a = 1; a < n; a++)
        for (int b = a; b > 0 && v->items[out[b]].sx < v->items[out[b - 1]].sx; b--) {
            int t = out[b]; out[b] = out[b - 1]; out[b - 1] = t;
        }
    return n;
}

/* The demo tour: a visitor's visit on a loop, for the stand's passers-by. */
static void tour_step(vt_visitor *v, double from, double to)
{
#define AT(s) (from < (s) && (s) <= to)
    int n = visible_order(v);
    const int *order = v->order;
    if (AT(2.0) && n > 0) vt_visitor_open_card(v, order[n / 2]);
    if (AT(6.0) && v->selected >= 0) add_to_basket(v, v->selected, 0);
    if (AT(9.5)) vt_visitor_open_card(v, -1);
    if (AT(11.0) && n > 1 && v->d.tour_promo) v->promo_product = order[(n / 2 + 1) % n];
    if (AT(18.0)) v->promo_product = -1;
    if (AT(21.0)) { v->basket_count = 0; v->basket_total = 0; }
#undef AT
}

void vt_visitor_begin(vt_visitor *v, double t, int frame)
{
    v->dt = v->started ? t - v->t : 0;
    if (v->dt < 0 || v->dt > 0.5) v->dt = 1.0 / 30;   /* a jump (loop, reconnect): one ordinary frame */
    if (!v->started) { v->last_seen_t = t; v->started = 1; }
    v->t = t;
    v->wall_ms = vt_wall_ms();
    v->frame = frame;
    for (int i = 0; i < v->n; i++) v->items[i].seen = 0;
    if (v->confirm && t - v->confirm_t > CONFIRM_S) v->confirm = 0;
    if (v->d.tour && t - v->last_input_t > TOUR_IDLE_S) {
        double start = v->last_input_t > -1e8 ? v->last_input_t + TOUR_IDLE_S : 0;
        double phase = fmod(t - start, TOUR_PERIOD_S);
        double prev = v->tour_phase < 0 ? 0 : v->tour_phase;
        if (phase < prev) { tour_step(v, prev, TOUR_PERIOD_S); prev = 0; }
        tour_step(v, prev, phase);
        v->tour_phase = phase;
    } else if (v->tour_phase >= 0) {   /* a visitor took over: leave their state alone */
        v->tour_phase = -1;
        v->promo_product = -1;
    }
}

/* The scale a product's model is drawn at (see vt_visitor_show). */
static double show_scale(const vt_visitor_show *s)
{
    if (s->model && s->model->is_placeholder) return 1;
    return s->scale > 0 ? s->scale : s->p->scale;
}

void vt_visitor_seen(vt_visitor *v, int i, const double rvec[3], const double tvec[3])
{
    if (i < 0 || i >= v->n) return;
    const vt_product *p = v->shows[i].p;
    if (!p->active) return;   /* "active": false: in the catalog, not on show (no model, tag or card) */
    double rot[3] = { p->rotation_deg[0], p->rotation_deg[1], p->rotation_deg[2] };
    if (p->turntable) rot[1] += fmod(v->t * TURNTABLE_DEG_S, 360.0);
    item *it = &v->items[i];
    static const double no_offset[3] = { 0, 0, 0 };
    const vt_model *m = v->shows[i].model;
    if (m && m->is_placeholder) rot[0] = rot[2] = 0;   /* the stand-in box stands on its marker */
    vt_render_marker_matrix(rvec, tvec, m && m->is_placeholder ? no_offset : p->offset_mm, rot, show_scale(&v->shows[i]), it->mv);
    vt_render_marker_matrix(rvec, tvec, (const double[3]){ 0, 0, 0 }, (const double[3]){ 0, 0, 0 }, 1, it->mk);
    it->has_mv = it->seen = 1;
    it->depth = tvec[2];
    v->last_seen_t = v->t;
}

/* Where item i is on screen: its marker's corners, its middle (sx, sy: the model's middle, or
 * the marker's when the model projects nowhere sensible) and its bounds with the marker. */
static void project_item(vt_visitor *v, int i, const vt_camera *cam)
{
    item *it = &v->items[i];
    float h = (float)(v->shows[i].p->length_mm / 2000);
    const float corner[4][3] = { { -h, 0, -h }, { h, 0, -h }, { h, 0, h }, { -h, 0, h } };   /* TL, TR, BR, BL */
    float x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (int k = 0; k < 4; k++) {
        if (!vt_render_project(cam, it->mk, corner[k], &it->quad[k][0], &it->quad[k][1])) it->quad[k][0] = it->quad[k][1] = 0;
        x0 = fminf(x0, it->quad[k][0]); x1 = fmaxf(x1, it->quad[k][0]);
        y0 = fminf(y0, it->quad[k][1]); y1 = fmaxf(y1, it->quad[k][1]);
    }
    it->sx = (x0 + x1) * 0.5f, it->sy = (y0 + y1) * 0.5f;
    vt_ui_rect q = { x0, y0, x1 - x0, y1 - y0 };
    const vt_model *m = v->shows[i].model;
    float bx0 = x0, by0 = y0, bx1 = x1, by1 = y1;
    int ok = m != NULL;
    for (int c = 0; c < 8 && ok; c++) {
        float p[3] = { c & 1 ? m->bounds_max[0] : m->bounds_min[0], c & 2 ? m->bounds_max[1] : m->bounds_min[1],
                       c & 4 ? m->bounds_max[2] : m->bounds_min[2] }, u, w;
        ok = vt_render_project(cam, it->mv, p, &u, &w);
        bx0 = fminf(bx0, u); bx1 = fmaxf(bx1, u); by0 = fminf(by0, w); by1 = fmaxf(by1, w);
    }
    /* A model larger on screen than twice the screen makes no sense there: the marker stands in. */
    float span = (float)(cam->cx + cam->cy) * 4;
    ok = ok && bx1 - bx0 < span && by1 - by0 < span;
    it->sane = ok;
    it->bounds = ok ? (vt_ui_rect){ bx0, by0, bx1 - bx0, by1 - by0 } : q;
    if (ok) it->sx = (bx0 + bx1) * 0.5f, it->sy = (by0 + by1) * 0.5f;
}

void vt_visitor_draw_scene(vt_visitor *v, vt_renderer *r, const vt_camera *cam)
{
    for (int i = 0; i < v->n; i++) {
        item *it = &v->items[i];
        if (it->seen) it->alpha = fminf(1.0f, it->alpha + (float)(v->dt / FADE_IN_S));
        else it->alpha = fmaxf(0.0f, it->alpha - (float)(v->dt / FADE_OUT_S));
        /* The very first sight of a product at the start shows it at once (no fade from a cold start). */
        if (it->seen && v->dt == 0) it->alpha = 1;
        if (!it->has_mv || it->alpha <= 0) continue;
        project_item(v, i, cam);
        if (!v->shows[i].gpu.id) continue;
        const vt_model *m = v->shows[i].model;
        float mid[3] = { (m->bounds_min[0] + m->bounds_max[0]) * 0.5f, (m->bounds_min[1] + m->bounds_max[1]) * 0.5f,
                         (m->bounds_min[2] + m->bounds_max[2]) * 0.5f };
        float mx, my;
        if (!vt_render_project(cam, it->mv, mid, &mx, &my)) continue;
        /* Ease in and out rather than linear: the product settles onto its marker. */
        float a = it->alpha * it->alpha * (3 - 2 * it->alpha);
        if (v->d.shadows) vt_render_shadow(r, it->mv, m->base_min, m->base_max, 0.55f * a);
        vt_render_model(r, v->shows[i].gpu, it->mv, a);
    }
}

static void format_dims(const vt_visitor *v, int i, char *buf, size_t len)
{
    const vt_product *p = v->shows[i].p;
    double d[3];
    if (p->dimensions_mm[0] > 0) memcpy(d, p->dimensions_mm, sizeof d);
    else {
        const vt_model *m = v->shows[i].model;
        for (int k = 0; k < 3; k++) d[k] = (m->bounds_max[k] - m->bounds_min[k]) * show_scale(&v->shows[i]) * 1000;
    }
    /* width x height x depth, as a shop lists them */
    snprintf(buf, len, "%.0f \u00d7 %.0f \u00d7 %.0f mm", d[0], d[1], d[2]);
}

static vt_ui_rect rect_union(vt_ui_rect a, const vt_ui_rect *b)
{
    if (b->w <= 0) return a;
    if (a.w <= 0) return *b;
    float x0 = fminf(a.x, b->x), y0 = fminf(a.y, b->y);
    return (vt_ui_rect){ x0, y0, fmaxf(a.x + a.w, b->x + b->w) - x0, fmaxf(a.y + a.h, b->y + b->h) - y0 };
}

/* The open card's contents (strings into the caller's buffers). */
static vt_ui_card card_of(vt_visitor *v, int i, char price[VT_PRICE_FORMAT_LEN], char was_s[VT_PRICE_FORMAT_LEN], char dims[64])
{
    const vt_product *p = v->shows[i].p;
    const vt_catalog *cat = v->cat;
    double was, now = price_of(v, i, &was);
    vt_format_price(now, cat->locale, cat->currency, price, VT_PRICE_FORMAT_LEN);
    if (was >= 0) vt_format_price(was, cat->locale, cat->currency, was_s, VT_PRICE_FORMAT_LEN);
    format_dims(v, i, dims, 64);
    const item *it = &v->items[i];
    /* It keeps clear of its product and of that product's tag at home above it (last frame's
     * place; a tag moved aside keeps clear of the card by itself). */
    vt_ui_rect keep = it->slot.leader ? it->bounds : rect_union(it->bounds, &it->tag_rect);
    const char *lang = visitor_lang_tag(&v->lang);
    vt_ui_card c = { vt_product_text(p, lang, VT_TEXT_NAME), vt_product_text(p, lang, VT_TEXT_BRAND),
                     vt_product_text(p, lang, VT_TEXT_DESCRIPTION), dims, price, was >= 0 ? was_s : NULL,
                     vt_product_text(p, lang, VT_TEXT_URL), it->sx, it->sy, keep, NULL, 0, v->card_side,
                     (float)((v->t - v->card_t) / 0.3), v->t < v->pressed_until, v->lang.locale };
    if (v->dt == 0) c.appear = 1;
    return c;
}

/* The card: beside its product while it is on show; closes a moment after it has gone. Returns
 * whether it is to be drawn this frame. */
static int card_open(vt_visitor *v)
{
    if (v->selected >= 0) {
        item *it = &v->items[v->selected];
        if (!it->has_mv || it->alpha <= 0) {
            if (v->card_gone_t < 0) v->card_gone_t = v->t;
            if (v->t - v->card_gone_t > 1.5) v->selected = -1;
        } else {
            v->card_gone_t = -1;
        }
    }
    return v->selected >= 0 && v->items[v->selected].has_mv;
}

/* The tag's anchor from the model's projected top (u, v): itself when on screen; off screen,
 * where the line from the marker up to it leaves the screen (so the anchor slides along the
 * product as its top goes out of view, never jumps); the marker's top when the model projects
 * nowhere sensible (behind the camera, or absurdly large: bounds fell back on the marker). */
static void tag_anchor(const item *it, int w, int h, float *u, float *v)
{
    float qx = (it->quad[0][0] + it->quad[1][0]) * 0.5f, qy = fminf(it->quad[0][1], it->quad[1][1]);
    if (!it->sane || !isfinite(*u) || !isfinite(*v)) { *u = qx, *v = qy; return; }
    float m = 2, t = 1;   /* how far along marker -> top stays on screen */
    if (*u < m) t = fminf(t, (qx - m) / (qx - *u));
    if (*u > w - 1 - m) t = fminf(t, (w - 1 - m - qx) / (*u - qx));
    if (*v < m) t = fminf(t, (qy - m) / (qy - *v));
    if (*v > h - 1 - m) t = fminf(t, (h - 1 - m - qy) / (*v - qy));
    t = fmaxf(t, 0);
    *u = qx + (*u - qx) * t, *v = qy + (*v - qy) * t;
}

/* Tags, gliding after their product rather than jumping with every pose, laid out clear of the
 * n avoid rectangles; what was drawn is kept for vt_visitor_get_layout. */
static void draw_tags(vt_visitor *v, vt_renderer *r, const vt_camera *cam, int w, int h, const vt_ui_rect *avoid, int navoid)
{
    const vt_catalog *cat = v->cat;
    vt_ui_tag tags[VT_UI_MAX_TAGS];
    int idx[VT_UI_MAX_TAGS], nt = 0;
    char prices[VT_UI_MAX_TAGS][VT_PRICE_FORMAT_LEN], wass[VT_UI_MAX_TAGS][VT_PRICE_FORMAT_LEN];
    float k = (float)(1 - exp(-v->dt * 14));
    for (int i = 0; i < v->n; i++) v->items[i].tag_rect = (vt_ui_rect){ 0, 0, 0, 0 };
    for (int i = 0; i < v->n && nt < VT_UI_MAX_TAGS; i++) {
        item *it = &v->items[i];
        if (!it->has_mv || it->alpha <= 0) continue;
        const vt_model *m = v->shows[i].model;
        float top[3] = { (m->bounds_min[0] + m->bounds_max[0]) * 0.5f, m->bounds_max[1], (m->bounds_min[2] + m->bounds_max[2]) * 0.5f };
        float u = NAN, vv = NAN;
        if (!vt_render_project(cam, it->mv, top, &u, &vv)) u = vv = NAN;
        tag_anchor(it, w, h, &u, &vv);
        if (!it->tag_init || v->dt == 0 || hypotf(u - it->tag_x, vv - it->tag_y) > h * 0.25f) {
            it->tag_x = u; it->tag_y = vv; it->tag_init = 1;
        } else {
            it->tag_x += (u - it->tag_x) * k;
            it->tag_y += (vv - it->tag_y) * k;
        }
        double was, now = price_of(v, i, &was);
        vt_format_price(now, cat->locale, cat->currency, prices[nt], sizeof prices[nt]);
        if (was >= 0) vt_format_price(was, cat->locale, cat->currency, wass[nt], sizeof wass[nt]);
        float a = it->alpha * it->alpha * (3 - 2 * it->alpha);
        tags[nt] = (vt_ui_tag){ it->tag_x, it->tag_y, (float)it->depth,
                                vt_product_text(v->shows[i].p, visitor_lang_tag(&v->lang), VT_TEXT_NAME), prices[nt],
                                was >= 0 ? wass[nt] : NULL, a, { { 0 } }, it->slot, { 0, 0, 0, 0 } };
        memcpy(tags[nt].quad, it->quad, sizeof it->quad);
        idx[nt++] = i;
    }
    vt_ui_price_tags(r, w, h, tags, nt, avoid, navoid);
    v->nplaced = 0;
    for (int t = 0; t < nt; t++) {
        item *it = &v->items[idx[t]];
        it->slot = tags[t].slot;
        it->tag_rect = tags[t].rect;
        vt_visitor_placed *pl = &v->placed[v->nplaced++];
        pl->id = v->shows[idx[t]].p->id;
        memcpy(pl->marker, it->quad, sizeof pl->marker);
        pl->tag = (vt_visitor_box){ it->tag_rect.x, it->tag_rect.y, it->tag_rect.w, it->tag_rect.h };
        snprintf(pl->price, sizeof pl->price, "%s", prices[t]);
        snprintf(pl->was, sizeof pl->was, "%s", tags[t].was ? wass[t] : "");
    }
}

void vt_visitor_draw_ui(vt_visitor *v, vt_renderer *r, const vt_camera *cam, int w, int h, const char *const *hud_lines,
                        int nhud)
{
    const vt_catalog *cat = v->cat;
    /* What the tags keep clear of is placed first: basket, card, HUD. */
    char total[VT_PRICE_FORMAT_LEN];
    vt_format_price(v->basket_total, cat->locale, cat->currency, total, sizeof total);
    const char *loc = v->lang.locale;
    vt_ui_basket(r, w, h, v->basket_count, total, (float)((v->t - v->basket_pulse_t) / 0.4), loc, &v->basket_rect);
    vt_ui_rect hr = v->hud && nhud > 0 ? vt_ui_hud_rect(r, w, h, hud_lines, nhud) : (vt_ui_rect){ 0, 0, 0, 0 };
    /* The HUD's figures change width every second: the room kept for it only grows while it is
     * on, so the tags around it do not move with its numbers. */
    if (hr.w > 0 && v->hud_rect.w > 0) hr.w = fmaxf(hr.w, v->hud_rect.w), hr.h = fmaxf(hr.h, v->hud_rect.h);
    if (hr.w > 0) hr.w = ceilf(hr.w / (48 * h / 720.0f)) * (48 * h / 720.0f);   /* and in steps: a digit more moves nothing */
    v->hud_rect = hr;
    v->card_drawn = card_open(v);
    char price[VT_PRICE_FORMAT_LEN], was_s[VT_PRICE_FORMAT_LEN], dims[64];
    vt_ui_card c = { 0 };
    vt_ui_rect lang = visitor_lang_place(&v->lang, r, w, h);
    vt_ui_rect around[3];   /* the card keeps clear of the HUD, the basket and the language selector */
    int naround = 0;
    if (v->hud_rect.w > 0) around[naround++] = v->hud_rect;
    if (v->basket_rect.w > 0) around[naround++] = v->basket_rect;
    if (lang.w > 0) around[naround++] = lang;
    if (v->card_drawn) {
        c = card_of(v, v->selected, price, was_s, dims);
        c.avoid = around, c.navoid = naround;
        v->card_rect = vt_ui_card_rect(r, w, h, &c, &v->card_side);
    }
    vt_ui_rect avoid[4];
    int navoid = 0;
    if (v->basket_rect.w > 0) avoid[navoid++] = v->basket_rect;
    if (v->card_drawn) avoid[navoid++] = v->card_rect;
    if (v->hud_rect.w > 0) avoid[navoid++] = v->hud_rect;
    if (lang.w > 0) avoid[navoid++] = lang;
    draw_tags(v, r, cam, w, h, avoid, navoid);
    if (v->card_drawn) vt_ui_card_draw(r, w, h, &c, &v->card_rect, &v->button_rect, NULL);

    /* Nothing on show for a while: invite. It goes the moment a product is seen. */
    /* The next visitor starts in the store's language. */
    double idle = v->t - v->last_seen_t;
    int attract = cat->attract_after_s > 0 && idle >= cat->attract_after_s;
    if (attract) {
        visitor_lang_reset(&v->lang);
        vt_ui_attract(r, w, h, cat->store_name, v->t, (float)((idle - cat->attract_after_s) / 0.6 + 0.2), v->lang.locale);
    }
    /* Under the attract screen's dimming it would only be in the way. */
    if (!attract) visitor_lang_draw(&v->lang, r, w, h);
    else v->lang.rect = (vt_ui_rect){ 0, 0, 0, 0 };
    if (v->hud && nhud > 0) vt_ui_hud(r, w, h, hud_lines, nhud);
    if (v->confirm)
        vt_ui_dialog(r, w, h, vt_tr_lang(v->lang.locale, "Quit Vitrine?"),
                     vt_tr_lang(v->lang.locale, "Escape again to quit \u2022 any other key to stay"));
}

void vt_visitor_get_layout(const vt_visitor *v, vt_visitor_layout *out)
{
    const vt_ui_rect *c = &v->card_rect, *b = &v->basket_rect, *hd = &v->hud_rect;
    memset(out, 0, sizeof *out);
    out->products = v->placed;
    out->count = v->nplaced;
    out->wall_ms = v->wall_ms;
    out->basket = (vt_visitor_box){ b->x, b->y, b->w, b->h };
    out->hud = (vt_visitor_box){ hd->x, hd->y, hd->w, hd->h };
    if (v->card_drawn) out->card = (vt_visitor_box){ c->x, c->y, c->w, c->h };
    const visitor_lang *l = &v->lang;
    out->language = l->cat && l->current < l->cat->nlanguages ? l->cat->languages[l->current] : NULL;
    if (l->rect.w > 0) {
        out->nlanguages = l->count;
        out->language_tags = (const char *const *)l->cat->languages;
        for (int i = 0; i < l->count; i++)
            out->language_buttons[i] = (vt_visitor_box){ l->buttons[i].x, l->buttons[i].y, l->buttons[i].w, l->buttons[i].h };
    }
}

/* Tab (step = next on screen) or 1-9 (at = that one): opens a product's card. */
static void open_on_screen(vt_visitor *v, int at_key)
{
    int n = visible_order(v);
    if (n == 0 || at_key >= n) return;
    int at = at_key;
    if (at < 0) {   /* Tab: the one after the card open now, left to right */
        at = -1;
        for (int i = 0; i < n; i++) if (v->order[i] == v->selected) at = i;
        at = (at + 1) % n;
    }
    vt_visitor_open_card(v, v->order[at]);
    record(v, VT_EV_CARD_OPENED, v->selected);
}

vt_visitor_action vt_visitor_key(vt_visitor *v, int key)
{
    if (!key) return VT_VISITOR_NONE;
    v->last_input_t = v->t;
    if (v->confirm) {
        v->confirm = 0;
        return key == 27 ? VT_VISITOR_QUIT : VT_VISITOR_NONE;
    }
    switch (key) {
    case 27:
        if (v->selected >= 0) vt_visitor_open_card(v, -1);
        else if (v->d.kiosk) { v->confirm = 1; v->confirm_t = v->t; }
        else return VT_VISITOR_QUIT;
        return VT_VISITOR_NONE;
    case 'Q': return v->d.kiosk ? VT_VISITOR_NONE : VT_VISITOR_QUIT;
    case 'S': return VT_VISITOR_SCREENSHOT;
    case 'F': return VT_VISITOR_FULLSCREEN;
    case 'H': v->hud = !v->hud; break;
    case 'L': visitor_lang_pick(&v->lang, v->lang.count ? (v->lang.current + 1) % v->lang.count : 0, "L pressed"); break;
    case '\t': open_on_screen(v, -1); break;
    case '\n': case 'B':
        if (v->selected >= 0) add_to_basket(v, v->selected, 1);
        break;
    case 8: case 127:   /* Backspace, Delete: empty the basket */
        v->basket_count = 0;
        v->basket_total = 0;
        break;
    default:
        if (key >= '1' && key <= '9') open_on_screen(v, key - '1');
        break;
    }
    return VT_VISITOR_NONE;
}

int vt_visitor_pick(const vt_visitor *v, const vt_camera *cam, float x, float y)
{
    int best = -1;
    float best_t = 1e30f;
    for (int i = 0; i < v->n; i++) {
        const item *it = &v->items[i];
        if (!it->has_mv || it->alpha <= 0.3f) continue;
        const vt_model *m = v->shows[i].model;
        mat4 mv, inv;
        memcpy(mv, it->mv, sizeof mv);
        glm_mat4_inv(mv, inv);
        /* The ray from the camera through the pixel, in the model's own space. */
        vec4 o = { 0, 0, 0, 1 }, d = { (float)((x - cam->cx) / cam->fx), (float)((y - cam->cy) / cam->fy), 1, 0 }, om, dm;
        glm_mat4_mulv(inv, o, om);
        glm_mat4_mulv(inv, d, dm);
        float t0 = 0, t1 = 1e30f;
        for (int a = 0; a < 3 && t0 <= t1; a++) {
            if (fabsf(dm[a]) < 1e-12f) {
                if (om[a] < m->bounds_min[a] || om[a] > m->bounds_max[a]) t0 = 2, t1 = 1;
                continue;
            }
            float ta = (m->bounds_min[a] - om[a]) / dm[a], tb = (m->bounds_max[a] - om[a]) / dm[a];
            if (ta > tb) { float s = ta; ta = tb; tb = s; }
            t0 = fmaxf(t0, ta);
            t1 = fminf(t1, tb);
        }
        if (t0 <= t1 && t0 < best_t) { best_t = t0; best = i; }
    }
    return best;
}

void vt_visitor_click(vt_visitor *v, const vt_camera *cam, float x, float y)
{
    v->last_input_t = v->t;
    if (v->confirm) { v->confirm = 0; return; }
    if (visitor_lang_click(&v->lang, x, y)) return;   /* the card stays open: it changes language */
    if (v->selected >= 0 && v->card_drawn) {
        if (vt_ui_rect_has(&v->button_rect, x, y)) { add_to_basket(v, v->selected, 1); return; }
        if (vt_ui_rect_has(&v->card_rect, x, y)) return;
    }
    int p = vt_visitor_pick(v, cam, x, y);
    /* A tap on a product opens its card; anywhere else closes the card. */
    vt_visitor_open_card(v, p);
    if (p >= 0) record(v, VT_EV_CARD_OPENED, p);
}

int vt_visitor_selected(const vt_visitor *v) { return v->selected; }
const char *vt_visitor_locale(const vt_visitor *v) { return v->lang.locale; }
int vt_visitor_hud(const vt_visitor *v) { return v->hud; }
int vt_visitor_basket_count(const vt_visitor *v) { return v->basket_count; }
