/* vt_dict_hint.c — the wrong-dictionary hint: when the expected markers stay away but marker-like
 * squares do not, the other dictionaries are tried in the background and the one that reads is
 * said once, to staff. */
#include "tracking/vt_tracking.h"

#include "vision/vt_vision.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* The dictionaries tried, the usual sizes of each family first (a 5X5_100 marker also reads in
 * 5X5_1000, and 5X5_100 is what its printer most likely chose). APRILTAG_16h5 is left out: its
 * short codes read in plain texture. */
static const char *const k_order[] = { "4X4_50",   "5X5_100",  "6X6_250",  "7X7_250",        "APRILTAG_36h11",
                                       "ARUCO_ORIGINAL", "4X4_1000", "5X5_1000", "6X6_1000", "7X7_1000",
                                       "APRILTAG_25h9",  "APRILTAG_36h10" };
#define N_ORDER ((int)(sizeof k_order / sizeof k_order[0]))
#define MAX_IDS 8
#define CONFIRM_S 0.5   /* a find is read again this much later, on another frame, before it is said */

struct vt_dict_hint {
    vt_dict_hint_desc d;
    int expected_id;                /* cv_id of the dictionary looked for; -1 before the first poll */
    char expected_name[32];
    int started, said, cursor;      /* cursor: the next k_order entry to try */
    double last_t, last_seen_t, next_check_t;
    char text[320];
    /* the check in flight (the worker touches only these, and dets) */
    pthread_t thread;
    int running;
    atomic_int done;
    vt_image grey;                  /* its copy of the frame */
    int first, count, check_expected;
    int confirming;                 /* the k_order entry found once, being read again; -1: none */
    char found_name[32];
    int found_at;                   /* the k_order entry that read */
    int ids[MAX_IDS + 1], nids;
    vt_detector *dets[N_ORDER];     /* made on first use, kept */
};

vt_result vt_dict_hint_create(const vt_dict_hint_desc *d, vt_dict_hint **out, char *err, size_t errlen)
{
    *out = NULL;
    vt_dict_hint *h = calloc(1, sizeof *h);
    if (!h) { snprintf(err, errlen, _("out of memory for the dictionary hint")); return VT_ERR_NO_MEMORY; }
    if (d) h->d = *d;
    if (!(h->d.quiet_s > 0)) h->d.quiet_s = 3;
    if (!(h->d.retry_s > 0)) h->d.retry_s = 3;
    if (h->d.per_check <= 0) h->d.per_check = 4;
    if (!h->d.subsystem) h->d.subsystem = "detect";
    if (!h->d.expects) h->d.expects = N_("the catalog expects");
    h->expected_id = h->confirming = -1;
    *out = h;
    return VT_OK;
}

/* Adds id to the sorted set (at most MAX_IDS + 1 kept: one more says "…"). */
static void add_id(vt_dict_hint *h, int id)
{
    int i = 0;
    while (i < h->nids && h->ids[i] < id) i++;
    if ((i < h->nids && h->ids[i] == id) || i > MAX_IDS) return;
    if (h->nids == MAX_IDS + 1) h->nids--;
    memmove(&h->ids[i + 1], &h->ids[i], sizeof h->ids[0] * (size_t)(h->nids - i));
    h->ids[i] = id;
    h->nids++;
}

/* The check itself: the dictionaries first .. first+count-1 of k_order (but the expected one) on
 * the copied frame; stops at the first that reads. */
static void run_check(vt_dict_hint *h)
{
    vt_marker_list ml = { 0 };
    h->nids = 0;
    h->found_name[0] = 0;
    for (int k = 0; k < h->count && !h->nids; k++) {
        int i = h->confirming >= 0 ? h->confirming : (h->first + k) % N_ORDER;
        vt_dictionary dict;
        if (vt_dictionary_find(k_order[i], &dict) != VT_OK || dict.cv_id == h->check_expected) continue;
        char err[256];
        if (!h->dets[i] && vt_detector_create(&(vt_detector_desc){ .dict = dict }, &h->dets[i], err, sizeof err) != VT_OK)
            continue;
        if (vt_detector_detect(h->dets[i], &h->grey, &ml) != VT_OK) continue;
        for (int m = 0; m < ml.count; m++) add_id(h, ml.items[m].id);
        if (h->nids) snprintf(h->found_name, sizeof h->found_name, "%s", dict.name);
        if (h->nids && h->confirming < 0) h->found_at = i;
    }
    vt_marker_list_free(&ml);
}

