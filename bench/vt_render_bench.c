/* vt_render_bench.c — `vitrine-render-bench`: what drawing the built-in demo scene costs, apart
 * from capture, detection and encoding (docs/performance.md, "Rendering on llvmpipe").
 *
 * The demo's frames are drawn once into memory (the CPU drawing of the demo is no part of the
 * renderer); the products stand on the demo's true marker poses, so no detection runs. Each
 * frame is then drawn as `vitrine run --headless --out -` draws it (video, shadows, products,
 * tags, tour card and basket, read back as RGBA), in four modes that tell the passes apart:
 *
 *   video     the camera frame only (upload, background, read-back): the floor
 *   products  + shadows and product models
 *   full      + tags, card, basket (everything `vitrine run` draws)
 *   noread    full, without the read-back
 *
 * Products are lit as run lights them: by the room's light estimated from each frame, unless the
 * catalog's "lighting" is "studio" (the estimate's own cost is printed too).
 * Each mode runs --repeats times over the frames; the best pass's mean per frame is printed.
 * Usage: vitrine-render-bench [--size WxH ...] [--frames N] [--repeats N] [--mode M] [--catalog FILE]
 * (--catalog: models/basic-shelf.json by default, the shelf docs/performance.md's figures are of;
 * models/catalog.json is the real one)
 * (--mode: time only that mode, for profilers; --passes: each GL pass timed on its own, glFinish
 * after each, instead of the modes' totals). */
#include "assets/vt_assets.h"
#include "capture/vt_capture.h"
#include "catalog/vt_catalog.h"
#include "core/vt_core.h"
#include "render/vt_render.h"
#include "vision/vt_vision.h"
#include "visitor/vt_visitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


enum { MODE_VIDEO, MODE_PRODUCTS, MODE_FULL, MODE_NOREAD, MODE_COUNT };
static const char *mode_name[MODE_COUNT] = { "video", "products", "full", "noread" };

typedef struct demo_frames {
    vt_image *bgr;
    vt_image *gl;   /* the same frames prepared for the GL, as run's capture thread does */
    double (*rvec)[VT_DEMO_MARKERS][3], (*tvec)[VT_DEMO_MARKERS][3];
    int (*id)[VT_DEMO_MARKERS];
    int n;
} demo_frames;

typedef struct bench_scene {
    vt_catalog *cat;
    vt_model **models;
    vt_visitor_show *shows;
} bench_scene;

static int make_frames(int w, int h, int n, demo_frames *f)
{
    char err[256];
    vt_demo *d;
    if (vt_demo_create(&(vt_demo_desc){ .width = w, .height = h }, &d, err, sizeof err) != VT_OK) {
        fprintf(stderr, "vitrine-render-bench: %s\n", err);
        return -1;
    }
    f->n = n;
    f->bgr = calloc((size_t)n, sizeof *f->bgr);
    f->gl = calloc((size_t)n, sizeof *f->gl);
    f->rvec = calloc((size_t)n, sizeof *f->rvec);
    f->tvec = calloc((size_t)n, sizeof *f->tvec);
    f->id = calloc((size_t)n, sizeof *f->id);
    for (int i = 0; i < n; i++) {
        vt_image_alloc(&f->bgr[i], VT_PIX_BGR8, w, h);
        int index = i * 4;   /* spread over the camera's path */
        vt_demo_render(d, index, &f->bgr[i]);
        vt_render_prepare_frame(&f->bgr[i], &f->gl[i], err, sizeof err);
        for (int k = 0; k < VT_DEMO_MARKERS; k++) vt_demo_marker_pose(d, index, k, &f->id[i][k], f->rvec[i][k], f->tvec[i][k]);
    }
    vt_demo_destroy(d);
    return 0;
}

static void free_frames(demo_frames *f)
{
    for (int i = 0; i < f->n; i++) {
        vt_image_free(&f->bgr[i]);
        vt_image_free(&f->gl[i]);
    }
    free(f->bgr);
    free(f->gl); free(f->rvec); free(f->tvec); free(f->id);
}

static int load_scene(const char *path, vt_renderer *r, bench_scene *s)
{
    char err[1024];
    if (vt_catalog_load(path, &s->cat, err, sizeof err) != VT_OK) { fprintf(stderr, "vitrine-render-bench: %s\n", err); return -1; }
    int n = s->cat->count;
    s->models = calloc((size_t)n + 1, sizeof *s->models);
    s->shows = calloc((size_t)n + 1, sizeof *s->shows);
    for (int i = 0; i < n; i++) {
        const vt_product *p = &s->cat->products[i];
        s->shows[i].p = p;
        if (!p->model_path || vt_model_load(p->model_path, &s->models[i], err, sizeof err) != VT_OK) {
            float box[3] = { 0.08f, 0.08f, 0.08f };
            vt_model_placeholder(box, &s->models[i], err, sizeof err);
        }
        s->shows[i].model = s->models[i];
        if (s->models[i] && vt_render_upload(r, s->models[i], &s->shows[i].gpu, err, sizeof err) != VT_OK)
            fprintf(stderr, "vitrine-render-bench: %s\n", err);
    }
    return 0;
}

