/* vt_bench.c — `vitrine-bench`: our detector against OpenCV's cv::aruco::detectMarkers, in one
 * process, on the same frames held in memory, so the ratio is free of disk, decoding and of
 * whatever else the machine is doing at another moment (both run interleaved, frame by frame).
 *
 * For a folder of stills (truth.json beside the images): time per frame, recall, false
 * positives and corner RMSE of both. For a video (truth.json + seq.mp4): the same for our full
 * search, our tracker (--track) and OpenCV, and how many frames the tracker takes to find a
 * marker that appears mid-stream (each marker in turn hidden until the middle of the video).
 * Built where libapriltag-dev is installed, tag36h11 sets are also run through AprilTag 3 (its
 * defaults: quad_decimate 2, one thread, refine_edges on), as ../shared/tools/baseline_apriltag.cpp.
 * Scoring follows ../shared/tools/score.py: a detection matches a truth marker of the same id
 * whose mean corner distance is under 3 px; markers flagged "edge" are optional. */
#include "capture/vt_capture.h"
#include "core/vt_core.h"
#include "cv/vt_cv.h"
#include "tracking/vt_tracking.h"
#include "vision/vt_vision.h"

#include <cjson/cJSON.h>
#ifdef VT_HAVE_APRILTAG
#include <apriltag/apriltag.h>
#include <apriltag/tag36h11.h>
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct truth_marker { int id, edge; float c[4][2]; } truth_marker;
typedef struct truth_image { char file[128]; truth_marker *m; int n; } truth_image;
typedef struct truth { char dict[32]; truth_image *im; int n; int video; } truth;

typedef struct score { int tp, fn, fp; double se; int ncorner; } score;

static int load_truth(const char *dir, truth *t)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/truth.json", dir);
    size_t size;
    char *text, why[128];
    if (vt_read_file(path, &text, &size, why, sizeof why) != VT_OK) { fprintf(stderr, "vitrine-bench: %s: %s\n", path, why); return -1; }
    cJSON *root = cJSON_Parse(text);
    free(text);
    cJSON *images = cJSON_GetObjectItem(root, "images"), *dict = cJSON_GetObjectItem(root, "dict");
    if (!root || !cJSON_IsArray(images) || !cJSON_IsString(dict)) {
        fprintf(stderr, "vitrine-bench: %s: not a truth file (images, dict)\n", path);
        cJSON_Delete(root);
        return -1;
    }
    memset(t, 0, sizeof *t);
    snprintf(t->dict, sizeof t->dict, "%s", dict->valuestring);
    t->video = cJSON_GetObjectItem(root, "static_frames") != NULL;
    t->n = cJSON_GetArraySize(images);
    t->im = calloc((size_t)t->n, sizeof *t->im);
    for (int i = 0; i < t->n; i++) {
        cJSON *im = cJSON_GetArrayItem(images, i), *ms = cJSON_GetObjectItem(im, "markers");
        cJSON *file = cJSON_GetObjectItem(im, "file");
        if (cJSON_IsString(file)) snprintf(t->im[i].file, sizeof t->im[i].file, "%s", file->valuestring);
        t->im[i].n = cJSON_GetArraySize(ms);
        t->im[i].m = calloc((size_t)t->im[i].n + 1, sizeof *t->im[i].m);
        for (int k = 0; k < t->im[i].n; k++) {
            cJSON *m = cJSON_GetArrayItem(ms, k), *c = cJSON_GetObjectItem(m, "corners");
            truth_marker *tm = &t->im[i].m[k];
            tm->id = cJSON_GetObjectItem(m, "id")->valueint;
            tm->edge = cJSON_IsTrue(cJSON_GetObjectItem(m, "edge"));
            for (int j = 0; j < 4; j++)
                for (int a = 0; a < 2; a++)
                    tm->c[j][a] = (float)cJSON_GetArrayItem(cJSON_GetArrayItem(c, j), a)->valuedouble;
        }
    }
    cJSON_Delete(root);
    return 0;
}

