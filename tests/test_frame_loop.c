/* test_frame_loop.c — the parts of the threaded frame loop of `vitrine run`: the slot queue
 * between two threads (order, bounds, nothing lost in blocking mode, newest wins for a camera),
 * the output's writer thread (every frame written, in order), a source's frame buffers (one held
 * while the next is read), and poses predicted to display
 * time (closer to where the marker is when the frame is shown than the unpredicted pose). */
#include "capture/vt_capture.h"
#include "output/vt_output.h"
#include "tracking/vt_tracking.h"
#include "test_util.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_ITEMS 2000

typedef struct feed { vt_slots *q; int payload[4]; } feed;

/* The producer: items 0..N_ITEMS-1 into whatever slot it is given. */
static void *producer(void *arg)
{
    feed *f = arg;
    for (int i = 0; i < N_ITEMS; i++) {
        int s = vt_slots_acquire(f->q);
        if (s < 0) break;
        f->payload[s] = i;
        vt_slots_publish(f->q, s);
    }
    return NULL;
}

/* Blocking mode between two threads: every item, in order, never more queued than slots. */
static void test_blocking(void)
{
    char err[128];
    feed f = { 0 };
    CHECK(vt_slots_create(0, 0, &f.q, err, sizeof err) == VT_ERR_ARG && f.q == NULL);
    CHECK(vt_slots_create(2, 1, &f.q, err, sizeof err) == VT_ERR_ARG);   /* newest-wins needs three */
    CHECK(vt_slots_create(2, 0, &f.q, err, sizeof err) == VT_OK);
    pthread_t th;
    pthread_create(&th, NULL, producer, &f);
    int next = 0, in_order = 1, max_pending = 0;
    while (next < N_ITEMS) {
        int s = vt_slots_take(f.q, 5000);
        if (s < 0) break;
        int p = vt_slots_pending(f.q);
        if (p > max_pending) max_pending = p;
        if (f.payload[s] != next) in_order = 0;
        next++;
        if (next % 97 == 0) usleep(200);   /* a slow consumer now and then: the producer waits */
        vt_slots_release(f.q, s);
    }
    pthread_join(th, NULL);
    CHECKF(next == N_ITEMS && in_order, "took %d of %d items, in order %d", next, N_ITEMS, in_order);
    CHECK(max_pending <= 1 && vt_slots_dropped(f.q) == 0);
    CHECK(vt_slots_take(f.q, 0) == -1);   /* empty, open: nothing yet */
    vt_slots_close(f.q);
    CHECK(vt_slots_take(f.q, 0) == -2 && vt_slots_acquire(f.q) == -1);
    vt_slots_destroy(f.q);
}

/* Newest-wins: the producer never waits; the consumer gets the newest frame, older ones dropped. */
static void test_newest_wins(void)
{
    char err[128];
    vt_slots *q = NULL;
    int payload[3];
    CHECK(vt_slots_create(3, 1, &q, err, sizeof err) == VT_OK);
    int held = vt_slots_acquire(q);   /* the consumer's frame on screen, taken below */
    payload[held] = -1;
    vt_slots_publish(q, held);
    CHECK(vt_slots_take(q, 0) == held);
    for (int i = 0; i < 10; i++) {    /* ten frames while the consumer is busy: no wait */
        int s = vt_slots_acquire(q);
        CHECK(s >= 0 && s != held);
        payload[s] = i;
        vt_slots_publish(q, s);
    }
    CHECK(vt_slots_pending(q) == 1 && vt_slots_dropped(q) == 9);
    vt_slots_release(q, held);
    int s = vt_slots_take(q, 0);
    CHECK(s >= 0 && payload[s] == 9);
    /* Nothing lost while the consumer keeps up: each frame taken before the next comes. */
    vt_slots_release(q, s);
    for (int i = 10; i < 20; i++) {
        int a = vt_slots_acquire(q);
        payload[a] = i;
        vt_slots_publish(q, a);
        int t = vt_slots_take(q, 0);
        CHECK(t == a && payload[t] == i);
        vt_slots_release(q, t);
    }
    CHECK(vt_slots_dropped(q) == 9);
    vt_slots_destroy(q);
}

