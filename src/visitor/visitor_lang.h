/* visitor_lang.h — private to src/visitor: the visitor's current language and its selector
 * (vt_visitor_lang.c). */
#ifndef VT_VISITOR_LANG_H
#define VT_VISITOR_LANG_H

#include "catalog/vt_catalog.h"
#include "ui/vt_ui.h"

typedef struct visitor_lang {
    const vt_catalog *cat;       /* borrowed; its languages are the choice */
    int current;                 /* index in cat->languages */
    char locale[64];             /* current's POSIX locale, for vt_tr_lang ("ja_JP") */
    char tag[64];                /* current's tag, kept apart: at a reload the old catalog is gone
                                  * before the new one comes */
    int count;                   /* languages offered (at most VT_UI_MAX_LANGS); under 2: no selector */
    char names[VT_UI_MAX_LANGS][96];   /* each in its own name */
    const char *name_ptrs[VT_UI_MAX_LANGS];
    vt_ui_rect buttons[VT_UI_MAX_LANGS], rect;   /* where the last draw put them (rect.w = 0: nowhere) */
} visitor_lang;

/* The languages of cat (NULL: none); the current one is kept when cat still offers it, else the
 * store's. */
void visitor_lang_set_catalog(visitor_lang *l, const vt_catalog *cat);
/* Makes language i current (a NOTE for staff when it changes); returns 1 when it changed. */
int visitor_lang_pick(visitor_lang *l, int i, const char *why);
/* Back to the store's language (the attract screen came back); quiet. */
void visitor_lang_reset(visitor_lang *l);
/* The tag for vt_product_text: NULL for the store's language (its own texts). */
const char *visitor_lang_tag(const visitor_lang *l);
/* Where the selector goes this frame (w = 0: not shown), remembered for taps. */
vt_ui_rect visitor_lang_place(visitor_lang *l, const vt_renderer *r, int w, int h);
void visitor_lang_draw(visitor_lang *l, vt_renderer *r, int w, int h);
/* A tap at (x, y): 1 when it was on the selector (a button picks its language). */
int visitor_lang_click(visitor_lang *l, float x, float y);

#endif
