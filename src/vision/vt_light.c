/* vt_light.c — the room's light from the camera's picture: a first-order spherical harmonic of
 * its linear radiance, fitted over a coarse grid of the frame (some microseconds a frame), and
 * the mean of its brightest tenth (the room's white), and their smoothing over time. What a product's shading does with it is render's business. */
#include "vt_vision.h"

#include <math.h>
#include <pthread.h>

/* The grid: cells of the frame, each the mean of 2 x 2 pixels at its centre. Enough to see
 * the frame's level, tint and its brighter side; marker-sized detail averages out. */
enum { GRID_X = 64, GRID_Y = 36 };

static float g_linear[256];
static pthread_once_t g_linear_once = PTHREAD_ONCE_INIT;

static void build_linear(void)
{
    for (int i = 0; i < 256; i++) {
        double c = i / 255.0;
        g_linear[i] = (float)(c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4));
    }
}

/* Least squares of L = a + gx dx + gy dy over the samples, weighted by each cell's solid angle:
 * m is the 3 x 3 normal matrix (shared by the channels), rhs one column per channel. */
static void solve(const double m[3][3], const double rhs[3][3], vt_room_light *out)
{
    double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                 m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    for (int c = 0; c < 3; c++) {
        double x[3];
        for (int k = 0; k < 3; k++) {   /* Cramer: column k replaced by the right-hand side */
            double a[3][3];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) a[i][j] = j == k ? rhs[i][c] : m[i][j];
            double dk = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
                        a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
            x[k] = fabs(det) > 1e-12 ? dk / det : 0;
        }
        double level = x[0] < 0 ? 0 : x[0] > 1 ? 1 : x[0];
        /* The sphere's radiance stays >= 0 only with |grad| <= level: a fit over the frame's
         * narrow cone extrapolates, and a steep gradient there must not light products negatively. */
        double g = sqrt(x[1] * x[1] + x[2] * x[2]), s = g > level && g > 0 ? level / g : 1;
        out->level[c] = (float)level;
        out->grad[0][c] = (float)(x[1] * s);
        out->grad[1][c] = (float)(x[2] * s);
    }
}

/* The brightest tenth of the cells (by luminance, from a histogram), averaged: the frame's white. */
static void bright_tenth(const float (*cells)[3], int n, float white[3])
{
    enum { BINS = 512 };
    int hist[BINS] = { 0 };
    for (int i = 0; i < n; i++) {
        float y = 0.2126f * cells[i][0] + 0.7152f * cells[i][1] + 0.0722f * cells[i][2];
        hist[y >= 1 ? BINS - 1 : (int)(y * BINS)]++;
    }
    int above = 0, from = BINS - 1;
    for (; from > 0 && (above += hist[from]) < n / 10; from--) {}
    double sum[3] = { 0, 0, 0 };
    int k = 0;
    for (int i = 0; i < n; i++) {
        float y = 0.2126f * cells[i][0] + 0.7152f * cells[i][1] + 0.0722f * cells[i][2];
        if ((y >= 1 ? BINS - 1 : (int)(y * BINS)) < from) continue;
        for (int c = 0; c < 3; c++) sum[c] += cells[i][c];
        k++;
    }
    for (int c = 0; c < 3; c++) white[c] = k ? (float)(sum[c] / k) : 0;
}

void vt_room_light_estimate(const vt_image *bgr, const vt_camera *cam, vt_room_light *out)
{
    *out = (vt_room_light){ 0 };
    if (!bgr || bgr->format != VT_PIX_BGR8 || bgr->width < 2 || bgr->height < 2 || !bgr->data) return;
    pthread_once(&g_linear_once, build_linear);
    int w = bgr->width, h = bgr->height;
    vt_camera c = cam && cam->fx > 0 ? vt_camera_for_size(cam, w, h) : vt_camera_from_fov(w, h, 60);
    float cells[GRID_X * GRID_Y][3];   /* 27 kB */
    double m[3][3] = { { 0 } }, rhs[3][3] = { { 0 } };
    for (int gy = 0; gy < GRID_Y; gy++) {
        int y = (int)((gy + 0.5) * h / GRID_Y);
        if (y > h - 2) y = h - 2;
        for (int gx = 0; gx < GRID_X; gx++) {
            int x = (int)((gx + 0.5) * w / GRID_X);
            if (x > w - 2) x = w - 2;
            const uint8_t *p0 = bgr->data + (size_t)y * bgr->stride + (size_t)x * 3, *p1 = p0 + bgr->stride;
            float *L = cells[gy * GRID_X + gx];
            for (int ch = 0; ch < 3; ch++)   /* BGR in, RGB out */
                L[2 - ch] = 0.25f * (g_linear[p0[ch]] + g_linear[p0[ch + 3]] + g_linear[p1[ch]] + g_linear[p1[ch + 3]]);
            double dx = (x + 0.5 - c.cx) / c.fx, dy = (y + 0.5 - c.cy) / c.fy, n = 1 / sqrt(dx * dx + dy * dy + 1);
            double f[3] = { 1, dx * n, dy * n }, wt = n * n * n;   /* a pixel's solid angle goes as cos^3 */
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) m[i][j] += wt * f[i] * f[j];
                for (int ch = 0; ch < 3; ch++) rhs[i][ch] += wt * f[i] * L[ch];
            }
        }
    }
    solve(m, rhs, out);
    bright_tenth((const float (*)[3])cells, GRID_X * GRID_Y, out->white);
}

void vt_room_light_follow(vt_room_light *state, const vt_room_light *sample, double dt_s, double tau_s)
{
    int empty = state->white[0] == 0 && state->white[1] == 0 && state->white[2] == 0;
    if (empty || dt_s <= 0 || dt_s > 2 || tau_s <= 0) { *state = *sample; return; }
    float k = (float)(1 - exp(-dt_s / tau_s));
    for (int c = 0; c < 3; c++) {
        state->white[c] += k * (sample->white[c] - state->white[c]);
        state->level[c] += k * (sample->level[c] - state->level[c]);
        for (int a = 0; a < 2; a++) state->grad[a][c] += k * (sample->grad[a][c] - state->grad[a][c]);
    }
}
