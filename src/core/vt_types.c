/* vt_types.c — the plain shared types: dictionaries, intrinsics, marker lists, rotations. */
#include "vt_core.h"

#include <float.h>   /* DBL_EPSILON */
#include <math.h>    /* tan, isfinite */
#include <stdlib.h>  /* realloc, strtod */
#include <string.h>  /* memset */
#include <strings.h> /* strcasecmp */

/* In cv::aruco::PREDEFINED_DICTIONARY_NAME order (the index is OpenCV's enum value), with each
 * dictionary's size and data bits per side; tests/test_vision.c checks them against OpenCV. */
static const vt_dictionary k_dicts[] = {
    { 0, "4X4_50", 50, 4 },        { 1, "4X4_100", 100, 4 },       { 2, "4X4_250", 250, 4 },
    { 3, "4X4_1000", 1000, 4 },    { 4, "5X5_50", 50, 5 },         { 5, "5X5_100", 100, 5 },
    { 6, "5X5_250", 250, 5 },      { 7, "5X5_1000", 1000, 5 },     { 8, "6X6_50", 50, 6 },
    { 9, "6X6_100", 100, 6 },      { 10, "6X6_250", 250, 6 },      { 11, "6X6_1000", 1000, 6 },
    { 12, "7X7_50", 50, 7 },       { 13, "7X7_100", 100, 7 },      { 14, "7X7_250", 250, 7 },
    { 15, "7X7_1000", 1000, 7 },   { 16, "ARUCO_ORIGINAL", 1024, 5 }, { 17, "APRILTAG_16h5", 30, 4 },
    { 18, "APRILTAG_25h9", 35, 5 }, { 19, "APRILTAG_36h10", 2320, 6 }, { 20, "APRILTAG_36h11", 587, 6 },
};
#define N_DICTS ((int)(sizeof k_dicts / sizeof k_dicts[0]))

int vt_dictionary_count(void) { return N_DICTS; }

vt_result vt_dictionary_at(int index, vt_dictionary *out)
{
    if (index < 0 || index >= N_DICTS) return VT_ERR_ARG;
    if (out) *out = k_dicts[index];
    return VT_OK;
}

vt_result vt_dictionary_find(const char *name, vt_dictionary *out)
{
    if (!name) return VT_ERR_ARG;
    if (!strncasecmp(name, "DICT_", 5)) name += 5;
    for (int i = 0; i < N_DICTS; i++)
        if (!strcasecmp(name, k_dicts[i].name)) return vt_dictionary_at(i, out);
    return VT_ERR_UNSUPPORTED;
}

const char *vt_dictionary_names(void)
{
    /* Written out rather than built lazily: a static built on first use is a race between threads. */
    return "4X4_50, 4X4_100, 4X4_250, 4X4_1000, 5X5_50, 5X5_100, 5X5_250, 5X5_1000, 6X6_50, 6X6_100, "
           "6X6_250, 6X6_1000, 7X7_50, 7X7_100, 7X7_250, 7X7_1000, ARUCO_ORIGINAL, APRILTAG_16h5, "
           "APRILTAG_25h9, APRILTAG_36h10, APRILTAG_36h11";
}

/* ---- camera ---- */
vt_camera vt_camera_from_fov(int width, int height, double hfov_deg)
{
    vt_camera c;
    memset(&c, 0, sizeof c);
    c.fx = c.fy = (width * 0.5) / tan(hfov_deg * M_PI / 360.0);
    c.cx = (width - 1) * 0.5;   /* pixel centres at integers: the middle of the image */
    c.cy = (height - 1) * 0.5;
    c.width = width;
    c.height = height;
    return c;
}

vt_result vt_camera_parse(const char *text, vt_camera *out)
{
    double v[4];
    if (vt_parse_doubles(text, ',', v, 4) || !(v[0] > 0) || !(v[1] > 0) || v[0] > 1e6 || v[1] > 1e6 ||
        !(fabs(v[2]) <= 1e6) || !(fabs(v[3]) <= 1e6))
        return VT_ERR_ARG;
    memset(out, 0, sizeof *out);
    out->fx = v[0]; out->fy = v[1]; out->cx = v[2]; out->cy = v[3];
    return VT_OK;
}

vt_camera vt_camera_for_size(const vt_camera *c, int width, int height)
{
    vt_camera o = *c;
    if (c->width > 0 && c->height > 0 && (c->width != width || c->height != height)) {
        /* Same sensor read at another resolution: scale about pixel corners, which the
         * half-pixel shifts keep consistent with OpenCV's centre convention. */
        double s = (double)width / c->width;
        double sy = (double)height / c->height;
        if (fabs(s - sy) > 1e-3) s = sy > s ? sy : s;   /* other aspect: the sensor was cropped */
        o.fx = c->fx * s;
        o.fy = c->fy * s;
        o.cx = (c->cx + 0.5) * s - 0.5 + (width - c->width * s) * 0.5;
        o.cy = (c->cy + 0.5) * s - 0.5 + (height - c->height * s) * 0.5;
    }
    o.width = width;
    o.height = height;
    return o;
}

void vt_camera_matrix(const vt_camera *c, double K[9])
{
    double k[9] = { c->fx, 0, c->cx, 0, c->fy, c->cy, 0, 0, 1 };
    memcpy(K, k, sizeof k);
}

/* ---- rotations ---- */
/* Rotation vector (axis times angle, radians) to a row-major 3x3 rotation, Rodrigues' formula
 * R = cos(t) I + (1 - cos(t)) k k^T + sin(t) [k]x with k the unit axis, evaluated in the same
 * order as OpenCV's cv::Rodrigues so the same poses give the same matrices. Below DBL_EPSILON
 * the axis is undefined: the first-order R = I + [r]x. */
void vt_rodrigues(const double rvec[3], double R[9])
{
    double rx = rvec[0], ry = rvec[1], rz = rvec[2];
    double theta = sqrt(rx * rx + ry * ry + rz * rz);
    if (theta < DBL_EPSILON) {
        const double small[9] = { 1, -rz, ry, rz, 1, -rx, -ry, rx, 1 };
        memcpy(R, small, sizeof small);
        return;
    }
    double c = cos(theta), s = sin(theta), c1 = 1. - c, it = 1. / theta;
    rx *= it; ry *= it; rz *= it;
    const double rrt[9] = { rx * rx, rx * ry, rx * rz, rx * ry, ry * ry, ry * rz, rx * rz, ry * rz, rz * rz };
    const double cross[9] = { 0, -rz, ry, rz, 0, -rx, -ry, rx, 0 };
    for (int i = 0; i < 9; i++) R[i] = (i % 4 == 0 ? c : 0.) + c1 * rrt[i] + s * cross[i];
}

/* ---- markers ---- */
vt_result vt_marker_list_reserve(vt_marker_list *l, int capacity)
{
    if (capacity <= l->capacity) return VT_OK;
    vt_marker *n = realloc(l->items, (size_t)capacity * sizeof *n);
    if (!n) return VT_ERR_NO_MEMORY;
    l->items = n;
    l->capacity = capacity;
    return VT_OK;
}

void vt_marker_list_free(vt_marker_list *l)
{
    if (!l) return;
    free(l->items);
    memset(l, 0, sizeof *l);
}
