/* vt_tracking.c — presence of markers with found/lost hysteresis. */
#include "tracking/vt_tracking.h"

#include <string.h>

void vt_presence_init(vt_presence *p, const vt_presence_desc *desc)
{
    memset(p, 0, sizeof *p);
    if (desc) p->desc = *desc;
    if (p->desc.lost_after <= 0) p->desc.lost_after = 8;
}

static vt_presence_event lost_event(const vt_presence *p, int i)
{
    vt_presence_event e = { VT_PRESENCE_LOST, p->items[i].id, p->items[i].first_frame, p->items[i].last_frame,
                            p->items[i].first_t, p->items[i].last_t };
    return e;
}

int vt_presence_update(vt_presence *p, int frame, double t, const int *ids, int n, vt_presence_event *out)
{
    int ne = 0;
    for (int k = 0; k < n; k++) {
        int i = 0;
        while (i < p->count && p->items[i].id != ids[k]) i++;
        if (i == p->count) {
            if (p->count == VT_PRESENCE_MAX) continue;
            p->count++;
            p->items[i].id = ids[k];
            p->items[i].first_frame = frame;
            p->items[i].first_t = t;
            out[ne++] = (vt_presence_event){ VT_PRESENCE_FOUND, ids[k], frame, frame, t, t };
        }
        p->items[i].last_frame = frame;
        p->items[i].last_t = t;
    }
    for (int i = 0; i < p->count;) {
        if (frame - p->items[i].last_frame >= p->desc.lost_after) {
            out[ne++] = lost_event(p, i);
            p->items[i] = p->items[--p->count];
        } else {
            i++;
        }
    }
    return ne;
}

int vt_presence_flush(vt_presence *p, vt_presence_event *out)
{
    int ne = 0;
    for (int i = 0; i < p->count; i++) out[ne++] = lost_event(p, i);
    p->count = 0;
    return ne;
}
