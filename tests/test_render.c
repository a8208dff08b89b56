/* test_render.c — real GL rendering, headless (EGL), read back as pixels: a model at a known
 * marker pose lands on the marker's projection, and pixels away from it are the input frame. */
#include "assets/vt_assets.h"
#include "cv/vt_cv.h"
#include "catalog/vt_catalog.h"
#include "render/vt_render.h"
#include "ui/vt_ui.h"
#include "vision/vt_vision.h"
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 640
#define H 480

static int differs(const vt_image *rgba, const vt_image *bgr, int x, int y)
{
    const uint8_t *a = vt_image_row(rgba, y) + x * 4, *b = vt_image_row(bgr, y) + x * 3;
    return a[0] != b[2] || a[1] != b[1] || a[2] != b[0];
}

/* Is (x, y) within d pixels of the convex polygon p (n points)? Inside counts as distance 0. */
static double dist_to_poly(const float (*p)[2], int n, double x, double y)
{
    int inside = 1;
    double best = 1e9;
    for (int i = 0; i < n; i++) {
        const float *a = p[i], *b = p[(i + 1) % n];
        double ex = b[0] - a[0], ey = b[1] - a[1], t = ((x - a[0]) * ex + (y - a[1]) * ey) / (ex * ex + ey * ey);
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        double dx = a[0] + t * ex - x, dy = a[1] + t * ey - y, d = sqrt(dx * dx + dy * dy);
        if (d < best) best = d;
        if (ex * (y - a[1]) - ey * (x - a[0]) < 0) inside = 0;
    }
    return inside ? 0 : best;
}

/* Convex hull (monotone chain), clockwise in image coordinates (y down) so "inside" tests agree. */
static int cmp_pt(const void *a, const void *b)
{
    const float *p = a, *q = b;
    return p[0] != q[0] ? (p[0] > q[0]) - (p[0] < q[0]) : (p[1] > q[1]) - (p[1] < q[1]);
}
static double cross(const float *o, const float *a, const float *b) { return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]); }
static int hull(float (*p)[2], int n, float (*out)[2])
{
    qsort(p, (size_t)n, sizeof *p, cmp_pt);
    int k = 0;
    for (int i = 0; i < n; i++) { while (k >= 2 && cross(out[k - 2], out[k - 1], p[i]) <= 0) k--; memcpy(out[k++], p[i], sizeof *p); }
    for (int i = n - 2, t = k + 1; i >= 0; i--) { while (k >= t && cross(out[k - 2], out[k - 1], p[i]) <= 0) k--; memcpy(out[k++], p[i], sizeof *p); }
    return k - 1;
}

