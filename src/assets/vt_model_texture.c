/* vt_model_texture.c — textures sized before decoding, downscaled past the soft cap. */
#include "vt_model_texture.h"
#include "vt_model_io.h"
#include "vt_model_limits.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static uint32_t le32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* JPEG: the first start-of-frame segment's sides, walking the segments from the SOI marker. */
static int jpeg_size(const unsigned char *d, size_t n, uint32_t *w, uint32_t *h, int *bpp)
{
    size_t i = 2;
    while (i + 4 <= n) {
        if (d[i] != 0xFF) return 0;
        unsigned m = d[i + 1];
        if (m == 0xFF) { i++; continue; }   /* fill byte */
        if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { i += 2; continue; }
        unsigned len = be16(d + i + 2);
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (i + 10 > n) return 0;
            *h = be16(d + i + 5);
            *w = be16(d + i + 7);
            *bpp = d[i + 9] ? d[i + 9] : 1;
            return 1;
        }
        if (len < 2) return 0;
        i += 2 + len;
    }
    return 0;
}

vt_result vt_texture_header(const unsigned char *d, size_t n, int *w, int *h, int *bpp)
{
    static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
    uint32_t W = 0, H = 0;
    int ok = 0;
    *bpp = 4;
    if (n >= 26 && !memcmp(d, png, 8) && !memcmp(d + 12, "IHDR", 4)) {
        W = be32(d + 16);
        H = be32(d + 20);
        *bpp = 8;   /* 16-bit RGBA at most, as decoded */
        ok = 1;
    } else if (n >= 4 && d[0] == 0xFF && d[1] == 0xD8) {
        ok = jpeg_size(d, n, &W, &H, bpp);
    } else if (n >= 26 && d[0] == 'B' && d[1] == 'M') {
        int32_t sw = (int32_t)le32(d + 18), sh = (int32_t)le32(d + 22);
        W = sw < 0 ? 0 : (uint32_t)sw;
        H = sh == INT32_MIN ? 0 : (uint32_t)(sh < 0 ? -sh : sh);
        ok = 1;
    }
    if (!ok || !W || !H) return VT_ERR_FORMAT;
    *w = W > INT32_MAX ? INT32_MAX : (int)W;
    *h = H > INT32_MAX ? INT32_MAX : (int)H;
    return VT_OK;
}

