/* vt_demo.c — the built-in demo: printed markers lying on a wooden shelf in front of a wall,
 * filmed by a slowly moving virtual camera. Ray-cast on the CPU so that it needs no GPU, no
 * media files and gives exact truth for every frame.
 *
 * World frame: shelf top is z = 0, x to the right, y away from the viewer, z up. Each marker lies
 * flat with its own x along world x and its y along world y, so its normal is world z. */
#include "capture/vt_capture.h"
#include "cv/vt_cv.h"
#include "vision/vt_vision.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CELL_PX 24                  /* marker bitmap texels per cell */
#define QUIET_M 0.012               /* white paper around each marker */
#define SHELF_X0 (-0.80)
#define SHELF_X1 0.80
#define SHELF_Y0 (-0.36)            /* front edge */
#define SHELF_Y1 0.42               /* back wall */
#define WALL_TOP 0.9

struct vt_demo {
    vt_demo_desc desc;
    vt_camera cam;
    int side_px;                           /* marker bitmap side */
    uint8_t *bits[VT_DEMO_MARKERS];        /* side_px^2 grey texels, border included */
    double centre[VT_DEMO_MARKERS][2];     /* marker centres on the shelf, metres */
    double half;                           /* half the marker side, metres */
};

/* Camera pose at frame index: R maps world to camera (rows: right, down, forward). */
static void camera_pose(const vt_demo *d, int index, double R[9], double C[3])
{
    double t = index / d->desc.fps;
    double yaw = 12.0 * sin(2 * M_PI * t / 16.0) * M_PI / 180.0;
    double pitch = (36.0 + 5.0 * sin(2 * M_PI * t / 11.0)) * M_PI / 180.0;
    double dist = 1.30 + 0.08 * sin(2 * M_PI * t / 19.0);
    double target[3] = { 0.02 * sin(2 * M_PI * t / 7.0), 0.0, 0.08 };
    C[0] = target[0] + dist * cos(pitch) * sin(yaw);
    C[1] = target[1] - dist * cos(pitch) * cos(yaw);
    C[2] = target[2] + dist * sin(pitch);
    double f[3] = { target[0] - C[0], target[1] - C[1], target[2] - C[2] };
    double n = sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]);
    for (int i = 0; i < 3; i++) f[i] /= n;
    double r[3] = { f[1], -f[0], 0 };   /* f x up, up = +z */
    n = sqrt(r[0] * r[0] + r[1] * r[1]);
    r[0] /= n; r[1] /= n;
    double dn[3] = { f[1] * r[2] - f[2] * r[1], f[2] * r[0] - f[0] * r[2], f[0] * r[1] - f[1] * r[0] };
    double m[9] = { r[0], r[1], r[2], dn[0], dn[1], dn[2], f[0], f[1], f[2] };
    memcpy(R, m, sizeof m);
}

vt_demo *vt_demo_create(const vt_demo_desc *desc)
{
    vt_demo *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->desc = *desc;
    if (d->desc.width <= 0) d->desc.width = 1280;
    if (d->desc.height <= 0) d->desc.height = 720;
    if (d->desc.fps <= 0) d->desc.fps = 30;
    d->cam = vt_camera_from_fov(d->desc.width, d->desc.height, VT_DEFAULT_HFOV_DEG);
    d->half = VT_DEMO_MARKER_MM * 0.0005;
    vt_dictionary dict;
    if (vt_dictionary_find(VT_DEMO_DICT, &dict) != VT_OK) { free(d); return NULL; }
    d->side_px = (dict.bits + 2) * CELL_PX;
    vtcv_mat *m = vtcv_mat_create();
    for (int k = 0; k < VT_DEMO_MARKERS; k++) {
        d->centre[k][0] = -0.40 + 0.40 * (k % 3);
        d->centre[k][1] = k < 3 ? 0.16 : -0.12;
        d->bits[k] = malloc((size_t)d->side_px * (size_t)d->side_px);
        if (!m || !d->bits[k] || vtcv_aruco_marker_image(dict.cv_id, VT_DEMO_FIRST_ID + k, d->side_px, m) != VT_OK) {
            vtcv_mat_destroy(m);
            vt_demo_destroy(d);
            return NULL;
        }
        vt_image im = vtcv_mat_view(m);
        for (int y = 0; y < d->side_px; y++) memcpy(d->bits[k] + y * d->side_px, vt_image_row(&im, y), (size_t)d->side_px);
    }
    vtcv_mat_destroy(m);
    return d;
}

void vt_demo_destroy(vt_demo *d)
{
    if (!d) return;
    for (int k = 0; k < VT_DEMO_MARKERS; k++) free(d->bits[k]);
    free(d);
}

/* Shade of the world point where a ray first lands, as BGR in 0..255; returns 1 on a marker card
 * (where edges are sharp and need more samples). */
