/* vt_visitor.h — the visitor stage: what a visitor sees and does around the products on show.
 *
 * Fades as products come and go, the turntable, price tags that glide with their product, the
 * product card (opened by a tap on the product, 1-9 or Tab), the basket, the attract screen when
 * nothing is on show, the visitor's language selector (the store's language until a visitor picks
 * another; again when the attract screen comes back), the demo tour, and the kiosk's keys (F
 * fullscreen, S screenshot, H HUD, L next language,
 * Escape to close a card or, in kiosk mode, to ask before quitting). Time is the caller's (media
 * time for files, so headless renders are reproducible).
 *
 * Ownership: vt_visitor_create gives a state the caller frees with vt_visitor_destroy. The
 * catalog, the shows array, models and analytics given to it are borrowed (they must outlive the
 * next vt_visitor_set_scene or vt_visitor_destroy). */
#ifndef VT_VISITOR_H
#define VT_VISITOR_H

#include "analytics/vt_analytics.h"
#include "catalog/vt_catalog.h"
#include "render/vt_render.h"

typedef struct vt_visitor_show {   /* one catalog product, as the frame loop has it */
    const vt_product *p;
    const vt_model *model;
    vt_gpu_model_id gpu;
    double scale;       /* the model's scale on its marker (a fit for one in the wrong unit); 0: p->scale.
                         * A placeholder model takes neither: it stands on its marker as it is. */
} vt_visitor_show;

typedef struct vt_visitor_desc {
    int kiosk;          /* Escape asks before quitting */
    int tour;           /* the built-in demo: show the card and basket on a loop */
    int tour_promo;     /* the tour also invents a promotion: for the built-in demo catalog only,
                           never on a retailer's own (whose prices it would misstate) */
    int shadows;        /* contact shadows (default on: pass 1) */
    vt_analytics *stats;   /* card and basket events go here; may be NULL */
} vt_visitor_desc;

typedef struct vt_visitor vt_visitor;

/* d may be NULL (all defaults: no kiosk, no tour, no shadows, no analytics). */
vt_result vt_visitor_create(const vt_visitor_desc *d, vt_visitor **out, char *err, size_t errlen);
void vt_visitor_destroy(vt_visitor *v);   /* safe on NULL */

/* The products on show (catalog order, any number); call again after a reload. The basket is
 * kept. On failure (out of memory) nothing is on show until a call succeeds. */
vt_result vt_visitor_set_scene(vt_visitor *v, const vt_catalog *cat, const vt_visitor_show *shows, int n, char *err,
                               size_t errlen);
/* A new frame at time t (seconds). Then vt_visitor_seen for each product whose marker has a pose. */
void vt_visitor_begin(vt_visitor *v, double t, int frame);
void vt_visitor_seen(vt_visitor *v, int product, const double rvec[3], const double tvec[3]);
/* Draws the products (shadow, then model), fading in and out. */
void vt_visitor_draw_scene(vt_visitor *v, vt_renderer *r, const vt_camera *cam);
/* Draws tags, card, basket, attract screen, HUD (hud_lines, n) and dialogs. */
void vt_visitor_draw_ui(vt_visitor *v, vt_renderer *r, const vt_camera *cam, int w, int h, const char *const *hud_lines,
                        int n);

/* What a key asks of the frame loop, beyond the visitor's own state. */
typedef enum vt_visitor_action {
    VT_VISITOR_NONE = 0,
    VT_VISITOR_QUIT,          /* the visitor (or the operator) asked to quit */
    VT_VISITOR_SCREENSHOT,    /* S: save the frame as shown */
    VT_VISITOR_FULLSCREEN,    /* F: toggle fullscreen */
} vt_visitor_action;

/* Input: a key as vt_render_poll_key gives it. */
vt_visitor_action vt_visitor_key(vt_visitor *v, int key);
void vt_visitor_click(vt_visitor *v, const vt_camera *cam, float x, float y);
/* The product under frame pixel (x, y) (a ray through its bounds), or -1. */
int vt_visitor_pick(const vt_visitor *v, const vt_camera *cam, float x, float y);
/* Opens the card of a product (index), as a tap on it would; -1 closes it. */
void vt_visitor_open_card(vt_visitor *v, int product);
int vt_visitor_selected(const vt_visitor *v);
/* The POSIX locale of the language the visitor reads now ("fr_FR"; the catalog's store.locale
 * until they pick another on the selector, or with L, and again when the attract screen comes
 * back): for visitor-facing text drawn outside this stage (vt_tr_lang). Borrowed. */
const char *vt_visitor_locale(const vt_visitor *v);

/* What the last vt_visitor_draw_ui laid out, in frame pixels (for `run --layout-log`). */
typedef struct vt_visitor_box { float x, y, w, h; } vt_visitor_box;   /* w = 0: not on screen */
typedef struct vt_visitor_placed {
    const char *id;              /* the product's catalog id (borrowed from the catalog) */
    float marker[4][2];          /* its marker's corners as posed: top-left, top-right, bottom-right, bottom-left */
    vt_visitor_box tag;          /* its price tag */
    char price[VT_PRICE_FORMAT_LEN];   /* the price on it, as written there (the price at this frame's wall clock) */
    char was[VT_PRICE_FORMAT_LEN];     /* the regular price struck through beside it, "" when none */
} vt_visitor_placed;
#define VT_VISITOR_MAX_LANGS 32   /* = VT_UI_MAX_LANGS */
typedef struct vt_visitor_layout {
    const vt_visitor_placed *products;   /* the products on show; valid until the next draw or set_scene */
    int count;
    int64_t wall_ms;                     /* the wall clock (UTC ms) the frame's prices were taken at */
    vt_visitor_box card, basket, hud;
    const char *language;                /* the visitor's language now (catalog tag, borrowed) */
    const char *const *language_tags;    /* the selector's buttons, nlanguages of them (0: not shown) */
    int nlanguages;
    vt_visitor_box language_buttons[VT_VISITOR_MAX_LANGS];
} vt_visitor_layout;
void vt_visitor_get_layout(const vt_visitor *v, vt_visitor_layout *out);
int vt_visitor_hud(const vt_visitor *v);
int vt_visitor_basket_count(const vt_visitor *v);

#endif
