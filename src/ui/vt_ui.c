/* vt_ui.c — product card, basket, attract screen, HUD, dialogs (price tags: vt_tags.c). */
#include "vt_ui_internal.h"

#include <math.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void rgba(float out[4], const float c[3], float a) { vt_ui_rgba(out, c, a); }

void vt_ui_banner(vt_renderer *r, int frame_w, int frame_h, const char *text)
{
    float px = frame_h * 0.026f, pad = px * 0.5f;
    float w = vt_render_text_width(r, px, text) + 2 * pad, h = px * 1.6f;
    float x = (frame_w - w) * 0.5f, y = frame_h - h - frame_h * 0.03f;
    const float bg[4] = { 0.12f, 0.12f, 0.14f, 0.82f }, ink[4] = { 1, 0.86f, 0.55f, 1 };
    vt_render_rect(r, x, y, w, h, bg);
    vt_render_text(r, x + pad, y + px * 1.15f, px, text, ink);
}

/* The card's sizes in frame pixels (design units: sizes are for a 720-line frame). */
typedef struct card_layout {
    float u, ease, pad, w, h, x, y;
    float name_px, brand_px, body_px, price_px, was_px, small_px;
    vt_text_box name_box, line_box, brand_box, dims_box;   /* Pango wraps and ellipsises in them */
    int nname, nl, side;
    QRcode *q;              /* NULL: no url */
    float mod, qr_side;     /* QR module and code side, whole pixels */
    float ink[4], accent[4], muted[4], red[4];
    const char *locale;     /* the visitor's, for the card's own words */
} card_layout;

/* Texts fitted to the card's width at unit u: the name on two lines at most (clear of "Esc ×"),
 * brand and dimensions on one, the price (and a promotion's regular price) smaller if need be. */
static void card_fit(card_layout *L, const vt_renderer *r, const vt_ui_card *c, float u)
{
    L->u = u, L->pad = 18 * u, L->w = 420 * u;
    L->name_px = 30 * u, L->brand_px = 18 * u, L->body_px = 17 * u, L->price_px = 38 * u, L->small_px = 15 * u;
    L->was_px = L->body_px * 1.2f;
    float inner = L->w - 2 * L->pad, esc = vt_render_text_width(r, L->small_px, "Esc \u00d7") + L->pad;
    /* start-aligned: a right-to-left name or description lies against the right edge */
    L->name_box = (vt_text_box){ inner - esc, 2, L->name_px * 1.3f, VT_TEXT_START };
    L->line_box = (vt_text_box){ inner, 5, L->body_px * 1.35f, VT_TEXT_START };
    L->brand_box = L->dims_box = (vt_text_box){ inner, 1, 0, VT_TEXT_START };
    L->nname = vt_render_text_measure(r, L->name_px, c->name ? c->name : "", &L->name_box).lines;
    L->nl = c->description ? vt_render_text_measure(r, L->body_px, c->description, &L->line_box).lines : 0;
    float pw = vt_render_text_width(r, L->price_px, c->price) +
               (c->was ? L->pad * 0.7f + vt_render_text_width(r, L->was_px, c->was) : 0);
    if (pw > inner) { L->price_px *= inner / pw; L->was_px *= inner / pw; }
    int modules = L->q ? L->q->width + 8 : 0;   /* four modules of quiet zone each side */
    L->mod = L->q ? floorf(150 * u / modules) : 0;
    if (L->q && L->mod < 2) L->mod = 2;
    L->qr_side = modules * L->mod;
    float text_h = L->name_px * 1.3f * (L->nname > 1 ? 2 : 1) + (c->brand ? L->brand_px * 1.5f : 0) +
                   L->nl * L->body_px * 1.35f + (c->dimensions ? L->small_px * 1.8f : 0) + L->price_px * 1.4f;
    L->h = L->pad * 2 + text_h + (L->q ? L->qr_side + L->small_px * 1.6f : 0) + 54 * u + L->pad;
}

static float overlap_area(const vt_ui_rect *a, const vt_ui_rect *b)
{
    float w = fminf(a->x + a->w, b->x + b->w) - fmaxf(a->x, b->x), h = fminf(a->y + a->h, b->y + b->h) - fmaxf(a->y, b->y);
    return w > 0 && h > 0 ? w * h : 0;
}

