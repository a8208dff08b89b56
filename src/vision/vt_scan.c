/* vt_scan.c — Vitrine's own square-marker search (see vt_scan.h).
 *
 * Why it is faster than cv::aruco::detectMarkers: OpenCV thresholds the full frame three times
 * (three window sizes), approximates every contour, and warps each candidate to a bitmap before
 * reading it. A marker's outline survives halving the resolution, so we segment once at a size
 * whose short side is about 360 pixels, fit each side of a quad to its contour points (sub-pixel
 * already at that scale), read the cells by sampling the full-resolution frame through the quad's
 * homography, and only then spend time on sub-pixel corners — for decoded markers only. */
#include "vt_scan.h"
#include "cv/vt_cv.h"
#include "vt_refine.h"
#include "vt_shrink.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONTOURS 8192
#define MAX_POINTS (1 << 20)
#define MAX_CODES (1024 * 4)

struct vt_scan {
    vt_dictionary dict;
    vt_detector_params p;     /* resolved: no zero fields */
    int n;                    /* data cells per side */
    int max_correction;       /* bit errors accepted when matching */
    int dmin;                 /* least Hamming distance between two codes (any rotations) */
    uint64_t *codes;          /* dict.count x 4 rotations */
    vt_image small, binary;   /* owned, reused while the region's size allows */
    int (*pts)[2];
    int *counts;
    uint8_t *tiles;           /* threshold_tiles's working rows */
    size_t tiles_cap;
    uint8_t *rowbuf;          /* inside tiles: two rows of the region */
    vt_shrink shrink;         /* the reduction's working buffers */
    const vt_marker *known;   /* vt_scan_skip: quads not to read again */
    int nknown;
};

static uint64_t grid_code(const uint8_t *g, int n)
{
    uint64_t c = 0;
    for (int i = 0; i < n * n; i++) c = (c << 1) | (g[i] & 1);
    return c;
}

/* Rotates an n x n grid a quarter turn: out[y][x] = in[n-1-x][y]. */
static void grid_rotate(const uint8_t *in, uint8_t *out, int n)
{
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) out[y * n + x] = in[(n - 1 - x) * n + y];
}

vt_scan *vt_scan_create(const vt_dictionary *dict, const vt_detector_params *params)
{
    if (!dict || dict->bits < 3 || dict->bits > 8 || dict->count <= 0 || dict->count > MAX_CODES / 4) return NULL;
    vt_scan *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->dict = *dict;
    s->p = *params;
    s->n = dict->bits;
    size_t nb = (size_t)dict->count * s->n * s->n;
    uint8_t *bits = malloc(nb);
    s->codes = malloc((size_t)dict->count * 4 * sizeof *s->codes);
    s->pts = malloc(MAX_POINTS * sizeof *s->pts);
    s->counts = malloc(MAX_CONTOURS * sizeof *s->counts);
    if (!bits || !s->codes || !s->pts || !s->counts ||
        vtcv_aruco_dict_bits(dict->cv_id, bits, nb, &s->max_correction) != VT_OK) {
        free(bits);
        vt_scan_destroy(s);
        return NULL;
    }
    uint8_t g[64], r[64];
    for (int id = 0; id < dict->count; id++) {
        memcpy(g, bits + (size_t)id * s->n * s->n, (size_t)(s->n * s->n));
        for (int k = 0; k < 4; k++) {
            s->codes[id * 4 + k] = grid_code(g, s->n);
            grid_rotate(g, r, s->n);
            memcpy(g, r, (size_t)(s->n * s->n));
        }
    }
    free(bits);
    /* How many bit errors to correct: OpenCV's default (60 % of what its dictionary object says)
     * unless that says 0 (its AprilTag dictionaries), then half of what the codes' own minimum
     * distance allows, as AprilTag does (36h11: 2 bits). */
    int dmin = 64, total = dict->count * 4;
    for (int i = 0; i < total; i++)
        for (int j = (i / 4 + 1) * 4; j < total; j++) {
            int dd = __builtin_popcountll(s->codes[i] ^ s->codes[j]);
            if (dd < dmin) dmin = dd;
        }
    s->dmin = dmin;
    int from_dmin = (int)(((dmin - 1) / 2) * s->p.correction_share_dmin);
    s->max_correction = s->max_correction > 0 ? (int)(s->max_correction * s->p.correction_share) : from_dmin;
    return s;
}

