/* vt_marker_track.c — following markers through a stream: known markers re-read where they are
 * going, newcomers looked for in alternating bands (figures in docs/performance.md). */
#include "tracking/vt_tracking.h"
#include "vision/vt_vision.h"

#include <math.h>    /* hypotf */
#include <stdlib.h>  /* calloc */
#include <string.h>  /* memcpy */

typedef struct track {
    int id;
    float c[4][2], prev[4][2];   /* corners in the last two frames it was read in */
    int has_prev;
    int misses;                  /* frames in a row it was not found */
} track;

struct vt_tracker {
    vt_tracker_desc desc;
    vt_detector *det;
    track *tracks;
    int ntracks;
    long frame;
    vt_marker_list found;        /* scratch: what a region search found */
    vt_detect_profile prof;      /* the last frame's; prof.total is its time */
};

vt_tracker_params vt_tracker_params_defaults(void)
{
    return (vt_tracker_params){ .full_every = 30, .lost_after = 3, .search_scale = 1.2f, .search_margin_px = 16,
                                .band_overlap = 0.3, .band_coarse = 2, .max_tracks = 256 };
}

static vt_tracker_params params_or_defaults(vt_tracker_params p)
{
    vt_tracker_params d = vt_tracker_params_defaults();
    if (p.full_every <= 0) p.full_every = d.full_every;
    if (p.lost_after <= 0) p.lost_after = d.lost_after;
    if (!(p.search_scale > 0)) p.search_scale = d.search_scale;
    if (!(p.search_margin_px > 0)) p.search_margin_px = d.search_margin_px;
    if (!(p.band_overlap > 0) || p.band_overlap >= 1) p.band_overlap = d.band_overlap;
    if (p.band_coarse <= 0) p.band_coarse = d.band_coarse;
    if (p.max_tracks <= 0) p.max_tracks = d.max_tracks;
    return p;
}

vt_result vt_tracker_create(const vt_tracker_desc *desc, vt_tracker **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!desc || desc->dict.count <= 0) { snprintf(err, errlen, _("the tracker needs a marker dictionary")); return VT_ERR_ARG; }
    vt_tracker *t = calloc(1, sizeof *t);
    if (!t) { snprintf(err, errlen, _("out of memory")); return VT_ERR_NO_MEMORY; }
    t->desc = *desc;
    t->desc.params = params_or_defaults(desc->params);
    vt_result r = vt_detector_create(&(vt_detector_desc){ .dict = desc->dict }, &t->det, err, errlen);
    t->tracks = calloc((size_t)t->desc.params.max_tracks, sizeof *t->tracks);
    if (r != VT_OK) { vt_tracker_destroy(t); return r; }
    /* Room for a crowded frame up front, so a region search never has to run twice. */
    if (!t->tracks || vt_marker_list_reserve(&t->found, 1024) != VT_OK) {
        vt_tracker_destroy(t);
        snprintf(err, errlen, _("out of memory"));
        return VT_ERR_NO_MEMORY;
    }
    *out = t;
    return VT_OK;
}

void vt_tracker_destroy(vt_tracker *t)
{
    if (!t) return;
    vt_detector_destroy(t->det);
    vt_marker_list_free(&t->found);
    free(t->tracks);
    free(t);
}

void vt_tracker_reset(vt_tracker *t)
{
    if (!t) return;
    t->ntracks = 0;
    t->frame = 0;
}

static void quad_centre(const float c[4][2], float *x, float *y, float *side)
{
    *x = (c[0][0] + c[1][0] + c[2][0] + c[3][0]) * 0.25f;
    *y = (c[0][1] + c[1][1] + c[2][1] + c[3][1]) * 0.25f;
    *side = 0;
    for (int i = 0; i < 4; i++) *side += hypotf(c[(i + 1) % 4][0] - c[i][0], c[(i + 1) % 4][1] - c[i][1]) * 0.25f;
}

/* Index in list[0..n) of the marker with this id near (x, y), or -1. */
static int find_near(const vt_marker *list, int n, int id, float x, float y, float radius)
{
    int best = -1;
    float bestd = radius;
    for (int i = 0; i < n; i++) {
        if (list[i].id != id) continue;
        float cx, cy, side;
        quad_centre((const float (*)[2])list[i].corners, &cx, &cy, &side);
        float dd = hypotf(cx - x, cy - y);
        if (dd < bestd) { bestd = dd; best = i; }
    }
    return best;
}

/* Re-reads one known marker: at its predicted corners (constant velocity), at its last ones, then
 * by a search around it as far again as its size. 1 with got filled when found. */
static int reread(vt_tracker *t, const vt_image *grey, const track *k, float got[4][2], double *searched)
{
    float pred[4][2];
    for (int c = 0; c < 4; c++)
        for (int j = 0; j < 2; j++) pred[c][j] = k->c[c][j] + (k->has_prev ? k->c[c][j] - k->prev[c][j] : 0);
    int ok = 0;
    memcpy(got, pred, sizeof pred);
    vt_detector_verify(t->det, grey, k->id, got, &ok);
    if (!ok && k->has_prev) {
        memcpy(got, k->c, sizeof k->c);
        vt_detector_verify(t->det, grey, k->id, got, &ok);
    }
    if (ok) return 1;
    float cx, cy, side;
    quad_centre((const float (*)[2])pred, &cx, &cy, &side);
    float r = side * t->desc.params.search_scale + t->desc.params.search_margin_px;
    int roi[4] = { (int)(cx - r), (int)(cy - r), (int)(cx + r) + 1, (int)(cy + r) + 1 };
    if (vt_detector_search(t->det, grey, roi, 1, NULL, 0, &t->found, &t->prof) != VT_OK) return 0;
    *searched += (4.0 * r * r) / ((double)grey->width * grey->height);
    int j = find_near(t->found.items, t->found.count, k->id, cx, cy, r);
    if (j < 0) return 0;
    memcpy(got, t->found.items[j].corners, sizeof t->found.items[j].corners);
    return 1;
}

