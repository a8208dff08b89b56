/* vt_lang_select.c — the visitor's language selector: a row of touch-sized buttons, each
 * language in its own name, in the bottom-left corner (the banner is centred, the HUD top left,
 * the basket top right). */
#include "vt_ui_internal.h"

#include <math.h>

/* Design units are for a 720-line frame: 34 units are 51 px at 1080p, over the 48 px a finger
 * needs. */
#define BTN_H 34.0f
#define BTN_TEXT 17.0f
#define BTN_PAD 14.0f
#define BTN_GAP 8.0f
#define MARGIN 16.0f

vt_ui_rect vt_ui_lang_layout(const vt_renderer *r, int fw, int fh, const vt_ui_lang_select *s, vt_ui_rect *buttons)
{
    int n = s && s->names ? (s->count < VT_UI_MAX_LANGS ? s->count : VT_UI_MAX_LANGS) : 0;
    if (n < 2) return (vt_ui_rect){ 0, 0, 0, 0 };
    float u = fh / 720.0f, h = BTN_H * u, gap = BTN_GAP * u, m = MARGIN * u;
    float max_w = fmaxf(fw * 0.5f, 200 * u);
    /* Rows laid out left to right, each row above the one after it, the last row at the bottom. */
    float x = 0, w_all = 0;
    int row = 0, row_of[VT_UI_MAX_LANGS];
    for (int i = 0; i < n; i++) {
        /* 2 units to spare: the name fitted into it below is measured again, rounded otherwise. */
        float w = fminf(vt_render_text_width(r, BTN_TEXT * u, s->names[i] ? s->names[i] : "") + (2 * BTN_PAD + 2) * u, max_w);
        w = fmaxf(w, h * 1.4f);   /* short names still make a wide enough target */
        if (x > 0 && x + w > max_w) { row++; x = 0; }
        buttons[i] = (vt_ui_rect){ m + x, 0, w, h };
        row_of[i] = row;
        x += w + gap;
        w_all = fmaxf(w_all, x - gap);
    }
    float bottom = fh - m;
    for (int i = 0; i < n; i++) buttons[i].y = bottom - (row + 1 - row_of[i]) * (h + gap) + gap;
    float top = buttons[0].y;
    return (vt_ui_rect){ m, top, w_all, bottom - top };
}

void vt_ui_lang_draw(vt_renderer *r, int fw, int fh, const vt_ui_lang_select *s, vt_ui_rect *buttons)
{
    vt_ui_rect b[VT_UI_MAX_LANGS];
    vt_ui_rect all = vt_ui_lang_layout(r, fw, fh, s, b);
    int n = all.w > 0 ? (s->count < VT_UI_MAX_LANGS ? s->count : VT_UI_MAX_LANGS) : 0;
    float u = fh / 720.0f, px = BTN_TEXT * u;
    float shadow[4] = { 0, 0, 0, 0.22f }, panel[4] = { 1, 1, 1, 0.94f }, white[4] = { 1, 1, 1, 1 }, ink[4], acc[4];
    vt_ui_rgba(ink, k_ink, 1);
    vt_ui_rgba(acc, k_accent, 1);
    for (int i = 0; i < n; i++) {
        int on = i == s->current;
        const vt_text_box fit = { b[i].w - 2 * BTN_PAD * u, 1, 0, VT_TEXT_CENTRE };   /* ellipsised when too long */
        vt_render_rect(r, b[i].x + 2 * u, b[i].y + 3 * u, b[i].w, b[i].h, shadow);
        vt_render_rect(r, b[i].x, b[i].y, b[i].w, b[i].h, on ? acc : panel);
        if (!on) vt_render_rect(r, b[i].x, b[i].y + b[i].h - 3 * u, b[i].w, 3 * u, acc);   /* a button, not a label */
        vt_render_text_box(r, b[i].x + BTN_PAD * u, b[i].y + b[i].h * 0.5f + px * 0.36f, px, s->names[i] ? s->names[i] : "",
                           &fit, on ? white : ink);
    }
    for (int i = 0; buttons && i < n; i++) buttons[i] = b[i];
}

int vt_ui_lang_hit(const vt_ui_rect *buttons, int count, float x, float y)
{
    for (int i = 0; buttons && i < count && i < VT_UI_MAX_LANGS; i++)
        if (vt_ui_rect_has(&buttons[i], x, y)) return i;
    return -1;
}