void vt_scan_destroy(vt_scan *s)
{
    if (!s) return;
    vt_image_free(&s->small);
    vt_image_free(&s->binary);
    free(s->codes);
    free(s->pts);
    free(s->counts);
    free(s->tiles);
    vt_shrink_free(&s->shrink);
    free(s);
}

/* ---- geometry ---- */

/* Homography taking (0,0), (N,0), (N,N), (0,N) to the four corners (8x8 solve, partial pivot). */
static int square_homography(const float c[4][2], double N, double H[9])
{
    const double u[4] = { 0, N, N, 0 }, v[4] = { 0, 0, N, N };
    double A[8][9];
    for (int i = 0; i < 4; i++) {
        double x = c[i][0], y = c[i][1];
        double r0[9] = { u[i], v[i], 1, 0, 0, 0, -u[i] * x, -v[i] * x, x };
        double r1[9] = { 0, 0, 0, u[i], v[i], 1, -u[i] * y, -v[i] * y, y };
        memcpy(A[2 * i], r0, sizeof r0);
        memcpy(A[2 * i + 1], r1, sizeof r1);
    }
    for (int col = 0; col < 8; col++) {
        int p = col;
        for (int r = col + 1; r < 8; r++)
            if (fabs(A[r][col]) > fabs(A[p][col])) p = r;
        if (fabs(A[p][col]) < 1e-12) return 0;
        if (p != col)
            for (int k = 0; k < 9; k++) { double t = A[p][k]; A[p][k] = A[col][k]; A[col][k] = t; }
        for (int r = 0; r < 8; r++) {
            if (r == col) continue;
            double f = A[r][col] / A[col][col];
            for (int k = col; k < 9; k++) A[r][k] -= f * A[col][k];
        }
    }
    for (int i = 0; i < 8; i++) H[i] = A[i][8] / A[i][i];
    H[8] = 1;
    return 1;
}

static inline float sample(const vt_image *im, double x, double y)
{
    if (!(x >= 0)) x = 0;   /* also catches NaN */
    if (!(y >= 0)) y = 0;
    if (x > im->width - 1.001) x = im->width - 1.001;
    if (y > im->height - 1.001) y = im->height - 1.001;
    int ix = (int)x, iy = (int)y;
    float ax = (float)(x - ix), ay = (float)(y - iy);
    const uint8_t *r0 = im->data + (size_t)iy * im->stride + ix, *r1 = r0 + im->stride;
    return (r0[0] * (1 - ax) + r0[1] * ax) * (1 - ay) + (r1[0] * (1 - ax) + r1[1] * ax) * ay;
}

static inline float sample_h(const vt_image *im, const double H[9], double u, double v)
{
    double w = H[6] * u + H[7] * v + H[8];
    return sample(im, (H[0] * u + H[1] * v + H[2]) / w, (H[3] * u + H[4] * v + H[5]) / w);
}

/* Insertion sort: the arrays here are a few dozen values, where qsort's calls dominate. */
static void sort_floats(float *v, int n)
{
    for (int i = 1; i < n; i++) {
        float x = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] > x) { v[j + 1] = v[j]; j--; }
        v[j + 1] = x;
    }
}

/* The mean of each of the N x N cells (border included) of the quad seen through H: five
 * samples each, away from the cell's edges (blur, corner error); closer to the centre when
 * cells are only a few pixels wide (side: the quad's mean side, pixels). */
static void cell_means(const vt_image *im, const double H[9], int N, double side, float *cell)
{
    double d = side / N >= 4 ? 0.2 : 0.1;
    const double off[5][2] = { { 0.5, 0.5 }, { 0.5 - d, 0.5 - d }, { 0.5 + d, 0.5 - d }, { 0.5 - d, 0.5 + d }, { 0.5 + d, 0.5 + d } };
    for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++) {
            float acc = 0;
            for (int k = 0; k < 5; k++) acc += sample_h(im, H, x + off[k][0], y + off[k][1]);
            cell[y * N + x] = acc * 0.2f;
        }
}

