/* vt_vision.c — dictionaries, camera intrinsics, marker detection and pose. */
#include "vision/vt_vision.h"
#include "cv/vt_cv.h"
#include "vt_calib_check.h"
#include "vt_refine.h"
#include "vt_scan.h"

#include <ctype.h>   /* toupper */
#include <math.h>    /* tan */
#include <stdlib.h>  /* calloc, strtod */
#include <string.h>  /* strcmp */
#include <strings.h> /* strcasecmp */

/* ---- camera ---- */
/* OpenCV picks the parser by the extension, and its XML parser can loop forever on text that is
 * not XML (found by fuzzing: YAML in a .xml file): an .xml file must open with '<' and a .json
 * file with '{' (after white space and a UTF-8 byte-order mark) before OpenCV sees it. */
static vt_result check_calib_start(const char *path, char *err, size_t errlen)
{
    const char *ext = vt_file_ext(path);
    char want = !strcmp(ext, "xml") ? '<' : !strcmp(ext, "json") ? '{' : 0;
    if (!want) return VT_OK;
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, _("cannot be opened for reading")); return VT_ERR_IO; }
    unsigned char head[256];
    size_t n = fread(head, 1, sizeof head, f), i = 0;
    fclose(f);
    if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) i = 3;
    while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) i++;
    if (i < n && head[i] == (unsigned char)want) return VT_OK;
    snprintf(err, errlen, want == '<' ? _("not an XML file: it does not start with '%c'") : _("not a JSON file: it does not start with '%c'"), want);
    return VT_ERR_FORMAT;
}

vt_result vt_camera_load(const char *path, vt_camera *out, char *err, size_t errlen)
{
    vt_result r = vt_file_check(path, err, errlen);
    if (r != VT_OK) return r;
    if ((r = check_calib_start(path, err, errlen)) != VT_OK) return r;
    if ((r = vt_calib_text_check(path, err, errlen)) != VT_OK) return r;
    vtcv_calib k;
    r = vtcv_calib_read(path, &k, err, errlen);
    if (r != VT_OK) return r;
    if (k.ndist != 0 && k.ndist != 4 && k.ndist != 5 && k.ndist != 8 && k.ndist != 12 && k.ndist != 14) {
        snprintf(err, errlen, _("distortion_coefficients must have 4, 5, 8, 12 or 14 values"));
        return VT_ERR_FORMAT;
    }
    if ((r = vt_calib_values_check(&k, err, errlen)) != VT_OK) return r;
    memset(out, 0, sizeof *out);
    out->fx = k.K[0]; out->fy = k.K[4]; out->cx = k.K[2]; out->cy = k.K[5];
    memcpy(out->dist, k.dist, sizeof k.dist);
    out->ndist = k.ndist;
    out->width = k.width;
    out->height = k.height;
    return VT_OK;
}

/* ---- detector ---- */
#define VT_MAX_MARKERS 1024

struct vt_detector {
    vt_detector_desc desc;
    int own;                  /* our search (vt_scan.c) rather than OpenCV's */
    vt_scan *scan;
    vtcv_aruco_params params;
    vtcv_quad *quads;
    double last_ms;
    vt_detect_profile prof;
};

vt_detector_params vt_detector_params_defaults(void)
{
    return (vt_detector_params){
        .segment_short_side_px = 360, .min_contrast = 20, .min_region_px = 12,
        .min_marker_side_px = 10, .poly_eps = 0.04, .poly_eps_retry = 0.07, .min_side_div = 10,
        .corner_fit_px = 3, .corner_fit_per_point = 0.02, .min_quad_area_px = 80, .refine_first_area_px = 24 * 24,
        .min_read_contrast = 20, .quiet_zone_cells = 0.3, .otsu_gap = 0.4f, .border_error_div = 8,
        .correct_min_cell_px = 5, .correct_min_distance = 9, .correction_share = 0.6, .correction_share_dmin = 0.5,
        .rescan_min_area_px = 400, .rescan_margin = 0.05f,
        .refine_iterations = 2, .refine_samples = 64, .refine_reach_px = 6, .refine_reach_cells = 0.45,
        .refine_min_reach_px = 1.5f, .refine_min_gradient = 4, .refine_max_move_px = 2.5, .refine_max_move_side = 0.05,
        .verify_iterations = 2, .verify_samples = 24, .verify_reach_px = 2.5f,
    };
}

vt_detector_desc vt_detector_desc_defaults(void)
{
    return (vt_detector_desc){ .refine = VT_REFINE_EDGES, .engine = VT_ENGINE_OWN, .params = vt_detector_params_defaults() };
}

/* Zero (or negative, or NaN) fields take their default. */
#define DEFAULT_IF_UNSET(field) \
    if (!(p.field > 0)) p.field = d.field
