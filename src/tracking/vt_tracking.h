/* vt_tracking.h — what is on the shelf over time. For now: presence with found/lost hysteresis,
 * so that a marker missed for a frame or two (blur, a finger) stays one visit.
 *
 * Ownership: the caller owns the vt_presence (plain struct, no allocation). */
#ifndef VT_TRACKING_H
#define VT_TRACKING_H

#include "core/vt_core.h"

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

/* ---- pose smoothing: the 1€ filter (Casiez, Roussel, Vogel, CHI 2012) per marker ---------- */
/* Strong smoothing when a marker is still (no shake), little when it moves (no lag). Position
 * is filtered per axis; orientation as a unit quaternion kept in one hemisphere. */
typedef struct vt_pose_filter_desc {
    double min_cutoff;     /* Hz; lower = steadier when still (default 0.5) */
    double beta;           /* speed coefficient; higher = follows fast moves sooner (default 50) */
    double d_cutoff;       /* Hz, for the speed estimate (default 1.0) */
    int forget_after;      /* frames unseen after which a marker starts afresh (default 8) */
} vt_pose_filter_desc;

typedef struct vt_pose_filter vt_pose_filter;
/* NULL desc: the defaults; in a desc, zero min_cutoff, d_cutoff or forget_after take theirs. */
vt_pose_filter *vt_pose_filter_create(const vt_pose_filter_desc *desc);
/* Filters the pose of marker id seen at time t (seconds) in place. */
void vt_pose_filter_apply(vt_pose_filter *f, int id, int frame, double t, double rvec[3], double tvec[3]);
/* The last filtered rotation of id when seen within forget_after frames (for choosing between
 * the two IPPE solutions); 0 when none. */
int vt_pose_filter_last(const vt_pose_filter *f, int id, int frame, double rvec[3]);
void vt_pose_filter_destroy(vt_pose_filter *f);   /* safe on NULL */

#endif