/* What a card at b covers: of its product, four times as bad as of the HUD or the basket. */
static float card_cover(const vt_ui_rect *b, const vt_ui_rect *keep, const vt_ui_card *c)
{
    float a = overlap_area(b, keep) * 4;
    for (int k = 0; k < c->navoid; k++) a += overlap_area(b, &c->avoid[k]);
    return a;
}

/* Beside what it must keep clear (right, left, below, above; each also moved just below or
 * beside the HUD or basket in its way), kept on screen: the first that covers nothing, else the
 * one that covers least. Last frame's side first, while it covers nothing. */
static void card_place(card_layout *L, int fw, int fh, const vt_ui_card *c)
{
    float m = 12 * L->u, gap = 24 * L->u, best = INFINITY;
    vt_ui_rect k = c->keep_clear.w > 0 ? c->keep_clear : (vt_ui_rect){ c->ax - 16 * L->u, c->ay - 16 * L->u, 32 * L->u, 32 * L->u };
    float cy = k.y + k.h * 0.5f - L->h * 0.5f, cx = k.x + k.w * 0.5f - L->w * 0.5f;
    const float cand[4][2] = { { k.x + k.w + gap, cy }, { k.x - gap - L->w, cy }, { cx, k.y + k.h + gap }, { cx, k.y - gap - L->h } };
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 4; i++) {
            if (pass == 0 && c->side != i + 1) continue;
            for (int j = -1; j < 2 * c->navoid; j++) {
                float x = cand[i][0], y = cand[i][1];
                if (j >= 0) {   /* moved below (even j) or beside (odd j) the obstacle */
                    const vt_ui_rect *a = &c->avoid[j / 2];
                    if (j % 2 == 0) y = a->y + a->h + m;
                    else x = a->x + a->w * 0.5f < fw * 0.5f ? a->x + a->w + m : a->x - m - L->w;
                }
                vt_ui_rect b = { fminf(fmaxf(x, m), fw - m - L->w), fminf(fmaxf(y, m), fh - m - L->h), L->w, L->h };
                float cover = card_cover(&b, &k, c);
                float cost = pass == 0 ? (cover > 0 ? INFINITY : -1) : cover + fabsf(b.x - cand[i][0]) + fabsf(b.y - cand[i][1]) + i;
                if (cost < best) { best = cost; L->x = b.x; L->y = b.y; L->side = i + 1; }
                if (best < 0) return;
            }
        }
}

static void card_layout_make(card_layout *L, const vt_renderer *r, int fw, int fh, const vt_ui_card *c)
{
    float a = c->appear < 0 ? 0 : c->appear > 1 ? 1 : c->appear;
    L->ease = 1 - (1 - a) * (1 - a) * (1 - a);
    L->locale = c->locale;
    /* QR code: modules of whole pixels, so a phone reads it from the screen. */
    L->q = c->url && *c->url ? QRcode_encodeString(c->url, 0, QR_ECLEVEL_M, QR_MODE_8, 1) : NULL;
    float u = fh / 720.0f;
    card_fit(L, r, c, u);
    /* Taller or wider than the screen: smaller, so that all of it shows. */
    float room = fminf((fh - 24 * u) / L->h, (fw - 24 * u) / L->w);
    if (room < 1) card_fit(L, r, c, u * room);
    card_place(L, fw, fh, c);
    rgba(L->ink, k_ink, L->ease);
    rgba(L->accent, k_accent, L->ease);
    rgba(L->muted, k_muted, L->ease);
    rgba(L->red, k_promo, L->ease);
}

