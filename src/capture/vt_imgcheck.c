/* vt_imgcheck.c — an image file looked at before OpenCV decodes it: its format by content, and
 * for JPEG and PNG whether the data is whole. OpenCV hands decoders' warnings to stderr (libjpeg's
 * "Corrupt JPEG data", libpng's "invalid chunk type", OpenEXR's exceptions) and then either
 * returns half a picture without complaint or fails after those lines; checked here first, the
 * one line that comes out is Vitrine's, naming the file. */
#include "vt_imgcheck.h"

#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* ---- JPEG: libjpeg's own reading, at an eighth of the size (every entropy-coded byte is still
 * decoded, so corrupt data shows as a warning), warnings and errors kept instead of printed ---- */
typedef struct jpeg_check {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
} jpeg_check;

static void jpeg_fail(j_common_ptr c)
{
    jpeg_check *k = (jpeg_check *)c->err;
    if (!k->msg[0]) k->mgr.format_message(c, k->msg);
    longjmp(k->jump, 1);
}

static void jpeg_note(j_common_ptr c, int level)
{
    jpeg_check *k = (jpeg_check *)c->err;
    if (level < 0 && !k->msg[0]) k->mgr.format_message(c, k->msg);   /* a warning: corrupt data */
}

static void jpeg_quiet(j_common_ptr c) { (void)c; }

/* Past this an image is refused from its header, before decoding (a 0.8 MB PNG of 16384 x 16384
 * decodes to gigabytes): 64 megapixels holds any phone camera's photo (50 MP: 8160 x 6120). */
#define MAX_IMAGE_PIXELS (64.0 * 1024 * 1024)
#define MAX_IMAGE_SIDE 16384

static vt_result check_size(double w, double h, char *err, size_t errlen)
{
    if (w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE || w * h > MAX_IMAGE_PIXELS) {
        snprintf(err, errlen, _("%.0fx%.0f pixels: larger than Vitrine reads (at most %d megapixels, %d a side)"), w, h,
                 (int)(MAX_IMAGE_PIXELS / (1024 * 1024)), MAX_IMAGE_SIDE);
        return VT_ERR_UNSUPPORTED;
    }
    return VT_OK;
}

static vt_result check_jpeg(const unsigned char *data, size_t len, char *err, size_t errlen)
{
    struct jpeg_decompress_struct d;
    jpeg_check k;
    memset(&k, 0, sizeof k);
    d.err = jpeg_std_error(&k.mgr);
    k.mgr.error_exit = jpeg_fail;
    k.mgr.emit_message = jpeg_note;
    k.mgr.output_message = jpeg_quiet;
    JSAMPLE *volatile row = NULL;   /* volatile: set after setjmp, freed after the jump */
    if (setjmp(k.jump)) {
        jpeg_destroy_decompress(&d);
        free(row);
        snprintf(err, errlen, _("corrupt JPEG data (libjpeg: %s)"), k.msg);
        return VT_ERR_FORMAT;
    }
    jpeg_create_decompress(&d);
    jpeg_mem_src(&d, data, (unsigned long)len);
    jpeg_read_header(&d, TRUE);
    if (check_size(d.image_width, d.image_height, err, errlen) != VT_OK) {
        jpeg_destroy_decompress(&d);
        return VT_ERR_UNSUPPORTED;
    }
    d.scale_num = 1;
    d.scale_denom = 8;
    d.out_color_space = JCS_GRAYSCALE;
    d.dct_method = JDCT_IFAST;
    jpeg_start_decompress(&d);
    row = malloc((size_t)d.output_width * (size_t)d.output_components);
    if (!row) { snprintf(k.msg, sizeof k.msg, _("out of memory")); longjmp(k.jump, 1); }
    while (d.output_scanline < d.output_height && !k.msg[0]) jpeg_read_scanlines(&d, (JSAMPARRAY)&row, 1);
    if (!k.msg[0]) jpeg_finish_decompress(&d);
    jpeg_destroy_decompress(&d);
    free(row);
    if (!k.msg[0]) return VT_OK;
    snprintf(err, errlen, _("corrupt JPEG data (libjpeg: %s)"), k.msg);
    return VT_ERR_FORMAT;
}

/* ---- PNG: every chunk whole, its CRC right, ending with IEND ---- */
static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* Also drops the ancillary chunks but tRNS (colour profiles, gamma, text: nothing OpenCV uses,
 * and what libpng warns about, "iCCP: known incorrect sRGB profile"): *len becomes the length
 * of what is left, moved down in place. */
