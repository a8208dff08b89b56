/* test_room_light.c — the room's light (issue 15): vision's estimate from frames of known
 * colour and gradient, its smoothing's step response in frames, and real GL rendering read back:
 * a product lit by the room follows the frame's brightness and white balance, and the studio
 * (no room light) is the look it had before, bit for bit. */
#include "assets/vt_assets.h"
#include "render/vt_render.h"
#include "vision/vt_vision.h"
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 640
#define H 480

static double lin(int v)
{
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

/* A frame of one colour (sRGB R, G, B), or top half rgb and bottom half rgb2 (rows), or left
 * half rgb and right half rgb2 (columns). */
static void fill(vt_image *im, const int rgb[3], const int rgb2[3], int split_rows)
{
    for (int y = 0; y < im->height; y++)
        for (int x = 0; x < im->width; x++) {
            int second = rgb2 && (split_rows ? y >= im->height / 2 : x >= im->width / 2);
            const int *c = second ? rgb2 : rgb;
            uint8_t *p = vt_image_row(im, y) + x * 3;
            p[0] = (uint8_t)c[2]; p[1] = (uint8_t)c[1]; p[2] = (uint8_t)c[0];
        }
}

static void test_estimate(void)
{
    vt_image f;
    vt_image_alloc(&f, VT_PIX_BGR8, W, H);
    vt_room_light l;
    /* One colour: its linear value, no gradient. */
    fill(&f, (const int[3]){ 200, 150, 90 }, NULL, 0);
    vt_room_light_estimate(&f, NULL, &l);
    CHECKF(fabs(l.level[0] - lin(200)) < 1e-4 && fabs(l.level[1] - lin(150)) < 1e-4 && fabs(l.level[2] - lin(90)) < 1e-4,
           "level %g %g %g", l.level[0], l.level[1], l.level[2]);
    for (int a = 0; a < 2; a++)
        for (int c = 0; c < 3; c++) CHECKF(fabsf(l.grad[a][c]) < 1e-4, "grad[%d][%d] %g", a, c, l.grad[a][c]);
    for (int c = 0; c < 3; c++) CHECK(fabsf(l.white[c] - l.level[c]) < 1e-4);   /* all of it is the brightest tenth */
    /* Brighter above (image y runs down): a negative y gradient, bounded by the level; the
     * level is the middle's, between the halves. */
    fill(&f, (const int[3]){ 220, 220, 220 }, (const int[3]){ 60, 60, 60 }, 1);
    vt_room_light_estimate(&f, NULL, &l);
    CHECKF(l.grad[1][1] < -0.5f * l.level[1] && fabsf(l.grad[1][1]) <= l.level[1] + 1e-6f && fabsf(l.grad[0][1]) < 1e-3f,
           "top bright: level %g grad %g, %g", l.level[1], l.grad[0][1], l.grad[1][1]);
    CHECK(l.level[1] > lin(60) && l.level[1] < lin(220));
    CHECKF(fabs(l.white[1] - lin(220)) < 1e-4, "white %g, the bright half %g", l.white[1], lin(220));
    /* Brighter to the right: a positive x gradient. With intrinsics the same. */
    vt_camera cam;
    vt_camera_parse("500,500,319.5,239.5", &cam);
    fill(&f, (const int[3]){ 40, 40, 40 }, (const int[3]){ 180, 180, 180 }, 0);
    vt_room_light_estimate(&f, &cam, &l);
    CHECKF(l.grad[0][0] > 0.3f * l.level[0] && fabsf(l.grad[1][0]) < 1e-3f, "right bright: level %g grad %g, %g", l.level[0],
           l.grad[0][0], l.grad[1][0]);
    /* Not a BGR frame: nothing estimated. */
    vt_image g;
    vt_image_alloc(&g, VT_PIX_GREY8, W, H);
    vt_room_light_estimate(&g, NULL, &l);
    CHECK(l.level[0] == 0 && l.level[1] == 0 && l.grad[1][2] == 0);
    vt_image_free(&g);
    vt_image_free(&f);
}

/* The smoothing at 30 frames/s with run's time constant: how many frames a step takes to be 90 %
 * followed (docs/performance.md states it). */
static int frames_to_follow(double tau, double fps)
{
    vt_room_light s = { 0 }, a = { .white = { 0.1f, 0.1f, 0.1f } }, b = { .white = { 0.4f, 0.4f, 0.4f } };
    vt_room_light_follow(&s, &a, 1 / fps, tau);   /* empty: taken as it is */
    CHECK(s.white[0] == 0.1f);
    for (int n = 1; n < 100; n++) {
        vt_room_light_follow(&s, &b, 1 / fps, tau);
        if (s.white[1] >= 0.1f + 0.9f * 0.3f) return n;
    }
    return 100;
}

static void test_follow(void)
{
    int n = frames_to_follow(0.12, 30);
    printf("a brightness step is 90 %% followed after %d frames at 30 frames/s\n", n);
    CHECKF(n >= 3 && n <= 9, "%d frames", n);   /* smoothed, but within 0.3 s */
    vt_room_light s = { .white = { 0.1f, 0.1f, 0.1f } }, b = { .white = { 0.4f, 0.2f, 0.3f }, .level = { 0.2f, 0.1f, 0.1f } };
    vt_room_light_follow(&s, &b, 5.0, 0.12);   /* a seek or a pause: taken as it is */
    CHECK(s.white[0] == 0.4f && s.white[1] == 0.2f && s.level[0] == 0.2f);
    vt_room_light_follow(&s, &(vt_room_light){ .white = { 0.1f, 0.1f, 0.1f } }, -0.03, 0.12);   /* backwards: the same */
    CHECK(s.white[2] == 0.1f && s.level[0] == 0);
}

/* Mean sRGB colour of the pixels where out differs from the background (the product). */
static int product_mean(const vt_image *out, const vt_image *bg, double mean[3])
{
    long n = 0;
    double s[3] = { 0, 0, 0 };
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const uint8_t *o = vt_image_row(out, y) + x * 4, *b = vt_image_row(bg, y) + x * 3;
            if (o[0] == b[2] && o[1] == b[1] && o[2] == b[0]) continue;
            for (int c = 0; c < 3; c++) s[c] += o[c];
            n++;
        }
    for (int c = 0; c < 3; c++) mean[c] = n ? s[c] / n : 0;
    return (int)n;
}