/* Panel, name, brand, description, dimensions and price; returns the price line's baseline. */
static float card_text(vt_renderer *r, const card_layout *L, const vt_ui_card *c)
{
    float x = L->x, y = L->y, pad = L->pad, body_px = L->body_px, small_px = L->small_px;
    float shadow[4] = { 0, 0, 0, 0.28f * L->ease }, panel[4] = { 1, 1, 1, L->ease };
    vt_render_rect(r, x + 5 * L->u, y + 7 * L->u, L->w, L->h, shadow);
    vt_render_rect(r, x, y, L->w, L->h, panel);
    vt_render_rect(r, x, y, L->w, 6 * L->u, L->accent);
    float ty = y + pad + L->name_px;
    vt_render_text_box(r, x + pad, ty, L->name_px, c->name ? c->name : "", &L->name_box, L->ink);
    ty += (L->nname > 1 ? L->nname - 1 : 0) * L->name_box.line_px;
    if (c->brand) { ty += L->brand_px * 1.5f; vt_render_text_box(r, x + pad, ty, L->brand_px, c->brand, &L->brand_box, L->muted); }
    ty += body_px * 0.6f;
    if (L->nl) vt_render_text_box(r, x + pad, ty + L->line_box.line_px, body_px, c->description, &L->line_box, L->ink);
    ty += L->nl * L->line_box.line_px;
    if (c->dimensions) {
        ty += small_px * 1.8f;
        vt_render_text_box(r, x + pad, ty, small_px, c->dimensions, &L->dims_box, L->muted);
    }
    ty += L->price_px * 1.4f;
    float px_end = x + pad + vt_render_text(r, x + pad, ty, L->price_px, c->price, c->was ? L->red : L->ink);
    if (c->was) {
        float wx = px_end + pad * 0.7f, ww = vt_render_text(r, wx, ty, L->was_px, c->was, L->muted);
        vt_render_line(r, wx - 2, ty - L->was_px * 0.33f, wx + ww + 2, ty - L->was_px * 0.33f, fmaxf(2.0f, 2.2f * L->u), L->muted);
    }
    return ty;
}

/* The QR code under the price (ty), with its caption; returns where it lies. */
static vt_ui_rect card_qr(vt_renderer *r, const card_layout *L, float ty)
{
    const QRcode *q = L->q;
    float mod = L->mod, side = L->qr_side;
    float qx = floorf(L->x + L->pad), qy = floorf(ty + L->pad);
    float white[4] = { 1, 1, 1, L->ease }, black[4] = { 0, 0, 0, L->ease };
    vt_render_rect(r, qx, qy, side, side, white);
    /* A row's run of dark modules as one rectangle (whole pixels: the same pixels as one a
     * module), about half the triangles for the rasterizer to set up. */
    for (int yy = 0; yy < q->width; yy++)
        for (int xx = 0; xx < q->width; xx++) {
            if (!(q->data[yy * q->width + xx] & 1)) continue;
            int run = 1;
            while (xx + run < q->width && (q->data[yy * q->width + xx + run] & 1)) run++;
            vt_render_rect(r, qx + (xx + 4) * mod, qy + (yy + 4) * mod, run * mod, mod, black);
            xx += run - 1;
        }
    float cx = qx + side + L->pad, room = L->x + L->w - L->pad - cx;
    const vt_text_box fit = { room, 1, 0, VT_TEXT_START };   /* a language's longer words stay inside the card */
    vt_render_text_box(r, cx, qy + side * 0.45f, L->body_px, vt_tr_lang(L->locale, "Scan to buy"), &fit, L->ink);
    vt_render_text_box(r, cx, qy + side * 0.45f + L->body_px * 1.4f, L->small_px, vt_tr_lang(L->locale, "or to read more"),
                       &fit, L->muted);
    return (vt_ui_rect){ qx, qy, side, side };
}

/* The button, and how to close; returns the button. */
static vt_ui_rect card_button(vt_renderer *r, const card_layout *L, int pressed)
{
    float u = L->u, pad = L->pad, x = L->x, y = L->y, w = L->w, small_px = L->small_px;
    vt_ui_rect b = { x + pad, y + L->h - pad - 46 * u, w - 2 * pad, 46 * u };
    float bc[4];
    rgba(bc, k_accent, L->ease);
    if (pressed) { bc[0] *= 0.7f; bc[1] *= 0.7f; bc[2] *= 0.7f; }
    vt_render_rect(r, b.x, b.y, b.w, b.h, bc);
    const char *label = vt_tr_lang(L->locale, "Add to basket");
    float white[4] = { 1, 1, 1, L->ease }, lw = vt_render_text_width(r, 21 * u, label);
    vt_render_text(r, b.x + (b.w - lw) * 0.5f, b.y + b.h * 0.5f + 21 * u * 0.36f, 21 * u, label, white);
    vt_render_text(r, x + w - pad - vt_render_text_width(r, small_px, "Esc ×"), y + pad + small_px, small_px, "Esc ×", L->muted);
    return b;
}

