/* vt_ui.h — what sits on top of the 3-D scene: price tags and status banners, drawn with the
 * renderer's 2-D overlay calls. Sizes follow the frame height so they read the same on any screen. */
#ifndef VT_UI_H
#define VT_UI_H

#include "render/vt_render.h"

typedef struct vt_ui_tag {
    float ax, ay;            /* anchor: the top of the product, frame pixels */
    float depth;             /* metres from the camera; nearer tags win a contested place */
    const char *name, *price;
    float opacity;
} vt_ui_tag;

/* Draws a tag above each anchor (name, then price), nudged so that no two tags overlap. The
 * array is reordered. */
void vt_ui_price_tags(vt_renderer *r, int frame_w, int frame_h, vt_ui_tag *tags, int count);
/* A discreet one-line banner along the bottom of the frame (errors, status). */
void vt_ui_banner(vt_renderer *r, int frame_w, int frame_h, const char *text);

#endif
