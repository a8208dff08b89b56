/* vt_model_texture.h — internal to assets/: a model's textures, sized from their PNG/JPEG/BMP
 * header before they are decoded, within the limits of vt_model_limits.h. */
#ifndef VT_MODEL_TEXTURE_H
#define VT_MODEL_TEXTURE_H

#include "core/vt_core.h"
#include "cv/vt_cv.h"

#include <assimp/scene.h>

/* One model's texture loading: what it has taken so far (bytes, starting at the mesh estimate),
 * and the first problem that refuses the whole model (fatal, err: "FILE: texture NAME: ..."). */
typedef struct vt_tex_ctx {
    const char *model_path;
    double bytes;
    vt_result fatal;
    char err[512];
} vt_tex_ctx;

/* Width, height and the bytes a pixel takes decoded, from an encoded image's header: VT_OK for
 * PNG, JPEG and BMP with non-zero sides, VT_ERR_FORMAT otherwise. */
vt_result vt_texture_header(const unsigned char *d, size_t n, int *w, int *h, int *bpp);
/* The pixels (RGBA8) of the texture a material names: embedded in the scene or a file beside the
 * model. Past VT_MODEL_TEXTURE_SOFT_CAP a side it is downscaled (a warning); past the hard limit,
 * over the model's budget, or a file that is not a regular one, ctx->fatal is set. A missing or
 * undecodable texture is a warning: the model is drawn without it. VT_OK when img holds it. */
vt_result vt_texture_load(const struct aiScene *sc, const char *name, vt_tex_ctx *ctx, vtcv_mat *img);
/* The same for an encoded image in memory (n bytes; a map assimp does not load), named name in
 * warnings. */
vt_result vt_texture_decode(const void *data, size_t n, const char *name, vt_tex_ctx *ctx, vtcv_mat *img);

#endif