vt_result vt_ui_card_draw(vt_renderer *r, int fw, int fh, const vt_ui_card *c, vt_ui_rect *card, vt_ui_rect *button,
                          vt_ui_rect *qr_out)
{
    card_layout L;
    card_layout_make(&L, r, fw, fh, c);
    vt_ui_rect placed = { L.x, L.y, L.w, L.h };
    L.y += (1 - L.ease) * 24 * L.u;   /* rises into place as it opens */
    float ty = card_text(r, &L, c);
    vt_ui_rect qr_rect = { 0, 0, 0, 0 };
    if (L.q) {
        qr_rect = card_qr(r, &L, ty);
        QRcode_free(L.q);
    }
    vt_ui_rect b = card_button(r, &L, c->pressed);
    if (card) *card = placed;
    if (button) *button = b;
    if (qr_out) *qr_out = qr_rect;
    /* A url too long for a QR code: the card is drawn without one. */
    return c->url && *c->url && !L.q ? VT_ERR_FORMAT : VT_OK;
}

vt_ui_rect vt_ui_card_rect(const vt_renderer *r, int fw, int fh, const vt_ui_card *c, int *side)
{
    card_layout L;
    card_layout_make(&L, r, fw, fh, c);
    if (L.q) QRcode_free(L.q);
    if (side) *side = L.side;
    return (vt_ui_rect){ L.x, L.y, L.w, L.h };
}

void vt_ui_basket(vt_renderer *r, int fw, int fh, int count, const char *total, float pulse, const char *locale, vt_ui_rect *where)
{
    if (where) *where = (vt_ui_rect){ 0, 0, 0, 0 };
    if (count <= 0) return;
    float u = fh / 720.0f * (1 + 0.12f * sinf(fminf(fmaxf(pulse, 0), 1) * 3.14159f));
    char items[64], line[160];
    snprintf(items, sizeof items, vt_trn_lang(locale, "%d item", "%d items", (unsigned long)count), count);
    snprintf(line, sizeof line, "%s • %s", items, total);
    float px = 22 * u, pad = 14 * u, icon = 28 * u;
    float w = icon + pad * 3 + vt_render_text_width(r, px, line), h = 54 * u;
    float x = fw - w - 16 * (fh / 720.0f), y = 16 * (fh / 720.0f);
    float shadow[4] = { 0, 0, 0, 0.25f }, panel[4] = { 1, 1, 1, 0.96f }, ink[4], acc[4];
    rgba(ink, k_ink, 1);
    rgba(acc, k_accent, 1);
    if (where) *where = (vt_ui_rect){ x, y, w + 3, h + 4 };
    vt_render_rect(r, x + 3, y + 4, w, h, shadow);
    vt_render_rect(r, x, y, w, h, panel);
    /* A basket drawn with lines: a trapezoid with a handle. */
    float bx = x + pad, by = y + h * 0.38f, bw = icon, bh = icon * 0.6f, lw = fmaxf(2.0f, 3 * u);
    vt_render_line(r, bx, by, bx + bw, by, lw, acc);
    vt_render_line(r, bx, by, bx + bw * 0.15f, by + bh, lw, acc);
    vt_render_line(r, bx + bw, by, bx + bw * 0.85f, by + bh, lw, acc);
    vt_render_line(r, bx + bw * 0.15f, by + bh, bx + bw * 0.85f, by + bh, lw, acc);
    vt_render_line(r, bx + bw * 0.25f, by, bx + bw * 0.45f, by - bh * 0.6f, lw, acc);
    vt_render_line(r, bx + bw * 0.75f, by, bx + bw * 0.55f, by - bh * 0.6f, lw, acc);
    vt_render_text(r, bx + bw + pad, y + h * 0.5f + px * 0.36f, px, line, ink);
}