static void score_frame(const truth_image *ti, const vt_marker *d, int nd, score *s)
{
    int used[256] = { 0 };
    for (int i = 0; i < nd; i++) {
        int best = -1;
        double beste = 3.0, errs[4];
        for (int k = 0; k < ti->n && k < 256; k++) {
            if (used[k] || ti->m[k].id != d[i].id) continue;
            double e[4], mean = 0;
            for (int j = 0; j < 4; j++) {
                e[j] = hypot(d[i].corners[j][0] - ti->m[k].c[j][0], d[i].corners[j][1] - ti->m[k].c[j][1]);
                mean += e[j] * 0.25;
            }
            if (mean < beste) { beste = mean; best = k; memcpy(errs, e, sizeof e); }
        }
        if (best >= 0) {
            used[best] = 1;
            if (!ti->m[best].edge) {
                s->tp++;
                for (int j = 0; j < 4; j++) { s->se += errs[j] * errs[j]; s->ncorner++; }
            }
        } else {
            int edge = 0;
            for (int k = 0; k < ti->n; k++) edge |= ti->m[k].edge && ti->m[k].id == d[i].id;
            if (!edge) s->fp++;
        }
    }
    for (int k = 0; k < ti->n && k < 256; k++) s->fn += !used[k] && !ti->m[k].edge;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double mean(const double *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += v[i];
    return n ? s / n : 0;
}

static void print_row(const char *set, const char *who, const score *s, double *ms, int n, double ref_median)
{
    double mean_ms = mean(ms, n), med = median(ms, n);
    int total = s->tp + s->fn;
    printf("%-14s %-16s %8.3f %8.3f %7.3f  %7.4f %4d %8.4f\n", set, who, med, mean_ms, ref_median > 0 ? med / ref_median : 1.0,
           total ? (double)s->tp / total : 0, s->fp, s->ncorner ? sqrt(s->se / s->ncorner) : 0);
}

/* One detector call, timed. */
static double run_ours(vt_detector *det, const vt_image *g, vt_marker_list *ml)
{
    uint64_t t0 = vt_now_ns();
    vt_detector_detect(det, g, ml);
    return vt_ms_since(t0);
}

/* One tracker call, timed. */
static double run_tracker(vt_tracker *trk, const vt_image *g, vt_marker_list *ml)
{
    uint64_t t0 = vt_now_ns();
    vt_tracker_track(trk, g, ml);
    return vt_ms_since(t0);
}

static double run_opencv(int dict, const vt_image *g, vtcv_quad *q, int *n)
{
    vtcv_aruco_params p = { .refine = 0, .error_correction_rate = -1 };   /* OpenCV's defaults */
    uint64_t t0 = vt_now_ns();
    *n = vtcv_aruco_detect(g, dict, &p, q, 1024);
    return vt_ms_since(t0);
}

#ifdef VT_HAVE_APRILTAG
static double run_apriltag(apriltag_detector_t *td, const vt_image *g, vt_marker *m, int *n)
{
    image_u8_t im = { g->width, g->height, g->stride, g->data };
    uint64_t t0 = vt_now_ns();
    zarray_t *det = apriltag_detector_detect(td, &im);
    double ms = vt_ms_since(t0);
    *n = zarray_size(det) < 1024 ? zarray_size(det) : 1024;
    for (int i = 0; i < *n; i++) {
        apriltag_detection_t *d;
        zarray_get(det, i, &d);
        memset(&m[i], 0, sizeof m[i]);
        m[i].id = d->id;
        /* AprilTag: counter-clockwise from the tag's bottom-left, pixel centres at +0.5. */
        static const int ord[4] = { 1, 0, 3, 2 };
        for (int k = 0; k < 4; k++) {
            m[i].corners[k][0] = (float)(d->p[ord[k]][0] - 0.5);
            m[i].corners[k][1] = (float)(d->p[ord[k]][1] - 0.5);
        }
    }
    apriltag_detections_destroy(det);
    return ms;
}
#endif

static void quads_to_markers(const vtcv_quad *q, int n, vt_marker *m)
{
    for (int i = 0; i < n; i++) {
        memset(&m[i], 0, sizeof m[i]);
        m[i].id = q[i].id;
        memcpy(m[i].corners, q[i].c, sizeof m[i].corners);
    }
}

/* Hides a marker: its quad grown by 40 % about its centre, filled with the median grey of the
 * pixels just around that, as if a hand or a product covered it. */
static void hide_marker(vt_image *g, const float c[4][2])
{
    float cx = (c[0][0] + c[1][0] + c[2][0] + c[3][0]) * 0.25f, cy = (c[0][1] + c[1][1] + c[2][1] + c[3][1]) * 0.25f;
    float q[4][2];
    float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
    for (int i = 0; i < 4; i++) {
        q[i][0] = cx + (c[i][0] - cx) * 1.4f;
        q[i][1] = cy + (c[i][1] - cy) * 1.4f;
        x0 = fminf(x0, q[i][0]); x1 = fmaxf(x1, q[i][0]); y0 = fminf(y0, q[i][1]); y1 = fmaxf(y1, q[i][1]);
    }
    int hist[256] = { 0 }, cnt = 0;
    for (int x = (int)x0 - 2; x <= (int)x1 + 2; x++)
        for (int k = 0; k < 2; k++) {
            int y = k ? (int)y1 + 2 : (int)y0 - 2;
            if (x >= 0 && x < g->width && y >= 0 && y < g->height) { hist[vt_image_row(g, y)[x]]++; cnt++; }
        }
    int fill = 128;
    for (int v = 0, acc = 0; v < 256; v++) if ((acc += hist[v]) * 2 >= cnt) { fill = v; break; }
    for (int y = (int)y0; y <= (int)y1 + 1; y++) {
        if (y < 0 || y >= g->height) continue;
        for (int x = (int)x0; x <= (int)x1 + 1; x++) {
            if (x < 0 || x >= g->width) continue;
            int inside = 1;
            for (int i = 0; i < 4 && inside; i++) {
                const float *a = q[i], *b = q[(i + 1) % 4];
                inside = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]) >= 0;
            }
            if (inside) vt_image_row(g, y)[x] = (uint8_t)fill;
        }
    }
}

