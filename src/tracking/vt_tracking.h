/* vt_tracking.h — what is on the shelf over time: markers followed through a stream (the
 * tracker), their poses smoothed (the 1€ filter), and presence with found/lost hysteresis, so
 * that a marker missed for a frame or two (blur, a finger) stays one visit.
 *
 * Ownership: vt_tracker_create and vt_pose_filter_create return objects the caller frees with
 * the matching destroy; the caller owns the vt_presence (plain struct, no allocation). */
#ifndef VT_TRACKING_H
#define VT_TRACKING_H

#include "core/vt_core.h"

/* ---- the marker tracker ------------------------------------------------------------------ */
/* Successive calls are frames of one stream: each known marker is re-read at its predicted place
 * (constant velocity), a lost one is searched for around it, and new ones are searched for in one
 * of two overlapping bands of the frame in turn (top, bottom; a marker up to band_overlap x the
 * frame height fits whole in one), plus the whole frame every full_every frames. So a marker
 * entering the view is found within two frames. Our engine only (vision's own search). */
typedef struct vt_tracker_params {
    int full_every;          /* frames between whole-frame searches (default 30) */
    int lost_after;          /* frames unseen before a marker is no longer followed (default 3) */
    float search_scale;      /* a marker not at its predicted corners is searched for within
                                search_scale x its side (pixels) + search_margin_px of its
                                predicted centre (default 1.2) */
    float search_margin_px;  /* pixels (default 16) */
    double band_overlap;     /* overlap of the two newcomer bands, fraction of the height (default 0.3) */
    int band_coarse;         /* bands searched at this times the usual reduction (default 2) */
    int max_tracks;          /* markers followed at once (default 256) */
} vt_tracker_params;
/* The defaults above; in a desc, zero fields take them. */
vt_tracker_params vt_tracker_params_defaults(void);

typedef struct vt_tracker_desc {
    vt_dictionary dict;      /* required: from vt_dictionary_find */
    vt_tracker_params params;
} vt_tracker_desc;

typedef struct vt_tracker vt_tracker;
vt_result vt_tracker_create(const vt_tracker_desc *desc, vt_tracker **out, char *err, size_t errlen);
/* The markers in this frame of the stream (grey, VT_PIX_GREY8); replaces out's contents. */
vt_result vt_tracker_track(vt_tracker *t, const vt_image *grey, vt_marker_list *out);
/* Forgets the markers being followed (a new stream, a cut, a camera back after a loss). */
void vt_tracker_reset(vt_tracker *t);
double vt_tracker_last_ms(const vt_tracker *t);
vt_detect_profile vt_tracker_profile(const vt_tracker *t);
void vt_tracker_destroy(vt_tracker *t);   /* safe on NULL */

/* ---- the wrong-dictionary hint ----------------------------------------------------------
 * A catalog set to one dictionary over markers printed from another shows an empty scene. When
 * no marker of the expected dictionary has been seen for quiet_s seconds but marker-like squares
 * are (the detector's quads that did not read: vt_detect_profile.unread), the other dictionaries
 * are tried on a copy of the frame, on a worker thread (one check at a time, per_check
 * dictionaries each, the next ones retry_s later), and when one reads, and reads again on a
 * frame half a second later, it is said once, as a warning through the logger (so to staff:
 * log, HUD): "markers of 5X5_100 seen (ids 1, 2, 3); the catalog expects 6X6_250". Said again
 * only after the expected dictionary changes.
 * Ownership: vt_dict_hint_create gives a hint the caller frees with vt_dict_hint_destroy (which
 * waits for a check in flight and says what it confirmed). */
typedef struct vt_dict_hint_desc {
    double quiet_s;          /* seconds without an expected marker before a check (default 3) */
    double retry_s;          /* seconds between checks that found nothing (default 3) */
    int per_check;           /* dictionaries tried per check (default 4) */
    int sync;                /* 1: checks run in the caller's thread, every dictionary at once,
                                from the first frame, said without a second read (`vitrine
                                detect`, over stills) */
    const char *subsystem;   /* the log line's (default "detect"; static or outliving the hint) */
    const char *expects;     /* what comes before the dictionary's name (default "the catalog
                                expects"; static or outliving the hint) */
} vt_dict_hint_desc;

typedef struct vt_dict_hint vt_dict_hint;
/* d may be NULL (the defaults). */
vt_result vt_dict_hint_create(const vt_dict_hint_desc *d, vt_dict_hint **out, char *err, size_t errlen);
void vt_dict_hint_destroy(vt_dict_hint *h);   /* safe on NULL */
/* One frame at time t (seconds; a time going back starts afresh): expected, the dictionary
 * looked for; seen, how many of its markers that matter were found; unread, marker-like squares
 * that did not read. grey is copied only when a check starts; the call never waits for one.
 * Returns 1 when the hint was said during this call. Safe on a NULL h (nothing). */
int vt_dict_hint_poll(vt_dict_hint *h, const vt_dictionary *expected, double t, const vt_image *grey, int seen,
                      int unread);
/* The hint once said, else "" (valid until the next poll or destroy). */
const char *vt_dict_hint_text(const vt_dict_hint *h);
/* 1 while a background check has not been collected by a poll (tests wait on it). */
int vt_dict_hint_busy(const vt_dict_hint *h);