static vt_result fatal(vt_tex_ctx *c, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static vt_result fatal(vt_tex_ctx *c, const char *name, const char *fmt, ...)
{
    char why[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, vt_tr(fmt), ap);   /* in the staff's language (xgettext's keyword) */
    va_end(ap);
    if (!c->fatal) snprintf(c->err, sizeof c->err, _("%s: texture %s: %s"), c->model_path, name, why);
    c->fatal = VT_ERR_FORMAT;
    return VT_ERR_FORMAT;
}

/* A texture of w x h may be decoded: within the hard limit and the model's budget (decoding
 * takes bpp bytes a pixel, then 4 for RGBA; the downscaled copy and the model's own). */
static vt_result admit(vt_tex_ctx *c, const char *name, int w, int h, int bpp)
{
    if (w > VT_MODEL_TEXTURE_HARD_LIMIT || h > VT_MODEL_TEXTURE_HARD_LIMIT)
        return fatal(c, name, "%dx%d pixels (at most %d a side)", w, h, VT_MODEL_TEXTURE_HARD_LIMIT);
    double cap = (double)VT_MODEL_TEXTURE_SOFT_CAP * VT_MODEL_TEXTURE_SOFT_CAP;
    double px = (double)w * h, kept = px < cap ? px : cap;
    c->bytes += px * (bpp + 4) + kept * 4 * 2;
    if (c->bytes > VT_MODEL_MAX_BYTES)
        return fatal(c, name, "loading the model with it would take about %.0f MB (a model may take %.0f MB)", c->bytes / 1048576,
                     VT_MODEL_MAX_BYTES / 1048576);
    return VT_OK;
}

/* Past the soft cap, img is replaced by an area-averaged copy whose longer side is the cap. */
static vt_result downscale(vt_tex_ctx *c, const char *name, vtcv_mat *img)
{
    vt_image v = vtcv_mat_view(img);
    int side = v.width > v.height ? v.width : v.height;
    if (side <= VT_MODEL_TEXTURE_SOFT_CAP) return VT_OK;
    double s = (double)VT_MODEL_TEXTURE_SOFT_CAP / side;
    int w = (int)(v.width * s + 0.5), h = (int)(v.height * s + 0.5);
    if (w < 1) w = 1;
    if (h < 1) h = 1;
    vtcv_mat *small = vtcv_mat_create();
    vt_result r = small ? vtcv_mat_alloc(small, VT_PIX_RGBA8, w, h) : VT_ERR_NO_MEMORY;
    vt_image sv = vtcv_mat_view(small);
    if (r == VT_OK) r = vtcv_resize_area(&v, &sv);
    if (r == VT_OK) r = vtcv_mat_copy(img, &sv);
    vtcv_mat_destroy(small);
    if (r == VT_OK)
        VT_WARN("assets", "%s: texture %s is %dx%d pixels; downscaled to %dx%d (at most %d a side)", c->model_path, name, v.width,
                v.height, w, h, VT_MODEL_TEXTURE_SOFT_CAP);
    return r;
}

/* An encoded image (PNG, JPEG, BMP), sized from its header first. */
static vt_result decode_encoded(vt_tex_ctx *c, const char *name, const void *data, size_t n, vtcv_mat *img)
{
    int w, h, bpp;
    char err[256];
    if (vt_texture_header(data, n, &w, &h, &bpp) != VT_OK) {
        VT_WARN("assets", "%s: texture %s: not a PNG, JPEG or BMP image; drawn without it", c->model_path, name);
        return VT_ERR_FORMAT;
    }
    vt_result r = admit(c, name, w, h, bpp);
    if (r != VT_OK) return r;
    r = vtcv_decode_rgba(NULL, data, n, img, err, sizeof err);
    if (r != VT_OK) {
        VT_WARN("assets", "%s: texture %s: %s; drawn without it", c->model_path, name, err);
        return r;
    }
    vt_image v = vtcv_mat_view(img);
    if (v.width > w || v.height > h) return fatal(c, name, "decoded to %dx%d, larger than its header's %dx%d", v.width, v.height, w, h);
    return downscale(c, name, img);
}

/* The embedded texture a material names: "*N" by index, or by file name (GLB images). */
static const struct aiTexture *embedded(const struct aiScene *sc, const char *name)
{
    if (name[0] == '*') {
        char *end;
        long i = strtol(name + 1, &end, 10);
        return (*end == 0 && i >= 0 && (unsigned long)i < sc->mNumTextures) ? sc->mTextures[i] : NULL;
    }
    const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
    for (unsigned i = 0; i < sc->mNumTextures; i++) {
        const char *f = sc->mTextures[i]->mFilename.data;
        const char *fb = strrchr(f, '/') ? strrchr(f, '/') + 1 : f;
        if (sc->mTextures[i]->mFilename.length && !strcmp(fb, base)) return sc->mTextures[i];
    }
    return NULL;
}

/* Raw BGRA texels in the scene: sized by assimp, swizzled to RGBA. */
static vt_result decode_raw(vt_tex_ctx *c, const char *name, const struct aiTexture *emb, vtcv_mat *img)
{
    int w = emb->mWidth > INT32_MAX ? INT32_MAX : (int)emb->mWidth, h = emb->mHeight > INT32_MAX ? INT32_MAX : (int)emb->mHeight;
    vt_result r = admit(c, name, w, h, 4);
    if (r != VT_OK) return r;
    vt_image raw = vt_image_wrap(VT_PIX_RGBA8, w, h, 0, emb->pcData);
    r = vtcv_mat_copy(img, &raw);
    vt_image v = vtcv_mat_view(img);
    for (int y = 0; r == VT_OK && y < v.height; y++)
        for (int x = 0; x < v.width; x++) {
            uint8_t *px = vt_image_row(&v, y) + x * 4, b = px[0];
            px[0] = px[2];
            px[2] = b;
        }
    return r == VT_OK ? downscale(c, name, img) : r;
}

vt_result vt_texture_decode(const void *data, size_t n, const char *name, vt_tex_ctx *c, vtcv_mat *img)
{
    return decode_encoded(c, name, data, n, img);
}

vt_result vt_texture_load(const struct aiScene *sc, const char *name, vt_tex_ctx *c, vtcv_mat *img)
{
    const struct aiTexture *emb = embedded(sc, name);
    if (emb && emb->mHeight == 0) return decode_encoded(c, name, emb->pcData, emb->mWidth, img);
    if (emb) return decode_raw(c, name, emb, img);
    char full[4096], why[200];
    const char *slash = strrchr(c->model_path, '/');
    int dl = slash ? (int)(slash - c->model_path + 1) : 0;
    snprintf(full, sizeof full, "%.*s%s", dl, c->model_path, name);
    char *data;
    size_t n;
    vt_result r = vt_model_read(full, &data, &n, why, sizeof why);
    /* Not a regular file, or too big: refused. Missing or unreadable: the retailer's to fix. */
    if (r == VT_ERR_ARG) return fatal(c, name, "%s", why);
    if (r != VT_OK) {
        VT_WARN("assets", "%s: texture %s: %s; drawn without it", c->model_path, name, why);
        return r;
    }
    r = decode_encoded(c, name, data, n, img);
    free(data);
    return r;
}