/* One benchmark set: its truth, its frames (grey, in memory), the detectors, and the scores and
 * times per frame (best of the repeats) of each detector. */
typedef struct bench {
    truth t;
    const char *set;
    vt_dictionary dict;
    vt_image *frames;
    int nf;
    vt_detector *full;
    vt_tracker *trk;
    vt_marker_list ml;
    vtcv_quad *q;
    vt_marker *qm;
    double *ms_own, *ms_cv, *ms_trk, *ms_at;
    score s_own, s_cv, s_trk, s_at;
    int use_at;
#ifdef VT_HAVE_APRILTAG
    apriltag_family_t *tf;
    apriltag_detector_t *td;
#endif
} bench;

/* Every frame of dir in memory, grey: a folder's images in name order are truth.json's order
 * (img_0000...), a video's frames in order. */
static int load_frames(bench *b, const char *dir)
{
    b->frames = calloc((size_t)b->t.n, sizeof *b->frames);
    char err[512], path[1200];
    vt_source *src = NULL;
    vt_source_desc sd = { .kind = VT_SOURCE_AUTO, .want = VT_WANT_GREY };
    if (b->t.video) { snprintf(path, sizeof path, "%s/seq.mp4", dir); sd.path = path; }
    else { sd.kind = VT_SOURCE_FOLDER; sd.path = dir; }
    if (!b->frames || vt_source_open(&sd, &src, err, sizeof err) != VT_OK) { fprintf(stderr, "vitrine-bench: %s\n", err); return -1; }
    vt_frame fr;
    vt_result r;
    while (b->nf < b->t.n && (r = vt_source_read(src, &fr, err, sizeof err)) != VT_END) {
        if (r != VT_OK) continue;
        if (vt_image_copy(&b->frames[b->nf], &fr.grey) != VT_OK) { vt_source_destroy(src); return -1; }
        b->nf++;
    }
    vt_source_destroy(src);
    if (b->nf != b->t.n) { fprintf(stderr, "vitrine-bench: %s: %d frames for %d truth entries\n", dir, b->nf, b->t.n); return -1; }
    return 0;
}

/* The detectors (ours, the tracker, AprilTag 3 for tag36h11 where built with it) and the buffers. */
static int bench_open(bench *b)
{
    char err[256];
    if (vt_detector_create(&(vt_detector_desc){ .dict = b->dict }, &b->full, err, sizeof err) != VT_OK ||
        vt_tracker_create(&(vt_tracker_desc){ .dict = b->dict }, &b->trk, err, sizeof err) != VT_OK) {
        fprintf(stderr, "vitrine-bench: %s\n", err);
        return -1;
    }
    int nf = b->nf;
    b->q = calloc(1024, sizeof *b->q);
    b->qm = calloc(1024, sizeof *b->qm);
    b->ms_own = malloc(sizeof(double) * nf);
    b->ms_cv = malloc(sizeof(double) * nf);
    b->ms_trk = malloc(sizeof(double) * nf);
    b->ms_at = malloc(sizeof(double) * nf);
    if (!b->q || !b->qm || !b->ms_own || !b->ms_cv || !b->ms_trk || !b->ms_at) return -1;
    for (int i = 0; i < nf; i++) b->ms_own[i] = b->ms_cv[i] = b->ms_trk[i] = b->ms_at[i] = 1e9;
#ifdef VT_HAVE_APRILTAG
    if (!strcmp(b->dict.name, "APRILTAG_36h11")) {
        b->tf = tag36h11_create();
        b->td = apriltag_detector_create();
        apriltag_detector_add_family(b->td, b->tf);
        b->td->quad_decimate = 2.0f;
        b->td->nthreads = 1;
        b->td->refine_edges = 1;
        b->use_at = 1;
    }
#endif
    return 0;
}