/* The known markers, each re-read; those unseen for lost_after frames are dropped. */
static int follow_known(vt_tracker *t, const vt_image *grey, vt_marker_list *out, double *searched)
{
    int n = 0, kept = 0;
    for (int i = 0; i < t->ntracks; i++) {
        track k = t->tracks[i];
        float got[4][2];
        int ok = reread(t, grey, &k, got, searched);
        if (ok && find_near(out->items, n, k.id, (got[0][0] + got[2][0]) * 0.5f, (got[0][1] + got[2][1]) * 0.5f, 8) >= 0)
            ok = 0;   /* two tracks converged on one marker: keep one */
        if (ok) {
            memcpy(k.prev, k.c, sizeof k.prev);
            memcpy(k.c, got, sizeof k.c);
            k.has_prev = 1;
            k.misses = 0;
            vt_marker *m = &out->items[n++];
            memset(m, 0, sizeof *m);
            m->id = k.id;
            memcpy(m->corners, got, sizeof m->corners);
        } else {
            k.misses++;
            k.has_prev = 0;
        }
        if (k.misses < t->desc.params.lost_after) t->tracks[kept++] = k;
    }
    t->ntracks = kept;
    return n;
}

/* A newcomer is followed from now on (it replaces a lost track of the same id nearby). */
static void adopt(vt_tracker *t, const vt_marker *m)
{
    float cx, cy, side;
    quad_centre((const float (*)[2])m->corners, &cx, &cy, &side);
    int slot = -1;
    for (int j = 0; j < t->ntracks; j++) {
        float tx, ty, ts;
        quad_centre((const float (*)[2])t->tracks[j].c, &tx, &ty, &ts);
        if (t->tracks[j].id == m->id && t->tracks[j].misses > 0 && hypotf(tx - cx, ty - cy) < ts * 2) slot = j;
    }
    if (slot < 0 && t->ntracks < t->desc.params.max_tracks) slot = t->ntracks++;
    if (slot < 0) return;
    track *k = &t->tracks[slot];
    memset(k, 0, sizeof *k);
    k->id = m->id;
    memcpy(k->c, m->corners, sizeof k->c);
}

/* New markers: alternate bands overlapping by band_overlap x the height, so any marker up to that
 * tall lies whole in one of them; the whole frame every full_every frames for anything bigger.
 * The bands are searched at band_coarse times the usual reduction: newcomers of about 60 px and
 * more are seen there at a fraction of the cost; smaller ones wait for the whole-frame search. */
static vt_result find_new(vt_tracker *t, const vt_image *grey, vt_marker_list *out, int n, double *searched)
{
    const int W = grey->width, H = grey->height;
    const vt_tracker_params *p = &t->desc.params;
    int m = (int)(H * p->band_overlap * 0.5);
    int roi[4] = { 0, 0, W, H };
    int whole = t->frame % p->full_every == 0;
    if (!whole) {
        if (t->frame % 2) roi[1] = H / 2 - m;
        else roi[3] = H / 2 + m;
    }
    int coarse = whole ? 1 : p->band_coarse;
    vt_result r = vt_detector_search(t->det, grey, roi, coarse, out->items, n, &t->found, &t->prof);
    if (r != VT_OK) return r;
    *searched += (double)(roi[3] - roi[1]) / H / (coarse * coarse);
    if (vt_marker_list_reserve(out, n + t->found.count) != VT_OK) return VT_ERR_NO_MEMORY;
    for (int i = 0; i < t->found.count; i++) {
        const vt_marker *f = &t->found.items[i];
        float cx, cy, side;
        quad_centre((const float (*)[2])f->corners, &cx, &cy, &side);
        if (find_near(out->items, n, f->id, cx, cy, side * 0.5f + 2) >= 0) continue;
        out->items[n++] = *f;
        adopt(t, f);
    }
    out->count = n;
    return VT_OK;
}

vt_result vt_tracker_track(vt_tracker *t, const vt_image *grey, vt_marker_list *out)
{
    if (!t || !grey || grey->format != VT_PIX_GREY8 || !out) return VT_ERR_ARG;
    uint64_t t0 = vt_now_ns();
    memset(&t->prof, 0, sizeof t->prof);
    out->count = 0;
    if (vt_marker_list_reserve(out, t->ntracks + 64) != VT_OK) return VT_ERR_NO_MEMORY;
    double searched = 0;
    int n = follow_known(t, grey, out, &searched);
    t->prof.track = vt_ms_since(t0);
    t->prof.tracked = n;
    vt_result r = find_new(t, grey, out, n, &searched);
    t->frame++;
    t->prof.searched = searched > 1 ? 1 : searched;
    t->prof.total = vt_ms_since(t0);
    return r;
}

double vt_tracker_last_ms(const vt_tracker *t) { return t ? t->prof.total : 0; }
vt_detect_profile vt_tracker_profile(const vt_tracker *t) { return t ? t->prof : (vt_detect_profile){ 0 }; }
