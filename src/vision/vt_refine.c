/* vt_refine.c — sub-pixel corners from the marker's edges.
 *
 * A marker's black square has four straight edges, each seen along hundreds of pixels; a corner,
 * by contrast, is one point blurred by the lens. So instead of searching near each corner (as
 * cv::cornerSubPix does, which is biased on an L-shaped corner), we find the edge at sub-pixel
 * precision at many points along each side, fit a line through them, and intersect neighbouring
 * lines. Pixel centres are at integer coordinates, as in OpenCV. */
#include "vt_refine.h"

#include <math.h>
#include <string.h>

#define MAX_SAMPLES 64
#define STEP 0.5f   /* profile sampling step along the normal, pixels */
#define MAX_STEPS 31   /* profile half-length in steps: prof[] below holds 2 * 31 + 1 */

static inline float sample(const vt_image *im, float x, float y)
{
    if (x < 0) x = 0;
    if (y < 0) y = 0;
    if (x > im->width - 1.001f) x = im->width - 1.001f;
    if (y > im->height - 1.001f) y = im->height - 1.001f;
    int ix = (int)x, iy = (int)y;
    float ax = x - ix, ay = y - iy;
    const uint8_t *r0 = im->data + (size_t)iy * im->stride + ix, *r1 = r0 + im->stride;
    return (r0[0] * (1 - ax) + r0[1] * ax) * (1 - ay) + (r1[0] * (1 - ax) + r1[1] * ax) * ay;
}

/* Fits a line to the edge between corners a and b; the dark side is towards centre c.
 * Writes the line as a point p and unit direction d; returns 0 when the edge is too weak. */
static int fit_edge(const vt_image *im, const float a[2], const float b[2], const float c[2], float reach,
                    int max_samples, float min_gradient, double p[2], double d[2])
{
    float ex = b[0] - a[0], ey = b[1] - a[1];
    float len = sqrtf(ex * ex + ey * ey);
    if (len < 4) return 0;
    ex /= len; ey /= len;
    float nx = ey, ny = -ex;   /* a normal; point it away from the centre (towards the white) */
    float mx = (a[0] + b[0]) * 0.5f, my = (a[1] + b[1]) * 0.5f;
    if ((mx - c[0]) * nx + (my - c[1]) * ny < 0) { nx = -nx; ny = -ny; }

    int n = (int)(len * 0.8f);
    if (n > max_samples) n = max_samples;
    if (n < 6) n = 6;
    int steps = (int)(reach / STEP);
    if (steps > MAX_STEPS) steps = MAX_STEPS;
    double sw = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    float prof[64], der[64];
    int used = 0;
    for (int i = 0; i < n; i++) {
        /* Stay clear of the corners, where the other edge bends the profile. */
        float t = 0.12f + 0.76f * (i + 0.5f) / n;
        float px = a[0] + ex * len * t, py = a[1] + ey * len * t;
        for (int k = -steps; k <= steps; k++) prof[k + steps] = sample(im, px + nx * k * STEP, py + ny * k * STEP);
        int m = 2 * steps + 1, best = -1;
        float bestv = 0;
        for (int k = 1; k < m - 1; k++) {
            der[k] = prof[k + 1] - prof[k - 1];   /* rises from dark (inside) to light (outside) */
            if (der[k] > bestv) { bestv = der[k]; best = k; }
        }
        if (best < 0 || bestv < min_gradient) continue;
        /* Centroid of the gradient peak: robust to blur, unbiased for a symmetric edge spread. */
        double acc = 0, wsum = 0;
        for (int k = best; k >= 1 && der[k] > bestv * 0.25f; k--) { acc += der[k] * k; wsum += der[k]; }
        for (int k = best + 1; k < m - 1 && der[k] > bestv * 0.25f; k++) { acc += der[k] * k; wsum += der[k]; }
        double off = (acc / wsum - steps) * STEP;
        double qx = px + nx * off, qy = py + ny * off, w = bestv;
        sw += w; sx += w * qx; sy += w * qy; sxx += w * qx * qx; syy += w * qy * qy; sxy += w * qx * qy;
        used++;
    }
    if (used < 4) return 0;
    vt_line_from_moments(sw, sx, sy, sxx, syy, sxy, p, d);
    return 1;
}

void vt_line_from_moments(double sw, double sx, double sy, double sxx, double syy, double sxy, double p[2], double d[2])
{
    double cx = sx / sw, cy = sy / sw;
    double vxx = sxx / sw - cx * cx, vyy = syy / sw - cy * cy, vxy = sxy / sw - cx * cy;
    /* Direction of the least-squares line: the major eigenvector of the covariance. */
    double th = 0.5 * atan2(2 * vxy, vxx - vyy);
    p[0] = cx; p[1] = cy;
    d[0] = cos(th); d[1] = sin(th);
}

int vt_refine_corners(const vt_image *grey, float corners[4][2], int cells, const vt_detector_params *p)
{
    return vt_refine_corners_n(grey, corners, cells, p, p->refine_iterations, p->refine_samples, p->refine_reach_px);
}

int vt_refine_corners_n(const vt_image *grey, float corners[4][2], int cells, const vt_detector_params *p, int iterations,
                        int samples, float max_reach)
{
    float q[4][2];
    memcpy(q, corners, sizeof q);
    if (samples > MAX_SAMPLES) samples = MAX_SAMPLES;
    for (int iter = 0; iter < iterations; iter++) {
        float c[2] = { (q[0][0] + q[1][0] + q[2][0] + q[3][0]) * 0.25f, (q[0][1] + q[1][1] + q[2][1] + q[3][1]) * 0.25f };
        double side = 0;
        for (int i = 0; i < 4; i++) side += hypot(q[(i + 1) % 4][0] - q[i][0], q[(i + 1) % 4][1] - q[i][1]) * 0.25;
        /* Reach across the edge: less than half a cell inwards, so the first row of bits
         * (which may be white) never pulls the edge in. */
        float reach = (float)(side / cells * p->refine_reach_cells);
        if (reach > max_reach) reach = max_reach;
        if (reach < p->refine_min_reach_px) reach = p->refine_min_reach_px;
        double lp[4][2], ld[4][2];
        for (int i = 0; i < 4; i++)
            if (!fit_edge(grey, q[i], q[(i + 1) % 4], c, reach, samples, p->refine_min_gradient, lp[i], ld[i])) return 0;
        float out[4][2];
        for (int i = 0; i < 4; i++) {
            /* Corner i joins edge i-1 (from corner i-1 to i) and edge i. */
            int j = (i + 3) % 4;
            double det = ld[j][0] * ld[i][1] - ld[j][1] * ld[i][0];
            if (fabs(det) < 1e-6) return 0;
            double dx = lp[i][0] - lp[j][0], dy = lp[i][1] - lp[j][1];
            double s = (dx * ld[i][1] - dy * ld[i][0]) / det;
            out[i][0] = (float)(lp[j][0] + s * ld[j][0]);
            out[i][1] = (float)(lp[j][1] + s * ld[j][1]);
            /* A corner that moves far is a misfit (occlusion, clutter): keep what we had. */
            double mv = hypot(out[i][0] - corners[i][0], out[i][1] - corners[i][1]);
            if (mv > p->refine_max_move_px + side * p->refine_max_move_side) return 0;
        }
        memcpy(q, out, sizeof q);
    }
    memcpy(corners, q, sizeof q);
    return 1;
}
