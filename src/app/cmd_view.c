/* cmd_view.c — `vitrine view MODEL`: a turntable preview for model authors, with the model's
 * size in millimetres, its bounding box, and its origin and axes, so scale, pivot and orientation
 * can be checked before a product goes into the catalog. */
#include "app/vt_app.h"
#include "assets/vt_assets.h"
#include "output/vt_output.h"
#include "render/vt_render.h"
#include "ui/vt_ui.h"
#include "vision/vt_vision.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *k_help =
    "usage: vitrine view MODEL [--headless --out FILE.png] [--size WxH] [--angle DEG]\n"
    "\n"
    "Shows a model turning slowly, with its bounding box and size in millimetres (models are in\n"
    "metres), its origin (which should sit at the centre of its base) and its axes: x red, y green\n"
    "(up), z blue (the product's front). Headless: writes one PNG seen from --angle (default 30)\n"
    "and exits. Exit status: 0 shown; 1 the model does not load (one line says why); 2 bad\n"
    "arguments.\n";

/* Model space (+Y up) to OpenCV camera space, looking at centre from angle az, elevation el. */
static void orbit(const float centre[3], float dist, float az, float el, float out[16])
{
    float P[3] = { centre[0] + dist * sinf(az) * cosf(el), centre[1] + dist * sinf(el), centre[2] + dist * cosf(az) * cosf(el) };
    float f[3] = { centre[0] - P[0], centre[1] - P[1], centre[2] - P[2] };
    float n = sqrtf(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]);
    for (int i = 0; i < 3; i++) f[i] /= n;
    float r[3] = { -f[2], 0, f[0] };   /* f x up, up = +y */
    n = sqrtf(r[0] * r[0] + r[2] * r[2]);
    r[0] /= n; r[2] /= n;
    float d[3] = { f[1] * r[2] - f[2] * r[1], f[2] * r[0] - f[0] * r[2], f[0] * r[1] - f[1] * r[0] };
    const float *rows[3] = { r, d, f };
    memset(out, 0, 16 * sizeof(float));
    for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 3; k++) out[k * 4 + i] = rows[i][k];
        out[12 + i] = -(rows[i][0] * P[0] + rows[i][1] * P[1] + rows[i][2] * P[2]);
    }
    out[15] = 1;
}

