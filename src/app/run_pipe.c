/* run_pipe.c — the capture side of `vitrine run`'s frame loop: a thread of its own reads each
 * frame (the demo's compositing and the grey conversion included) and finds its markers while
 * the GL thread draws the one before; frames pass between them through slots (vt_slots: one
 * being filled or waiting, one on screen; a camera has a third), each read straight into the
 * source's buffer of its slot (no copy, nothing allocated per frame), so a frame is at most
 * about two frame intervals old when it is shown. A file (video, folder, the demo) gives every frame in order,
 * the capture waiting for the display; a camera never waits: a newer frame replaces one not yet
 * taken. VITRINE_THREADS=1 runs the same steps on the GL thread, one after another (the
 * sequential loop, for comparison). Also the capture-to-display latency figures. */
#include "run.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct run_pipe {
    run_ctx *rc;              /* the source (rc->src) and tracker (rc->det) are the capture side's */
    vt_slots *q;
    run_item items[RUN_PIPE_SLOTS];
    int threaded, live, ended;
    pthread_t thread;
    atomic_int stopping;
    /* a tracker for another dictionary (hot reload), handed over by the GL thread */
    pthread_mutex_t lock;
    int has_pending;
    vt_tracker *pending;
    /* a live source that dropped out: reopened with back-off (0.25 s doubling up to 5 s) */
    int offline;
    double backoff;
    uint64_t retry_at, t_offline;
};

int run_pipe_threaded(void)
{
    const char *v = getenv("VITRINE_THREADS");
    return !(v && !strcmp(v, "1"));
}

static vt_result read_item(run_pipe *p, run_item *it)
{
    uint64_t t0 = vt_now_ns();
    /* Into the source's buffer of this slot: the frame on screen (another slot) stays intact. */
    it->rr = vt_source_read_into(p->rc->src, (int)(it - p->items), &it->fr, it->err, sizeof it->err);
    uint64_t now = vt_now_ns();
    it->capture_ms = (double)(now - t0) * 1e-6;
    /* A live source's own capture time, so latency counts from the camera's clock. */
    it->t_capture = it->rr == VT_OK && it->fr.t_capture ? it->fr.t_capture : now;
    return it->rr;
}

/* The markers of the slot's frame, with the newest tracker the GL thread handed over. */
static void detect_item(run_pipe *p, run_item *it)
{
    run_ctx *rc = p->rc;
    uint64_t t0 = vt_now_ns();
    pthread_mutex_lock(&p->lock);
    if (p->has_pending) {
        vt_tracker_destroy(rc->det);
        rc->det = p->pending;
        p->pending = NULL;
        p->has_pending = 0;
    }
    pthread_mutex_unlock(&p->lock);
    it->ml.count = 0;
    memset(&it->det, 0, sizeof it->det);
    if (rc->det) {
        run_staff_detect_result(rc, vt_tracker_track(rc->det, &it->fr.grey, &it->ml));
        it->det = vt_tracker_profile(rc->det);
    }
    it->detect_ms = vt_ms_since(t0);
}

/* The frame in the GL's own layout, made here beside the drawing of the one before, so that the
 * GL thread only copies it in (render's BGR path costs it a conversion and a full-screen draw).
 * On failure (no memory) the GL thread draws the BGR frame itself. */
static void prepare_item(run_item *it)
{
    uint64_t t0 = vt_now_ns();
    char err[128];
    if (vt_render_prepare_frame(&it->fr.colour, &it->gl_frame, err, sizeof err) != VT_OK) vt_image_free(&it->gl_frame);
    it->capture_ms += vt_ms_since(t0);
}

/* While away: reopen and read once the back-off has passed. 1 when the source is back. */
static int reconnect(run_pipe *p, run_item *it)
{
    if (vt_source_reopen(p->rc->src, it->err, sizeof it->err) == VT_OK && read_item(p, it) == VT_OK) {
        p->offline = 0;
        it->back_after_s = vt_ms_since(p->t_offline) / 1000;
        if (p->rc->det) vt_tracker_reset(p->rc->det);   /* the view may have changed while away */
        return 1;
    }
    p->backoff = p->backoff * 2 > 5 ? 5 : p->backoff * 2;
    p->retry_at = vt_now_ns() + (uint64_t)(p->backoff * 1e9);
    return 0;
}

/* One step of the capture side: the next read's outcome (a frame with its markers, the end, a
 * bad still, a lost camera) published. Returns 0 after publishing, the nanoseconds to wait
 * before the next try while a live source is away, -1 when there is nothing more to read. */
static long long produce(run_pipe *p)
{
    if (p->ended) return -1;
    uint64_t now = vt_now_ns();
    if (p->offline && now < p->retry_at) return (long long)(p->retry_at - now);
    int slot = vt_slots_acquire(p->q);
    if (slot < 0) return -1;
    run_item *it = &p->items[slot];
    it->back_after_s = 0;
    if (!p->offline) read_item(p, it);
    else if (!reconnect(p, it)) {
        vt_slots_release(p->q, slot);
        return (long long)(p->retry_at - vt_now_ns());
    }
    if (it->rr == VT_OK) {
        detect_item(p, it);
        prepare_item(it);
    }
    else if (it->rr == VT_END || (!p->live && it->fr.is_stream)) p->ended = 1;
    else if (p->live) {
        p->offline = 1;
        p->backoff = 0.25;
        p->t_offline = vt_now_ns();
        p->retry_at = p->t_offline + (uint64_t)(p->backoff * 1e9);
    }
    vt_slots_publish(p->q, slot);
    return p->ended ? -1 : 0;
}

