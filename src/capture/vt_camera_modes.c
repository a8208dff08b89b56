/* vt_camera_modes.c — which of a camera's modes to open, and camera control values checked: pure
 * functions (no device), so they are tested on the mode tables of real cameras. */
#include "capture/vt_capture.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h> /* strcasecmp */

#define VT_GOOD_FPS 29.5   /* "30 frames/s": NTSC cameras give 29.97 */

vt_result vt_camera_control_check(const char *what, const char *value, char *err, size_t errlen)
{
    if (!what || (strcmp(what, "exposure") && strcmp(what, "focus") && strcmp(what, "white_balance"))) {
        snprintf(err, errlen, _("unknown camera control '%s' (exposure, focus or white_balance)"), what ? what : "");
        return VT_ERR_ARG;
    }
    if (!value || !strcmp(value, "auto") || !strcmp(value, "locked")) return VT_OK;
    char *end = NULL;
    long v = (*value >= '0' && *value <= '9') ? strtol(value, &end, 10) : -1;
    if (v < 0 || v > 1000000 || !end || *end) {
        snprintf(err, errlen, _("%s '%s': expected auto, locked or a whole number (0 .. 1000000)"), what, value);
        return VT_ERR_ARG;
    }
    return VT_OK;
}

/* Compressed formats cost a decode and add artefacts: at a size and rate a raw format also
 * reaches, raw is better; MJPEG (each frame whole) before the codecs with frames between frames. */
static int format_rank(const char *f)
{
    static const char *const jpeg[] = { "MJPG", "JPEG" };
    static const char *const codecs[] = { "H264", "H265", "HEVC", "VP80", "VP90", "MPG4", "MPG2", "MPG1", "M4S2", "XVID", "AV1F" };
    for (size_t i = 0; i < sizeof jpeg / sizeof *jpeg; i++)
        if (!strcasecmp(f, jpeg[i])) return 1;
    for (size_t i = 0; i < sizeof codecs / sizeof *codecs; i++)
        if (!strcasecmp(f, codecs[i])) return 2;
    return 0;
}

static int same_fps(double a, double b) { return fabs(a - b) <= 0.01 * b + 0.01; }

static int matches(const vt_camera_mode *m, int width, int height, double fps, const char *format)
{
    return (!width || m->width == width) && (!height || m->height == height) && (fps <= 0 || same_fps(m->fps, fps)) &&
           (!format || !*format || !strcasecmp(m->format, format));
}

/* Whether a is better than b among modes of the same standing: larger, then a better format,
 * then faster (lower latency, less motion blur). */
static int better(const vt_camera_mode *a, const vt_camera_mode *b)
{
    long aa = (long)a->width * a->height, ab = (long)b->width * b->height;
    if (aa != ab) return aa > ab;
    int ra = format_rank(a->format), rb = format_rank(b->format);
    if (ra != rb) return ra < rb;
    return a->fps > b->fps + 1e-9;
}

/* The best of the modes that match, no larger than max_area pixels (0: any): the largest at 30
 * frames/s or more; where none reaches that, the fastest rate and, at it, the largest. -1 when
 * none match. */
static int best_within(const vt_camera_mode *modes, int n, int width, int height, double fps, const char *format,
                       long max_area)
{
    int best = -1;
    double top = 0;
    for (int i = 0; i < n; i++)
        if (matches(&modes[i], width, height, fps, format) && (!max_area || (long)modes[i].width * modes[i].height <= max_area) &&
            modes[i].fps > top)
            top = modes[i].fps;
    double floor = top >= VT_GOOD_FPS ? VT_GOOD_FPS : top - 0.01 * top - 0.01;
    for (int i = 0; i < n; i++) {
        if (!matches(&modes[i], width, height, fps, format) || modes[i].fps < floor) continue;
        if (max_area && (long)modes[i].width * modes[i].height > max_area) continue;
        if (best < 0 || better(&modes[i], &modes[best])) best = i;
    }
    return best;
}

/* With no size asked, at most 1920x1080: a 4K frame costs a kiosk without a GPU four times the
 * capture, detection and drawing of a 1080p one and shows nothing a shelf needs; a camera that
 * has nothing that small opens at its best anyway. */
static int best_matching(const vt_camera_mode *modes, int n, int width, int height, double fps, const char *format)
{
    int best = -1;
    if (!width && !height) best = best_within(modes, n, width, height, fps, format, 1920L * 1080);
    return best >= 0 ? best : best_within(modes, n, width, height, fps, format, 0);
}

/* Bounded appending to err. */
static void put(char *buf, size_t len, size_t *at, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
    if (*at + 1 >= len) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *at, len - *at, fmt, ap);
    va_end(ap);
    if (k > 0) *at = *at + (size_t)k < len ? *at + (size_t)k : len - 1;
}