/* Every detector on every frame, interleaved; best of the repeats per frame (as
 * ../shared/tools/baseline_opencv.py does), scored on the first. */
static void run_repeats(bench *b, int repeats)
{
    for (int rep = 0; rep < repeats; rep++) {
        vt_tracker_reset(b->trk);
        for (int i = 0; i < b->nf; i++) {
            const truth_image *ti = &b->t.im[i];
            int n = 0;
            double a = run_ours(b->full, &b->frames[i], &b->ml);
            if (rep == 0) score_frame(ti, b->ml.items, b->ml.count, &b->s_own);
            double c = run_opencv(b->dict.cv_id, &b->frames[i], b->q, &n);
            if (rep == 0) { quads_to_markers(b->q, n, b->qm); score_frame(ti, b->qm, n, &b->s_cv); }
#ifdef VT_HAVE_APRILTAG
            if (b->use_at) {
                double t = run_apriltag(b->td, &b->frames[i], b->qm, &n);
                if (rep == 0) score_frame(ti, b->qm, n, &b->s_at);
                b->ms_at[i] = fmin(b->ms_at[i], t);
            }
#endif
            b->ms_own[i] = fmin(b->ms_own[i], a);
            b->ms_cv[i] = fmin(b->ms_cv[i], c);
            if (b->t.video) {
                double t = run_tracker(b->trk, &b->frames[i], &b->ml);
                if (rep == 0) score_frame(ti, b->ml.items, b->ml.count, &b->s_trk);
                b->ms_trk[i] = fmin(b->ms_trk[i], t);
            }
        }
    }
}

/* One row per detector; ratios against OpenCV's median. */
static void print_rows(const bench *b)
{
    int nf = b->nf;
    double *tmp = malloc(sizeof(double) * nf);
    if (!tmp) return;
    memcpy(tmp, b->ms_cv, sizeof(double) * nf);
    double ref = median(tmp, nf);
    printf("%-14s %-16s %8s %8s %7s  %7s %4s %8s\n", "set", "detector", "median", "mean", "ratio", "recall", "FP", "RMSE px");
    memcpy(tmp, b->ms_cv, sizeof(double) * nf);
    print_row(b->set, "opencv", &b->s_cv, tmp, nf, ref);
    if (b->use_at) {
        memcpy(tmp, b->ms_at, sizeof(double) * nf);
        print_row(b->set, "apriltag3", &b->s_at, tmp, nf, ref);
    }
    memcpy(tmp, b->ms_own, sizeof(double) * nf);
    print_row(b->set, "vitrine", &b->s_own, tmp, nf, ref);
    if (b->t.video) {
        memcpy(tmp, b->ms_trk, sizeof(double) * nf);
        print_row(b->set, "vitrine --track", &b->s_trk, tmp, nf, ref);
    }
    free(tmp);
}

/* Newcomers: the tracker sees an empty frame, then each image twice; a marker counts as found
 * when it is reported by the second (the two bands, searched coarsely). */
static void newcomers(bench *b)
{
    score s_new = { 0 };
    vt_image blank = { 0 };
    for (int i = 0; i < b->nf; i++) {
        const vt_image *f = &b->frames[i];
        if (!blank.data || blank.width != f->width || blank.height != f->height) {
            vt_image_free(&blank);
            vt_image_alloc(&blank, VT_PIX_GREY8, f->width, f->height);
            for (int y = 0; y < blank.height; y++) memset(vt_image_row(&blank, y), 128, (size_t)blank.width);
        }
        vt_tracker_reset(b->trk);
        vt_tracker_track(b->trk, &blank, &b->ml);
        vt_tracker_track(b->trk, f, &b->ml);
        vt_tracker_track(b->trk, f, &b->ml);
        score_frame(&b->t.im[i], b->ml.items, b->ml.count, &s_new);
    }
    vt_image_free(&blank);
    int total = s_new.tp + s_new.fn;
    printf("%-14s newcomers found by the tracker within 2 frames: %d of %d (%.4f), %d false\n", b->set, s_new.tp, total,
           total ? (double)s_new.tp / total : 0, s_new.fp);
}

