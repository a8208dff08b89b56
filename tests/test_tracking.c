/* test_tracking.c — presence with found/lost hysteresis: dropouts do not split a visit; the 1€
 * filter's defaults (zero means default, as documented); the shared pose-and-filter step; the
 * wrong-dictionary hint. */
#include "tracking/vt_tracking.h"
#include "vision/vt_vision.h"   /* vt_marker_image: the frame of printed markers */
#include "test_util.h"

#include <math.h>
#include <string.h>
#include <time.h>

/* The same noisy still pose through two filters: identical outputs, frame by frame. */
static int filters_agree(const vt_pose_filter_desc *a, const vt_pose_filter_desc *b)
{
    char err[256];
    vt_pose_filter *fa = NULL, *fb = NULL;
    int same = vt_pose_filter_create(a, &fa, err, sizeof err) == VT_OK && vt_pose_filter_create(b, &fb, err, sizeof err) == VT_OK;
    for (int f = 0; same && f < 60; f++) {
        double n = ((f * 7919) % 13 - 6) * 1e-3;
        double ra[3] = { 0.1 + n, -0.2, 0.05 }, ta[3] = { 0.01, n, 0.4 }, rb[3], tb[3];
        memcpy(rb, ra, sizeof ra);
        memcpy(tb, ta, sizeof ta);
        same = vt_pose_filter_apply(fa, 3, f, f / 30.0, ra, ta) == VT_OK && vt_pose_filter_apply(fb, 3, f, f / 30.0, rb, tb) == VT_OK &&
               !memcmp(ra, rb, sizeof ra) && !memcmp(ta, tb, sizeof ta);
    }
    vt_pose_filter_destroy(fa);
    vt_pose_filter_destroy(fb);
    return same;
}

/* A 50 mm marker 40 cm in front of the camera, face-on: its corners, then the pose step. */
static void pose_step(void)
{
    vt_camera cam;
    CHECK(vt_camera_parse("600,600,319.5,239.5", &cam) == VT_OK);
    const double z = 0.4, h = 0.025;
    const double obj[4][2] = { { -h, h }, { h, h }, { h, -h }, { -h, -h } };   /* marker x right, y up */
    vt_marker m = { .id = 5 };
    for (int k = 0; k < 4; k++) {
        m.corners[k][0] = (float)(cam.cx + cam.fx * obj[k][0] / z);
        m.corners[k][1] = (float)(cam.cy - cam.fy * obj[k][1] / z);
    }
    vt_marker_list ml = { 0 };
    CHECK(vt_marker_list_reserve(&ml, 1) == VT_OK);
    char err[256];
    vt_pose_filter *pf = NULL;
    CHECK(vt_pose_filter_create(NULL, &pf, err, sizeof err) == VT_OK);
    for (int f = 0; f < 3; f++) {
        ml.items[0] = m;
        ml.count = 1;
        CHECK(vt_pose_markers(f == 2 ? NULL : pf, &cam, &ml, f, f / 30.0, &(vt_marker_length){ .default_m = 0.05 }, err,
                              sizeof err) == VT_OK);
        CHECKF(ml.items[0].has_pose && fabs(ml.items[0].tvec[2] - z) < 1e-3 && fabs(ml.items[0].tvec[0]) < 1e-3,
               "frame %d: the marker at 40 cm (z %.4f)", f, ml.items[0].tvec[2]);
    }
    double prev[3];
    CHECK(vt_pose_filter_last(pf, 5, 2, prev) == 1);
    vt_pose_filter_destroy(pf);
    vt_marker_list_free(&ml);
}

/* Polls at media time t until the background check in flight has ended (an event, with a 60 s
 * deadline that only turns a hang into a failure); returns 1 when the hint was said meanwhile. */
static int poll_settled(vt_dict_hint *h, const vt_dictionary *want, double t, const vt_image *grey)
{
    int said = vt_dict_hint_poll(h, want, t, grey, 0, 3);
    for (int i = 0; i < 60000 && vt_dict_hint_busy(h); i++) {
        nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
        said |= vt_dict_hint_poll(h, want, t, grey, 0, 3);
    }
    return said;
}

/* Markers of 5X5_100 while the catalog expects 6X6_250: nothing before 3 s without a catalog
 * marker, then the hint once (after a second read half a second later), again for another
 * expected dictionary; a catalog marker seen restarts the wait. */