static vt_detector_params params_or_defaults(vt_detector_params p)
{
    const vt_detector_params d = vt_detector_params_defaults();
    DEFAULT_IF_UNSET(segment_short_side_px); DEFAULT_IF_UNSET(min_contrast); DEFAULT_IF_UNSET(min_region_px);
    DEFAULT_IF_UNSET(min_marker_side_px); DEFAULT_IF_UNSET(poly_eps); DEFAULT_IF_UNSET(poly_eps_retry);
    DEFAULT_IF_UNSET(min_side_div); DEFAULT_IF_UNSET(corner_fit_px); DEFAULT_IF_UNSET(corner_fit_per_point);
    DEFAULT_IF_UNSET(min_quad_area_px); DEFAULT_IF_UNSET(refine_first_area_px);
    DEFAULT_IF_UNSET(min_read_contrast); DEFAULT_IF_UNSET(quiet_zone_cells); DEFAULT_IF_UNSET(otsu_gap);
    DEFAULT_IF_UNSET(border_error_div); DEFAULT_IF_UNSET(correct_min_cell_px); DEFAULT_IF_UNSET(correct_min_distance);
    DEFAULT_IF_UNSET(correction_share); DEFAULT_IF_UNSET(correction_share_dmin);
    DEFAULT_IF_UNSET(rescan_min_area_px); DEFAULT_IF_UNSET(rescan_margin);
    DEFAULT_IF_UNSET(refine_iterations); DEFAULT_IF_UNSET(refine_samples); DEFAULT_IF_UNSET(refine_reach_px);
    DEFAULT_IF_UNSET(refine_reach_cells); DEFAULT_IF_UNSET(refine_min_reach_px); DEFAULT_IF_UNSET(refine_min_gradient);
    DEFAULT_IF_UNSET(refine_max_move_px); DEFAULT_IF_UNSET(refine_max_move_side);
    DEFAULT_IF_UNSET(verify_iterations); DEFAULT_IF_UNSET(verify_samples); DEFAULT_IF_UNSET(verify_reach_px);
    return p;
}
#undef DEFAULT_IF_UNSET

vt_result vt_detector_create(const vt_detector_desc *desc, vt_detector **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!desc || desc->dict.count <= 0) { snprintf(err, errlen, _("the detector needs a marker dictionary")); return VT_ERR_ARG; }
    vt_detector *d = calloc(1, sizeof *d);
    if (!d) { snprintf(err, errlen, _("out of memory")); return VT_ERR_NO_MEMORY; }
    d->desc = *desc;
    d->desc.params = params_or_defaults(desc->params);
    d->own = desc->engine != VT_ENGINE_OPENCV &&
             (desc->refine == VT_REFINE_DEFAULT || desc->refine == VT_REFINE_EDGES);
    if (d->own) {
        d->scan = vt_scan_create(&desc->dict, &d->desc.params);
        if (!d->scan) {
            vt_detector_destroy(d);
            snprintf(err, errlen, _("dictionary %s: not supported by our engine, or out of memory"), desc->dict.name ? desc->dict.name : "?");
            return VT_ERR_UNSUPPORTED;
        }
        *out = d;
        return VT_OK;
    }
    d->quads = calloc(VT_MAX_MARKERS, sizeof *d->quads);
    if (!d->quads) { free(d); snprintf(err, errlen, _("out of memory")); return VT_ERR_NO_MEMORY; }
    switch (desc->refine) {
    case VT_REFINE_SUBPIX: d->params.refine = 1; break;
    case VT_REFINE_CONTOUR: d->params.refine = 2; break;
    default: d->params.refine = 0; break;   /* NONE, and EDGES: ours runs after OpenCV */
    }
    d->params.error_correction_rate = -1;
    *out = d;
    return VT_OK;
}

static vt_result detect_opencv(vt_detector *d, const vt_image *grey, vt_marker_list *out)
{
    int n = vtcv_aruco_detect(grey, d->desc.dict.cv_id, &d->params, d->quads, VT_MAX_MARKERS);
    if (n < 0) return VT_ERR_INTERNAL;
    if (vt_marker_list_reserve(out, n) != VT_OK) return VT_ERR_NO_MEMORY;
    for (int i = 0; i < n; i++) {
        vt_marker *m = &out->items[i];
        memset(m, 0, sizeof *m);
        m->id = d->quads[i].id;
        memcpy(m->corners, d->quads[i].c, sizeof m->corners);
        if (d->desc.refine == VT_REFINE_EDGES) vt_refine_corners(grey, m->corners, d->desc.dict.bits + 2, &d->desc.params);
    }
    out->count = n;
    return VT_OK;
}

static void add_stats(vt_detect_profile *p, const vt_scan_stats *st)
{
    p->segment = st->ms_segment;
    p->contours = st->ms_contours;
    p->decode = st->ms_decode;
    p->refine = st->ms_refine;
    p->candidates = st->candidates;
}