static void draw_frame(vt_renderer *r, const vt_model *m, vt_gpu_model_id g, const vt_image *bg, const vt_camera *cam,
                       int W, int H, float angle_deg, const char *name)
{
    (void)W;
    const float *lo = m->bounds_min, *hi = m->bounds_max;
    float centre[3] = { (lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2 };
    float ext[3] = { hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2] };
    float radius = 0.5f * sqrtf(ext[0] * ext[0] + ext[1] * ext[1] + ext[2] * ext[2]);
    /* Keep the origin in view too, so a misplaced pivot shows. */
    float oc = sqrtf(centre[0] * centre[0] + centre[1] * centre[1] + centre[2] * centre[2]);
    if (oc > radius) radius = oc;
    if (radius < 1e-6f) radius = 1e-6f;
    float half_fov = atanf((float)(H * 0.5 / cam->fy));
    float mv[16];
    float dist = radius / sinf(half_fov) * 1.25f;
    orbit(centre, dist, angle_deg * (float)M_PI / 180, 0.35f, mv);
    vt_render_depth_range(r, fmaxf(dist - radius * 2, dist * 0.01f), dist + radius * 3);
    vt_render_begin(r, bg, cam);
    vt_render_model(r, g, mv, 1.0f);
    /* Bounding box. */
    float pts[8][2];
    for (int i = 0; i < 8; i++) {
        float p[3] = { i & 1 ? hi[0] : lo[0], i & 2 ? hi[1] : lo[1], i & 4 ? hi[2] : lo[2] };
        vt_render_project(cam, mv, p, &pts[i][0], &pts[i][1]);
    }
    static const int edges[12][2] = { { 0, 1 }, { 2, 3 }, { 4, 5 }, { 6, 7 }, { 0, 2 }, { 1, 3 }, { 4, 6 }, { 5, 7 }, { 0, 4 }, { 1, 5 }, { 2, 6 }, { 3, 7 } };
    const float boxc[4] = { 1, 0.75f, 0.2f, 0.9f };
    for (int e = 0; e < 12; e++) vt_render_line(r, pts[edges[e][0]][0], pts[edges[e][0]][1], pts[edges[e][1]][0], pts[edges[e][1]][1], 2, boxc);
    /* Origin and axes, a fifth of the model's size long. */
    float L = fmaxf(fmaxf(ext[0], ext[1]), ext[2]) * 0.25f, o2[2], a2[2];
    static const float axc[3][4] = { { 0.9f, 0.15f, 0.15f, 1 }, { 0.15f, 0.8f, 0.2f, 1 }, { 0.2f, 0.4f, 1, 1 } };
    const float zero[3] = { 0, 0, 0 };
    vt_render_project(cam, mv, zero, &o2[0], &o2[1]);
    for (int a = 0; a < 3; a++) {
        float p[3] = { a == 0 ? L : 0, a == 1 ? L : 0, a == 2 ? L : 0 };
        vt_render_project(cam, mv, p, &a2[0], &a2[1]);
        vt_render_line(r, o2[0], o2[1], a2[0], a2[1], 4, axc[a]);
        vt_render_text(r, a2[0] + 4, a2[1] - 4, H * 0.03f, a == 0 ? "x" : a == 1 ? "y" : "z", axc[a]);
    }
    const float dot[4] = { 1, 1, 1, 1 };
    vt_render_rect(r, o2[0] - 4, o2[1] - 4, 8, 8, dot);
    /* Labels. */
    char line[512];
    const float ink[4] = { 0.1f, 0.1f, 0.12f, 1 }, grey[4] = { 0.3f, 0.3f, 0.33f, 1 }, warn[4] = { 0.75f, 0.25f, 0.05f, 1 };
    float px = H * 0.032f, y = H * 0.06f;
    vt_render_text(r, H * 0.03f, y, px, name, ink);
    snprintf(line, sizeof line, "%.0f x %.0f x %.0f mm  (width x height x depth)", ext[0] * 1000, ext[1] * 1000, ext[2] * 1000);
    vt_render_text(r, H * 0.03f, y + px * 1.4f, px * 0.8f, line, grey);
    snprintf(line, sizeof line, "%d vertices, %d triangles, %d material%s, %d texture%s", vt_model_vertex_count(m),
             vt_model_triangle_count(m), m->material_count, m->material_count == 1 ? "" : "s", m->texture_count,
             m->texture_count == 1 ? "" : "s");
    vt_render_text(r, H * 0.03f, y + px * 2.6f, px * 0.7f, line, grey);
    /* What an author most often gets wrong. */
    float hy = y + px * 3.8f;
    if (fabsf(lo[1]) > 0.02f * ext[1] + 1e-4f) {
        snprintf(line, sizeof line, "origin is %.0f mm %s the base: put it at the centre of the base", fabsf(lo[1]) * 1000, lo[1] > 0 ? "below" : "above");
        vt_render_text(r, H * 0.03f, hy, px * 0.7f, line, warn);
        hy += px;
    }
    if (ext[0] > 5 || ext[1] > 5 || ext[2] > 5) {
        vt_render_text(r, H * 0.03f, hy, px * 0.7f, "larger than 5 m: was it exported in centimetres or millimetres? Vitrine expects metres", warn);
        hy += px;
    }
    if (ext[1] < 1e-3f && ext[0] > 1e-3f) vt_render_text(r, H * 0.03f, hy, px * 0.7f, "flat in y: is +Y up?", warn);
}

