/* vt_calib.c — calibration boards and camera calibration. */
#include "cv/vt_cv.h"
#include "vision/vt_vision.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* spec split at ':' into at most 5 fields, copied into buf; how many. */
static int split_spec(const char *spec, char *buf, size_t n, char *f[5])
{
    snprintf(buf, n, "%s", spec);
    int k = 0;
    for (char *p = buf; k < 5; k++) {
        f[k] = p;
        if (!(p = strchr(p, ':'))) return k + 1;
        *p++ = '\0';
    }
    return 6;   /* more than 5 */
}

vt_result vt_board_parse(const char *spec, vt_board *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char buf[160], *f[5];
    int cols, rows;
    double sq, mk;
    const char *fmt = _("expected chessboard:COLSxROWS:SQUARE_MM or charuco:COLSxROWS:SQUARE_MM:MARKER_MM:DICT");
    int nf = spec && strlen(spec) < sizeof buf ? split_spec(spec, buf, sizeof buf, f) : 0;
    int chess = nf == 3 && !strcmp(f[0], "chessboard"), charuco = nf == 5 && !strcmp(f[0], "charuco");
    if ((!chess && !charuco) || vt_parse_size(f[1], 0, 1000000, 0, 1000000, &cols, &rows) || vt_parse_double(f[2], -1e12, 1e12, &sq)) {
        snprintf(err, errlen, _("--board '%s': %s"), spec ? spec : "", fmt);
        return VT_ERR_ARG;
    }
    if (cols < 2 || rows < 2 || cols > 100 || rows > 100 || !(sq > 0) || sq > 10000) {
        snprintf(err, errlen, _("--board '%s': sizes must be positive (at least 2x2)"), spec);
        return VT_ERR_ARG;
    }
    out->cols = cols;
    out->rows = rows;
    out->square_m = sq / 1000;
    if (chess) {
        out->kind = VT_BOARD_CHESSBOARD;
        return VT_OK;
    }
    if (vt_parse_double(f[3], -1e12, 1e12, &mk) || !(mk > 0) || mk >= sq) {
        snprintf(err, errlen, _("--board '%s': the marker must be smaller than the square"), spec);
        return VT_ERR_ARG;
    }
    if (vt_dictionary_find(f[4], &out->dict) != VT_OK) {
        snprintf(err, errlen, _("--board '%s': unknown dictionary '%s'; one of: %s"), spec, f[4], vt_dictionary_names());
        return VT_ERR_ARG;
    }
    if (out->dict.count < cols * rows / 2) {
        snprintf(err, errlen, _("--board '%s': %s has too few markers for this board"), spec, f[4]);
        return VT_ERR_ARG;
    }
    out->kind = VT_BOARD_CHARUCO;
    out->marker_m = mk / 1000;
    return VT_OK;
}

int vt_board_max_corners(const vt_board *b)
{
    return b->kind == VT_BOARD_CHESSBOARD ? b->cols * b->rows : (b->cols - 1) * (b->rows - 1);
}

int vt_board_detect(const vt_board *b, const vt_image *grey, float (*img)[2], float (*obj)[3], int max)
{
    if (b->kind == VT_BOARD_CHESSBOARD) {
        /* Sub-pixel window: about a third of a square, from the image size; 5 px at VGA. */
        int win = grey->width / 128;
        win = win < 3 ? 3 : win > 11 ? 11 : win;
        int n = vtcv_chessboard_find(grey, b->cols, b->rows, win, img, max);
        if (n != b->cols * b->rows) return 0;
        for (int i = 0; i < n; i++) {
            obj[i][0] = (float)((i % b->cols) * b->square_m);
            obj[i][1] = (float)((i / b->cols) * b->square_m);
            obj[i][2] = 0;
        }
        return n;
    }
    int total = vt_board_max_corners(b);
    int *ids = malloc((size_t)(max > total ? max : total) * sizeof *ids);
    float (*all)[3] = malloc((size_t)total * sizeof *all);
    int n = 0;
    if (ids && all && vtcv_charuco_corners(b->cols, b->rows, (float)b->square_m, (float)b->marker_m, b->dict.cv_id, all, total) == total) {
        n = vtcv_charuco_find(grey, b->cols, b->rows, (float)b->square_m, (float)b->marker_m, b->dict.cv_id, img, ids, max);
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0 || ids[i] >= total) { n = 0; break; }
            memcpy(obj[i], all[ids[i]], sizeof obj[i]);
        }
    }
    free(ids);
    free(all);
    return n >= 6 ? n : 0;   /* fewer corners say little and can be collinear */
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Calibrates on the views not rejected; fills errors and tilts. Returns the RMS or < 0. */
static double run(vt_calib_view *v, int n, int w, int h, double K[9], double D[5])
{
    int used = 0, total = 0;
    for (int i = 0; i < n; i++) if (!v[i].rejected) { used++; total += v[i].count; }
    float (*obj)[3] = malloc((size_t)total * sizeof *obj);
    float (*img)[2] = malloc((size_t)total * sizeof *img);
    int *counts = malloc((size_t)used * sizeof *counts), *map = malloc((size_t)used * sizeof *map);
    double *err = malloc((size_t)used * sizeof *err), (*rv)[3] = malloc((size_t)used * sizeof *rv), (*tv)[3] = malloc((size_t)used * sizeof *tv);
    double rms = -1;
    if (obj && img && counts && map && err && rv && tv) {
        int k = 0, u = 0;
        for (int i = 0; i < n; i++) {
            if (v[i].rejected) continue;
            memcpy(obj + k, v[i].obj, (size_t)v[i].count * sizeof *obj);
            memcpy(img + k, v[i].img, (size_t)v[i].count * sizeof *img);
            k += v[i].count;
            counts[u] = v[i].count;
            map[u++] = i;
        }
        if (vtcv_calibrate((const float (*)[3])obj, (const float (*)[2])img, counts, used, w, h, K, D, err, rv, tv, &rms) != VT_OK)
            rms = -1;
        for (int j = 0; rms >= 0 && j < used; j++) {
            double R[9];
            vtcv_rodrigues(rv[j], R);
            v[map[j]].error = err[j];
            v[map[j]].tilt_deg = acos(fmin(1.0, fabs(R[8]))) * 180 / M_PI;
        }
    }
    free(obj); free(img); free(counts); free(map); free(err); free(rv); free(tv);
    return rms;
}

