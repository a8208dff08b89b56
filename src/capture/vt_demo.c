/* vt_demo.c — the built-in demo: printed markers lying on a wooden shelf in front of a wall,
 * filmed by a slowly moving virtual camera. Drawn on the CPU so that it needs no GPU, no media
 * files and gives exact truth for every frame: the shelf top (with its printed markers) is
 * ray-cast once into a texture, and each frame maps it through the plane's homography.
 *
 * World frame: shelf top is z = 0, x to the right, y away from the viewer, z up. Each marker lies
 * flat with its own x along world x and its y along world y, so its normal is world z. */
#include "capture/vt_capture.h"
#include "cv/vt_cv.h"

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
#define STAND_Y0 (-1.6)             /* the dark stand around the shelf, in the same texture */
#define TEX_X0 (-1.4)
#define TEX_X1 1.4
#define TEX_M 0.00125               /* texture resolution, metres per texel */

struct vt_demo {
    vt_demo_desc desc;
    vt_camera cam;
    int side_px;                           /* marker bitmap side */
    uint8_t *bits[VT_DEMO_MARKERS];        /* side_px^2 grey texels, border included */
    double centre[VT_DEMO_MARKERS][2];     /* marker centres on the shelf, metres */
    double half;                           /* half the marker side, metres */
    vt_image tex;                          /* shelf top and stand, BGR, row 0 at the back */
};

static void bake_texture(vt_demo *d);

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

vt_demo_desc vt_demo_desc_defaults(void)
{
    return (vt_demo_desc){ .width = 1280, .height = 720, .frames = 0, .fps = 30 };
}

vt_demo_desc vt_demo_desc_resolve(const vt_demo_desc *desc)
{
    vt_demo_desc d = desc ? *desc : vt_demo_desc_defaults(), def = vt_demo_desc_defaults();
    if (d.width <= 0) d.width = def.width;
    if (d.height <= 0) d.height = def.height;
    if (!(d.fps > 0)) d.fps = def.fps;
    if (d.frames < 0) d.frames = 0;
    return d;
}

/* The six marker bitmaps, from OpenCV's dictionary. */
static vt_result draw_markers(vt_demo *d, const vt_dictionary *dict)
{
    vtcv_mat *m = vtcv_mat_create();
    if (!m) return VT_ERR_NO_MEMORY;
    vt_result r = VT_OK;
    for (int k = 0; k < VT_DEMO_MARKERS && r == VT_OK; k++) {
        d->centre[k][0] = -0.40 + 0.40 * (k % 3);
        d->centre[k][1] = k < 3 ? 0.16 : -0.12;
        d->bits[k] = malloc((size_t)d->side_px * (size_t)d->side_px);
        if (!d->bits[k]) r = VT_ERR_NO_MEMORY;
        else r = vtcv_aruco_marker_image(dict->cv_id, VT_DEMO_FIRST_ID + k, d->side_px, m);
        if (r != VT_OK) break;
        vt_image im = vtcv_mat_view(m);
        for (int y = 0; y < d->side_px; y++) memcpy(d->bits[k] + y * d->side_px, vt_image_row(&im, y), (size_t)d->side_px);
    }
    vtcv_mat_destroy(m);
    return r;
}

vt_result vt_demo_create(const vt_demo_desc *desc, vt_demo **out, char *err, size_t errlen)
{
    *out = NULL;
    vt_demo *d = calloc(1, sizeof *d);
    if (!d) { snprintf(err, errlen, _("demo: out of memory")); return VT_ERR_NO_MEMORY; }
    d->desc = vt_demo_desc_resolve(desc);
    d->cam = vt_camera_from_fov(d->desc.width, d->desc.height, VT_DEFAULT_HFOV_DEG);
    d->half = VT_DEMO_MARKER_MM * 0.0005;
    vt_dictionary dict;
    vt_result r = vt_dictionary_find(VT_DEMO_DICT, &dict);
    if (r == VT_OK) {
        d->side_px = (dict.bits + 2) * CELL_PX;
        r = draw_markers(d, &dict);
    }
    if (r == VT_OK)
        r = vt_image_alloc(&d->tex, VT_PIX_BGR8, (int)lround((TEX_X1 - TEX_X0) / TEX_M),
                           (int)lround((SHELF_Y1 - STAND_Y0) / TEX_M));
    if (r != VT_OK) {
        snprintf(err, errlen, _("demo: cannot draw the scene: %s"), vt_result_str(r));
        vt_demo_destroy(d);
        return r;
    }
    bake_texture(d);
    *out = d;
    return VT_OK;
}