static vt_result check_png(unsigned char *data, size_t *lenp, char *err, size_t errlen)
{
    size_t at = 8, out = 8, len = *lenp;
    if (len >= 24 && !memcmp(data + 12, "IHDR", 4) && check_size(be32(data + 16), be32(data + 20), err, errlen) != VT_OK)
        return VT_ERR_UNSUPPORTED;
    while (at + 12 <= len) {
        unsigned long n = be32(data + at);
        const unsigned char *type = data + at + 4;
        if (n > len - at - 12) break;
        for (int i = 0; i < 4; i++)
            if (!((type[i] >= 'A' && type[i] <= 'Z') || (type[i] >= 'a' && type[i] <= 'z'))) {
                snprintf(err, errlen, _("corrupt PNG data (a chunk at byte %zu has no valid type)"), at);
                return VT_ERR_FORMAT;
            }
        if (crc32(0, type, (uInt)(n + 4)) != be32(type + 4 + n)) {
            snprintf(err, errlen, _("corrupt PNG data (the %.4s chunk at byte %zu fails its CRC)"), (const char *)type, at);
            return VT_ERR_FORMAT;
        }
        int keep = (type[0] >= 'A' && type[0] <= 'Z') || !memcmp(type, "tRNS", 4);
        if (keep && out != at) memmove(data + out, data + at, 12 + n);
        if (keep) out += 12 + n;
        if (!memcmp(type, "IEND", 4)) { *lenp = out; return VT_OK; }
        at += 12 + n;
    }
    snprintf(err, errlen, _("truncated PNG (the file stops before its IEND chunk)"));
    return VT_ERR_FORMAT;
}

/* ---- the format by content ---- */
typedef enum { FMT_UNKNOWN, FMT_JPEG, FMT_PNG, FMT_OTHER, FMT_GIF, FMT_EXR } fmt;

static fmt sniff(const unsigned char *h, size_t n)
{
    if (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) return FMT_JPEG;
    if (n >= 8 && !memcmp(h, "\x89PNG\r\n\x1a\n", 8)) return FMT_PNG;
    if (n >= 6 && (!memcmp(h, "GIF87a", 6) || !memcmp(h, "GIF89a", 6))) return FMT_GIF;
    if (n >= 4 && !memcmp(h, "\x76\x2f\x31\x01", 4)) return FMT_EXR;
    if ((n >= 2 && !memcmp(h, "BM", 2)) || (n >= 4 && (!memcmp(h, "II*\0", 4) || !memcmp(h, "MM\0*", 4))) ||
        (n >= 12 && !memcmp(h, "RIFF", 4) && !memcmp(h + 8, "WEBP", 4)) ||
        (n >= 2 && h[0] == 'P' && h[1] >= '1' && h[1] <= '7') || (n >= 2 && !memcmp(h, "#?", 2)) ||
        (n >= 4 && !memcmp(h, "\x59\xa6\x6a\x95", 4)) || (n >= 12 && !memcmp(h, "\0\0\0\x0cjP  ", 8)) ||
        (n >= 4 && !memcmp(h, "\xff\x4f\xff\x51", 4)))
        return FMT_OTHER;   /* BMP, TIFF, WebP, PNM/PAM, Radiance HDR, Sun raster, JPEG 2000 */
    return FMT_UNKNOWN;
}

int vt_image_file_is_gif(const char *path)
{
    unsigned char h[8];
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t n = fread(h, 1, sizeof h, f);
    fclose(f);
    return sniff(h, n) == FMT_GIF;
}

vt_result vt_image_file_read(const char *path, unsigned char **out, size_t *outlen, char *err, size_t errlen)
{
    unsigned char *data = NULL;
    size_t len = 0;
    *out = NULL;
    *outlen = 0;
    vt_result r = vt_read_file(path, (char **)&data, &len, err, errlen);
    if (r != VT_OK) return r;
    switch (sniff(data, len)) {
    case FMT_JPEG:
        if (len < 4 || data[len - 2] != 0xFF || data[len - 1] != 0xD9) {
            /* A few bytes of padding after the end marker are common: look at the last 64. */
            size_t i = len < 64 ? 0 : len - 64;
            while (i + 1 < len && !(data[i] == 0xFF && data[i + 1] == 0xD9)) i++;
            if (i + 1 >= len) { snprintf(err, errlen, _("truncated JPEG (the file stops before its end marker)")); r = VT_ERR_FORMAT; }
        }
        if (r == VT_OK) r = check_jpeg(data, len, err, errlen);
        break;
    case FMT_PNG: r = check_png(data, &len, err, errlen); break;
    case FMT_OTHER: break;
    case FMT_GIF:
        snprintf(err, errlen, _("a GIF image: not a format Vitrine reads (convert it to PNG or JPEG)"));
        r = VT_ERR_UNSUPPORTED;
        break;
    case FMT_EXR:
        snprintf(err, errlen, _("an OpenEXR image: not a format Vitrine reads (convert it to PNG or JPEG)"));
        r = VT_ERR_UNSUPPORTED;
        break;
    default:
        snprintf(err, errlen, _("not a readable image (unknown format or corrupt data)"));
        r = VT_ERR_FORMAT;
    }
    if (r != VT_OK) { free(data); return r; }
    *out = data;
    *outlen = len;
    return VT_OK;
}