/* The white quiet zone just outside the black border is the light reference: sampled
 * quiet_zone_cells out, along every side; the median ignores clutter or a finger on part of it. */
static float quiet_zone(const vt_scan *s, const vt_image *im, const double H[9], int N)
{
    float ring[40] = { 0 };
    int nr = 0;
    const double q = s->p.quiet_zone_cells;
    for (int i = 0; i < N; i++) {
        double t = i + 0.5;
        ring[nr++] = sample_h(im, H, t, -q);
        ring[nr++] = sample_h(im, H, t, N + q);
        ring[nr++] = sample_h(im, H, -q, t);
        ring[nr++] = sample_h(im, H, N + q, t);
    }
    sort_floats(ring, nr);
    return ring[nr / 2];
}

/* The cells' own split into dark and light (Otsu over the n cell means): the threshold T, or the
 * split's when it is clear (wider than otsu_gap of white - black). */
static float otsu_threshold(const vt_scan *s, const float *cell, int n, float T, float white, float black)
{
    float sorted[100];
    memcpy(sorted, cell, sizeof(float) * n);
    sort_floats(sorted, n);
    double tot = 0, acc = 0, bestv = -1;
    for (int i = 0; i < n; i++) tot += sorted[i];
    float otsu = T, gap = 0;
    for (int i = 1; i < n; i++) {
        acc += sorted[i - 1];
        double m0 = acc / i, m1 = (tot - acc) / (n - i);
        double v = (double)i * (n - i) * (m1 - m0) * (m1 - m0);
        if (v > bestv) { bestv = v; otsu = (float)((m0 + m1) * 0.5); gap = (float)(m1 - m0); }
    }
    return gap > s->p.otsu_gap * (white - black) ? otsu : T;
}

/* The nearest code of ids lo..hi-1 (any rotation) to code: best = id * 4 + rotation, or -1. */
static int nearest_code(const vt_scan *s, uint64_t code, int lo, int hi, int *dist)
{
    int best = -1, bestd = 99;
    for (int id = lo; id < hi; id++)
        for (int k = 0; k < 4; k++) {
            int d = __builtin_popcountll(code ^ s->codes[id * 4 + k]);
            if (d < bestd) { bestd = d; best = id * 4 + k; }
        }
    *dist = bestd;
    return best;
}

/* Reads the cells of the quad c (clockwise in the image). Returns the matched id and writes the
 * rotation (quarter turns) and bit errors, or -1 when it is not a marker of the dictionary.
 * want >= 0 accepts only that id. */
static int decode(const vt_scan *s, const vt_image *im, const float c[4][2], int want, int *rot, int *errors)
{
    const int n = s->n, N = n + 2;
    double H[9];
    if (!square_homography(c, N, H)) return -1;
    double side = 0;
    for (int i = 0; i < 4; i++) side += hypot(c[(i + 1) % 4][0] - c[i][0], c[(i + 1) % 4][1] - c[i][1]) * 0.25;
    float cell[100];
    cell_means(im, H, N, side, cell);
    float white = quiet_zone(s, im, H, N);
    float bcell[40] = { 0 };
    int nb = 0;
    for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++)
            if (x == 0 || y == 0 || x == N - 1 || y == N - 1) bcell[nb++] = cell[y * N + x];
    sort_floats(bcell, nb);
    float black = bcell[nb / 2];
    *errors = -1;   /* not even a dark square in a light surround */
    if (white - black < s->p.min_read_contrast) return -1;
    *errors = 1000;   /* from here on: a dark, light-framed square that did not read */
    float T = (white + black) * 0.5f;
    /* When the cells' own split is clear, it wins over the ring, so a grey quiet zone read
     * together with the marker (a quad one cell too big) shows up as a light border and is
     * refused. A known marker re-read (want >= 0): the ring's split is enough. */
    if (want < 0) T = otsu_threshold(s, cell, N * N, T, white, black);
    int border_err = 0;
    for (int i = 0; i < nb; i++) border_err += bcell[i] > T;
    if (border_err > nb / s->p.border_error_div) return -1;
    uint8_t g[64];
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) g[y * n + x] = cell[(y + 1) * N + x + 1] > T;
    int bestd = 99;
    int best = nearest_code(s, grid_code(g, n), want >= 0 ? want : 0, want >= 0 ? want + 1 : s->dict.count, &bestd);
    /* Correct bit errors only where cells are big enough to be read with confidence: on a
     * small quad a "corrected" read is more often a look-alike pattern than a marker. */
    int allowed = side / N >= s->p.correct_min_cell_px || s->dmin >= s->p.correct_min_distance ? s->max_correction : 0;
    if (best < 0 || bestd > allowed) return -1;
    *rot = best % 4;
    *errors = bestd + border_err;
    return best / 4;
}