void vt_demo_destroy(vt_demo *d)
{
    if (!d) return;
    for (int k = 0; k < VT_DEMO_MARKERS; k++) free(d->bits[k]);
    vt_image_free(&d->tex);
    free(d);
}

static int shade(const vt_demo *d, const double C[3], const double dir[3], double out[3]);

/* Shelf top and stand seen straight down, 2x2 samples per texel (sharp printed edges). */
static void bake_texture(vt_demo *d)
{
    static const double off[4][2] = { { -0.25, -0.25 }, { 0.25, -0.25 }, { -0.25, 0.25 }, { 0.25, 0.25 } };
    for (int j = 0; j < d->tex.height; j++) {
        uint8_t *row = vt_image_row(&d->tex, j);
        for (int i = 0; i < d->tex.width; i++) {
            double acc[3] = { 0, 0, 0 };
            for (int s = 0; s < 4; s++) {
                double x = TEX_X0 + (i + 0.5 + off[s][0]) * TEX_M, y = SHELF_Y1 - (j + 0.5 + off[s][1]) * TEX_M;
                double C[3] = { x, y, 1 }, down[3] = { 0, 0, -1 }, c[3];
                int card = 1;
                if (y < SHELF_Y0 || x < SHELF_X0 || x > SHELF_X1) {   /* the stand: dark */
                    double g = 34 + 10 * exp(-fabs(y) * 2);
                    c[0] = g * 1.05; c[1] = g; c[2] = g * 0.95;
                    card = 0;
                } else card = shade(d, C, down, c);
                if (!card && s == 0) { memcpy(acc, c, sizeof acc); break; }   /* smooth: one sample */
                for (int k = 0; k < 3; k++) acc[k] += c[k] * 0.25;
            }
            for (int k = 0; k < 3; k++) row[i * 3 + k] = (uint8_t)(acc[k] > 255 ? 255 : acc[k] + 0.5);
        }
    }
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
    /* Behind the shelf: the wall (and the dark stand above it), one ray per row at the centre;
     * the wall is plain, so its shade changes only with height. */
    for (int y = 0; y < bgr->height; y++) {
        double dw[3], c[3];
        ray(R, &cam, bgr->width * 0.5, y, dw);
        shade(d, C, dw, c);
        uint8_t px[3] = { (uint8_t)c[0], (uint8_t)c[1], (uint8_t)c[2] };
        uint8_t *row = vt_image_row(bgr, y);
        for (int x = 0; x < bgr->width; x++) memcpy(row + x * 3, px, 3);
    }
    /* Shelf plane z = 0: texel (i, j) -> world (TEX_X0 + (i+0.5)s, Y1 - (j+0.5)s, 0) -> pixel, i.e.
     * H = K [r1 r2 -R C] A (A: texel to world), with r1, r2 the first two columns of R. */
    double K[9], A[9] = { TEX_M, 0, TEX_X0 + 0.5 * TEX_M, 0, -TEX_M, SHELF_Y1 - 0.5 * TEX_M, 0, 0, 1 };
    vt_camera_matrix(&cam, K);
    double t[3];
    for (int i = 0; i < 3; i++) t[i] = -(R[i * 3] * C[0] + R[i * 3 + 1] * C[1] + R[i * 3 + 2] * C[2]);
    double P[9] = { R[0], R[1], t[0], R[3], R[4], t[1], R[6], R[7], t[2] }, KP[9], H[9];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++) {
            KP[r * 3 + c] = K[r * 3] * P[c] + K[r * 3 + 1] * P[3 + c] + K[r * 3 + 2] * P[6 + c];
        }
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++) H[r * 3 + c] = KP[r * 3] * A[c] + KP[r * 3 + 1] * A[3 + c] + KP[r * 3 + 2] * A[6 + c];
    vtcv_warp_perspective(&d->tex, bgr, H);
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
