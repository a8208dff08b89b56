/* vt_ui.h — what sits on top of the 3-D scene: price tags, the product card with its QR code,
 * the basket, the attract screen, the HUD and dialogs, drawn with the renderer's 2-D overlay
 * calls. Sizes follow the frame height, so they read the same on any screen: on a 1080p screen
 * a price is 50 px tall, readable from two metres and more. Nothing here keeps state. */
#ifndef VT_UI_H
#define VT_UI_H

#include "render/vt_render.h"

typedef struct vt_ui_rect { float x, y, w, h; } vt_ui_rect;
static inline int vt_ui_rect_has(const vt_ui_rect *r, float x, float y)
{
    return x >= r->x && y >= r->y && x < r->x + r->w && y < r->y + r->h;
}

/* Where a tag sits relative to its anchor: offset of its top-left corner, and its scale (1: full
 * size). The caller keeps it from frame to frame (hysteresis); set = 0: none yet. */
typedef struct vt_ui_slot {
    float dx, dy, scale;
    int set, leader;         /* leader: drawn with a line to its product */
} vt_ui_slot;

#define VT_UI_MAX_TAGS 64    /* tags laid out at once (the nearest products); others are not shown */

typedef struct vt_ui_tag {
    float ax, ay;            /* anchor: the top of the product, frame pixels; NAN when unknown */
    float depth;             /* metres from the camera; nearer tags win a contested place */
    const char *name, *price;
    const char *was;         /* a promotion: the regular price, drawn struck through; else NULL */
    float opacity;
    float quad[4][2];        /* the product's marker corners in the frame (the anchor's fallback;
                              * all zero: none) */
    vt_ui_slot slot;         /* in: last frame's slot; out: this frame's */
    vt_ui_rect rect;         /* out: where the tag was drawn (w = 0: not shown) */
} vt_ui_tag;

/* The tag layout, pure arithmetic (src/ui/vt_layout.c): one tag per item, each fully on screen
 * and clear of the others and of the avoid rectangles. A tag sits above its anchor; crowded, it
 * moves aside (with a leader line), then shrinks down to min_scale, then goes wherever the screen
 * has room, nearest its anchor first. Last frame's slot is kept while it stays valid, and a tag
 * moved aside returns home once home has room to spare. An anchor off screen or not finite is
 * replaced by the top of the marker quad. */
typedef struct vt_ui_layout_item {
    float ax, ay, depth;
    float quad[4][2];
    float w, h;              /* the tag's size at scale 1; w <= 0: no tag */
    vt_ui_slot prev;
} vt_ui_layout_item;

typedef struct vt_ui_placed {
    vt_ui_rect rect;         /* the tag; meaningful when shown */
    vt_ui_slot slot;
    float ax, ay;            /* the anchor used */
    float lx, ly;            /* where a leader meets the product: on its axis from the marker up
                              * to the anchor, nearest the tag */
    int shown, leader;
} vt_ui_placed;

typedef struct vt_ui_layout_desc {
    int frame_w, frame_h;
    int count;               /* items (out has as many entries; beyond VT_UI_MAX_TAGS: not shown) */
    const vt_ui_rect *avoid; /* basket, card, HUD (up to 8) */
    int navoid;
    float min_scale;         /* the smallest scale a tag may take (0: 0.5) */
} vt_ui_layout_desc;

void vt_ui_layout_tags(const vt_ui_layout_desc *d, const vt_ui_layout_item *items, vt_ui_placed *out);

/* What a product card shows. Strings are borrowed for the call. */
typedef struct vt_ui_card {
    const char *name, *brand, *description;
    const char *dimensions;  /* "120 × 240 × 80 mm", or NULL */
    const char *price, *was; /* was: the regular price during a promotion, else NULL */
    const char *url;         /* encoded as a QR code; NULL: none */
    float ax, ay;            /* the product's middle on screen: the card opens beside it */
    vt_ui_rect keep_clear;   /* what the card must not cover: the product (bounds, marker) and its
                              * tag; w = 0: only (ax, ay) */
    const vt_ui_rect *avoid; /* what else it must not cover (HUD, basket); navoid of them */
    int navoid;
    int side;                /* last frame's side of keep_clear (vt_ui_card_rect), kept while it
                              * covers none of it; 0: none yet */
    float appear;            /* 0..1: opening animation */
    int pressed;             /* the basket button shows a press */
    const char *locale;      /* the visitor's POSIX locale ("fr_FR") for the card's own words
                              * ("Add to basket"); NULL: English */
} vt_ui_card;