static void *capture_main(void *arg)
{
    run_pipe *p = arg;
    while (!atomic_load(&p->stopping)) {
        long long wait = produce(p);
        if (wait < 0) break;
        if (wait > 0) {   /* a camera away: sleep in short steps, so a stop is prompt */
            long long ns = wait < 20000000 ? wait : 20000000;
            nanosleep(&(struct timespec){ 0, (long)ns }, NULL);
        }
    }
    return NULL;
}

/* The capture thread, with Ctrl-C, SIGTERM and SIGHUP left to the GL thread's handler. */
static int start_thread(run_pipe *p)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int ok = pthread_create(&p->thread, NULL, capture_main, p) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return ok;
}

int run_pipe_start(run_ctx *rc)
{
    run_pipe *p = calloc(1, sizeof *p);
    int camera = app_source_kind_live(vt_source_get_kind(rc->src));
    /* A file: two slots (one on screen, one being read), so capture runs one frame ahead and no
     * more. A camera, stream or pipeline: three, so the capture never waits (a newer frame
     * replaces the waiting one). */
    if (!p || vt_slots_create(camera ? RUN_PIPE_SLOTS : 2, camera, &p->q, rc->err, sizeof rc->err) != VT_OK) {
        free(p);
        VT_ERROR("run", "cannot start the frame loop: out of memory");
        return 1;
    }
    p->rc = rc;
    p->live = rc->live;
    pthread_mutex_init(&p->lock, NULL);
    /* The first frame, read at start-up to size the display (into buffer 0), goes through the
     * pipe like any: a fresh queue's first slot is 0. */
    int slot = vt_slots_acquire(p->q);
    run_item *it = &p->items[slot];
    it->fr = rc->fr;
    it->rr = VT_OK;
    it->t_capture = rc->fr.t_capture ? rc->fr.t_capture : vt_now_ns();
    detect_item(p, it);
    prepare_item(it);
    vt_slots_publish(p->q, slot);
    rc->pipe = p;
    p->threaded = run_pipe_threaded() && start_thread(p);
    return -1;
}

run_item *run_pipe_take(run_ctx *rc, int timeout_ms)
{
    run_pipe *p = rc->pipe;
    if (!p->threaded && vt_slots_pending(p->q) == 0) {
        long long wait = produce(p);
        if (wait > 0) {
            long long ns = wait < timeout_ms * 1000000LL ? wait : timeout_ms * 1000000LL;
            nanosleep(&(struct timespec){ (time_t)(ns / 1000000000LL), (long)(ns % 1000000000LL) }, NULL);
        }
    }
    int slot = vt_slots_take(p->q, p->threaded ? timeout_ms : 0);
    return slot >= 0 ? &p->items[slot] : NULL;
}

void run_pipe_release(run_ctx *rc, run_item *it)
{
    run_pipe *p = rc->pipe;
    vt_slots_release(p->q, (int)(it - p->items));
}

void run_pipe_set_tracker(run_ctx *rc, vt_tracker *t)
{
    run_pipe *p = rc->pipe;
    if (!p) {   /* not started: nothing reads the tracker yet */
        vt_tracker_destroy(rc->det);
        rc->det = t;
        return;
    }
    pthread_mutex_lock(&p->lock);
    if (p->has_pending) vt_tracker_destroy(p->pending);
    p->pending = t;
    p->has_pending = 1;
    pthread_mutex_unlock(&p->lock);
}

void run_pipe_stop(run_ctx *rc)
{
    run_pipe *p = rc->pipe;
    if (!p) return;
    atomic_store(&p->stopping, 1);
    vt_slots_close(p->q);
    if (p->threaded) pthread_join(p->thread, NULL);
    if (p->has_pending) vt_tracker_destroy(p->pending);
    for (int i = 0; i < RUN_PIPE_SLOTS; i++) {
        vt_marker_list_free(&p->items[i].ml);
        vt_image_free(&p->items[i].gl_frame);
    }
    vt_slots_destroy(p->q);
    pthread_mutex_destroy(&p->lock);
    free(p);
    rc->pipe = NULL;
    rc->item = NULL;
    memset(&rc->fr, 0, sizeof rc->fr);
}

vt_source_stats run_pipe_source_stats(run_ctx *rc)
{
    vt_source_stats st = vt_source_get_stats(rc->src);
    if (rc->pipe) st.dropped += vt_slots_dropped(rc->pipe->q);
    return st;
}

/* ---- capture-to-display latency ---- */

void run_latency_add(run_latency *l, double ms)
{
    int b = (int)(ms / RUN_LATENCY_BIN_MS);
    l->bins[b < 0 ? 0 : b >= RUN_LATENCY_BINS ? RUN_LATENCY_BINS - 1 : b]++;
    l->n++;
    l->sum += ms;
}

double run_latency_mean(const run_latency *l) { return l->n ? l->sum / (double)l->n : 0; }

double run_latency_p95(const run_latency *l)
{
    long want = (long)(0.95 * (double)l->n + 0.5), seen = 0;
    for (int b = 0; b < RUN_LATENCY_BINS && l->n; b++)
        if ((seen += l->bins[b]) >= want) return (b + 1) * RUN_LATENCY_BIN_MS;
    return 0;
}