static void put_fps(char *buf, size_t len, size_t *at, double fps)
{
    if (fps <= 0) put(buf, len, at, "?");
    else if (fabs(fps - floor(fps + 0.5)) < 0.005) put(buf, len, at, "%.0f", fps);
    else put(buf, len, at, "%.2f", fps);
}

typedef struct size_key {
    int w, h;
} size_key;

static int cmp_size(const void *pa, const void *pb)
{
    const size_key *a = pa, *b = pb;
    long aa = (long)a->w * a->h, ab = (long)b->w * b->h;
    if (aa != ab) return aa > ab ? -1 : 1;
    return (a->w < b->w) - (a->w > b->w);
}

/* "MJPG 1280x720 at 30/15, 640x480 at 30": one format's sizes, biggest first, with their rates in
 * table order; at most max_sizes of them; only w x h where w is not 0. */
static void put_format(char *buf, size_t len, size_t *at, const vt_camera_mode *modes, int n, const char *format, int w,
                       int h, int max_sizes)
{
    size_key sizes[64];
    int ns = 0;
    for (int i = 0; i < n && ns < 64; i++) {
        if (strcasecmp(modes[i].format, format) || (w && (modes[i].width != w || modes[i].height != h))) continue;
        int seen = 0;
        for (int j = 0; j < ns && !seen; j++) seen = sizes[j].w == modes[i].width && sizes[j].h == modes[i].height;
        if (!seen) sizes[ns++] = (size_key){ modes[i].width, modes[i].height };
    }
    qsort(sizes, (size_t)ns, sizeof *sizes, cmp_size);
    put(buf, len, at, "%s", format);
    for (int k = 0; k < ns; k++) {
        if (k == max_sizes) { put(buf, len, at, ", ..."); break; }
        put(buf, len, at, "%s %dx%d %s ", k ? "," : "", sizes[k].w, sizes[k].h, _("at"));
        for (int j = 0, rates = 0; j < n; j++)
            if (!strcasecmp(modes[j].format, format) && modes[j].width == sizes[k].w && modes[j].height == sizes[k].h) {
                if (rates++) put(buf, len, at, "/");
                put_fps(buf, len, at, modes[j].fps);
            }
    }
}

/* Whether the camera has w x h (in format, where given). */
static int has_size(const vt_camera_mode *modes, int n, int w, int h, const char *format)
{
    for (int i = 0; i < n; i++)
        if (modes[i].width == w && modes[i].height == h && (!format || !*format || !strcasecmp(modes[i].format, format))) return 1;
    return 0;
}

/* The formats in table order, each once; into fmts (up to cap), returns how many. */
static int formats_of(const vt_camera_mode *modes, int n, const char **fmts, int cap)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        int seen = 0;
        for (int j = 0; j < k && !seen; j++) seen = !strcasecmp(fmts[j], modes[i].format);
        if (!seen && k < cap) fmts[k++] = modes[i].format;
    }
    return k;
}

static void explain(const vt_camera_mode *modes, int n, int width, int height, double fps, const char *format, char *err,
                    size_t errlen)
{
    size_t at = 0;
    const char *fmts[16];
    int nf = formats_of(modes, n, fmts, 16), have_format = 0;
    for (int i = 0; i < nf; i++) have_format |= format && *format && !strcasecmp(fmts[i], format);
    put(err, errlen, &at, "%s", _("asked"));
    if (width && height) put(err, errlen, &at, " %dx%d", width, height);
    else if (width) put(err, errlen, &at, _(" width %d"), width);
    else if (height) put(err, errlen, &at, _(" height %d"), height);
    if (format && *format) put(err, errlen, &at, " %s", format);
    if (fps > 0) { put(err, errlen, &at, " %s ", _("at")); put_fps(err, errlen, &at, fps); }
    if (format && *format && !have_format) {
        put(err, errlen, &at, _("; the camera has no %s, it gives "), format);
        for (int i = 0; i < nf; i++) put(err, errlen, &at, "%s%s", i ? ", " : "", fmts[i]);
        return;
    }
    /* The size asked exists (at another rate): its rates say it all. */
    int only = width && height && has_size(modes, n, width, height, format);
    put(err, errlen, &at, "%s", _("; the camera gives "));
    for (int i = 0, k = 0; i < nf; i++) {
        if ((have_format && strcasecmp(fmts[i], format)) || (only && !has_size(modes, n, width, height, fmts[i]))) continue;
        if (k++) put(err, errlen, &at, "; ");
        put_format(err, errlen, &at, modes, n, fmts[i], only ? width : 0, height, have_format ? 8 : 4);
    }
}

int vt_camera_choose_mode(const vt_camera_mode *modes, int n, int width, int height, double fps, const char *format,
                          char *err, size_t errlen)
{
    if (errlen) err[0] = '\0';
    if (!modes || n <= 0) {
        snprintf(err, errlen, "%s", _("the camera offers no capture modes"));
        return -1;
    }
    int best = best_matching(modes, n, width, height, fps, format);
    if (best < 0) explain(modes, n, width, height, fps, format, err, errlen);
    return best;
}
