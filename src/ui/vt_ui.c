/* vt_ui.c — price tags, product card, basket, attract screen, HUD, dialogs. */
#include "ui/vt_ui.h"

#include <math.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One palette: white panels, near-black ink, a blue accent, promotions in red. */
static const float k_ink[3] = { 0.10f, 0.11f, 0.13f }, k_accent[3] = { 0.09f, 0.36f, 0.87f },
                   k_promo[3] = { 0.85f, 0.16f, 0.13f }, k_muted[3] = { 0.45f, 0.46f, 0.50f };

static void rgba(float out[4], const float c[3], float a)
{
    out[0] = c[0]; out[1] = c[1]; out[2] = c[2]; out[3] = a;
}

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

/* A tag's text sizes and padding, from the frame height. */
typedef struct tag_sizes { float name_px, price_px, was_px, pad, gap; } tag_sizes;

static tag_sizes tag_sizes_for(int fh)
{
    return (tag_sizes){ fh * 0.030f, fh * 0.046f, fh * 0.030f, fh * 0.014f, fh * 0.012f };
}

/* Where tag t goes: above its anchor, then nudged clear of the n boxes already placed. */
static box place_tag(const vt_renderer *r, const vt_ui_tag *t, const tag_sizes *z, const box *placed, int n, int fw, int fh)
{
    float wn = vt_render_text_width(r, z->name_px, t->name), wp = vt_render_text_width(r, z->price_px, t->price);
    if (t->was) wp += z->pad + vt_render_text_width(r, z->was_px, t->was);
    box b = { 0, 0, (wn > wp ? wn : wp) + 2 * z->pad, z->name_px * 1.25f + z->price_px * 1.15f + z->pad * 1.6f };
    b.x = t->ax - b.w * 0.5f;
    b.y = t->ay - z->gap - b.h;
    clamp_box(&b, fw, fh);
    /* Nearer products keep their place; a farther tag moves up, then sideways, to stay readable. */
    for (int tries = 0; tries < 12; tries++) {
        int hit = -1;
        for (int k = 0; k < n && hit < 0; k++) if (overlaps(&b, &placed[k], 4)) hit = k;
        if (hit < 0) break;
        const box *o = &placed[hit];
        if (tries < 6 && o->y - b.h - 6 >= 4) b.y = o->y - b.h - 6;
        else b.x = (b.x + b.w * 0.5f < o->x + o->w * 0.5f) ? o->x - b.w - 6 : o->x + o->w + 6;
        clamp_box(&b, fw, fh);
    }
    return b;
}

static void draw_tag(vt_renderer *r, const vt_ui_tag *t, const box *b, const tag_sizes *z, int fh)
{
    float o = t->opacity, pad = z->pad;
    const float shadow[4] = { 0, 0, 0, 0.25f * o }, panel[4] = { 1, 1, 1, 0.94f * o };
    const float accent[4] = { 0.09f, 0.36f, 0.87f, o }, ink[4] = { 0.10f, 0.11f, 0.13f, o };
    /* A stem from the tag down to the product. */
    float sx = t->ax < b->x + 8 ? b->x + 8 : t->ax > b->x + b->w - 8 ? b->x + b->w - 8 : t->ax;
    if (t->ay > b->y + b->h) vt_render_rect(r, sx - 1.5f, b->y + b->h, 3, t->ay - (b->y + b->h), panel);
    vt_render_rect(r, b->x + 3, b->y + 4, b->w, b->h, shadow);
    vt_render_rect(r, b->x, b->y, b->w, b->h, panel);
    vt_render_rect(r, b->x, b->y, fh * 0.006f, b->h, accent);
    vt_render_text(r, b->x + pad, b->y + pad * 0.6f + z->name_px, z->name_px, t->name, ink);
    float py = b->y + pad * 0.6f + z->name_px * 1.25f + z->price_px;
    if (!t->was) {
        vt_render_text(r, b->x + pad, py, z->price_px, t->price, ink);
        return;
    }
    /* A promotion: the new price in red, the regular one beside it, smaller and struck through. */
    float red[4], grey[4];
    rgba(red, k_promo, o);
    rgba(grey, k_muted, o);
    float x = b->x + pad + vt_render_text(r, b->x + pad, py, z->price_px, t->price, red) + pad;
    float ww = vt_render_text(r, x, py, z->was_px, t->was, grey);
    vt_render_line(r, x - 2, py - z->was_px * 0.33f, x + ww + 2, py - z->was_px * 0.33f, fmaxf(2.0f, fh * 0.0028f), grey);
}