int main(int argc, char **argv)
{
    (void)argc; (void)argv;
    char err[512];
    vt_renderer *r = NULL;
    vt_result res = vt_render_create(&(vt_render_desc){ .width = W, .height = H, .headless = 1 }, &r, err, sizeof err);
    CHECKF(res == VT_OK, "headless renderer: %s", err);
    if (res != VT_OK) return t_finish("test_render");

    /* A busy, deterministic background so that any change shows. */
    vt_image bg, out;
    vt_image_alloc(&bg, VT_PIX_BGR8, W, H);
    vt_image_alloc(&out, VT_PIX_RGBA8, W, H);
    unsigned seed = 12345;
    for (int i = 0; i < W * H * 3; i++) { seed = seed * 1103515245u + 12345u; bg.data[i] = (uint8_t)(seed >> 16); }

    vt_camera cam;
    vt_camera_parse("600,600,319.5,239.5", &cam);
    double L = 0.05, rvec[3] = { 2.6, 0.3, -0.2 }, tvec[3] = { 0.03, -0.02, 0.45 };
    /* The product: a box exactly the marker's footprint, 3 cm tall. */
    vt_model *box = NULL;
    char box_err[128];
    CHECKF(vt_model_placeholder((const float[3]){ (float)L, 0.03f, (float)L }, &box, box_err, sizeof box_err) == VT_OK, "%s", box_err);
    vt_gpu_model_id g;
    CHECKF(vt_render_upload(r, box, &g, err, sizeof err) == VT_OK && g.id, "upload: %s", err);

    /* 1. Nothing drawn: the output is the input, bit for bit. */
    vt_render_begin(r, &bg, &cam);
    vt_render_end(r, &out);
    int changed = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) changed += differs(&out, &bg, x, y);
    CHECKF(changed == 0, "%d background pixels changed with nothing drawn", changed);

    /* 1b. The same frame prepared for the GL (as run's capture thread does): copied in, bit for bit. */
    vt_image gl = { 0 };
    CHECKF(vt_render_prepare_frame(&bg, &gl, err, sizeof err) == VT_OK && gl.format == VT_PIX_RGBA8_GL, "prepare: %s", err);
    vt_render_begin(r, &gl, &cam);
    vt_render_end(r, &out);
    changed = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) changed += differs(&out, &bg, x, y);
    CHECKF(changed == 0, "%d background pixels changed through the prepared frame", changed);
    CHECK(vt_render_prepare_frame(&out, &gl, err, sizeof err) == VT_ERR_ARG);   /* only BGR8 is prepared */
    {   /* an odd width: the four-pixel steps and the tail give the same bytes (R, G, B, 255, flipped) */
        vt_image odd, og = { 0 };
        vt_image_alloc(&odd, VT_PIX_BGR8, 7, 3);
        for (int i = 0; i < odd.stride * 3; i++) { seed = seed * 1103515245u + 12345u; odd.data[i] = (uint8_t)(seed >> 16); }
        CHECK(vt_render_prepare_frame(&odd, &og, err, sizeof err) == VT_OK);
        int bad = 0;
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 7; x++) {
                const uint8_t *s = vt_image_row(&odd, 2 - y) + x * 3, *d = vt_image_row(&og, y) + x * 4;
                bad += d[0] != s[2] || d[1] != s[1] || d[2] != s[0] || d[3] != 255;
            }
        CHECKF(bad == 0, "%d of 21 pixels prepared wrongly", bad);
        vt_image_free(&odd);
        vt_image_free(&og);
    }
    vt_image_free(&gl);

    /* 2. The model on the marker. */
    float mv[16];
    double zero[3] = { 0, 0, 0 };
    vt_render_marker_matrix(rvec, tvec, zero, zero, 1.0, mv);
    vt_render_begin(r, &bg, &cam);
    vt_render_model(r, g, mv, 1.0f);
    vt_render_end(r, &out);

    vt_marker mk = { 0 };
    double obj[4][3], K[9];
    vt_marker_object_points(L, obj);
    vt_camera_matrix(&cam, K);
    float sq[4][2], pts[8][2], hl[9][2];
    for (int k = 0; k < 4; k++) {
        /* The marker's projected corners, straight from the pose. */
        double R[9];
        vtcv_rodrigues(rvec, R);
        double X[3];
        for (int i = 0; i < 3; i++) X[i] = R[i * 3] * obj[k][0] + R[i * 3 + 1] * obj[k][1] + R[i * 3 + 2] * obj[k][2] + tvec[i];
        sq[k][0] = (float)(cam.fx * X[0] / X[2] + cam.cx);
        sq[k][1] = (float)(cam.fy * X[1] / X[2] + cam.cy);
    }
    (void)mk;
    /* The box's eight corners through the renderer's own matrix give its silhouette's hull. */
    for (int i = 0; i < 8; i++) {
        float p[3] = { (i & 1) ? box->bounds_max[0] : box->bounds_min[0], (i & 2) ? box->bounds_max[1] : box->bounds_min[1],
                       (i & 4) ? box->bounds_max[2] : box->bounds_min[2] };
        vt_render_project(&cam, mv, p, &pts[i][0], &pts[i][1]);
    }
    int nh = hull(pts, 8, hl);
    /* The box base is the marker: the base's projection is the marker's square. */
    int inside_total = 0, inside_covered = 0, outside_changed = 0, near_changed = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int d = differs(&out, &bg, x, y);
            /* Orient the square for the inside test by trying both windings. */
            double ds = dist_to_poly((const float (*)[2])sq, 4, x, y);
            float rev[4][2] = { { sq[3][0], sq[3][1] }, { sq[2][0], sq[2][1] }, { sq[1][0], sq[1][1] }, { sq[0][0], sq[0][1] } };
            double ds2 = dist_to_poly((const float (*)[2])rev, 4, x, y);
            double in_sq = ds < ds2 ? ds : ds2;
            double dh = dist_to_poly((const float (*)[2])hl, nh, x, y);
            if (in_sq == 0) {
                /* Inside the square and at least 3 px from its edges. */
                double e = 1e9;
                for (int k = 0; k < 4; k++) {
                    const float *a = sq[k], *b = sq[(k + 1) % 4];
                    double ex = b[0] - a[0], ey = b[1] - a[1];
                    double dd = fabs(ex * (y - a[1]) - ey * (x - a[0])) / sqrt(ex * ex + ey * ey);
                    if (dd < e) e = dd;
                }
                if (e >= 3) { inside_total++; inside_covered += d; }
            }
            if (dh > 3) outside_changed += d;
            else if (dh > 0) near_changed += d;
        }
    printf("marker square: %d of %d inner pixels covered; %d pixels changed more than 3 px outside the box\n",
           inside_covered, inside_total, outside_changed);
    CHECK(inside_total > 500);
    CHECKF(inside_covered >= inside_total * 0.99, "%d of %d covered", inside_covered, inside_total);
    CHECKF(outside_changed == 0, "%d pixels changed away from the model", outside_changed);

    /* 3. Text reaches the frame: a price tag changes pixels where it is drawn, and only there. */
    char price[64];
    vt_ui_tag tag = { .ax = 320, .ay = 400, .depth = 0.5f, .name = "Runner X", .price = vt_format_price(89.99, "fr_FR", "EUR", price, sizeof price), .opacity = 1.0f };
    vt_render_begin(r, &bg, &cam);
    vt_ui_price_tags(r, W, H, &tag, 1, NULL, 0);
    vt_render_end(r, &out);
    int top = 0, bottom = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) *(y < 410 ? &top : &bottom) += differs(&out, &bg, x, y);
    CHECKF(top > 2000 && bottom == 0, "tag pixels above the anchor %d, below %d", top, bottom);

    /* 3b. A texture wider than any GPU's maximum is refused with the file and the size, not drawn black. */
    vt_model *wide = NULL;
    CHECK(vt_model_placeholder((const float[3]){ 0.05f, 0.05f, 0.05f }, &wide, box_err, sizeof box_err) == VT_OK);
    wide->textures = calloc(1, sizeof *wide->textures);
    wide->texture_srgb = calloc(1, 1);
    wide->texture_names = calloc(1, sizeof *wide->texture_names);
    wide->texture_names[0] = strdup("wide.png");
    wide->texture_count = 1;
    CHECK(vt_image_alloc(&wide->textures[0], VT_PIX_RGBA8, 65536, 1) == VT_OK);
    vt_gpu_model_id gw;
    CHECKF(vt_render_upload(r, wide, &gw, err, sizeof err) == VT_ERR_UNSUPPORTED && !gw.id && strstr(err, "wide.png") &&
           strstr(err, "65536x1") && strstr(err, "maximum"), "a texture past GL_MAX_TEXTURE_SIZE: %s", err);
    vt_model_destroy(wide);

    /* 4. Handles: a freed model's handle is refused, not followed, even once its slot is reused. */
    vt_gpu_model_id none = { 0 }, again;
    CHECK(vt_render_upload(r, box, &again, err, sizeof err) == VT_OK && again.id != g.id);
    vt_render_free_model(r, again);
    vt_render_free_model(r, again);   /* twice: logged and ignored */
    vt_gpu_model_id reused;
    CHECK(vt_render_upload(r, box, &reused, err, sizeof err) == VT_OK && reused.id != again.id);
    vt_render_begin(r, &bg, &cam);
    CHECK(vt_render_model(r, again, mv, 1.0f) == VT_ERR_ARG);
    CHECK(vt_render_model(r, none, mv, 1.0f) == VT_ERR_ARG);
    CHECK(vt_render_model(r, reused, mv, 1.0f) == VT_OK);
    vt_image small;
    vt_image_alloc(&small, VT_PIX_RGBA8, W / 2, H / 2);
    CHECK(vt_render_end(r, &small) == VT_ERR_ARG);   /* the wrong size is refused, nothing written */
    vt_image_free(&small);
    vt_render_free_model(r, reused);

    /* 5. The marker matrix's rotation is OpenCV's Rodrigues: its columns are R's x, z and -y
     * (the model's +Y stands along the marker's normal). */
    const double rvecs[][3] = { { 2.6, 0.3, -0.2 }, { 0, 0, 0 }, { 1e-17, -2e-17, 0 }, { 1e-7, 0, 0 },
                                { 3.14159, 0.001, 0 }, { -0.4, 1.9, 0.7 } };
    double worst = 0;
    for (size_t i = 0; i < sizeof rvecs / sizeof rvecs[0]; i++) {
        double R[9];
        float m[16];
        vtcv_rodrigues(rvecs[i], R);
        vt_render_marker_matrix(rvecs[i], tvec, zero, zero, 1.0, m);
        for (int row = 0; row < 3; row++) {
            double want[3] = { R[row * 3], R[row * 3 + 2], -R[row * 3 + 1] };
            for (int c = 0; c < 3; c++) worst = fmax(worst, fabs(m[c * 4 + row] - want[c]));
        }
    }
    CHECKF(worst < 1e-6, "marker rotation differs from cv::Rodrigues by %g", worst);

    vt_render_free_model(r, g);
    vt_model_destroy(box);
    vt_image_free(&bg);
    vt_image_free(&out);
    vt_render_destroy(r);
    return t_finish("test_render");
}
