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

#endif