static void *worker(void *arg)
{
    vt_dict_hint *h = arg;
    run_check(h);
    atomic_store(&h->done, 1);
    return NULL;
}

/* After a check: says what it found, once, unless the expected dictionary changed meanwhile. A
 * first find is read again on a later frame first (a texture may read once as a short code);
 * `detect`, synchronous over stills, says it at once. */
static int conclude(vt_dict_hint *h)
{
    int confirmed = h->confirming >= 0 || h->d.sync;
    h->confirming = -1;
    if (!h->nids || h->said || h->check_expected != h->expected_id) return 0;
    if (!confirmed) {
        h->confirming = h->found_at;
        h->next_check_t = h->last_t + CONFIRM_S;
        return 0;
    }
    char ids[128] = "";
    size_t len = 0;
    for (int i = 0; i < h->nids && i < MAX_IDS && len < sizeof ids; i++)
        len += (size_t)snprintf(ids + len, sizeof ids - len, "%s%d", i ? ", " : "", h->ids[i]);
    /* TRANSLATORS: "markers of 5X5_100 seen (ids 1, 2, 3); the catalog expects 6X6_250" (the last part
       is "the catalog expects" or "--dict is"). */
    snprintf(h->text, sizeof h->text, h->nids > 1 ? _("markers of %s seen (ids %s%s); %s %s") : _("markers of %s seen (id %s%s); %s %s"),
             h->found_name, ids, h->nids > MAX_IDS ? ", \u2026" : "", _(h->d.expects), h->expected_name);
    h->said = 1;
    VT_WARN(h->d.subsystem, "%s", h->text);
    return 1;
}

static int finish_check(vt_dict_hint *h)
{
    if (!h->running) return 0;
    pthread_join(h->thread, NULL);
    h->running = 0;
    return conclude(h);
}

/* Starts a check of the next dictionaries on a copy of grey (in this thread when sync). */
static int start_check(vt_dict_hint *h, const vt_image *grey, double t)
{
    h->next_check_t = t + h->d.retry_s;
    if (vt_image_copy(&h->grey, grey) != VT_OK) return 0;
    h->first = h->cursor;
    h->count = h->confirming >= 0 ? 1 : h->d.sync ? N_ORDER : h->d.per_check;
    if (h->confirming < 0) h->cursor = (h->cursor + h->count) % N_ORDER;
    h->check_expected = h->expected_id;
    if (h->d.sync) { run_check(h); return conclude(h); }
    atomic_store(&h->done, 0);
    h->running = pthread_create(&h->thread, NULL, worker, h) == 0;
    return 0;
}

int vt_dict_hint_poll(vt_dict_hint *h, const vt_dictionary *expected, double t, const vt_image *grey, int seen,
                      int unread)
{
    if (!h || !expected) return 0;
    if (expected->cv_id != h->expected_id) {   /* a new catalog's dictionary: a fresh start */
        h->expected_id = expected->cv_id;
        snprintf(h->expected_name, sizeof h->expected_name, "%s", expected->name ? expected->name : "?");
        h->said = h->started = h->cursor = 0;
        if (!h->running) h->confirming = -1;   /* else the worker reads it; conclude resets it */
        h->text[0] = 0;
    }
    int said = h->running && atomic_load(&h->done) ? finish_check(h) : 0;
    if (!h->started || t < h->last_t) {
        h->started = 1;
        h->last_seen_t = h->next_check_t = t;
    }
    h->last_t = t;
    if (seen > 0) { h->last_seen_t = t; return said; }
    if (h->said || h->running || unread <= 0 || !grey || !grey->data || grey->format != VT_PIX_GREY8) return said;
    if ((!h->d.sync && t - h->last_seen_t < h->d.quiet_s) || t < h->next_check_t) return said;
    return start_check(h, grey, t) || said;
}

const char *vt_dict_hint_text(const vt_dict_hint *h) { return h ? h->text : ""; }
int vt_dict_hint_busy(const vt_dict_hint *h) { return h && h->running; }

void vt_dict_hint_destroy(vt_dict_hint *h)
{
    if (!h) return;
    finish_check(h);   /* a confirmation that read at the very end is still said */
    for (int i = 0; i < N_ORDER; i++) vt_detector_destroy(h->dets[i]);
    vt_image_free(&h->grey);
    free(h);
}