static int shade(const vt_demo *d, const double C[3], const double dir[3], double out[3])
{
    /* Shelf top (z = 0). */
    if (dir[2] < 0) {
        double s = -C[2] / dir[2];
        double x = C[0] + s * dir[0], y = C[1] + s * dir[1];
        if (x >= SHELF_X0 && x <= SHELF_X1 && y >= SHELF_Y0 && y <= SHELF_Y1) {
            for (int k = 0; k < VT_DEMO_MARKERS; k++) {
                double u = (x - d->centre[k][0]) / d->half, v = (d->centre[k][1] - y) / d->half;
                double q = 1.0 + QUIET_M / d->half;
                if (fabs(u) > q || fabs(v) > q) continue;
                double g = 235;   /* paper */
                if (fabs(u) < 1 && fabs(v) < 1) {
                    /* Bilinear texel lookup; u, v in -1..1 map across the bitmap. */
                    double fx = (u + 1) * 0.5 * d->side_px - 0.5, fy = (v + 1) * 0.5 * d->side_px - 0.5;
                    int ix = (int)floor(fx), iy = (int)floor(fy);
                    double ax = fx - ix, ay = fy - iy, acc = 0;
                    for (int j = 0; j < 2; j++)
                        for (int i = 0; i < 2; i++) {
                            int sx = ix + i < 0 ? 0 : ix + i >= d->side_px ? d->side_px - 1 : ix + i;
                            int sy = iy + j < 0 ? 0 : iy + j >= d->side_px ? d->side_px - 1 : iy + j;
                            acc += d->bits[k][sy * d->side_px + sx] * (i ? ax : 1 - ax) * (j ? ay : 1 - ay);
                        }
                    g = 22 + acc / 255.0 * 213;   /* printed black is not pure black */
                }
                out[0] = g; out[1] = g; out[2] = g;
                double l = 0.78 + 0.22 * exp(-(x * x + y * y) / 0.4);
                for (int i = 0; i < 3; i++) out[i] *= l;
                return 1;
            }
            /* Oak: grain runs along x, wavering slowly. */
            double grain = 0.5 + 0.5 * sin(y * 160 + 4 * sin(x * 9) + 2 * sin(x * 23 + y * 11));
            double ring = 0.5 + 0.5 * sin(y * 37 + 1.3 * sin(x * 3.1));
            double w = 0.86 + 0.08 * grain + 0.06 * ring;
            out[0] = 96 * w; out[1] = 150 * w; out[2] = 196 * w;
            /* A soft pool of light in the middle of the shelf. */
            double l = 0.78 + 0.22 * exp(-(x * x + y * y) / 0.4);
            for (int i = 0; i < 3; i++) out[i] *= l;
            return 0;
        }
    }
    /* Back wall (y = SHELF_Y1), plain warm grey, darker towards the top. */
    if (dir[1] > 0) {
        double s = (SHELF_Y1 - C[1]) / dir[1];
        double z = C[2] + s * dir[2];
        if (z >= 0 && z <= WALL_TOP) {
            double w = 0.95 - 0.35 * (z / WALL_TOP);
            out[0] = 170 * w; out[1] = 178 * w; out[2] = 186 * w;
            return 0;
        }
    }
    /* Anything else: the dim stand around the display. */
    double g = 40 + 20 * (dir[2] + 1);
    out[0] = g * 1.05; out[1] = g; out[2] = g * 0.95;
    return 0;
}

static void ray(const double R[9], const vt_camera *cam, double x, double y, double dw[3])
{
    double dc[3] = { (x - cam->cx) / cam->fx, (y - cam->cy) / cam->fy, 1 };
    /* World direction = R^T * camera direction. */
    dw[0] = R[0] * dc[0] + R[3] * dc[1] + R[6] * dc[2];
    dw[1] = R[1] * dc[0] + R[4] * dc[1] + R[7] * dc[2];
    dw[2] = R[2] * dc[0] + R[5] * dc[1] + R[8] * dc[2];
}

void vt_demo_render(vt_demo *d, int index, vt_image *bgr)
{
    double R[9], C[3];
    camera_pose(d, index, R, C);
    vt_camera cam = vt_camera_for_size(&d->cam, bgr->width, bgr->height);
    /* On marker cards, 2x2 samples per pixel: printed edges come out anti-aliased, as a real
     * camera sees them. Elsewhere the scene is smooth and one sample is enough. */
    static const double off[4][2] = { { -0.25, -0.25 }, { 0.25, -0.25 }, { -0.25, 0.25 }, { 0.25, 0.25 } };
    for (int y = 0; y < bgr->height; y++) {
        uint8_t *row = vt_image_row(bgr, y);
        for (int x = 0; x < bgr->width; x++) {
            double acc[3], dw[3], c[3], wgt = 1;
            ray(R, &cam, x, y, dw);
            if (shade(d, C, dw, acc)) {
                for (int s = 0; s < 4; s++) {
                    ray(R, &cam, x + off[s][0], y + off[s][1], dw);
                    shade(d, C, dw, c);
                    for (int i = 0; i < 3; i++) acc[i] += c[i];
                }
                wgt = 0.2;
            }
            for (int i = 0; i < 3; i++) {
                double v = acc[i] * wgt;
                row[x * 3 + i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5);
            }
        }
    }
}

void vt_demo_marker_pose(const vt_demo *d, int index, int k, int *id, double rvec[3], double tvec[3])
{
    double R[9], C[3];
    camera_pose(d, index, R, C);
    double M[3] = { d->centre[k][0] - C[0], d->centre[k][1] - C[1], -C[2] };
    for (int i = 0; i < 3; i++) tvec[i] = R[i * 3] * M[0] + R[i * 3 + 1] * M[1] + R[i * 3 + 2] * M[2];
    /* Marker axes are world axes, so its rotation is R itself; R -> axis-angle. */
    double c = (R[0] + R[4] + R[8] - 1) * 0.5;
    c = c > 1 ? 1 : c < -1 ? -1 : c;
    double th = acos(c), s = sin(th);
    double ax[3] = { R[7] - R[5], R[2] - R[6], R[3] - R[1] };
    double k2 = s > 1e-9 ? th / (2 * s) : 0.5;
    for (int i = 0; i < 3; i++) rvec[i] = ax[i] * k2;
    if (id) *id = VT_DEMO_FIRST_ID + k;
}