/* Draws a tag for each product (name, then price; a promotion in red beside the struck-through
 * regular price), laid out by vt_ui_layout_tags clear of each other and of the avoid rectangles
 * (basket, card, HUD); a name too long for a tag ends with an ellipsis. A tag moved aside is
 * joined to its product by a line. Each tag's slot and rect are written back. On a 1080p frame a
 * price is 50 px tall, never under 24 px when crowded. */
void vt_ui_price_tags(vt_renderer *r, int frame_w, int frame_h, vt_ui_tag *tags, int count, const vt_ui_rect *avoid,
                      int navoid);
/* A discreet one-line banner along the bottom of the frame: a status visitors may see (the camera
 * reconnecting); never errors, paths or catalog problems, which are for staff (log, HUD). */
void vt_ui_banner(vt_renderer *r, int frame_w, int frame_h, const char *text);

/* The product card beside (ax, ay), on the side of keep_clear with room, inside the screen
 * (smaller on a small frame): name (two lines at most, then an ellipsis), brand, wrapped
 * description, dimensions, price, a QR code of the url and an "Add to basket" button; every text
 * stays inside the card. Writes where the card and the button are (for taps) and where the QR
 * code is (may be NULL; empty without a code). VT_ERR_FORMAT when the url
 * does not fit in a QR code: the card is drawn all the same, without one (nothing is logged: this
 * runs every frame, so the caller reports it once). */
vt_result vt_ui_card_draw(vt_renderer *r, int frame_w, int frame_h, const vt_ui_card *c, vt_ui_rect *card,
                          vt_ui_rect *button, vt_ui_rect *qr);
/* Where vt_ui_card_draw puts the card, fully open (for laying the tags out around it); *side
 * (may be NULL) gets the side it is on, for the next frame's c->side. */
vt_ui_rect vt_ui_card_rect(const vt_renderer *r, int frame_w, int frame_h, const vt_ui_card *c, int *side);
/* The basket in the top-right corner: how many items ("2 articles" in the visitor's POSIX locale;
 * NULL: English) and their total (already formatted); pulse 0..1 makes it swell briefly after an
 * addition. Nothing when count is 0. */
void vt_ui_basket(vt_renderer *r, int frame_w, int frame_h, int count, const char *total, float pulse, const char *locale,
                  vt_ui_rect *where);
/* The invitation shown when nothing is on show: the store's name and "Show a product to the
 * camera" in POSIX locale (NULL: English), gently animated by t (seconds); opacity fades it in
 * and out. */
void vt_ui_attract(vt_renderer *r, int frame_w, int frame_h, const char *store, double t, float opacity, const char *locale);
/* Lines of small monospaced-looking text in the top-left corner (frames per second, stage times,
 * then the latest staff messages). */
void vt_ui_hud(vt_renderer *r, int frame_w, int frame_h, const char *const *lines, int n);
/* Where vt_ui_hud draws (w = 0 when n is 0). */
vt_ui_rect vt_ui_hud_rect(const vt_renderer *r, int frame_w, int frame_h, const char *const *lines, int n);
/* A centred question panel (kiosk quit confirmation). */
void vt_ui_dialog(vt_renderer *r, int frame_w, int frame_h, const char *title, const char *hint);

/* ---- the visitor's language selector (src/ui/vt_lang_select.c) ----
 * A row of buttons in the bottom-left corner, each language named in itself ("Français",
 * "日本語"), the current one filled with the accent. Buttons are at least 48 px tall on a 1080p
 * frame (sizes follow the frame height); a row wider than half the frame wraps upwards. */
#define VT_UI_MAX_LANGS 32
typedef struct vt_ui_lang_select {
    const char *const *names;   /* count names, borrowed for the call */
    int count;                  /* at most VT_UI_MAX_LANGS; under 2: nothing is drawn */
    int current;                /* the one the visitor has now */
} vt_ui_lang_select;
/* Where each button goes (buttons: count entries); returns the rectangle around them all
 * (w = 0 when nothing is shown), for the tags and the card to keep clear of. */
vt_ui_rect vt_ui_lang_layout(const vt_renderer *r, int frame_w, int frame_h, const vt_ui_lang_select *s, vt_ui_rect *buttons);
/* Draws it; buttons (may be NULL) gets where each button is, for taps. */
void vt_ui_lang_draw(vt_renderer *r, int frame_w, int frame_h, const vt_ui_lang_select *s, vt_ui_rect *buttons);
/* The button under (x, y), or -1. */
int vt_ui_lang_hit(const vt_ui_rect *buttons, int count, float x, float y);

#endif