static vt_result detect_own(vt_detector *d, const vt_image *grey, vt_marker_list *out)
{
    if (vt_marker_list_reserve(out, 64) != VT_OK) return VT_ERR_NO_MEMORY;
    vt_scan_stats st = { 0 };
    int n = vt_scan_region(d->scan, grey, NULL, out->items, out->capacity, &st);
    if (n < 0) return VT_ERR_INTERNAL;
    if (n == out->capacity && out->capacity < VT_MAX_MARKERS) {   /* crowded: look again with room for all */
        if (vt_marker_list_reserve(out, VT_MAX_MARKERS) != VT_OK) return VT_ERR_NO_MEMORY;
        memset(&st, 0, sizeof st);
        n = vt_scan_region(d->scan, grey, NULL, out->items, out->capacity, &st);
        if (n < 0) return VT_ERR_INTERNAL;
    }
    out->count = n;
    add_stats(&d->prof, &st);
    d->prof.unread = st.candidates > n ? st.candidates - n : 0;
    d->prof.searched = 1;
    return VT_OK;
}

vt_result vt_detector_search(vt_detector *d, const vt_image *grey, const int roi[4], int coarse, const vt_marker *skip,
                             int nskip, vt_marker_list *out, vt_detect_profile *acc)
{
    if (!d || !grey || grey->format != VT_PIX_GREY8 || !out || coarse < 1) return VT_ERR_ARG;
    if (!d->own) return VT_ERR_UNSUPPORTED;
    out->count = 0;
    if (vt_marker_list_reserve(out, 64) != VT_OK) return VT_ERR_NO_MEMORY;
    vt_scan_stats st = { 0 };
    vt_scan_skip(d->scan, skip, nskip);
    int n = vt_scan_region_coarse(d->scan, grey, roi, coarse, out->items, out->capacity, &st);
    if (n == out->capacity && out->capacity < VT_MAX_MARKERS) {   /* crowded: look again with room for all */
        if (vt_marker_list_reserve(out, VT_MAX_MARKERS) != VT_OK) { vt_scan_skip(d->scan, NULL, 0); return VT_ERR_NO_MEMORY; }
        n = vt_scan_region_coarse(d->scan, grey, roi, coarse, out->items, out->capacity, &st);
    }
    vt_scan_skip(d->scan, NULL, 0);
    if (n < 0) return VT_ERR_INTERNAL;
    out->count = n;
    if (acc) {
        acc->segment += st.ms_segment;
        acc->contours += st.ms_contours;
        acc->decode += st.ms_decode;
        acc->refine += st.ms_refine;
        acc->candidates += st.candidates;
        acc->unread += st.candidates > n ? st.candidates - n : 0;
    }
    return VT_OK;
}

vt_result vt_detector_verify(vt_detector *d, const vt_image *grey, int id, float corners[4][2], int *found)
{
    if (!d || !grey || grey->format != VT_PIX_GREY8 || !corners || !found) return VT_ERR_ARG;
    if (!d->own) return VT_ERR_UNSUPPORTED;
    *found = vt_scan_verify(d->scan, grey, corners, id);
    return VT_OK;
}

vt_result vt_detector_detect(vt_detector *d, const vt_image *grey, vt_marker_list *out)
{
    if (!d || !grey || grey->format != VT_PIX_GREY8 || !out) return VT_ERR_ARG;
    out->count = 0;
    memset(&d->prof, 0, sizeof d->prof);
    uint64_t t0 = vt_now_ns();
    vt_result r = !d->own ? detect_opencv(d, grey, out) : detect_own(d, grey, out);
    d->last_ms = vt_ms_since(t0);
    d->prof.total = d->last_ms;
    return r;
}

double vt_detector_last_ms(const vt_detector *d) { return d ? d->last_ms : 0; }

vt_detect_profile vt_detector_profile(const vt_detector *d)
{
    vt_detect_profile p = { 0 };
    return d ? d->prof : p;
}

void vt_detector_destroy(vt_detector *d)
{
    if (!d) return;
    vt_scan_destroy(d->scan);
    free(d->quads);
    free(d);
}

/* A bridge matrix's pixels copied into an owned image, and the matrix freed. */
static vt_result take_image(vtcv_mat *m, vt_result r, vt_image *out)
{
    vt_image v = vtcv_mat_view(m);
    memset(out, 0, sizeof *out);
    if (r == VT_OK) r = v.data ? vt_image_copy(out, &v) : VT_ERR_INTERNAL;
    vtcv_mat_destroy(m);
    return r;
}

