/* test_cameras.c — V4L2 cameras without a camera: the mode chosen on the mode tables of real
 * cameras (a C920, a cheap 720p webcam, a YUYV-only camera, an HDMI capture card), control
 * values checked, the device list, and clear errors for what is not a camera. Where /dev/video*
 * cameras exist, each is queried too. */
#include "capture/capture_live.h"
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

typedef struct table {
    vt_camera_mode m[256];
    int n;
} table;

/* Adds format at w x h for each rate in fps (0-terminated). */
static void add(table *t, const char *format, int w, int h, const double *fps)
{
    for (; *fps > 0 && t->n < 256; fps++) {
        vt_camera_mode *m = &t->m[t->n++];
        memset(m, 0, sizeof *m);
        snprintf(m->format, sizeof m->format, "%s", format);
        m->width = w;
        m->height = h;
        m->fps = *fps;
    }
}

static const double k_c920_rates[] = { 30, 24, 20, 15, 10, 7.5, 5, 0 };

/* Logitech C920 as v4l2-ctl --list-formats-ext shows it (YUYV, then MJPG; older firmware H264). */
static table c920(void)
{
    table t = { .n = 0 };
    static const int yuyv30[][2] = { { 640, 480 }, { 160, 90 }, { 160, 120 }, { 176, 144 }, { 320, 180 }, { 320, 240 },
                                     { 352, 288 }, { 432, 240 }, { 640, 360 }, { 800, 448 } };
    for (size_t i = 0; i < sizeof yuyv30 / sizeof *yuyv30; i++) add(&t, "YUYV", yuyv30[i][0], yuyv30[i][1], k_c920_rates);
    add(&t, "YUYV", 800, 600, k_c920_rates + 1);
    add(&t, "YUYV", 864, 480, k_c920_rates + 1);
    add(&t, "YUYV", 960, 720, k_c920_rates + 3);
    add(&t, "YUYV", 1024, 576, k_c920_rates + 3);
    add(&t, "YUYV", 1280, 720, k_c920_rates + 4);
    add(&t, "YUYV", 1600, 896, k_c920_rates + 5);
    add(&t, "YUYV", 1920, 1080, k_c920_rates + 6);
    add(&t, "YUYV", 2304, 1296, (const double[]){ 2, 0 });
    add(&t, "YUYV", 2304, 1536, (const double[]){ 2, 0 });
    static const int big[][2] = { { 640, 480 }, { 800, 600 }, { 960, 720 }, { 1280, 720 }, { 1600, 896 }, { 1920, 1080 } };
    for (size_t i = 0; i < sizeof big / sizeof *big; i++) add(&t, "MJPG", big[i][0], big[i][1], k_c920_rates);
    for (size_t i = 0; i < sizeof big / sizeof *big; i++) add(&t, "H264", big[i][0], big[i][1], k_c920_rates);
    return t;
}

/* A cheap 720p webcam: MJPG reaches 30 at every size, YUYV only at the small ones. */
static table cheap720(void)
{
    table t = { .n = 0 };
    const double r30[] = { 30, 0 }, r10[] = { 10, 0 };
    add(&t, "MJPG", 1280, 720, r30);
    add(&t, "MJPG", 800, 600, r30);
    add(&t, "MJPG", 640, 480, r30);
    add(&t, "MJPG", 320, 240, r30);
    add(&t, "YUYV", 1280, 720, r10);
    add(&t, "YUYV", 640, 480, r30);
    add(&t, "YUYV", 320, 240, r30);
    return t;
}

static table yuyv_only(void)
{
    table t = { .n = 0 };
    add(&t, "YUYV", 1280, 720, (const double[]){ 10, 5, 0 });
    add(&t, "YUYV", 800, 600, (const double[]){ 15, 0 });
    add(&t, "YUYV", 640, 480, (const double[]){ 30, 15, 0 });
    add(&t, "YUYV", 320, 240, (const double[]){ 30, 0 });
    return t;
}

/* An HDMI capture card (Cam Link-like): raw only, 60 at 1080p. */
static table hdmi(void)
{
    table t = { .n = 0 };
    add(&t, "YUYV", 1920, 1080, (const double[]){ 60, 50, 30, 25, 0 });
    add(&t, "NV12", 1920, 1080, (const double[]){ 60, 50, 30, 0 });
    add(&t, "YUYV", 1280, 720, (const double[]){ 60, 50, 0 });
    add(&t, "NV12", 1280, 720, (const double[]){ 60, 0 });
    return t;
}

