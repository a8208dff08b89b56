/* app_checks.c — shared checks for silent mistakes: model sizes, calibration sizes, text no font
 * can show. */
#include "app_checks.h"

#include "render/vt_render.h"

#include <math.h>
#include <stdio.h>

/* A model taller or shorter than this factor times dimensions_mm is in the wrong unit. */
#define SIZE_OFF_FACTOR 3.0
/* Without dimensions_mm: no product on a shelf is larger than this (mm). */
#define SIZE_MAX_MM 5000.0

double app_model_scale(const vt_model *m, const vt_product *p, char *why, size_t len)
{
    double scale = p ? p->scale : 1, raw[3], mm[3];
    why[0] = 0;
    for (int k = 0; k < 3; k++) {
        raw[k] = (double)m->bounds_max[k] - m->bounds_min[k];
        mm[k] = raw[k] * scale * 1000;
    }
    const double *d = p ? p->dimensions_mm : NULL;
    if (d && d[1] > 0 && raw[1] > 0) {
        if (mm[1] <= d[1] * SIZE_OFF_FACTOR && mm[1] >= d[1] / SIZE_OFF_FACTOR) return scale;
        /* The largest uniform scale that keeps the model inside dimensions_mm. */
        double fit = INFINITY;
        for (int k = 0; k < 3; k++)
            if (raw[k] > 0 && d[k] > 0 && d[k] / 1000 / raw[k] < fit) fit = d[k] / 1000 / raw[k];
        snprintf(why, len, _("model is %.0f x %.0f x %.0f mm but dimensions_mm says %.0f x %.0f x %.0f (units? models are in "
                 "metres); drawn at dimensions_mm: set \"scale\" to %.3g"), mm[0], mm[1], mm[2], d[0], d[1], d[2], fit);
        return fit;
    }
    double big = fmax(mm[0], fmax(mm[1], mm[2]));
    if (big > SIZE_MAX_MM) {
        double hint = pow(10, -ceil(log10(big / SIZE_MAX_MM)));
        snprintf(why, len, _("model is %.0f x %.0f x %.0f mm, larger than 5 m (exported in centimetres or millimetres? "
                 "models are in metres): set \"scale\" (e.g. %g) or \"dimensions_mm\""), mm[0], mm[1], mm[2], scale * hint);
    }
    return scale;
}

vt_result app_camera_for_frames(const vt_camera *calib, const char *path, int w, int h, int *said, vt_camera *out,
                                char *err, size_t errlen)
{
    int cw = calib->width, ch = calib->height;
    if (cw > 0 && ch > 0 && (cw != w || ch != h)) {
        double a = (double)cw / ch, b = (double)w / h;
        if (fabs(a / b - 1) > 0.01) {
            snprintf(err, errlen, _("%s: calibrated at %dx%d but the frames are %dx%d, another aspect ratio: calibrate "
                     "the camera at the size it films (vitrine calibrate)"), path, cw, ch, w, h);
            return VT_ERR_ARG;
        }
        if (said && !*said)
            vt_log_file(VT_LOG_INFO, "camera", path, "calibrated at %dx%d; intrinsics scaled to the %dx%d frames", cw, ch, w, h);
        if (said) *said = 1;
    }
    *out = vt_camera_for_size(calib, w, h);
    return VT_OK;
}

int app_draw_cost(const vt_model *m, char *why, size_t len)
{
    int n = vt_model_triangle_count(m);
    why[0] = 0;
    if (n > APP_MAX_TRIANGLES) {
        snprintf(why, len, _("%d triangles, more than the display draws for one product (%d): `vitrine run` shows a "
                 "placeholder; simplify it, e.g. gltfpack -si 0.1"), n, APP_MAX_TRIANGLES);
        return 2;
    }
    if (n > APP_WARN_TRIANGLES) {
        snprintf(why, len, _("%d triangles: without a GPU the display slows down past %d; e.g. gltfpack -si 0.5 simplifies it"),
                 n, APP_WARN_TRIANGLES);
        return 1;
    }
    return 0;
}

int app_text_coverage(const char *text, char *why, size_t len)
{
    char chars[400];
    int n = vt_render_text_missing(text, chars, sizeof chars);
    why[0] = 0;
    if (n)
        snprintf(why, len,
                 vt_trn("no installed font has this character: %s; the display draws it as a box (install a font for "
                        "that script, e.g. a fonts-noto-* package, and check with fc-list :charset=HEX)",
                        "no installed font has these characters: %s; the display draws each as a box (install a font "
                        "for that script, e.g. a fonts-noto-* package, and check with fc-list :charset=HEX)",
                        (unsigned long)n),
                 chars);
    return n;
}