vt_result vt_calibrate(vt_calib_view *views, int nviews, int width, int height, vt_calib_result *out, char *err,
                       size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (nviews < VT_CALIB_MIN_VIEWS) {
        snprintf(err, errlen, vt_trn("only %d view shows the board; at least %d are needed (show it in other places and angles)",
                                     "only %d views show the board; at least %d are needed (show it in other places and angles)",
                                     (unsigned long)nviews), nviews, VT_CALIB_MIN_VIEWS);
        return VT_ERR_ARG;
    }
    for (int i = 0; i < nviews; i++) views[i].rejected = 0;
    double K[9], D[5];
    double rms = run(views, nviews, width, height, K, D);
    if (rms < 0) { snprintf(err, errlen, _("OpenCV's calibrateCamera failed on these views")); return VT_ERR_INTERNAL; }
    /* Leave out the worst view while it is far above the rest, keeping enough views. */
    for (int round = 0; round < nviews / 4; round++) {
        double *e = malloc((size_t)nviews * sizeof *e);
        int m = 0, worst = -1;
        for (int i = 0; i < nviews; i++)
            if (!views[i].rejected) {
                e[m++] = views[i].error;
                if (worst < 0 || views[i].error > views[worst].error) worst = i;
            }
        qsort(e, (size_t)m, sizeof *e, cmp_double);
        double med = e[m / 2];
        free(e);
        if (m - 1 < VT_CALIB_MIN_VIEWS || views[worst].error <= 3 * med || views[worst].error <= med + 0.5) break;
        views[worst].rejected = 1;
        out->rejected++;
        double K2[9], D2[5], r2 = run(views, nviews, width, height, K2, D2);
        if (r2 < 0) { views[worst].rejected = 0; out->rejected--; break; }
        memcpy(K, K2, sizeof K);
        memcpy(D, D2, sizeof D);
        rms = r2;
    }
    memset(&out->camera, 0, sizeof out->camera);
    out->camera.fx = K[0]; out->camera.fy = K[4]; out->camera.cx = K[2]; out->camera.cy = K[5];
    memcpy(out->camera.dist, D, sizeof D);
    out->camera.ndist = 5;
    out->camera.width = width;
    out->camera.height = height;
    out->rms = rms;
    out->used = nviews - out->rejected;
    out->fov_h_deg = 2 * atan(width / (2 * K[0])) * 180 / M_PI;
    out->fov_v_deg = 2 * atan(height / (2 * K[4])) * 180 / M_PI;
    out->tilt_min_deg = 180;
    /* Coverage: did any kept view put a board corner in each corner ninth of the image? */
    int seen = 0;
    for (int i = 0; i < nviews; i++) {
        if (views[i].rejected) continue;
        if (views[i].tilt_deg < out->tilt_min_deg) out->tilt_min_deg = views[i].tilt_deg;
        if (views[i].tilt_deg > out->tilt_max_deg) out->tilt_max_deg = views[i].tilt_deg;
        for (int k = 0; k < views[i].count; k++) {
            int gx = (int)(views[i].img[k][0] * 3 / width), gy = (int)(views[i].img[k][1] * 3 / height);
            if (gx == 0 && gy == 0) seen |= 1;
            if (gx == 2 && gy == 0) seen |= 2;
            if (gx == 2 && gy == 2) seen |= 4;
            if (gx == 0 && gy == 2) seen |= 8;
        }
    }
    out->corners_uncovered = ~seen & 15;
    return VT_OK;
}

vt_result vt_camera_save(const char *path, const vt_camera *c, double rms, char *err, size_t errlen)
{
    vtcv_calib k;
    memset(&k, 0, sizeof k);
    vt_camera_matrix(c, k.K);
    memcpy(k.dist, c->dist, sizeof k.dist);
    k.ndist = c->ndist ? c->ndist : 5;
    k.width = c->width;
    k.height = c->height;
    k.rms = rms;
    /* Written beside, then moved into place: a kiosk's working calibration is never half-replaced. */
    char tmp[4200];
    vt_temp_name(path, tmp, sizeof tmp);
    size_t n = strlen(tmp);
    const char *ext = vt_file_ext(path);   /* FileStorage picks the format by extension */
    snprintf(tmp + n, sizeof tmp - n, ".%s", *ext ? ext : "yml");
    vt_result r = vtcv_calib_write(tmp, &k, err, errlen);
    if (r != VT_OK) { vt_abandon_file(tmp); return r; }
    return vt_commit_file(tmp, path, err, errlen);
}