/* Puts the corners in the marker's own order: the sampled grid equals the stored code turned
 * rot quarter turns. */
static void reorder(float c[4][2], int rot)
{
    float t[4][2];
    for (int i = 0; i < 4; i++) memcpy(t[i], c[(i + rot) % 4], sizeof t[i]);
    memcpy(c, t, sizeof t);
}

static double signed_area(const float c[4][2])
{
    double a = 0;
    for (int i = 0; i < 4; i++) a += (double)c[i][0] * c[(i + 1) % 4][1] - (double)c[(i + 1) % 4][0] * c[i][1];
    return a * 0.5;
}

/* Least-squares line through contour points a..b (inclusive, wrapping), inner 70 % of them. */
static int fit_side(const int (*p)[2], int n, int a, int b, double pt[2], double dir[2])
{
    int len = b >= a ? b - a : b + n - a;
    int skip = (int)(len * 0.15), m = 0;
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (int k = skip; k <= len - skip; k++) {
        const int *q = p[(a + k) % n];
        sx += q[0]; sy += q[1];
        sxx += (double)q[0] * q[0]; syy += (double)q[1] * q[1]; sxy += (double)q[0] * q[1];
        m++;
    }
    if (m < 3) return 0;
    vt_line_from_moments(m, sx, sy, sxx, syy, sxy, pt, dir);
    return 1;
}

static int intersect(const double p0[2], const double d0[2], const double p1[2], const double d1[2], double out[2])
{
    double det = d0[0] * d1[1] - d0[1] * d1[0];
    if (fabs(det) < 1e-3) return 0;
    double dx = p1[0] - p0[0], dy = p1[1] - p0[1];
    double t = (dx * d1[1] - dy * d1[0]) / det;
    out[0] = p0[0] + t * d0[0];
    out[1] = p0[1] + t * d0[1];
    return 1;
}

/* Binarises src into dst (255 = dark) the way AprilTag does: each 4x4 tile's darkest and
 * lightest values, spread over the 3x3 tiles around it; a pixel is dark when below their
 * middle. Where that neighbourhood has less than min_contrast between them (flat wall, sky,
 * sensor noise) nothing is dark, so flat regions make no contours at all — which is where most
 * of a frame's contours, and of findContours's time, would otherwise come from. */
