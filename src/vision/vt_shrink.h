/* vt_shrink.h — inside vision/: a grey frame averaged down by an integer factor (not a public
 * header). The scan segments at reduced resolution; this is that reduction.
 *
 * Ownership: a vt_shrink (zeroed to start) owns its working buffers until vt_shrink_free. */
#ifndef VT_SHRINK_H
#define VT_SHRINK_H

#include "core/vt_core.h"

typedef struct vt_shrink {
    uint32_t *acc;            /* row sums: 16-bit while f x f x 255 fits, else 32-bit */
    size_t acc_cap;           /* bytes */
    vt_image half[2];         /* the halved frames of even factors, used in turn */
} vt_shrink;

/* dst (allocated, its size sets the output) = the top-left dst->width*f x dst->height*f pixels
 * of src averaged over f x f blocks, any f >= 1. */
vt_result vt_shrink_by(vt_shrink *k, const vt_image *src, vt_image *dst, int f);
void vt_shrink_free(vt_shrink *k);
/* im (owned, grey) reallocated to w x h when its size differs. */
vt_result vt_shrink_ensure(vt_image *im, int w, int h);

#endif