void vt_ui_attract(vt_renderer *r, int fw, int fh, const char *store, double t, float opacity, const char *locale)
{
    if (opacity <= 0) return;
    float u = fh / 720.0f, o = opacity > 1 ? 1 : opacity;
    float dim[4] = { 0.03f, 0.04f, 0.06f, 0.55f * o };
    vt_render_rect(r, 0, 0, (float)fw, (float)fh, dim);
    float title_px = 46 * u, line_px = 30 * u, white[4] = { 1, 1, 1, o }, soft[4] = { 1, 1, 1, 0.8f * o };
    float tw = vt_render_text_width(r, title_px, store);
    vt_render_text(r, (fw - tw) * 0.5f, fh * 0.36f, title_px, store, white);
    /* A marker card that breathes, and the invitation under it. */
    float s = (90 + 8 * (float)sin(t * 2.2)) * u, cx = fw * 0.5f, cy = fh * 0.53f;
    float card[4] = { 1, 1, 1, 0.95f * o }, black[4] = { 0, 0, 0, o };
    vt_render_rect(r, cx - s * 0.5f, cy - s * 0.5f, s, s, card);
    float m = s * 0.14f, cell = (s - 2 * m) / 5;
    static const char pat[5][6] = { "XXXXX", "X.X.X", "XX..X", "X..XX", "XXXXX" };
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++)
            if (pat[y][x] == 'X') vt_render_rect(r, cx - s * 0.5f + m + x * cell, cy - s * 0.5f + m + y * cell, cell + 0.5f, cell + 0.5f, black);
    const char *invite = vt_tr_lang(locale, "Show a product to the camera");
    float iw = vt_render_text_width(r, line_px, invite);
    float bob = 4 * u * (float)sin(t * 2.2 + 1.0);
    vt_render_text(r, (fw - iw) * 0.5f, cy + s * 0.5f + 56 * u + bob, line_px, invite, soft);
    /* Three dots that fill in turn. */
    for (int i = 0; i < 3; i++) {
        float on = fmodf((float)t * 1.5f - i * 0.33f + 3, 1.0f) < 0.5f ? 1.0f : 0.35f;
        float dot[4] = { 1, 1, 1, on * o };
        vt_render_rect(r, cx - 24 * u + i * 20 * u, cy + s * 0.5f + 80 * u, 8 * u, 8 * u, dot);
    }
}

/* A HUD line: one, ellipsised where it would run past the frame (12 px margins, 10 px padding at 720p). */
static vt_text_box hud_box(int fw, int fh)
{
    return (vt_text_box){ fw - 44 * (fh / 720.0f), 1, 0, VT_TEXT_START };
}

vt_ui_rect vt_ui_hud_rect(const vt_renderer *r, int fw, int fh, const char *const *lines, int n)
{
    float u = fh / 720.0f, px = 15 * u, pad = 10 * u, w = 0;
    if (n <= 0) return (vt_ui_rect){ 0, 0, 0, 0 };
    const vt_text_box box = hud_box(fw, fh);
    for (int i = 0; i < n; i++) w = fmaxf(w, vt_render_text_measure(r, px, lines[i], &box).width);
    return (vt_ui_rect){ 12 * u, 12 * u, w + 2 * pad, n * px * 1.4f + 2 * pad - px * 0.4f };
}

void vt_ui_hud(vt_renderer *r, int fw, int fh, const char *const *lines, int n)
{
    float u = fh / 720.0f, px = 15 * u, pad = 10 * u;
    vt_ui_rect b = vt_ui_hud_rect(r, fw, fh, lines, n);
    float bg[4] = { 0, 0, 0, 0.6f }, ink[4] = { 0.75f, 1, 0.75f, 1 };
    vt_render_rect(r, b.x, b.y, b.w, b.h, bg);
    const vt_text_box box = hud_box(fw, fh);
    for (int i = 0; i < n; i++)
        vt_render_text_box(r, b.x + pad, b.y + pad + px + i * px * 1.4f - px * 0.2f, px, lines[i], &box, ink);
}

void vt_ui_dialog(vt_renderer *r, int fw, int fh, const char *title, const char *hint)
{
    float u = fh / 720.0f, tp = 30 * u, hp = 18 * u, pad = 28 * u;
    float w = fmaxf(vt_render_text_width(r, tp, title), vt_render_text_width(r, hp, hint)) + 2 * pad, h = tp + hp * 2.2f + 2 * pad;
    float x = (fw - w) * 0.5f, y = (fh - h) * 0.5f;
    float dim[4] = { 0, 0, 0, 0.45f }, panel[4] = { 1, 1, 1, 0.98f }, ink[4], muted[4], acc[4];
    rgba(ink, k_ink, 1);
    rgba(muted, k_muted, 1);
    rgba(acc, k_accent, 1);
    vt_render_rect(r, 0, 0, (float)fw, (float)fh, dim);
    vt_render_rect(r, x, y, w, h, panel);
    vt_render_rect(r, x, y, w, 6 * u, acc);
    vt_render_text(r, x + pad, y + pad + tp, tp, title, ink);
    vt_render_text(r, x + pad, y + pad + tp + hp * 1.9f, hp, hint, muted);
}