#define EXPECT(t, i, F, W, H, FPS)                                                                                         \
    CHECKF((i) >= 0 && !strcmp((t).m[i].format, F) && (t).m[i].width == (W) && (t).m[i].height == (H) &&                 \
               (t).m[i].fps == (FPS),                                                                                      \
           "got %s %dx%d at %g", (i) >= 0 ? (t).m[i].format : "-", (i) >= 0 ? (t).m[i].width : 0,                         \
           (i) >= 0 ? (t).m[i].height : 0, (i) >= 0 ? (t).m[i].fps : 0)

static void test_choose(void)
{
    char err[512];
    table t = c920();
    int i = vt_camera_choose_mode(t.m, t.n, 0, 0, 0, NULL, err, sizeof err);
    EXPECT(t, i, "MJPG", 1920, 1080, 30);                            /* not YUYV's 5 frames/s, not H264 */
    i = vt_camera_choose_mode(t.m, t.n, 1920, 1080, 0, NULL, err, sizeof err);
    EXPECT(t, i, "MJPG", 1920, 1080, 30);
    i = vt_camera_choose_mode(t.m, t.n, 0, 0, 0, "YUYV", err, sizeof err);
    EXPECT(t, i, "YUYV", 800, 448, 30);                              /* YUYV's largest at 30 */
    i = vt_camera_choose_mode(t.m, t.n, 1920, 1080, 0, "yuyv", err, sizeof err);
    EXPECT(t, i, "YUYV", 1920, 1080, 5);                             /* asked: given, at its only rate */
    i = vt_camera_choose_mode(t.m, t.n, 1920, 1080, 24, "MJPG", err, sizeof err);
    EXPECT(t, i, "MJPG", 1920, 1080, 24);
    i = vt_camera_choose_mode(t.m, t.n, 1280, 720, 29.97, NULL, err, sizeof err);
    EXPECT(t, i, "MJPG", 1280, 720, 30);                             /* 29.97 is 30 */
    i = vt_camera_choose_mode(t.m, t.n, 0, 0, 0, "H264", err, sizeof err);
    EXPECT(t, i, "H264", 1920, 1080, 30);
    i = vt_camera_choose_mode(t.m, t.n, 1920, 1080, 60, NULL, err, sizeof err);
    CHECK(i == -1);
    CHECKF(!strcmp(err, "asked 1920x1080 at 60; the camera gives YUYV 1920x1080 at 5; MJPG 1920x1080 at 30/24/20/15/10/7.50/5; "
                        "H264 1920x1080 at 30/24/20/15/10/7.50/5"), "%s", err);
    CHECKF(strlen(err) < 400, "short: %zu", strlen(err));
    i = vt_camera_choose_mode(t.m, t.n, 3840, 2160, 0, "MJPG", err, sizeof err);
    CHECK(i == -1);
    CHECKF(!strcmp(err, "asked 3840x2160 MJPG; the camera gives MJPG 1920x1080 at 30/24/20/15/10/7.50/5, 1600x896 at "
                        "30/24/20/15/10/7.50/5, 1280x720 at 30/24/20/15/10/7.50/5, 960x720 at 30/24/20/15/10/7.50/5, 800x600 "
                        "at 30/24/20/15/10/7.50/5, 640x480 at 30/24/20/15/10/7.50/5"), "%s", err);
    i = vt_camera_choose_mode(t.m, t.n, 4000, 3000, 0, NULL, err, sizeof err);   /* all formats: four sizes each */
    CHECKF(i == -1 && strstr(err, "asked 4000x3000; the camera gives YUYV 2304x1536 at 2, 2304x1296 at 2, 1920x1080 at 5, "
                                  "1600x896 at 7.50/5, ...; MJPG 1920x1080"), "%s", err);

    t = cheap720();
    i = vt_camera_choose_mode(t.m, t.n, 0, 0, 0, NULL, err, sizeof err);
    EXPECT(t, i, "MJPG", 1280, 720, 30);
    i = vt_camera_choose_mode(t.m, t.n, 640, 480, 0, NULL, err, sizeof err);
    EXPECT(t, i, "YUYV", 640, 480, 30);                              /* raw reaches 30 there: no decode */
    i = vt_camera_choose_mode(t.m, t.n, 1280, 720, 0, "YUYV", err, sizeof err);
    EXPECT(t, i, "YUYV", 1280, 720, 10);
    i = vt_camera_choose_mode(t.m, t.n, 1920, 1080, 0, "MJPG", err, sizeof err);
    CHECK(i == -1);
    CHECKF(!strcmp(err, "asked 1920x1080 MJPG; the camera gives MJPG 1280x720 at 30, 800x600 at 30, 640x480 at 30, 320x240 at 30"),
           "%s", err);
    i = vt_camera_choose_mode(t.m, t.n, 1920, 1080, 0, NULL, err, sizeof err);
    CHECKF(i == -1 && strstr(err, "MJPG 1280x720 at 30") && strstr(err, "; YUYV 1280x720 at 10, 640x480 at 30, 320x240 at 30"), "%s", err);

    t = yuyv_only();
    i = vt_camera_choose_mode(t.m, t.n, 0, 0, 0, NULL, err, sizeof err);
    EXPECT(t, i, "YUYV", 640, 480, 30);
    i = vt_camera_choose_mode(t.m, t.n, 1280, 720, 0, NULL, err, sizeof err);
    EXPECT(t, i, "YUYV", 1280, 720, 10);                             /* the fastest at the size asked */
    i = vt_camera_choose_mode(t.m, t.n, 0, 0, 0, "MJPG", err, sizeof err);
    CHECKF(i == -1 && !strcmp(err, "asked MJPG; the camera has no MJPG, it gives YUYV"), "%s", err);
    i = vt_camera_choose_mode(t.m, t.n, 0, 0, 60, NULL, err, sizeof err);
    CHECKF(i == -1 && strstr(err, "asked at 60; the camera gives YUYV 1280x720 at 10/5, 800x600 at 15"), "%s", err);

    t = hdmi();
    i = vt_camera_choose_mode(t.m, t.n, 0, 0, 0, NULL, err, sizeof err);
    EXPECT(t, i, "YUYV", 1920, 1080, 60);
    i = vt_camera_choose_mode(t.m, t.n, 0, 0, 30, "NV12", err, sizeof err);
    EXPECT(t, i, "NV12", 1920, 1080, 30);
    i = vt_camera_choose_mode(t.m, t.n, 1280, 0, 0, NULL, err, sizeof err);   /* a width alone */
    EXPECT(t, i, "YUYV", 1280, 720, 60);

    /* Nothing reaches 30: the fastest rate, at it the largest (not 4K at 5). */
    table slow = { .n = 0 };
    add(&slow, "YUYV", 3840, 2160, (const double[]){ 5, 0 });
    add(&slow, "YUYV", 1920, 1080, (const double[]){ 15, 0 });
    add(&slow, "YUYV", 1280, 720, (const double[]){ 15, 0 });
    i = vt_camera_choose_mode(slow.m, slow.n, 0, 0, 0, NULL, err, sizeof err);
    EXPECT(slow, i, "YUYV", 1920, 1080, 15);
    /* A 4K camera at 30: 1080p by default (a kiosk's CPU), 4K only when asked. */
    table uhd = { .n = 0 };
    add(&uhd, "MJPG", 3840, 2160, (const double[]){ 30, 0 });
    add(&uhd, "MJPG", 1920, 1080, (const double[]){ 30, 0 });
    add(&uhd, "MJPG", 1280, 720, (const double[]){ 60, 30, 0 });
    i = vt_camera_choose_mode(uhd.m, uhd.n, 0, 0, 0, NULL, err, sizeof err);
    EXPECT(uhd, i, "MJPG", 1920, 1080, 30);
    i = vt_camera_choose_mode(uhd.m, uhd.n, 3840, 2160, 0, NULL, err, sizeof err);
    EXPECT(uhd, i, "MJPG", 3840, 2160, 30);
    /* Only larger than 1080p: its best all the same. */
    table big = { .n = 0 };
    add(&big, "MJPG", 2592, 1944, (const double[]){ 30, 0 });
    i = vt_camera_choose_mode(big.m, big.n, 0, 0, 0, NULL, err, sizeof err);
    EXPECT(big, i, "MJPG", 2592, 1944, 30);
    /* Rates the driver does not give: the largest. */
    table unknown = { .n = 2 };
    unknown.m[0] = (vt_camera_mode){ .format = "GREY", .width = 640, .height = 480 };
    unknown.m[1] = (vt_camera_mode){ .format = "GREY", .width = 1280, .height = 1024 };
    i = vt_camera_choose_mode(unknown.m, unknown.n, 0, 0, 0, NULL, err, sizeof err);
    CHECK(i == 1);
    CHECK(vt_camera_choose_mode(NULL, 0, 0, 0, 0, NULL, err, sizeof err) == -1 && strstr(err, "no capture modes"));
    char tiny[8];
    CHECK(vt_camera_choose_mode(t.m, t.n, 4000, 3000, 0, NULL, tiny, sizeof tiny) == -1 && strlen(tiny) == 7);
}