static void free_scene(bench_scene *s, vt_renderer *r)
{
    for (int i = 0; s->cat && i < s->cat->count; i++) {
        vt_render_free_model(r, s->shows[i].gpu);
        vt_model_destroy(s->models[i]);
    }
    free(s->models);
    free(s->shows);
    vt_catalog_destroy(s->cat);
}

/* One frame as `vitrine run` draws it, up to what mode asks for. */
static void draw_frame(vt_renderer *r, vt_visitor *v, const bench_scene *s, const demo_frames *f, int i, int frame,
                       const vt_camera *cam, int mode, vt_image *rgba)
{
    vt_render_begin(r, f->gl[i].data ? &f->gl[i] : &f->bgr[i], cam);
    if (mode != MODE_VIDEO) {
        vt_room_light l = { 0 };   /* as run lights them (its smoothing costs nothing) */
        if (!s->cat->studio_light) vt_room_light_estimate(&f->bgr[i], cam, &l);
        vt_render_set_room_light(r, &l);
        /* Slow time, so the tour's card stays open from 3 s on for the whole benchmark. */
        vt_visitor_begin(v, 3.0 + frame / 1000.0, frame);
        for (int k = 0; k < VT_DEMO_MARKERS; k++) {
            const vt_product *p = vt_catalog_find_marker(s->cat, f->id[i][k]);
            if (p) vt_visitor_seen(v, (int)(p - s->cat->products), f->rvec[i][k], f->tvec[i][k]);
        }
        vt_visitor_draw_scene(v, r, cam);
        if (mode != MODE_PRODUCTS) vt_visitor_draw_ui(v, r, cam, rgba->width, rgba->height, NULL, 0);
    }
    vt_render_end(r, mode == MODE_NOREAD ? NULL : rgba);
}

/* CPU time of the whole process (llvmpipe's threads included), ms: steadier than the wall clock
 * on a shared machine. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The best of `repeats` passes over the frames: mean wall and CPU ms per frame. Not inlined, so
 * `valgrind --tool=callgrind --collect-atstart=no --toggle-collect=time_mode` counts just this. */
__attribute__((noinline)) static void time_mode(vt_renderer *r, vt_visitor *v, const bench_scene *s, const demo_frames *f, const vt_camera *cam,
                      int mode, int repeats, vt_image *rgba, int *frame, double *wall, double *cpu)
{
    *wall = *cpu = 1e30;
    for (int rep = 0; rep < repeats; rep++) {
        uint64_t t0 = vt_now_ns();
        double c0 = cpu_ms();
        for (int i = 0; i < f->n; i++) draw_frame(r, v, s, f, i, (*frame)++, cam, mode, rgba);
        double ms = (double)(vt_now_ns() - t0) / 1e6 / f->n, c = (cpu_ms() - c0) / f->n;
        if (ms < *wall) *wall = ms;
        if (c < *cpu) *cpu = c;
    }
}

/* What estimating the room's light from a frame costs, microseconds (the mean over 50 passes). */
static double room_light_us(const demo_frames *f, const vt_camera *cam)
{
    uint64_t t0 = vt_now_ns();
    vt_room_light l;
    for (int rep = 0; rep < 50; rep++)
        for (int i = 0; i < f->n; i++) vt_room_light_estimate(&f->bgr[i], cam, &l);
    return (double)(vt_now_ns() - t0) / 1e3 / (50.0 * f->n);
}

static void report(int w, int h, const double *ms, const double *cpu)
{
    printf("%dx%d, wall ms per frame (frames/s):", w, h);
    for (int m = 0; m < MODE_COUNT; m++) printf("  %s %.2f (%.1f)", mode_name[m], ms[m], 1000 / ms[m]);
    printf("\n%dx%d, CPU ms per frame (all threads):", w, h);
    for (int m = 0; m < MODE_COUNT; m++) printf("  %s %.2f", mode_name[m], cpu[m]);
    printf("\n  CPU: products %.2f, tags+card %.2f, read-back %.2f; full / video wall ratio %.2f\n",
           cpu[MODE_PRODUCTS] - cpu[MODE_VIDEO], cpu[MODE_FULL] - cpu[MODE_PRODUCTS], cpu[MODE_FULL] - cpu[MODE_NOREAD],
           ms[MODE_VIDEO] / ms[MODE_FULL]);
}