typedef struct scene { vt_renderer *r; vt_gpu_model_id g; float mv[16]; vt_camera cam; vt_image bg, out; } scene;

/* The product drawn over frame (also the light's source unless light is given), room light
 * from the frame when room != 0; the product's mean colour. */
static int draw(scene *s, const vt_image *frame, int room, double mean[3])
{
    vt_room_light l;
    vt_room_light_estimate(frame, &s->cam, &l);
    vt_render_set_room_light(s->r, room ? &l : NULL);
    vt_render_begin(s->r, frame, &s->cam);
    vt_render_model(s->r, s->g, s->mv, 1.0f);
    vt_render_end(s->r, &s->out);
    return product_mean(&s->out, frame, mean);
}

static double luma(const double c[3]) { return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; }

static void test_render_follows(void)
{
    char err[512];
    scene s = { 0 };
    if (vt_render_create(&(vt_render_desc){ .width = W, .height = H, .headless = 1 }, &s.r, err, sizeof err) != VT_OK) {
        CHECKF(0, "headless renderer: %s", err);
        return;
    }
    vt_camera_parse("600,600,319.5,239.5", &s.cam);
    vt_model *box = NULL;
    CHECKF(vt_model_placeholder((const float[3]){ 0.06f, 0.08f, 0.06f }, &box, err, sizeof err) == VT_OK, "%s", err);
    CHECKF(vt_render_upload(s.r, box, &s.g, err, sizeof err) == VT_OK, "upload: %s", err);
    double rvec[3] = { 2.4, 0.2, -0.1 }, tvec[3] = { 0, 0.02, 0.5 }, zero[3] = { 0, 0, 0 };
    vt_render_marker_matrix(rvec, tvec, zero, zero, 1.0, s.mv);
    vt_image_alloc(&s.bg, VT_PIX_BGR8, W, H);
    vt_image_alloc(&s.out, VT_PIX_RGBA8, W, H);

    /* The studio: never set, set to NULL and set to an empty estimate are the same pixels. */
    fill(&s.bg, (const int[3]){ 231, 231, 231 }, NULL, 0);
    vt_image first;
    vt_image_alloc(&first, VT_PIX_RGBA8, W, H);
    vt_render_begin(s.r, &s.bg, &s.cam);
    vt_render_model(s.r, s.g, s.mv, 1.0f);
    vt_render_end(s.r, &first);
    double studio[3], m[3];
    int n = draw(&s, &s.bg, 0, studio);
    CHECKF(n > 3000 && !memcmp(first.data, s.out.data, (size_t)W * H * 4), "studio set to NULL differs (%d product pixels)", n);
    vt_render_set_room_light(s.r, &(vt_room_light){ 0 });
    vt_render_begin(s.r, &s.bg, &s.cam);
    vt_render_model(s.r, s.g, s.mv, 1.0f);
    vt_render_end(s.r, &s.out);
    CHECK(!memcmp(first.data, s.out.data, (size_t)W * H * 4));
    /* A neutral room whose white the camera sees at sRGB 231 (0.8 linear) is the studio's look. */
    draw(&s, &s.bg, 1, m);
    printf("product mean: studio %.1f %.1f %.1f, room of white 231 %.1f %.1f %.1f\n", studio[0], studio[1], studio[2], m[0], m[1], m[2]);
    for (int c = 0; c < 3; c++) CHECKF(fabs(m[c] - studio[c]) < 1.5, "channel %d: %.2f against the studio's %.2f", c, m[c], studio[c]);
    /* A dim room: darker; a bright one: brighter; a warm one: redder than blue, more than the studio. */
    fill(&s.bg, (const int[3]){ 150, 150, 150 }, NULL, 0);
    draw(&s, &s.bg, 1, m);
    double dim = luma(m);
    fill(&s.bg, (const int[3]){ 255, 255, 255 }, NULL, 0);
    draw(&s, &s.bg, 1, m);
    double bright = luma(m);
    printf("product luma: dim room %.1f, studio %.1f, bright room %.1f\n", dim, luma(studio), bright);
    CHECKF(dim < luma(studio) - 20 && bright > luma(studio) + 3, "dim %.1f studio %.1f bright %.1f", dim, luma(studio), bright);
    fill(&s.bg, (const int[3]){ 250, 215, 160 }, NULL, 0);
    draw(&s, &s.bg, 1, m);
    printf("warm room: product %.1f %.1f %.1f\n", m[0], m[1], m[2]);
    CHECKF(m[0] - m[2] > studio[0] - studio[2] + 20, "warm: R-B %.1f, the studio's %.1f", m[0] - m[2], studio[0] - studio[2]);
    /* The studio again whatever the frame: the room's light is not kept (only the edges'
     * antialiasing shows the other background). */
    draw(&s, &s.bg, 0, m);
    for (int c = 0; c < 3; c++) CHECKF(fabs(m[c] - studio[c]) < 1.5, "channel %d: %.2f against %.2f", c, m[c], studio[c]);

    vt_image_free(&first);
    vt_image_free(&s.bg);
    vt_image_free(&s.out);
    vt_render_free_model(s.r, s.g);
    vt_model_destroy(box);
    vt_render_destroy(s.r);
}

int main(int argc, char **argv)
{
    (void)argc; (void)argv;
    test_estimate();
    test_follow();
    test_render_follows();
    return t_finish("test_room_light");
}
