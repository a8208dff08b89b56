/* vt_ui_internal.h — shared inside src/ui only: the palette. */
#ifndef VT_UI_INTERNAL_H
#define VT_UI_INTERNAL_H

#include "ui/vt_ui.h"

#include <stddef.h>

/* One palette: white panels, near-black ink, a blue accent, promotions in red. */
static const float k_ink[3] = { 0.10f, 0.11f, 0.13f }, k_accent[3] = { 0.09f, 0.36f, 0.87f },
                   k_promo[3] = { 0.85f, 0.16f, 0.13f }, k_muted[3] = { 0.45f, 0.46f, 0.50f };

static inline void vt_ui_rgba(float out[4], const float c[3], float a)
{
    out[0] = c[0]; out[1] = c[1]; out[2] = c[2]; out[3] = a;
}

#endif