/* The sink's writer thread: every frame written, in order, the same files as without it. */
static void test_sink_queue(void)
{
    char dir[] = "/tmp/vt_test_sinkq_XXXXXX", err[512], path[600];
    CHECK(mkdtemp(dir) != NULL);
    vt_sink *s = NULL;
    CHECK(vt_sink_open(&(vt_sink_desc){ .path = dir, .width = 16, .height = 8, .queue = 2 }, &s, err, sizeof err) == VT_OK);
    vt_image im;
    vt_image_alloc(&im, VT_PIX_RGBA8, 16, 8);
    for (int i = 0; i < 12; i++) {   /* copied, or handed over with a free buffer back */
        memset(im.data, 20 * i, (size_t)im.stride * 8);   /* each frame its own grey */
        CHECK((i % 2 ? vt_sink_submit(s, &im, err, sizeof err) : vt_sink_write(s, &im, err, sizeof err)) == VT_OK);
        CHECK(im.data && im.width == 16 && im.height == 8);
    }
    CHECK(vt_sink_finish(s, err, sizeof err) == VT_OK);
    vt_sink_close(s);
    vt_source *src = NULL;
    CHECK(vt_source_open(&(vt_source_desc){ .kind = VT_SOURCE_FOLDER, .path = dir }, &src, err, sizeof err) == VT_OK);
    vt_frame fr;
    int n = 0;
    while (src && vt_source_read(src, &fr, err, sizeof err) == VT_OK) {
        CHECKF(abs(fr.grey.data[0] - 20 * n) <= 1, "frame %d grey %d", n, fr.grey.data[0]);
        n++;
    }
    vt_source_destroy(src);
    CHECK(n == 12);
    for (int i = 0; i < 12; i++) { snprintf(path, sizeof path, "%s/frame_%05d.png", dir, i); unlink(path); }
    rmdir(dir);
    /* A folder that cannot be written: the failure comes back on a later write or at finish. */
    CHECK(vt_sink_open(&(vt_sink_desc){ .path = "/proc/vt-no-such", .width = 16, .height = 8, .queue = 2 }, &s, err, sizeof err) != VT_OK);
    vt_image_free(&im);
}

/* A source with two buffers: a frame held while the next is read keeps its pixels. */
static void test_source_buffers(void)
{
    char err[256];
    vt_source *src = NULL;
    vt_source_desc sd = { .kind = VT_SOURCE_DEMO, .want = VT_WANT_GREY | VT_WANT_COLOUR, .buffers = 2,
                          .demo = { .width = 320, .height = 180 } };
    CHECK(vt_source_open(&sd, &src, err, sizeof err) == VT_OK);
    vt_frame a, b, c;
    CHECK(vt_source_read_into(src, 0, &a, err, sizeof err) == VT_OK);
    vt_image a_copy = { 0 };
    vt_image_copy(&a_copy, &a.colour);
    CHECK(vt_source_read_into(src, 1, &b, err, sizeof err) == VT_OK && b.index == 1 && b.colour.data != a.colour.data);
    CHECK(memcmp(a.colour.data, a_copy.data, (size_t)a_copy.stride * 180) == 0);   /* frame 0 intact */
    CHECK(b.grey.data && b.grey.data != a.grey.data);
    CHECK(vt_source_read_into(src, 2, &c, err, sizeof err) == VT_ERR_ARG && strstr(err, "buffer"));
    vt_image_free(&a_copy);
    vt_source_destroy(src);
}

/* Pixels between where two positions of a marker's centre land on screen: what a visitor sees
 * of a product trailing its marker. */