static void test_control_check(void)
{
    char err[256];
    CHECK(vt_camera_control_check("exposure", "auto", err, sizeof err) == VT_OK);
    CHECK(vt_camera_control_check("focus", "locked", err, sizeof err) == VT_OK);
    CHECK(vt_camera_control_check("white_balance", "4600", err, sizeof err) == VT_OK);
    CHECK(vt_camera_control_check("focus", "0", err, sizeof err) == VT_OK);
    CHECK(vt_camera_control_check("exposure", NULL, err, sizeof err) == VT_OK);
    const char *bad[] = { "", "Auto", "-5", "12.5", "100x", "99999999", " 10", "lock" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECKF(vt_camera_control_check("exposure", bad[i], err, sizeof err) == VT_ERR_ARG, "'%s'", bad[i]);
        CHECKF(strstr(err, "exposure") && strstr(err, "auto, locked or a whole number"), "%s", err);
    }
    CHECK(vt_camera_control_check("gain", "5", err, sizeof err) == VT_ERR_ARG && strstr(err, "gain"));
}

typedef struct seen {
    int warnings;
    char last[512];
} seen;

static void sink(vt_log_level lvl, const char *sub, const char *line, void *ctx)
{
    seen *s = ctx;
    (void)sub;
    if (lvl != VT_LOG_WARN) return;
    s->warnings++;
    snprintf(s->last, sizeof s->last, "%s", line);
}