/* ---- presence ---------------------------------------------------------------------------- */
#define VT_PRESENCE_MAX 256

typedef enum vt_presence_event_kind { VT_PRESENCE_FOUND = 1, VT_PRESENCE_LOST } vt_presence_event_kind;

typedef struct vt_presence_event {
    vt_presence_event_kind kind;
    int id;
    int first_frame, last_frame;   /* the visit: first and last frame the marker was seen */
    double first_t, last_t;        /* seconds (the caller's clock) at those frames */
} vt_presence_event;

typedef struct vt_presence_desc {
    int lost_after;        /* frames unseen before a marker counts as gone; 0 = 8 (~0.25 s at 30 fps) */
} vt_presence_desc;

typedef struct vt_presence {
    vt_presence_desc desc;
    int count;
    struct { int id, first_frame, last_frame; double first_t, last_t; } items[VT_PRESENCE_MAX];
} vt_presence;

void vt_presence_init(vt_presence *p, const vt_presence_desc *desc);
/* Feeds the ids seen in frame (at time t); writes the events this causes (at most
 * 2 * VT_PRESENCE_MAX) into out and returns how many. A marker is found the frame it is first
 * seen, and lost once it has been unseen for lost_after frames. */
int vt_presence_update(vt_presence *p, int frame, double t, const int *ids, int n, vt_presence_event *out);
/* Ends every visit still open (end of input): LOST events, returns how many. */
int vt_presence_flush(vt_presence *p, vt_presence_event *out);
/* Ends the visit of marker id now, whether or not it is in view (its product left the catalog):
 * 1 and its LOST event in *out when it was open, else 0. */
int vt_presence_end(vt_presence *p, int id, vt_presence_event *out);

/* ---- pose smoothing: the 1€ filter (Casiez, Roussel, Vogel, CHI 2012) per marker ---------- */
/* Strong smoothing when a marker is still (no shake), little when it moves (no lag). Position
 * is filtered per axis; orientation as a unit quaternion kept in one hemisphere. */
typedef struct vt_pose_filter_desc {
    double min_cutoff;     /* Hz; lower = steadier when still (default 0.5) */
    double beta;           /* speed coefficient; higher = follows fast moves sooner (default 50).
                              Not zero-means-default: 0 is a valid setting (a plain low-pass
                              filter, as the catalog allows), so start from the defaults below */
    double d_cutoff;       /* Hz, for the speed estimate (default 1.0) */
    int forget_after;      /* frames unseen after which a marker starts afresh (default 8) */
} vt_pose_filter_desc;

/* The defaults above: { 0.5, 50, 1.0, 8 }. */
vt_pose_filter_desc vt_pose_filter_desc_defaults(void);

typedef struct vt_pose_filter vt_pose_filter;
/* NULL desc: the defaults. In a desc, a zero (or negative) min_cutoff, d_cutoff or forget_after
 * takes its default; a negative beta is 0. *out is the caller's, freed with vt_pose_filter_destroy. */
vt_result vt_pose_filter_create(const vt_pose_filter_desc *desc, vt_pose_filter **out, char *err, size_t errlen);
/* Filters the pose of marker id seen at time t (seconds) in place. VT_ERR_NO_MEMORY (the pose
 * left as it was) when a new marker's track cannot be allocated. */
vt_result vt_pose_filter_apply(vt_pose_filter *f, int id, int frame, double t, double rvec[3], double tvec[3]);
/* The last filtered rotation of id when seen within forget_after frames (for choosing between
 * the two IPPE solutions); 0 when none. */
int vt_pose_filter_last(const vt_pose_filter *f, int id, int frame, double rvec[3]);
/* The pose of id dt seconds after its last filtered one (frame, within forget_after frames),
 * along the filter's own speed estimate of each channel: for a live camera, the pose at the
 * moment the frame reaches the screen, so a product does not trail its marker. Writes rvec and
 * tvec and returns 1; 0 (unchanged) when id has no recent pose. The track is not changed. */
int vt_pose_filter_predict(const vt_pose_filter *f, int id, int frame, double dt, double rvec[3], double tvec[3]);
void vt_pose_filter_destroy(vt_pose_filter *f);   /* safe on NULL */

/* ---- the pose-and-filter step of `run` and `detect` -------------------------------------- */
/* The printed side of each marker: of(id, ctx) in metres when of is set (e.g. its product's),
 * else default_m for all. */
typedef struct vt_marker_length {
    double default_m;
    double (*of)(int id, void *ctx);
    void *ctx;
} vt_marker_length;

/* Each marker's pose (vision's IPPE; when ambiguous, the solution nearer the filter's last
 * orientation of that marker), then the 1€ filter at media time t (seconds). f may be NULL:
 * poses only, unfiltered. A marker whose pose cannot be solved keeps has_pose 0. Fails (with
 * err) only when the filter cannot grow; the other markers are still posed. */
vt_result vt_pose_markers(vt_pose_filter *f, const vt_camera *cam, vt_marker_list *ml, int frame, double t,
                          const vt_marker_length *length, char *err, size_t errlen);

#endif
