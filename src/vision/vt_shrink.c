/* vt_shrink.c — a grey frame averaged down by an integer factor. */
#include "vt_shrink.h"
#include "cv/vt_cv.h"

#include <stdlib.h>
#include <string.h>

vt_result vt_shrink_ensure(vt_image *im, int w, int h)
{
    if (im->data && im->width == w && im->height == h) return VT_OK;
    vt_image_free(im);
    return vt_image_alloc(im, VT_PIX_GREY8, w, h);
}

void vt_shrink_free(vt_shrink *k)
{
    free(k->acc);
    vt_image_free(&k->half[0]);
    vt_image_free(&k->half[1]);
    memset(k, 0, sizeof *k);
}

/* Rows summed into a 16-bit row (vectorises), then groups of f columns. */
static void box16(uint16_t *restrict acc, const vt_image *src, vt_image *dst, int f)
{
    const int w = dst->width, h = dst->height, sw = w * f, area = f * f, half = area / 2;
    for (int y = 0; y < h; y++) {
        const uint8_t *restrict r0 = vt_image_row(src, y * f);
        for (int x = 0; x < sw; x++) acc[x] = r0[x];
        for (int k = 1; k < f; k++) {
            const uint8_t *restrict r = vt_image_row(src, y * f + k);
            for (int x = 0; x < sw; x++) acc[x] += r[x];
        }
        uint8_t *restrict o = vt_image_row(dst, y);
        for (int x = 0; x < w; x++) {
            unsigned sum = 0;
            for (int k = 0; k < f; k++) sum += acc[x * f + k];
            o[x] = (uint8_t)((sum + half) / area);
        }
    }
}

/* The same with 32-bit sums, for odd factors above 15 (a 16-bit sum would overflow). */
static void box32(uint32_t *restrict acc, const vt_image *src, vt_image *dst, int f)
{
    const int w = dst->width, h = dst->height, sw = w * f;
    const uint64_t area = (uint64_t)f * (uint64_t)f;
    for (int y = 0; y < h; y++) {
        memset(acc, 0, (size_t)sw * sizeof *acc);
        for (int k = 0; k < f; k++) {
            const uint8_t *restrict r = vt_image_row(src, y * f + k);
            for (int x = 0; x < sw; x++) acc[x] += r[x];
        }
        uint8_t *restrict o = vt_image_row(dst, y);
        for (int x = 0; x < w; x++) {
            uint64_t sum = 0;
            for (int k = 0; k < f; k++) sum += acc[x * f + k];
            o[x] = (uint8_t)((sum + area / 2) / area);
        }
    }
}

/* OpenCV's INTER_AREA has a fast path for halving only (other factors take ten times longer):
 * even factors are halved with it, each half into the buffer the previous step did not read,
 * and what odd factor remains is done here. */
vt_result vt_shrink_by(vt_shrink *k, const vt_image *src, vt_image *dst, int f)
{
    if (f < 1 || !dst->data) return VT_ERR_ARG;
    const vt_image *cur = src;
    int turn = 0;
    while (f % 2 == 0) {
        int hw = dst->width * (f / 2), hh = dst->height * (f / 2);
        vt_image view = vt_image_wrap(VT_PIX_GREY8, hw * 2, hh * 2, cur->stride, cur->data);
        vt_image *next = f == 2 ? dst : &k->half[turn];
        if (next != dst && vt_shrink_ensure(next, hw, hh) != VT_OK) return VT_ERR_NO_MEMORY;
        if (vtcv_resize_area(&view, next) != VT_OK) return VT_ERR_INTERNAL;
        if (f == 2) return VT_OK;
        cur = next;
        turn ^= 1;
        f /= 2;
    }
    if (f == 1) {
        for (int y = 0; y < dst->height; y++) memcpy(vt_image_row(dst, y), vt_image_row(cur, y), (size_t)dst->width);
        return VT_OK;
    }
    size_t need = (size_t)cur->width * sizeof(uint32_t);
    if (need > k->acc_cap) {
        uint32_t *n = realloc(k->acc, need);
        if (!n) return VT_ERR_NO_MEMORY;
        k->acc = n;
        k->acc_cap = need;
    }
    if (f * f * 255 <= 65535) box16((uint16_t *)k->acc, cur, dst, f);
    else box32(k->acc, cur, dst, f);
    return VT_OK;
}