/* The frame (from the middle on) at which the tracker first reports marker id, hidden in every
 * frame before the middle, or -1 if never; *seen_hidden = 1 if it was reported while hidden (a bug). */
static int appearing_at(bench *b, int id, vt_image *g, int *seen_hidden)
{
    int half = b->nf / 2, found_at = -1;
    vt_tracker_reset(b->trk);
    for (int i = 0; i < b->nf && found_at < 0; i++) {
        const vt_image *in = &b->frames[i];
        if (i < half) {
            vt_image_copy(g, in);
            for (int j = 0; j < b->t.im[i].n; j++)
                if (b->t.im[i].m[j].id == id) hide_marker(g, (const float (*)[2])b->t.im[i].m[j].c);
            in = g;
        }
        vt_tracker_track(b->trk, in, &b->ml);
        for (int j = 0; j < b->ml.count; j++) {
            if (b->ml.items[j].id != id) continue;
            if (i < half) *seen_hidden = 1;
            else found_at = i - half + 1;
        }
    }
    return found_at;
}

/* Appearing markers: each marker of frame 0 hidden until the middle, then shown. */
static void appearing(bench *b)
{
    int worst = 0, never = 0, tested = 0;
    vt_image g = { 0 };
    for (int k = 0; k < b->t.im[0].n; k++) {
        if (b->t.im[0].m[k].edge) continue;
        int seen_hidden = 0, found_at = appearing_at(b, b->t.im[0].m[k].id, &g, &seen_hidden);
        tested++;
        if (seen_hidden) never = -1000;
        if (found_at < 0) never++;
        else if (found_at > worst) worst = found_at;
    }
    vt_image_free(&g);
    printf("%-14s appearing marker (%d tested, shown at frame %d): found by frame %d at the latest%s\n", b->set, tested,
           b->nf / 2, worst, never > 0 ? ", some never" : never < 0 ? ", ERROR: seen while hidden" : "");
}

static void bench_free(bench *b)
{
#ifdef VT_HAVE_APRILTAG
    if (b->td) apriltag_detector_destroy(b->td);
    if (b->tf) tag36h11_destroy(b->tf);
#endif
    free(b->ms_at); free(b->ms_own); free(b->ms_cv); free(b->ms_trk);
    free(b->q); free(b->qm);
    vt_marker_list_free(&b->ml);
    vt_detector_destroy(b->full);
    vt_tracker_destroy(b->trk);
    for (int i = 0; i < b->nf; i++) vt_image_free(&b->frames[i]);
    free(b->frames);
    for (int i = 0; i < b->t.n; i++) free(b->t.im[i].m);
    free(b->t.im);
}

static int bench_dir(const char *dir, int repeats)
{
    bench b;
    memset(&b, 0, sizeof b);
    if (load_truth(dir, &b.t) != 0) return 1;
    if (vt_dictionary_find(b.t.dict, &b.dict) != VT_OK) {
        fprintf(stderr, "vitrine-bench: %s: unknown dict %s\n", dir, b.t.dict);
        bench_free(&b);
        return 1;
    }
    b.set = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
    if (!*b.set) b.set = dir;
    if (load_frames(&b, dir) != 0 || bench_open(&b) != 0) { bench_free(&b); return 1; }
    run_repeats(&b, repeats);
    print_rows(&b);
    if (!b.t.video) newcomers(&b);
    else appearing(&b);
    bench_free(&b);
    return 0;
}

int main(int argc, char **argv)
{
    int repeats = 3, threads = 1, first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (!strcmp(argv[first], "--repeats") && first + 1 < argc) repeats = atoi(argv[++first]);
        else if (!strcmp(argv[first], "--threads") && first + 1 < argc) threads = atoi(argv[++first]);
        else {
            fprintf(stderr, "usage: vitrine-bench [--repeats N] [--threads N] BENCHDIR...\n"
                            "  BENCHDIR: a folder with truth.json and its images, or truth.json and seq.mp4\n");
            return 2;
        }
    }
    if (first >= argc || repeats < 1 || threads < 1) {
        fprintf(stderr, "usage: vitrine-bench [--repeats N] [--threads N] BENCHDIR...\n");
        return 2;
    }
    vtcv_set_threads(threads);
    printf("# vitrine-bench: %d repeat(s), best per frame; %d thread(s); times in ms per frame; ratio = median / OpenCV's median\n",
           repeats, threads);
    int status = 0;
    for (int i = first; i < argc; i++) {
        if (bench_dir(argv[i], repeats) != 0) status = 1;
        fflush(stdout);
    }
    return status;
}