static vt_result threshold_tiles(vt_scan *s, const vt_image *src, vt_image *dst, int min_contrast)
{
    enum { T = 4 };
    const int w = src->width, h = src->height, tw = (w + T - 1) / T, th = (h + T - 1) / T;
    size_t need = (size_t)tw * th * 4 + (size_t)w * 2;
    if (need > s->tiles_cap) {
        uint8_t *n = realloc(s->tiles, need);
        if (!n) return VT_ERR_NO_MEMORY;
        s->tiles = n;
        s->tiles_cap = need;
    }
    s->rowbuf = s->tiles + (size_t)tw * th * 4;
    uint8_t *mn = s->tiles, *mx = mn + (size_t)tw * th, *mn3 = mx + (size_t)tw * th, *mx3 = mn3 + (size_t)tw * th;
    /* Column-wise min/max over each band of T rows (vectorises), then over T columns. */
    uint8_t *restrict cmin = s->rowbuf, *restrict cmax = s->rowbuf + w;
    for (int ty = 0; ty < th; ty++) {
        int y0 = ty * T, y1 = y0 + T < h ? y0 + T : h;
        memcpy(cmin, vt_image_row(src, y0), (size_t)w);
        memcpy(cmax, vt_image_row(src, y0), (size_t)w);
        for (int y = y0 + 1; y < y1; y++) {
            const uint8_t *restrict r = vt_image_row(src, y);
            for (int x = 0; x < w; x++) {
                cmin[x] = r[x] < cmin[x] ? r[x] : cmin[x];
                cmax[x] = r[x] > cmax[x] ? r[x] : cmax[x];
            }
        }
        for (int tx = 0; tx < tw; tx++) {
            int x0 = tx * T, x1 = x0 + T < w ? x0 + T : w;
            uint8_t lo = 255, hi = 0;
            for (int x = x0; x < x1; x++) {
                lo = cmin[x] < lo ? cmin[x] : lo;
                hi = cmax[x] > hi ? cmax[x] : hi;
            }
            mn[ty * tw + tx] = lo;
            mx[ty * tw + tx] = hi;
        }
    }
    for (int ty = 0; ty < th; ty++)
        for (int tx = 0; tx < tw; tx++) {
            uint8_t lo = 255, hi = 0;
            for (int dy = -1; dy <= 1; dy++) {
                int yy = ty + dy;
                if (yy < 0 || yy >= th) continue;
                for (int dx = -1; dx <= 1; dx++) {
                    int xx = tx + dx;
                    if (xx < 0 || xx >= tw) continue;
                    uint8_t a = mn[yy * tw + xx], b = mx[yy * tw + xx];
                    lo = a < lo ? a : lo;
                    hi = b > hi ? b : hi;
                }
            }
            /* Store the threshold, or 0 (nothing is below it) for a flat neighbourhood. */
            mn3[ty * tw + tx] = hi - lo < min_contrast ? 0 : (uint8_t)((lo + hi + 1) / 2);
        }
    (void)mx3;
    uint8_t *restrict trow = s->rowbuf;   /* each tile row's thresholds, one per pixel */
    for (int y = 0; y < h; y++) {
        if (y % T == 0) {
            const uint8_t *tt = mn3 + (size_t)(y / T) * tw;
            for (int tx = 0; tx < tw; tx++) {
                int x0 = tx * T, n = x0 + T <= w ? T : w - x0;
                memset(trow + x0, tt[tx], (size_t)n);
            }
        }
        const uint8_t *restrict r = vt_image_row(src, y);
        uint8_t *restrict o = vt_image_row(dst, y);
        for (int x = 0; x < w; x++) o[x] = r[x] < trow[x] ? 255 : 0;
    }
    return VT_OK;
}

/* Whether the quad's centre lies inside one of the markers given to vt_scan_skip. */
static int is_known(const vt_scan *s, const float c[4][2])
{
    float x = (c[0][0] + c[1][0] + c[2][0] + c[3][0]) * 0.25f, y = (c[0][1] + c[1][1] + c[2][1] + c[3][1]) * 0.25f;
    for (int k = 0; k < s->nknown; k++) {
        const float (*q)[2] = (const float (*)[2])s->known[k].corners;
        int inside = 1;
        double a = signed_area(q);
        for (int i = 0; i < 4 && inside; i++) {
            const float *p0 = q[i], *p1 = q[(i + 1) % 4];
            double cr = (double)(p1[0] - p0[0]) * (y - p0[1]) - (double)(p1[1] - p0[1]) * (x - p0[0]);
            inside = a > 0 ? cr >= 0 : cr <= 0;
        }
        if (inside) return 1;
    }
    return 0;
}

void vt_scan_skip(vt_scan *s, const vt_marker *known, int n)
{
    s->known = known;
    s->nknown = known ? n : 0;
}

