/* vt_ui.h — what sits on top of the 3-D scene: price tags, the product card with its QR code,
 * the basket, the attract screen, the HUD and dialogs, drawn with the renderer's 2-D overlay
 * calls. Sizes follow the frame height, so they read the same on any screen: on a 1080p screen
 * a price is 50 px tall, readable from two metres and more. Nothing here keeps state. */
#ifndef VT_UI_H
#define VT_UI_H

#include "render/vt_render.h"

typedef struct vt_ui_tag {
    float ax, ay;            /* anchor: the top of the product, frame pixels */
    float depth;             /* metres from the camera; nearer tags win a contested place */
    const char *name, *price;
    const char *was;         /* a promotion: the regular price, drawn struck through; else NULL */
    float opacity;
} vt_ui_tag;

/* What a product card shows. Strings are borrowed for the call. */
typedef struct vt_ui_card {
    const char *name, *brand, *description;
    const char *dimensions;  /* "120 × 240 × 80 mm", or NULL */
    const char *price, *was; /* was: the regular price during a promotion, else NULL */
    const char *url;         /* encoded as a QR code; NULL: none */
    float ax, ay;            /* the product's middle on screen: the card opens beside it */
    float appear;            /* 0..1: opening animation */
    int pressed;             /* the basket button shows a press */
} vt_ui_card;

typedef struct vt_ui_rect { float x, y, w, h; } vt_ui_rect;
static inline int vt_ui_rect_has(const vt_ui_rect *r, float x, float y)
{
    return x >= r->x && y >= r->y && x < r->x + r->w && y < r->y + r->h;
}

/* Draws a tag above each anchor (name, then price; a promotion in red beside the struck-through
 * regular price), nudged so that no two tags overlap and none covers the avoid rectangles (the
 * basket). The array is reordered. */
void vt_ui_price_tags(vt_renderer *r, int frame_w, int frame_h, vt_ui_tag *tags, int count, const vt_ui_rect *avoid,
                      int navoid);
/* A discreet one-line banner along the bottom of the frame: a status visitors may see (the camera
 * reconnecting); never errors, paths or catalog problems, which are for staff (log, HUD). */
void vt_ui_banner(vt_renderer *r, int frame_w, int frame_h, const char *text);

/* The product card beside (ax, ay): name, brand, wrapped description, dimensions, price, a QR
 * code of the url and an "Add to basket" button. Writes where the card and the button are (for
 * taps) and where the QR code is (may be NULL; empty without a code). VT_ERR_FORMAT when the url
 * does not fit in a QR code: the card is drawn all the same, without one (nothing is logged: this
 * runs every frame, so the caller reports it once). */
vt_result vt_ui_card_draw(vt_renderer *r, int frame_w, int frame_h, const vt_ui_card *c, vt_ui_rect *card,
                          vt_ui_rect *button, vt_ui_rect *qr);
/* The basket in the top-right corner: how many items and their total (already formatted);
 * pulse 0..1 makes it swell briefly after an addition. Nothing when count is 0. */
void vt_ui_basket(vt_renderer *r, int frame_w, int frame_h, int count, const char *total, float pulse, vt_ui_rect *where);
/* The invitation shown when nothing is on show: the store's name and "Show a product to the
 * camera", gently animated by t (seconds); opacity fades it in and out. */
void vt_ui_attract(vt_renderer *r, int frame_w, int frame_h, const char *store, double t, float opacity);
/* Lines of small monospaced-looking text in the top-left corner (frames per second, stage times,
 * then the latest staff messages). */
void vt_ui_hud(vt_renderer *r, int frame_w, int frame_h, const char *const *lines, int n);
/* A centred question panel (kiosk quit confirmation). */
void vt_ui_dialog(vt_renderer *r, int frame_w, int frame_h, const char *title, const char *hint);

#endif