static void test_devices(void)
{
    char err[512];
    vt_camera_info info;
    CHECK(vt_v4l2_query("/dev/null", &info, err, sizeof err) == VT_ERR_FORMAT);
    CHECKF(strstr(err, "/dev/null") && strstr(err, "not a V4L2 device"), "%s", err);
    vt_v4l2_info_free(&info);
    CHECK(vt_v4l2_query("/dev/video-not-here", &info, err, sizeof err) == VT_ERR_NOT_FOUND);
    CHECKF(strstr(err, "/dev/video-not-here: cannot open: No such file"), "%s", err);
    vt_v4l2_info_free(&info);
    CHECK(vt_v4l2_query(NULL, &info, err, sizeof err) == VT_ERR_ARG);

    /* Controls on what is no camera: warned once per control, bits set, nothing else. */
    seen s = { 0 };
    vt_log_set_sink(sink, &s);
    int warned = 0;
    vt_v4l2_apply_controls("/dev/null", "bright", "auto", NULL, &warned);
    CHECKF(s.warnings == 2 && warned == 3, "%d warnings, bits %d", s.warnings, warned);
    CHECKF(strstr(s.last, "camera /dev/null: focus auto: the camera has no automatic focus control"), "%s", s.last);
    vt_v4l2_apply_controls("/dev/null", "bright", "auto", NULL, &warned);   /* after a reconnect: said already */
    CHECK(s.warnings == 2);
    vt_v4l2_apply_controls("/dev/null", NULL, NULL, "5000", &warned);
    CHECKF(s.warnings == 3 && warned == 7 && strstr(s.last, "no manual white_balance control"), "%s", s.last);
    warned = 0;
    vt_v4l2_apply_controls("/dev/video-not-here", "locked", NULL, NULL, &warned);
    CHECKF(s.warnings == 4 && warned == 1 && strstr(s.last, "/dev/video-not-here"), "%s", s.last);
    vt_v4l2_apply_controls("/dev/null", NULL, NULL, NULL, NULL);   /* nothing asked: nothing opened or said */
    CHECK(s.warnings == 4);
    vt_log_set_sink(NULL, NULL);

    vt_camera_info *cams = NULL;
    int n = -1;
    CHECK(vt_cameras_list(&cams, &n, err, sizeof err) == VT_OK && n >= 0);
    if (n == 0) printf("SKIP (part): no V4L2 camera on this machine: the list is empty and VT_OK, as it should be\n");
    for (int i = 0; i < n; i++) {
        CHECKF(!strncmp(cams[i].device, "/dev/video", 10) && cams[i].card[0], "%s", cams[i].device);
        printf("camera %s: %s, %d modes, %d controls\n", cams[i].device, cams[i].card, cams[i].nmodes, cams[i].ncontrols);
        for (int k = 1; k < cams[i].nmodes; k++)   /* biggest first */
            CHECK((long)cams[i].modes[k].width * cams[i].modes[k].height <=
                  (long)cams[i].modes[k - 1].width * cams[i].modes[k - 1].height);
    }
    vt_cameras_free(cams, n);
    vt_cameras_free(NULL, 0);
}

int main(void)
{
    test_choose();
    test_control_check();
    test_devices();
    return t_finish("test_cameras");
}
