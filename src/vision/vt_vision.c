/* vt_vision.c — dictionaries, camera intrinsics, marker detection and pose. */
#include "vision/vt_vision.h"
#include "cv/vt_cv.h"
#include "vision/vt_refine.h"
#include "vision/vt_scan.h"

#include <ctype.h>   /* toupper */
#include <math.h>    /* tan */
#include <stdlib.h>  /* calloc, strtod */
#include <string.h>  /* strcmp */
#include <strings.h> /* strcasecmp */

/* Names in cv::aruco::PREDEFINED_DICTIONARY_NAME order: the index is OpenCV's enum value. */
static const char *k_dict_names[] = {
    "4X4_50", "4X4_100", "4X4_250", "4X4_1000", "5X5_50", "5X5_100", "5X5_250", "5X5_1000",
    "6X6_50", "6X6_100", "6X6_250", "6X6_1000", "7X7_50", "7X7_100", "7X7_250", "7X7_1000",
    "ARUCO_ORIGINAL", "APRILTAG_16h5", "APRILTAG_25h9", "APRILTAG_36h10", "APRILTAG_36h11",
};
#define N_DICTS ((int)(sizeof k_dict_names / sizeof k_dict_names[0]))

vt_result vt_dictionary_find(const char *name, vt_dictionary *out)
{
    if (!name) return VT_ERR_ARG;
    if (!strncasecmp(name, "DICT_", 5)) name += 5;
    for (int i = 0; i < N_DICTS; i++) {
        if (strcasecmp(name, k_dict_names[i]) != 0) continue;
        vt_dictionary d = { i, k_dict_names[i], 0, 0 };
        if (vtcv_aruco_dict_info(i, &d.count, &d.bits) != VT_OK) return VT_ERR_UNSUPPORTED;
        if (out) *out = d;
        return VT_OK;
    }
    return VT_ERR_UNSUPPORTED;
}