/* Keeps the better of two reads of the same marker (close centres, same id). */
static int find_duplicate(const vt_marker *out, int count, const vt_marker *m)
{
    float cx = (m->corners[0][0] + m->corners[2][0]) * 0.5f, cy = (m->corners[0][1] + m->corners[2][1]) * 0.5f;
    float side = hypotf(m->corners[1][0] - m->corners[0][0], m->corners[1][1] - m->corners[0][1]);
    for (int i = 0; i < count; i++) {
        float ox = (out[i].corners[0][0] + out[i].corners[2][0]) * 0.5f;
        float oy = (out[i].corners[0][1] + out[i].corners[2][1]) * 0.5f;
        if (out[i].id == m->id && hypotf(ox - cx, oy - cy) < side * 0.5f) return i;
    }
    return -1;
}

#define MAX_RESCAN 64

/* Step 1 of a pass: roi (clamped to the frame, its origin a multiple of f, into roi) averaged
 * down by f into s->small and binarised into s->binary. 0 when the region is too small to
 * search, 1 when segmented, -1 on error. */
static int segment(vt_scan *s, const vt_image *grey, const int roi_in[4], int f, int roi[4])
{
    roi[0] = 0; roi[1] = 0; roi[2] = grey->width; roi[3] = grey->height;
    if (roi_in) {
        roi[0] = roi_in[0] < 0 ? 0 : roi_in[0] / f * f;
        roi[1] = roi_in[1] < 0 ? 0 : roi_in[1] / f * f;
        roi[2] = roi_in[2] > grey->width ? grey->width : roi_in[2];
        roi[3] = roi_in[3] > grey->height ? grey->height : roi_in[3];
    }
    int sw = (roi[2] - roi[0]) / f, sh = (roi[3] - roi[1]) / f;
    if (sw < s->p.min_region_px || sh < s->p.min_region_px) return 0;
    vt_image sub = vt_image_wrap(VT_PIX_GREY8, sw * f, sh * f, grey->stride,
                                 (uint8_t *)grey->data + (size_t)roi[1] * grey->stride + roi[0]);
    if (vt_shrink_ensure(&s->small, sw, sh) != VT_OK || vt_shrink_ensure(&s->binary, sw, sh) != VT_OK) return -1;
    if (vt_shrink_by(&s->shrink, &sub, &s->small, f) != VT_OK) return -1;
    return threshold_tiles(s, &s->small, &s->binary, s->p.min_contrast) == VT_OK ? 1 : -1;
}

/* Step 2: the contour p (n points, segmented pixels) as a quad: four vertices that each carry a
 * fair share of the outline, each side a line fitted to its points, corners where they meet.
 * Writes the corners in full-resolution pixels, clockwise in the image, and the quad's area;
 * 0 when it is not a plausible marker outline. */
static int contour_quad(const vt_scan *s, const int (*p)[2], int n, int f, const int roi[4], float c[4][2],
                        double *area_out)
{
    int idx[8];
    int nv = vtcv_approx_poly(p, n, n * s->p.poly_eps, idx, 8);
    /* A noisy outline (small, tilted, JPEG) can bend one side: a coarser fit may see four. */
    if (nv == 5 || nv == 6) nv = vtcv_approx_poly(p, n, n * s->p.poly_eps_retry, idx, 8);
    if (nv != 4) return 0;
    /* Each side must carry a fair share of the outline: no slivers or triangles. */
    for (int i = 0; i < 4; i++) {
        int len = idx[(i + 1) % 4] - idx[i];
        if (len < 0) len += n;
        if (len < n / s->p.min_side_div || len < 3) return 0;
    }
    double lp[4][2], ld[4][2];
    for (int i = 0; i < 4; i++)
        if (!fit_side(p, n, idx[i], idx[(i + 1) % 4], lp[i], ld[i])) return 0;
    /* Contour points are the dark pixels along the edge, half a pixel inside it: move each
     * line half a pixel out, away from the middle of the outline. */
    double mx = 0, my = 0;
    for (int i = 0; i < 4; i++) { mx += p[idx[i]][0] * 0.25; my += p[idx[i]][1] * 0.25; }
    for (int i = 0; i < 4; i++) {
        double nx = -ld[i][1], ny = ld[i][0];
        if ((lp[i][0] - mx) * nx + (lp[i][1] - my) * ny < 0) { nx = -nx; ny = -ny; }
        lp[i][0] += nx * 0.5;
        lp[i][1] += ny * 0.5;
    }
    for (int i = 0; i < 4; i++) {
        double q[2] = { 0, 0 };
        int ok = intersect(lp[(i + 3) % 4], ld[(i + 3) % 4], lp[i], ld[i], q);
        c[i][0] = (float)((q[0] + 0.5) * f - 0.5 + roi[0]);
        c[i][1] = (float)((q[1] + 0.5) * f - 0.5 + roi[1]);
        /* An intersection far from the contour's own vertex is a bad fit. */
        const int *v = p[idx[i]];
        if (!ok || hypot(q[0] - v[0], q[1] - v[1]) > s->p.corner_fit_px + n * s->p.corner_fit_per_point) return 0;
    }
    double area = signed_area(c);
    if (area < 0) {   /* clockwise in the image, as OpenCV orders candidates */
        float t[2];
        memcpy(t, c[1], sizeof t); memcpy(c[1], c[3], sizeof t); memcpy(c[3], t, sizeof t);
        area = -area;
    }
    *area_out = area;
    return area >= s->p.min_quad_area_px;
}