/* --passes: each pass's mean over every frame drawn (all modes: the video and read-back passes
 * are in each, the products in three of four, the overlay in two). */
static void report_passes(const vt_renderer *r, int w, int h, int frames)
{
    static const char *names[VT_RENDER_PASSES] = { "video", "depth pre-pass", "products+shadows", "overlay", "read-back" };
    double ms[VT_RENDER_PASSES];
    vt_render_pass_times(r, ms);
    printf("%dx%d, ms per frame drawn, each pass waited for:", w, h);
    for (int k = 0; k < VT_RENDER_PASSES; k++) printf("  %s %.2f", names[k], ms[k] / frames);
    printf("\n");
}

static int bench_size(int w, int h, int nframes, int repeats, int only, int passes, const char *catalog)
{
    demo_frames f = { 0 };
    if (make_frames(w, h, nframes, &f) != 0) return 1;
    char err[1024];
    vt_renderer *r = NULL;
    vt_visitor *v = NULL;
    bench_scene s = { 0 };
    int st = 1;
    if (vt_render_create(&(vt_render_desc){ .width = w, .height = h, .headless = 1, .time_passes = passes }, &r, err, sizeof err) !=
        VT_OK) {
        fprintf(stderr, "vitrine-render-bench: %s\n", err);
        goto done;
    }
    if (load_scene(catalog, r, &s) != 0) goto done;
    if (vt_visitor_create(&(vt_visitor_desc){ .tour = 1, .shadows = 1 }, &v, err, sizeof err) != VT_OK ||
        vt_visitor_set_scene(v, s.cat, s.shows, s.cat->count, err, sizeof err) != VT_OK) {
        fprintf(stderr, "vitrine-render-bench: %s\n", err);
        goto done;
    }
    vt_camera cam = vt_camera_from_fov(w, h, VT_DEFAULT_HFOV_DEG);
    vt_image rgba = { 0 };
    vt_image_alloc(&rgba, VT_PIX_RGBA8, w, h);
    int frame = 0;
    /* Warm-up: every shader compiled (the first sight of a product shows it at once, no fade). */
    for (int m = 0; m < MODE_COUNT; m++) draw_frame(r, v, &s, &f, 0, frame++, &cam, m, &rgba);
    double ms[MODE_COUNT] = { 0 }, cpu[MODE_COUNT] = { 0 };
    for (int m = 0; m < MODE_COUNT; m++)
        if (only < 0 || m == only) time_mode(r, v, &s, &f, &cam, m, repeats, &rgba, &frame, &ms[m], &cpu[m]);
    if (passes) report_passes(r, w, h, repeats * f.n * (only < 0 ? MODE_COUNT : 1));
    else report(w, h, ms, cpu);
    if (!passes) printf("  room light estimate %.1f us per frame (%s)\n", room_light_us(&f, &cam),
                        s.cat->studio_light ? "the catalog's lighting is studio: not used" : "used");
    vt_image_free(&rgba);
    st = 0;
done:
    vt_visitor_destroy(v);
    if (r) free_scene(&s, r);
    vt_render_destroy(r);
    free_frames(&f);
    return st;
}

int main(int argc, char **argv)
{
    int sizes[8][2], nsizes = 0, nframes = 24, repeats = 3, only = -1, passes = 0;
    char bundled[4096];
    snprintf(bundled, sizeof bundled, "%.4000s/models/basic-shelf.json", vt_data_dir());
    const char *catalog = bundled;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--size") && i + 1 < argc && nsizes < 8 &&
            sscanf(argv[++i], "%dx%d", &sizes[nsizes][0], &sizes[nsizes][1]) == 2)
            nsizes++;
        else if (!strcmp(argv[i], "--frames") && i + 1 < argc) nframes = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--catalog") && i + 1 < argc) catalog = argv[++i];
        else if (!strcmp(argv[i], "--passes")) passes = 1;
        else if (!strcmp(argv[i], "--mode") && i + 1 < argc) {
            for (only = MODE_COUNT - 1; only >= 0 && strcmp(argv[i + 1], mode_name[only]); only--) {}
            i++;
        }
        else {
            fprintf(stderr, "usage: vitrine-render-bench [--size WxH ...] [--frames N] [--repeats N] [--mode video|products|full|noread] [--passes] [--catalog FILE]\n");
            return 2;
        }
    }
    if (!nsizes) { sizes[0][0] = 1280; sizes[0][1] = 720; sizes[1][0] = 1920; sizes[1][1] = 1080; nsizes = 2; }
    if (nframes < 1) nframes = 1;
    if (repeats < 1) repeats = 1;
    for (int i = 0; i < nsizes; i++)
        if (bench_size(sizes[i][0], sizes[i][1], nframes, repeats, only, passes, catalog) != 0) return 1;
    return 0;
}