const char *vt_dictionary_names(void)
{
    static char buf[512];
    if (!buf[0])
        for (int i = 0; i < N_DICTS; i++) {
            if (i) strcat(buf, ", ");
            strcat(buf, k_dict_names[i]);
        }
    return buf;
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

vt_result vt_camera_load(const char *path, vt_camera *out, char *err, size_t errlen)
{
    vt_result r = vt_file_check(path, err, errlen);
    if (r != VT_OK) return r;
    vtcv_calib k;
    r = vtcv_calib_read(path, &k, err, errlen);
    if (r != VT_OK) return r;
    if (!(k.K[0] > 0) || !(k.K[4] > 0) || k.K[8] != 1.0) {
        snprintf(err, errlen, "camera_matrix is not a valid intrinsic matrix (fx, fy > 0, last row 0 0 1)");
        return VT_ERR_FORMAT;
    }
    memset(out, 0, sizeof *out);
    out->fx = k.K[0]; out->fy = k.K[4]; out->cx = k.K[2]; out->cy = k.K[5];
    memcpy(out->dist, k.dist, sizeof k.dist);
    out->ndist = k.ndist;
    out->width = k.width;
    out->height = k.height;
    return VT_OK;
}

vt_result vt_camera_parse(const char *text, vt_camera *out)
{
    double v[4];
    const char *p = text;
    for (int i = 0; i < 4; i++) {
        char *end;
        v[i] = strtod(p, &end);
        if (end == p || !isfinite(v[i])) return VT_ERR_ARG;
        p = end;
        if (i < 3) { if (*p != ',') return VT_ERR_ARG; p++; }
    }
    if (*p != '\0' || v[0] <= 0 || v[1] <= 0) return VT_ERR_ARG;
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

/* ---- detector ---- */
#define VT_MAX_MARKERS 1024

#define VT_MAX_TRACKS 256
#define VT_FULL_EVERY 30     /* frames between whole-frame searches when tracking */

typedef struct vt_track {
    int id;
    float c[4][2], prev[4][2];   /* corners in the last two frames it was read in */
    int has_prev;
    int misses;                  /* frames in a row it was not found */
} vt_track;

struct vt_detector {
    vt_detector_desc desc;
    int own;                  /* our search (vt_scan.c) rather than OpenCV's */
    vt_scan *scan;
    vt_track *tracks;
    int ntracks;
    long frame;
    vt_marker *tmp;           /* VT_MAX_MARKERS, for region searches */
    vtcv_aruco_params params;
    vtcv_quad *quads;
    double last_ms;
    vt_detect_profile prof;
};

vt_detector *vt_detector_create(const vt_detector_desc *desc)
{
    if (!desc || desc->dict.count <= 0) return NULL;
    vt_detector *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->desc = *desc;
    d->own = desc->engine != VT_ENGINE_OPENCV &&
             (desc->refine == VT_REFINE_DEFAULT || desc->refine == VT_REFINE_EDGES);
    if (d->own) {
        d->scan = vt_scan_create(&desc->dict);
        d->tracks = calloc(VT_MAX_TRACKS, sizeof *d->tracks);
        d->tmp = calloc(VT_MAX_MARKERS, sizeof *d->tmp);
        if (!d->scan || !d->tracks || !d->tmp) { vt_detector_destroy(d); return NULL; }
        return d;
    }
    d->quads = calloc(VT_MAX_MARKERS, sizeof *d->quads);
    if (!d->quads) { free(d); return NULL; }
    switch (desc->refine) {
    case VT_REFINE_SUBPIX: d->params.refine = 1; break;
    case VT_REFINE_CONTOUR: d->params.refine = 2; break;
    default: d->params.refine = 0; break;   /* NONE, and EDGES: ours runs after OpenCV */
    }
    d->params.error_correction_rate = -1;
    return d;
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
        if (d->desc.refine == VT_REFINE_EDGES) vt_refine_corners(grey, m->corners, d->desc.dict.bits + 2);
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
    if (n == out->capacity) {   /* a crowded frame: look again with room for all */
        if (vt_marker_list_reserve(out, VT_MAX_MARKERS) != VT_OK) return VT_ERR_NO_MEMORY;
        memset(&st, 0, sizeof st);
        n = vt_scan_region(d->scan, grey, NULL, out->items, out->capacity, &st);
        if (n < 0) return VT_ERR_INTERNAL;
    }
    out->count = n;
    add_stats(&d->prof, &st);
    d->prof.searched = 1;
    return VT_OK;
}

static void quad_centre(const float c[4][2], float *x, float *y, float *side)
{
    *x = (c[0][0] + c[1][0] + c[2][0] + c[3][0]) * 0.25f;
    *y = (c[0][1] + c[1][1] + c[2][1] + c[3][1]) * 0.25f;
    *side = 0;
    for (int i = 0; i < 4; i++) *side += hypotf(c[(i + 1) % 4][0] - c[i][0], c[(i + 1) % 4][1] - c[i][1]) * 0.25f;
}

/* Index in list[0..n) of the marker with this id near (x, y), or -1. */
static int find_near(const vt_marker *list, int n, int id, float x, float y, float radius)
{
    int best = -1;
    float bestd = radius;
    for (int i = 0; i < n; i++) {
        if (list[i].id != id) continue;
        float cx, cy, side;
        quad_centre((const float (*)[2])list[i].corners, &cx, &cy, &side);
        float dd = hypotf(cx - x, cy - y);
        if (dd < bestd) { bestd = dd; best = i; }
    }
    return best;
}

/* Tracking (see vt_detector_detect in the header): known markers first, then one band. */
static vt_result detect_track(vt_detector *d, const vt_image *grey, vt_marker_list *out)
{
    const int W = grey->width, H = grey->height;
    if (vt_marker_list_reserve(out, d->ntracks + 64) != VT_OK) return VT_ERR_NO_MEMORY;
    vt_scan_stats st = { 0 };
    double searched = 0;
    int n = 0, kept = 0;
    uint64_t t0 = vt_now_ns();
    for (int i = 0; i < d->ntracks; i++) {
        vt_track t = d->tracks[i];
        float pred[4][2], got[4][2];
        for (int k = 0; k < 4; k++)
            for (int j = 0; j < 2; j++) pred[k][j] = t.c[k][j] + (t.has_prev ? t.c[k][j] - t.prev[k][j] : 0);
        memcpy(got, pred, sizeof got);
        int ok = vt_scan_verify(d->scan, grey, got, t.id);
        if (!ok && t.has_prev) {
            memcpy(got, t.c, sizeof got);
            ok = vt_scan_verify(d->scan, grey, got, t.id);
        }
        if (!ok) {
            /* Not where expected: search around it, as far again as its size. */
            float cx, cy, side;
            quad_centre((const float (*)[2])pred, &cx, &cy, &side);
            float r = side * 1.2f + 16;
            int roi[4] = { (int)(cx - r), (int)(cy - r), (int)(cx + r) + 1, (int)(cy + r) + 1 };
            int k = vt_scan_region(d->scan, grey, roi, d->tmp, VT_MAX_MARKERS, &st);
            searched += (4.0 * r * r) / ((double)W * H);
            int j = k > 0 ? find_near(d->tmp, k, t.id, cx, cy, r) : -1;
            if (j >= 0) { memcpy(got, d->tmp[j].corners, sizeof got); ok = 1; }
        }
        if (ok && find_near(out->items, n, t.id, (got[0][0] + got[2][0]) * 0.5f, (got[0][1] + got[2][1]) * 0.5f, 8) >= 0)
            ok = 0;   /* two tracks converged on one marker: keep one */
        if (ok) {
            memcpy(t.prev, t.c, sizeof t.prev);
            memcpy(t.c, got, sizeof t.c);
            t.has_prev = 1;
            t.misses = 0;
            vt_marker *m = &out->items[n++];
            memset(m, 0, sizeof *m);
            m->id = t.id;
            memcpy(m->corners, got, sizeof m->corners);
        } else {
            t.misses++;
            t.has_prev = 0;
        }
        if (t.misses <= 2) d->tracks[kept++] = t;   /* lost for good after three frames */
    }
    d->ntracks = kept;
    double track_ms = vt_ms_since(t0);
    d->prof.tracked = n;

    /* New markers: alternate bands overlapping by 0.3 x the height, so any marker up to that
     * tall lies whole in one of them; the whole frame now and then for anything bigger. */
    int m = (int)(H * 0.15);
    int roi[4] = { 0, 0, W, H };
    if (d->frame % VT_FULL_EVERY != 0) {
        if (d->frame % 2) roi[1] = H / 2 - m;
        else roi[3] = H / 2 + m;
    }
    /* The bands are searched at half the usual resolution: newcomers of about 60 px and more
     * are seen there at a fraction of the cost; smaller ones wait for the whole-frame search. */
    int coarse = d->frame % VT_FULL_EVERY != 0 ? 2 : 1;
    vt_scan_skip(d->scan, out->items, n);   /* those are read already */
    int k = vt_scan_region_coarse(d->scan, grey, roi, coarse, d->tmp, VT_MAX_MARKERS, &st);
    vt_scan_skip(d->scan, NULL, 0);
    if (k < 0) return VT_ERR_INTERNAL;
    searched += (double)(roi[3] - roi[1]) / H / (coarse * coarse);
    if (vt_marker_list_reserve(out, n + k) != VT_OK) return VT_ERR_NO_MEMORY;
    for (int i = 0; i < k; i++) {
        float cx, cy, side;
        quad_centre((const float (*)[2])d->tmp[i].corners, &cx, &cy, &side);
        if (find_near(out->items, n, d->tmp[i].id, cx, cy, side * 0.5f + 2) >= 0) continue;
        out->items[n++] = d->tmp[i];
        /* Follow it from now on (it replaces a lost track of the same id nearby). */
        int slot = -1;
        for (int j = 0; j < d->ntracks; j++) {
            float tx, ty, ts;
            quad_centre((const float (*)[2])d->tracks[j].c, &tx, &ty, &ts);
            if (d->tracks[j].id == d->tmp[i].id && d->tracks[j].misses > 0 && hypotf(tx - cx, ty - cy) < ts * 2) slot = j;
        }
        if (slot < 0 && d->ntracks < VT_MAX_TRACKS) slot = d->ntracks++;
        if (slot < 0) continue;
        vt_track *t = &d->tracks[slot];
        memset(t, 0, sizeof *t);
        t->id = d->tmp[i].id;
        memcpy(t->c, d->tmp[i].corners, sizeof t->c);
    }
    out->count = n;
    d->frame++;
    add_stats(&d->prof, &st);
    d->prof.track = track_ms;
    d->prof.searched = searched > 1 ? 1 : searched;
    return VT_OK;
}

void vt_detector_reset(vt_detector *d)
{
    if (!d) return;
    d->ntracks = 0;
    d->frame = 0;
}

vt_result vt_detector_detect(vt_detector *d, const vt_image *grey, vt_marker_list *out)
{
    if (!d || !grey || grey->format != VT_PIX_GREY8 || !out) return VT_ERR_ARG;
    out->count = 0;
    memset(&d->prof, 0, sizeof d->prof);
    uint64_t t0 = vt_now_ns();
    vt_result r = !d->own ? detect_opencv(d, grey, out) : d->desc.track ? detect_track(d, grey, out) : detect_own(d, grey, out);
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
    free(d->tracks);
    free(d->tmp);
    free(d->quads);
    free(d);
}

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
                                &e) &&
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