static void dict_hint(void)
{
    vt_dictionary d5, d6, d4;
    vt_dictionary_find("5X5_100", &d5);
    vt_dictionary_find("6X6_250", &d6);
    vt_dictionary_find("4X4_50", &d4);
    vt_image grey;
    CHECK(vt_image_alloc(&grey, VT_PIX_GREY8, 640, 360) == VT_OK);
    memset(grey.data, 230, (size_t)grey.stride * (size_t)grey.height);
    for (int id = 1; id <= 3; id++) {
        vt_image m;
        CHECK(vt_marker_image(&d5, id, 120, &m) == VT_OK);
        for (int y = 0; y < 120; y++) memcpy(vt_image_row(&grey, 100 + y) + 40 + (id - 1) * 200, vt_image_row(&m, y), 120);
        vt_image_free(&m);
    }
    char err[128];
    vt_dict_hint *h = NULL;
    CHECK(vt_dict_hint_create(&(vt_dict_hint_desc){ .subsystem = "test" }, &h, err, sizeof err) == VT_OK);
    int said = 0, said_at = -1;
    for (int f = 0; f <= 150; f++) {   /* 5 s at 30 frames/s; each frame waits for the check in flight */
        int s = poll_settled(h, &d6, f / 30.0, &grey);
        if (s && said_at < 0) said_at = f;
        said += s;
        if (f == 30) vt_dict_hint_poll(h, &d6, f / 30.0, &grey, 1, 0);   /* a catalog marker at 1 s */
    }
    const char *want = "markers of 5X5_100 seen (ids 1, 2, 3); the catalog expects 6X6_250";
    CHECKF(said == 1 && !strcmp(vt_dict_hint_text(h), want), "said %d times: '%s'", said, vt_dict_hint_text(h));
    CHECKF(said_at == 30 + 90 + 15, "3 s after the last catalog marker and a second read (frame %d)",
           said_at);
    said = 0;
    for (int f = 151; f <= 300; f++) said += poll_settled(h, &d4, f / 30.0, &grey);
    CHECKF(said == 1 && strstr(vt_dict_hint_text(h), "expects 4X4_50"), "again for another dictionary: '%s'", vt_dict_hint_text(h));
    vt_dict_hint_destroy(h);
    /* detect's: at once, in the caller's thread. */
    CHECK(vt_dict_hint_create(&(vt_dict_hint_desc){ .sync = 1, .expects = "--dict is" }, &h, err, sizeof err) == VT_OK);
    CHECK(vt_dict_hint_poll(h, &d6, 0, &grey, 0, 0) == 0);   /* no marker-like square: no check */
    CHECK(vt_dict_hint_poll(h, &d6, 0, &grey, 0, 3) == 1 && strstr(vt_dict_hint_text(h), "; --dict is 6X6_250"));
    CHECK(vt_dict_hint_poll(h, &d6, 10, &grey, 0, 3) == 0);   /* once */
    vt_dict_hint_destroy(h);
    vt_image_free(&grey);
}

int main(int argc, char **argv)
{
    (void)argc; (void)argv;
    vt_presence p;
    vt_presence_init(&p, &(vt_presence_desc){ .lost_after = 5 });
    vt_presence_event ev[2 * VT_PRESENCE_MAX];
    int found = 0, lost = 0, a[] = { 7 }, ab[] = { 7, 9 };
    /* Marker 7 is seen in frames 0-3, 5, 8 and 9 (dropouts of one and two frames); marker 9 in 3 and 5. */
    for (int f = 0; f < 10; f++) {
        int n = (f == 4 || f == 6 || f == 7) ? 0 : (f == 3 || f == 5) ? 2 : 1;
        int ne = vt_presence_update(&p, f, f / 30.0, n == 2 ? ab : a, n, ev);
        for (int i = 0; i < ne; i++) {
            CHECK(ev[i].kind == VT_PRESENCE_FOUND);
            CHECK((ev[i].id == 7 && f == 0) || (ev[i].id == 9 && f == 3));
            found++;
        }
    }
    CHECK(found == 2);   /* the dropouts did not split either visit */
    /* Nothing more is seen: each is lost 5 frames after its last sighting, with its whole visit. */
    for (int f = 10; f < 20; f++) {
        int ne = vt_presence_update(&p, f, f / 30.0, NULL, 0, ev);
        for (int i = 0; i < ne; i++) {
            CHECK(ev[i].kind == VT_PRESENCE_LOST);
            if (ev[i].id == 9) CHECK(ev[i].first_frame == 3 && ev[i].last_frame == 5 && f == 10);
            if (ev[i].id == 7) CHECK(ev[i].first_frame == 0 && ev[i].last_frame == 9 && f == 14 && ev[i].last_t == 9 / 30.0);
            lost++;
        }
    }
    CHECK(lost == 2);
    /* Flush closes open visits. */
    vt_presence_update(&p, 20, 0, a, 1, ev);
    CHECK(vt_presence_flush(&p, ev) == 1 && ev[0].id == 7 && ev[0].first_frame == 20);
    CHECK(vt_presence_flush(&p, ev) == 0);

    /* The 1€ filter: one defaults function; a NULL desc and a desc with zero min_cutoff, d_cutoff
     * and forget_after mean exactly those defaults (beta is taken as given: 0 is a valid setting). */
    vt_pose_filter_desc d = vt_pose_filter_desc_defaults();
    CHECK(d.min_cutoff == 0.5 && d.beta == 50 && d.d_cutoff == 1.0 && d.forget_after == 8);
    CHECK(filters_agree(NULL, &d));
    CHECK(filters_agree(&(vt_pose_filter_desc){ .beta = 50 }, &d));
    CHECK(!filters_agree(&(vt_pose_filter_desc){ .min_cutoff = 1.0, .beta = 50 }, &d));   /* the setting matters */
    pose_step();
    dict_hint();
    return t_finish("test_tracking");
}