void vt_ui_price_tags(vt_renderer *r, int fw, int fh, vt_ui_tag *tags, int count, const vt_ui_rect *avoid, int navoid)
{
    if (count > MAX_TAGS) count = MAX_TAGS;
    if (navoid > 8) navoid = 8;
    qsort(tags, (size_t)count, sizeof *tags, cmp_depth);
    tag_sizes z = tag_sizes_for(fh);
    box placed[MAX_TAGS + 8];
    /* What must stay visible goes first: tags keep clear of it as of a nearer tag. */
    for (int k = 0; k < navoid; k++) placed[k] = (box){ avoid[k].x, avoid[k].y, avoid[k].w, avoid[k].h };
    for (int i = 0; i < count; i++) placed[navoid + i] = place_tag(r, &tags[i], &z, placed, i + navoid, fw, fh);
    /* Draw farthest first, so the nearest tag is on top if any still touch. */
    for (int i = count - 1; i >= 0; i--) draw_tag(r, &tags[i], &placed[navoid + i], &z, fh);
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

/* Breaks text into lines no wider than width; returns how many (at most max), each a copy in
 * lines[i] (caller's buffers of cap bytes). An over-long word is cut. */
static int wrap(const vt_renderer *r, float px, const char *text, float width, char lines[][256], int max)
{
    int n = 0;
    const char *p = text;
    while (*p && n < max) {
        while (*p == ' ') p++;
        char line[256] = "";
        size_t len = 0;
        const char *q = p;
        while (*q) {
            const char *w = q;
            while (*w && *w != ' ') w++;
            size_t add = (size_t)(w - q);
            if (len + add + 2 >= sizeof line) break;
            char trial[256];   /* line, a space, the word: fits (checked above) */
            size_t k = len;
            memcpy(trial, line, len);
            if (len) trial[k++] = ' ';
            memcpy(trial + k, q, add);
            trial[k + add] = 0;
            if (len && vt_render_text_width(r, px, trial) > width) break;
            memcpy(line, trial, sizeof line);
            len = strlen(line);
            q = w;
            while (*q == ' ') q++;
            if (vt_render_text_width(r, px, line) > width) break;   /* one long word: cut below */
        }
        if (q == p) {   /* nothing fitted: take what does of the word */
            size_t k = 0;
            while (p[k] && p[k] != ' ' && k < sizeof line - 1) {
                line[k] = p[k];
                line[k + 1] = 0;
                if (vt_render_text_width(r, px, line) > width) { line[k] = 0; break; }
                k++;
            }
            if (k == 0) k = 1;
            q = p + k;
        }
        snprintf(lines[n++], 256, "%s", line);
        p = q;
    }
    if (*p && n == max && n > 0) {   /* more than fits: say so */
        size_t l = strlen(lines[n - 1]);
        if (l > 3) snprintf(lines[n - 1] + (l > 250 ? 250 : l - 3), 6, "\u2026");
    }
    return n;
}

/* The card's sizes in frame pixels (design units: sizes are for a 720-line frame). */
typedef struct card_layout {
    float u, ease, pad, w, h, x, y;
    float name_px, brand_px, body_px, price_px, small_px;
    char lines[6][256];
    int nl;
    QRcode *q;              /* NULL: no url */
    float mod, qr_side;     /* QR module and code side, whole pixels */
    float ink[4], accent[4], muted[4], red[4];
} card_layout;

static void card_layout_make(card_layout *L, const vt_renderer *r, int fw, int fh, const vt_ui_card *c)
{
    float u = L->u = fh / 720.0f;
    float a = c->appear < 0 ? 0 : c->appear > 1 ? 1 : c->appear;
    L->ease = 1 - (1 - a) * (1 - a) * (1 - a);
    L->pad = 18 * u, L->w = 420 * u;
    L->name_px = 30 * u, L->brand_px = 18 * u, L->body_px = 17 * u, L->price_px = 38 * u, L->small_px = 15 * u;
    L->nl = c->description ? wrap(r, L->body_px, c->description, L->w - 2 * L->pad, L->lines, 5) : 0;
    /* QR code: modules of whole pixels, so a phone reads it from the screen. */
    L->q = c->url && *c->url ? QRcode_encodeString(c->url, 0, QR_ECLEVEL_M, QR_MODE_8, 1) : NULL;
    int modules = L->q ? L->q->width + 8 : 0;   /* four modules of quiet zone each side */
    L->mod = L->q ? floorf(150 * u / modules) : 0;
    if (L->q && L->mod < 2) L->mod = 2;
    L->qr_side = modules * L->mod;
    float text_h = L->name_px * 1.3f + (c->brand ? L->brand_px * 1.5f : 0) + L->nl * L->body_px * 1.35f +
                   (c->dimensions ? L->small_px * 1.8f : 0) + L->price_px * 1.4f;
    L->h = L->pad * 2 + fmaxf(text_h, 0) + (L->q ? L->qr_side + L->small_px * 1.6f : 0) + 54 * u + L->pad;
    /* Beside the product, on the side with more room, kept on screen. */
    L->x = c->ax + 40 * u, L->y = c->ay - L->h * 0.5f;
    if (L->x + L->w > fw - 12 * u) L->x = c->ax - 40 * u - L->w;
    if (L->x < 12 * u) L->x = 12 * u;
    if (L->y < 12 * u) L->y = 12 * u;
    if (L->y + L->h > fh - 12 * u) L->y = fh - 12 * u - L->h;
    L->y += (1 - L->ease) * 24 * u;   /* rises into place as it opens */
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
    vt_render_text(r, x + pad, ty, L->name_px, c->name, L->ink);
    if (c->brand) { ty += L->brand_px * 1.5f; vt_render_text(r, x + pad, ty, L->brand_px, c->brand, L->muted); }
    ty += body_px * 0.6f;
    for (int i = 0; i < L->nl; i++) { ty += body_px * 1.35f; vt_render_text(r, x + pad, ty, body_px, L->lines[i], L->ink); }
    if (c->dimensions) { ty += small_px * 1.8f; vt_render_text(r, x + pad, ty, small_px, c->dimensions, L->muted); }
    ty += L->price_px * 1.4f;
    float px_end = x + pad + vt_render_text(r, x + pad, ty, L->price_px, c->price, c->was ? L->red : L->ink);
    if (c->was) {
        float wx = px_end + pad * 0.7f, ww = vt_render_text(r, wx, ty, body_px * 1.2f, c->was, L->muted);
        vt_render_line(r, wx - 2, ty - body_px * 0.4f, wx + ww + 2, ty - body_px * 0.4f, fmaxf(2.0f, 2.2f * L->u), L->muted);
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
    for (int yy = 0; yy < q->width; yy++)
        for (int xx = 0; xx < q->width; xx++)
            if (q->data[yy * q->width + xx] & 1) vt_render_rect(r, qx + (xx + 4) * mod, qy + (yy + 4) * mod, mod, mod, black);
    float cx = qx + side + L->pad;
    vt_render_text(r, cx, qy + side * 0.45f, L->body_px, "Scan to buy", L->ink);
    vt_render_text(r, cx, qy + side * 0.45f + L->body_px * 1.4f, L->small_px, "or to read more", L->muted);
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
    const char *label = "Add to basket";
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
    float ty = card_text(r, &L, c);
    vt_ui_rect qr_rect = { 0, 0, 0, 0 };
    if (L.q) {
        qr_rect = card_qr(r, &L, ty);
        QRcode_free(L.q);
    }
    vt_ui_rect b = card_button(r, &L, c->pressed);
    if (card) *card = (vt_ui_rect){ L.x, L.y, L.w, L.h };
    if (button) *button = b;
    if (qr_out) *qr_out = qr_rect;
    /* A url too long for a QR code: the card is drawn without one. */
    return c->url && *c->url && !L.q ? VT_ERR_FORMAT : VT_OK;
}

void vt_ui_basket(vt_renderer *r, int fw, int fh, int count, const char *total, float pulse, vt_ui_rect *where)
{
    if (where) *where = (vt_ui_rect){ 0, 0, 0, 0 };
    if (count <= 0) return;
    float u = fh / 720.0f * (1 + 0.12f * sinf(fminf(fmaxf(pulse, 0), 1) * 3.14159f));
    char line[96];
    snprintf(line, sizeof line, "%d item%s • %s", count, count == 1 ? "" : "s", total);
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

void vt_ui_attract(vt_renderer *r, int fw, int fh, const char *store, double t, float opacity)
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
    const char *invite = "Show a product to the camera";
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

void vt_ui_hud(vt_renderer *r, int fw, int fh, const char *const *lines, int n)
{
    (void)fw;
    float u = fh / 720.0f, px = 15 * u, pad = 10 * u, w = 0;
    for (int i = 0; i < n; i++) w = fmaxf(w, vt_render_text_width(r, px, lines[i]));
    float bg[4] = { 0, 0, 0, 0.6f }, ink[4] = { 0.75f, 1, 0.75f, 1 };
    vt_render_rect(r, 12 * u, 12 * u, w + 2 * pad, n * px * 1.4f + 2 * pad - px * 0.4f, bg);
    for (int i = 0; i < n; i++) vt_render_text(r, 12 * u + pad, 12 * u + pad + px + i * px * 1.4f - px * 0.2f, px, lines[i], ink);
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