/* Step 3: reads the quad c (its corners may be refined in place first when it is small) and, when
 * it decodes, refines its corners and reads it again through them. 1 with mk filled when it is
 * a marker; *errs (from the first read) says how close it came otherwise. */
static int read_quad(const vt_scan *s, const vt_image *grey, float c[4][2], double area, vt_marker *mk, int *errs,
                     double *ms_decode, double *ms_refine)
{
    uint64_t q1 = vt_now_ns();
    /* On a small quad the outline's corners are a good part of a cell off: read the cells
     * through sub-pixel corners instead. */
    if (area < s->p.refine_first_area_px) {
        float rc[4][2];
        memcpy(rc, c, sizeof rc);
        if (vt_refine_corners(grey, rc, s->n + 2, &s->p)) memcpy(c, rc, sizeof rc);
    }
    int rot = 0;
    *errs = 0;
    int id = decode(s, grey, (const float (*)[2])c, -1, &rot, errs);
    uint64_t q2 = vt_now_ns();
    *ms_decode += (double)(q2 - q1) * 1e-6;
    memset(mk, 0, sizeof *mk);
    if (id < 0) return 0;
    mk->id = id;
    memcpy(mk->corners, c, sizeof mk->corners);
    reorder(mk->corners, rot);
    /* Sub-pixel corners, and a second read through them: a quad that decodes only through its
     * rough corners was a lucky read of something else. */
    int rot2 = 0, errs2 = 0;
    int good = vt_refine_corners(grey, mk->corners, s->n + 2, &s->p) &&
               decode(s, grey, (const float (*)[2])mk->corners, id, &rot2, &errs2) == id && rot2 == 0;
    *ms_refine += (double)(vt_now_ns() - q2) * 1e-6;
    return good;
}

/* A window around quad c, for a second, full-resolution look. */
static void rescan_window(const vt_scan *s, const float c[4][2], int r[4])
{
    float x0 = c[0][0], y0 = c[0][1], x1 = x0, y1 = y0;
    for (int k = 1; k < 4; k++) {
        x0 = fminf(x0, c[k][0]); x1 = fmaxf(x1, c[k][0]);
        y0 = fminf(y0, c[k][1]); y1 = fmaxf(y1, c[k][1]);
    }
    float m = (x1 - x0 + y1 - y0) * s->p.rescan_margin + 2;
    r[0] = (int)(x0 - m); r[1] = (int)(y0 - m); r[2] = (int)(x1 + m) + 1; r[3] = (int)(y1 + m) + 1;
}

/* One search of roi at scale f (1 = full resolution). Appends to out[*found..max); quads that
 * looked like markers but did not decode go to retry (NULL: no second looks). */