static double screen_dist(const vt_camera *c, const double a[3], const double b[3])
{
    double du = c->fx * (a[0] / a[2] - b[0] / b[2]), dv = c->fy * (a[1] / a[2] - b[1] / b[2]);
    return sqrt(du * du + dv * dv);
}

/* The demo's moving camera, detected and posed as `run` does; each pose predicted one frame on
 * (a frame shown 33 ms after its capture) against the demo's true pose at that time. */
static void test_prediction(void)
{
    char err[256];
    vt_demo *d = NULL;
    vt_tracker *tr = NULL;
    vt_pose_filter *pf = NULL;
    vt_dictionary dict;
    vt_dictionary_find(VT_DEMO_DICT, &dict);
    CHECK(vt_demo_create(&(vt_demo_desc){ .width = 640, .height = 360 }, &d, err, sizeof err) == VT_OK);
    CHECK(vt_tracker_create(&(vt_tracker_desc){ .dict = dict }, &tr, err, sizeof err) == VT_OK);
    CHECK(vt_pose_filter_create(NULL, &pf, err, sizeof err) == VT_OK);
    vt_camera cam = vt_camera_from_fov(640, 360, VT_DEFAULT_HFOV_DEG);
    vt_image bgr, grey;
    vt_image_alloc(&bgr, VT_PIX_BGR8, 640, 360);
    vt_image_alloc(&grey, VT_PIX_GREY8, 640, 360);
    vt_marker_list ml = { 0 };
    vt_marker_length len = { VT_DEMO_MARKER_MM / 1000, NULL, NULL };
    double err_plain = 0, err_pred = 0;
    int n = 0, first = 120;   /* from 4 s on: the camera's sway is under way */
    for (int f = first; f < first + 60 && d && tr; f++) {
        vt_demo_render(d, f, &bgr);
        for (int y = 0; y < 360; y++)
            for (int x = 0; x < 640; x++) {
                const uint8_t *p = vt_image_row(&bgr, y) + 3 * x;
                vt_image_row(&grey, y)[x] = (uint8_t)((p[0] * 29 + p[1] * 150 + p[2] * 77) >> 8);
            }
        vt_tracker_track(tr, &grey, &ml);
        vt_pose_markers(pf, &cam, &ml, f, f / 30.0, &len, err, sizeof err);
        for (int i = 0; i < ml.count && f >= first + 10; i++) {
            const vt_marker *m = &ml.items[i];
            double r[3], t[3], rt[3], tt[3];
            int id;
            if (!m->has_pose || !vt_pose_filter_predict(pf, m->id, f, 1 / 30.0, r, t)) continue;
            vt_demo_marker_pose(d, f + 1, m->id - VT_DEMO_FIRST_ID, &id, rt, tt);
            err_plain += screen_dist(&cam, m->tvec, tt);
            err_pred += screen_dist(&cam, t, tt);
            n++;
        }
    }
    CHECKF(n > 200 && err_pred < 0.8 * err_plain, "%d poses: mean error on screen at display time %.2f px predicted, %.2f px not",
           n, err_pred / (n ? n : 1), err_plain / (n ? n : 1));
    printf("prediction: %d poses, mean error on screen at display time %.2f px predicted, %.2f px as filtered\n", n,
           err_pred / (n ? n : 1), err_plain / (n ? n : 1));
    double r[3], t[3];
    CHECK(vt_pose_filter_predict(pf, 99, first + 60, 0.03, r, t) == 0);   /* an unknown marker: nothing */
    vt_marker_list_free(&ml);
    vt_image_free(&bgr);
    vt_image_free(&grey);
    vt_pose_filter_destroy(pf);
    vt_tracker_destroy(tr);
    vt_demo_destroy(d);
}

int main(int argc, char **argv)
{
    (void)argc; (void)argv;
    test_blocking();
    test_newest_wins();
    test_sink_queue();
    test_source_buffers();
    test_prediction();
    return t_finish("test_frame_loop");
}