vt_result vt_marker_image(const vt_dictionary *dict, int id, int side_px, vt_image *out)
{
    if (!dict || id < 0 || id >= dict->count || side_px <= 0 || !out) return VT_ERR_ARG;
    vtcv_mat *m = vtcv_mat_create();
    if (!m) return VT_ERR_NO_MEMORY;
    return take_image(m, vtcv_aruco_marker_image(dict->cv_id, id, side_px, m), out);
}

vt_result vt_board_image(const vt_board *b, int width, int height, vt_image *out)
{
    if (!b || b->kind != VT_BOARD_CHARUCO || width <= 0 || height <= 0 || !out) return VT_ERR_ARG;
    vtcv_mat *m = vtcv_mat_create();
    if (!m) return VT_ERR_NO_MEMORY;
    return take_image(m, vtcv_charuco_draw(b->cols, b->rows, (float)b->square_m, (float)b->marker_m, b->dict.cv_id, width, height, 0, m), out);
}

void vt_vision_set_threads(int n) { vtcv_set_threads(n); }

/* ---- pose ---- */
void vt_marker_object_points(double length_m, double out[4][3])
{
    double h = length_m * 0.5;   /* the order SOLVEPNP_IPPE_SQUARE requires */
    double p[4][3] = { { -h, h, 0 }, { h, h, 0 }, { h, -h, 0 }, { -h, -h, 0 } };
    memcpy(out, p, sizeof p);
}

static int finite_pose(const double r[3], const double t[3])
{
    return isfinite(r[0]) && isfinite(r[1]) && isfinite(r[2]) && isfinite(t[0]) && isfinite(t[1]) && isfinite(t[2]);
}

static double rot_dist(const double a[3], const double b[3])
{
    double Ra[9], Rb[9], tr = 0;
    vtcv_rodrigues(a, Ra);
    vtcv_rodrigues(b, Rb);
    for (int i = 0; i < 9; i++) tr += Ra[i] * Rb[i];
    double c = (tr - 1) * 0.5;
    return acos(c > 1 ? 1 : c < -1 ? -1 : c);
}

vt_result vt_pose_estimate(const vt_camera *cam, double length_m, vt_marker *m)
{
    return vt_pose_estimate_near(cam, length_m, m, NULL);
}

vt_result vt_pose_estimate_near(const vt_camera *cam, double length_m, vt_marker *m, const double prev_rvec[3])
{
    double obj[4][3], K[9], rv[2][3], tv[2][3], err[2];
    vt_marker_object_points(length_m, obj);
    vt_camera_matrix(cam, K);
    m->has_pose = 0;
    /* IPPE square first; OpenCV 4.6 returns NaN for a perfectly symmetric view (a marker dead
     * centre, seen straight down its axis), where the general planar IPPE still works. */
    static const int methods[] = { VTCV_PNP_IPPE_SQUARE, VTCV_PNP_IPPE, VTCV_PNP_ITERATIVE };
    for (int k = 0; k < 3; k++) {
        int n = vtcv_solve_pnp((const double (*)[3])obj, (const float (*)[2])m->corners, 4, K, cam->dist, cam->ndist,
                               methods[k], rv, tv, err);
        int best = -1;
        for (int i = 0; i < n; i++)
            if (finite_pose(rv[i], tv[i]) && isfinite(err[i]) && (best < 0 || err[i] < err[best])) best = i;
        if (best < 0) continue;
        if (prev_rvec && n == 2) {
            int other = 1 - best;
            /* Both explain the corners (within half a pixel or twice the error): continuity decides. */
            if (finite_pose(rv[other], tv[other]) && err[other] <= fmax(2 * err[best], err[best] + 0.5) &&
                rot_dist(rv[other], prev_rvec) < rot_dist(rv[best], prev_rvec))
                best = other;
        }
        memcpy(m->rvec, rv[best], sizeof m->rvec);
        memcpy(m->tvec, tv[best], sizeof m->tvec);
        m->reproj_err = err[best];
        if (prev_rvec && n == 2) {
            /* A marker seen nearly face-on fits the corners almost as well over a range of
             * tilts, and IPPE's pick wanders across it with pixel noise. Started from the last
             * orientation, Levenberg-Marquardt stops at the nearest pose that fits as well. */
            double r[3], t[3], e = 0;
            memcpy(r, prev_rvec, sizeof r);
            memcpy(t, tv[best], sizeof t);
            if (vtcv_refine_pnp((const double (*)[3])obj, (const float (*)[2])m->corners, 4, K, cam->dist, cam->ndist, r, t,
                                &e) == VT_OK &&
                finite_pose(r, t) && e <= fmax(1.25 * err[best], err[best] + 0.02) && rot_dist(r, rv[best]) < 0.35) {
                memcpy(m->rvec, r, sizeof r);
                memcpy(m->tvec, t, sizeof t);
                m->reproj_err = e;
            }
        }
        m->has_pose = 1;
        return VT_OK;
    }
    return VT_ERR_INTERNAL;
}