static int scan_pass(vt_scan *s, const vt_image *grey, const int roi_in[4], int f, vt_marker *out,
                     int max, int *found, vt_scan_stats *st, int (*retry)[4], int *nretry)
{
    uint64_t t0 = vt_now_ns();
    int roi[4];
    int seg = segment(s, grey, roi_in, f, roi);
    if (seg <= 0) return seg;
    uint64_t t1 = vt_now_ns();
    int sw = (roi[2] - roi[0]) / f, sh = (roi[3] - roi[1]) / f;
    int min_pts = 4 * s->p.min_marker_side_px / f, max_pts = 4 * (sw > sh ? sw : sh);
    int nc = vtcv_find_contours(&s->binary, min_pts, max_pts, s->pts, MAX_POINTS, s->counts, MAX_CONTOURS);
    if (nc < 0) return -1;
    uint64_t t2 = vt_now_ns();
    double ms_quads = 0, ms_decode = 0, ms_refine = 0;
    int cands = 0;
    const int (*p)[2] = (const int (*)[2])s->pts;
    for (int ci = 0; ci < nc; p += s->counts[ci], ci++) {
        uint64_t q0 = vt_now_ns();
        float c[4][2];
        double area = 0;
        if (!contour_quad(s, p, s->counts[ci], f, roi, c, &area)) continue;
        if (s->nknown && is_known(s, c)) continue;
        ms_quads += (double)(vt_now_ns() - q0) * 1e-6;
        cands++;
        vt_marker mk;
        int errs = 0;
        if (!read_quad(s, grey, c, area, &mk, &errs, &ms_decode, &ms_refine)) {
            /* A big enough quad that did not read may hold a marker whose quiet zone merged
             * with it (grey margins, shadows): worth a second, finer look at that spot. */
            if (retry && *nretry < MAX_RESCAN && area > s->p.rescan_min_area_px && errs > 0)
                rescan_window(s, (const float (*)[2])c, retry[(*nretry)++]);
            continue;
        }
        if (find_duplicate(out, *found, &mk) >= 0) continue;
        if (*found < max) out[(*found)++] = mk;
    }
    if (st) {
        st->ms_segment += (double)(t1 - t0) * 1e-6;
        st->ms_contours += (double)(t2 - t1) * 1e-6 + ms_quads;
        st->ms_decode += ms_decode;
        st->ms_refine += ms_refine;
        st->candidates += cands;
    }
    return 0;
}

int vt_scan_region(vt_scan *s, const vt_image *grey, const int roi[4], vt_marker *out, int max, vt_scan_stats *st)
{
    return vt_scan_region_coarse(s, grey, roi, 1, out, max, st);
}

int vt_scan_region_coarse(vt_scan *s, const vt_image *grey, const int roi[4], int coarse, vt_marker *out, int max,
                          vt_scan_stats *st)
{
    if (!s || !grey || grey->format != VT_PIX_GREY8 || !out || coarse < 1) return -1;
    /* Segment at a scale whose short side is about 360 pixels: markers of 30 px and more keep
     * a closed outline there, and it is a quarter (720p) or a ninth (1080p) of the pixels. */
    int minside = grey->width < grey->height ? grey->width : grey->height;
    int f = minside / s->p.segment_short_side_px;
    if (f < 1) f = 1;
    f *= coarse;
    int found = 0, nretry = 0;
    int retry[MAX_RESCAN][4];
    /* The coarse look for newcomers skips second looks: the next whole-frame search has them. */
    if (scan_pass(s, grey, roi, f, out, max, &found, st, coarse > 1 ? NULL : retry, &nretry) < 0) return -1;
    /* The second look: full resolution and a small window, only where a quad failed to read. */
    for (int i = 0; i < nretry; i++)
        if (scan_pass(s, grey, retry[i], 1, out, max, &found, st, NULL, NULL) < 0) return -1;
    return found;
}

int vt_scan_verify(vt_scan *s, const vt_image *grey, float corners[4][2], int id)
{
    float c[4][2];
    memcpy(c, corners, sizeof c);
    /* Two light passes: the prediction is close, so a pass moves the corners onto the edges
     * and a second settles them. */
    if (!vt_refine_corners_n(grey, c, s->n + 2, &s->p, s->p.verify_iterations, s->p.verify_samples, s->p.verify_reach_px)) return 0;
    int rot = 0, errs = 0;
    if (decode(s, grey, (const float (*)[2])c, id, &rot, &errs) != id || rot != 0) return 0;
    memcpy(corners, c, sizeof c);
    return 1;
}