/* Shows the model turning in a window, or writes one frame at angle (headless); 0 or 1. */
static int show(vt_renderer *r, const vt_model *m, vt_gpu_model_id g, int W, int H, double angle, const char *path,
                const char *out)
{
    /* A neutral studio backdrop, lighter at the top. */
    vt_image bg;
    if (vt_image_alloc(&bg, VT_PIX_BGR8, W, H) != VT_OK) { VT_ERROR("view", "out of memory"); return 1; }
    for (int y = 0; y < H; y++) {
        uint8_t v = (uint8_t)(236 - 40.0 * y / H);
        memset(vt_image_row(&bg, y), v, (size_t)W * 3);
    }
    vt_camera cam = vt_camera_from_fov(W, H, 40);
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    int status = 0;
    char err[1200];
    if (out) {
        vt_image rgba;
        vt_image_alloc(&rgba, VT_PIX_RGBA8, W, H);
        draw_frame(r, m, g, &bg, &cam, W, H, (float)angle, name);
        vt_render_end(r, &rgba);
        if (vt_image_write(out, &rgba, err, sizeof err) != VT_OK) { VT_ERROR("view", "%s", err); status = 1; }
        vt_image_free(&rgba);
    } else {
        uint64_t t0 = vt_now_ns();
        while (!vt_render_should_close(r)) {
            draw_frame(r, m, g, &bg, &cam, W, H, (float)(angle + vt_ms_since(t0) * 0.02), name);   /* 20 degrees a second */
            vt_render_end(r, NULL);
        }
    }
    vt_image_free(&bg);
    return status;
}

int vt_cmd_view(int argc, char **argv)
{
    static const struct option lo[] = {
        { "headless", no_argument, 0, 'H' }, { "out", required_argument, 0, 'o' }, { "size", required_argument, 0, 's' },
        { "angle", required_argument, 0, 'a' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
    };
    int headless = 0, W = 1280, H = 720, c;
    double angle = 30;
    const char *out = NULL;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'H': headless = 1; break;
        case 'o': out = optarg; break;
        case 's':
            if (sscanf(optarg, "%dx%d", &W, &H) != 2 || W < 64 || H < 64 || W > 8192 || H > 8192) {
                VT_ERROR("view", "--size '%s': expected WxH, e.g. 1280x720", optarg);
                return 2;
            }
            break;
        case 'a':
            if (vt_parse_double(optarg, -3600, 3600, &angle)) { VT_ERROR("view", "--angle '%s': expected degrees", optarg); return 2; }
            break;
        case 'h': fputs(k_help, stdout); return 0;
        default:
            VT_ERROR("view", "unknown or incomplete option '%s' (try 'vitrine view --help')", argv[optind - 1]);
            return 2;
        }
    }
    if (optind != argc - 1) { VT_ERROR("view", "give one MODEL file (try 'vitrine view --help')"); return 2; }
    if (headless && !out) { VT_ERROR("view", "--headless needs --out FILE.png"); return 2; }
    const char *path = argv[optind];
    char err[1024];
    vt_model *m = NULL;
    if (vt_model_load(path, &m, err, sizeof err) != VT_OK) {
        VT_ERROR("view", "%s", err);
        return 1;
    }
    vt_renderer *r = NULL;
    if (vt_render_create(&(vt_render_desc){ .width = W, .height = H, .headless = headless, .title = path }, &r, err, sizeof err) != VT_OK) {
        VT_ERROR("view", "%s", err);
        vt_model_destroy(m);
        return 1;
    }
    vt_gpu_model_id g;
    if (vt_render_upload(r, m, &g, err, sizeof err) != VT_OK) {
        VT_ERROR("view", "%s", err);
        vt_render_destroy(r);
        vt_model_destroy(m);
        return 1;
    }
    int status = show(r, m, g, W, H, angle, path, headless ? out : NULL);
    vt_render_free_model(r, g);
    vt_render_destroy(r);
    vt_model_destroy(m);
    return status;
}
