/* vt_tracking.c — presence of markers with found/lost hysteresis; the 1€ pose filter and the
 * pose-and-filter step that `run` and `detect` share. */
#include "tracking/vt_tracking.h"

#include "vision/vt_vision.h"   /* vt_pose_estimate_near, for the pose-and-filter step */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

int vt_presence_end(vt_presence *p, int id, vt_presence_event *out)
{
    for (int i = 0; i < p->count; i++) {
        if (p->items[i].id != id) continue;
        *out = lost_event(p, i);
        p->items[i] = p->items[--p->count];
        return 1;
    }
    return 0;
}

/* ---- 1€ filter ---- */

typedef struct one_euro { double x, dx; int init, count; } one_euro;

static double alpha(double cutoff, double dt) { double tau = 1.0 / (2 * M_PI * cutoff); return 1.0 / (1.0 + tau / dt); }

static double one_euro_step(one_euro *f, const vt_pose_filter_desc *d, double x, double dt, double beta)
{
    if (!f->init) { f->x = x; f->dx = 0; f->init = 1; return x; }
    double dx = (x - f->x) / dt;
    f->dx += alpha(d->d_cutoff, dt) * (dx - f->dx);
    double cutoff = d->min_cutoff + beta * fabs(f->dx);
    /* Warm-up: until the filter's own weight is larger, take the running mean of the samples so
     * far, so a new track does not hang on to its first (noisy) sample for seconds. */
    double a = alpha(cutoff, dt), warm = 1.0 / (++f->count + 1);
    f->x += (a > warm ? a : warm) * (x - f->x);
    return f->x;
}

typedef struct track { int id, last_frame; double last_t; one_euro ch[7]; double q_prev[4]; double rvec[3]; } track;

struct vt_pose_filter {
    vt_pose_filter_desc d;
    track *t;
    int n, cap;
};

vt_pose_filter_desc vt_pose_filter_desc_defaults(void)
{
    return (vt_pose_filter_desc){ .min_cutoff = 0.5, .beta = 50, .d_cutoff = 1.0, .forget_after = 8 };
}

vt_result vt_pose_filter_create(const vt_pose_filter_desc *desc, vt_pose_filter **out, char *err, size_t errlen)
{
    *out = NULL;
    vt_pose_filter *f = calloc(1, sizeof *f);
    if (!f) { snprintf(err, errlen, _("the pose filter: out of memory")); return VT_ERR_NO_MEMORY; }
    vt_pose_filter_desc d = vt_pose_filter_desc_defaults();
    f->d = desc ? *desc : d;
    if (!(f->d.min_cutoff > 0)) f->d.min_cutoff = d.min_cutoff;
    if (!(f->d.beta >= 0)) f->d.beta = 0;
    if (!(f->d.d_cutoff > 0)) f->d.d_cutoff = d.d_cutoff;
    if (f->d.forget_after <= 0) f->d.forget_after = d.forget_after;
    *out = f;
    return VT_OK;
}

void vt_pose_filter_destroy(vt_pose_filter *f)
{
    if (!f) return;
    free(f->t);
    free(f);
}

static track *find_track(const vt_pose_filter *f, int id)
{
    for (int i = 0; i < f->n; i++) if (f->t[i].id == id) return &f->t[i];
    return NULL;
}

static void rvec_to_quat(const double r[3], double q[4])
{
    double th = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]), s = th > 1e-12 ? sin(th / 2) / th : 0.5;
    q[0] = cos(th / 2); q[1] = r[0] * s; q[2] = r[1] * s; q[3] = r[2] * s;
}

static void quat_to_rvec(const double q[4], double r[3])
{
    double n = sqrt(q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
    double th = 2 * atan2(n, q[0]), k = n > 1e-12 ? th / n : 2.0;
    r[0] = q[1] * k; r[1] = q[2] * k; r[2] = q[3] * k;
}

/* The track of id, a fresh one when it is new; NULL when there is no memory for it. */
static track *track_for(vt_pose_filter *f, int id, int frame)
{
    track *tr = find_track(f, id);
    if (tr) {
        if (frame - tr->last_frame > f->d.forget_after) memset(tr->ch, 0, sizeof tr->ch);
        return tr;
    }
    if (f->n == f->cap) {
        int nc = f->cap ? f->cap * 2 : 16;
        track *nt = realloc(f->t, (size_t)nc * sizeof *nt);
        if (!nt) return NULL;
        f->t = nt;
        f->cap = nc;
    }
    tr = &f->t[f->n++];
    memset(tr, 0, sizeof *tr);
    tr->id = id;
    return tr;
}

vt_result vt_pose_filter_apply(vt_pose_filter *f, int id, int frame, double t, double rvec[3], double tvec[3])
{
    track *tr = track_for(f, id, frame);
    if (!tr) return VT_ERR_NO_MEMORY;
    double dt = tr->ch[0].init ? t - tr->last_t : 1.0 / 30;
    if (!(dt > 1e-4)) dt = 1.0 / 30;
    double q[4];
    rvec_to_quat(rvec, q);
    /* q and -q are the same rotation: stay on the side of the previous one so the filter never
     * averages across the sign flip. */
    if (tr->ch[3].init && q[0] * tr->q_prev[0] + q[1] * tr->q_prev[1] + q[2] * tr->q_prev[2] + q[3] * tr->q_prev[3] < 0)
        for (int i = 0; i < 4; i++) q[i] = -q[i];
    for (int i = 0; i < 3; i++) tvec[i] = one_euro_step(&tr->ch[i], &f->d, tvec[i], dt, f->d.beta);
    double n = 0;
    for (int i = 0; i < 4; i++) { q[i] = one_euro_step(&tr->ch[3 + i], &f->d, q[i], dt, f->d.beta); n += q[i] * q[i]; }
    n = sqrt(n);
    for (int i = 0; i < 4; i++) q[i] /= n;
    memcpy(tr->q_prev, q, sizeof q);
    quat_to_rvec(q, rvec);
    memcpy(tr->rvec, rvec, sizeof tr->rvec);
    tr->last_frame = frame;
    tr->last_t = t;
    return VT_OK;
}

int vt_pose_filter_last(const vt_pose_filter *f, int id, int frame, double rvec[3])
{
    const track *tr = find_track(f, id);
    if (!tr || !tr->ch[3].init || frame - tr->last_frame > f->d.forget_after) return 0;
    memcpy(rvec, tr->rvec, sizeof tr->rvec);
    return 1;
}

int vt_pose_filter_predict(const vt_pose_filter *f, int id, int frame, double dt, double rvec[3], double tvec[3])
{
    const track *tr = find_track(f, id);
    if (!tr || !tr->ch[3].init || frame - tr->last_frame > f->d.forget_after) return 0;
    for (int i = 0; i < 3; i++) tvec[i] = tr->ch[i].x + tr->ch[i].dx * dt;
    /* The quaternion moved along its speed, back onto the unit sphere (same hemisphere). */
    double q[4], n = 0;
    for (int i = 0; i < 4; i++) { q[i] = tr->ch[3 + i].x + tr->ch[3 + i].dx * dt; n += q[i] * q[i]; }
    n = sqrt(n);
    for (int i = 0; i < 4; i++) q[i] /= n;
    quat_to_rvec(q, rvec);
    return 1;
}

vt_result vt_pose_markers(vt_pose_filter *f, const vt_camera *cam, vt_marker_list *ml, int frame, double t,
                          const vt_marker_length *length, char *err, size_t errlen)
{
    vt_result res = VT_OK;
    for (int i = 0; i < ml->count; i++) {
        vt_marker *m = &ml->items[i];
        double prev[3], len = length->of ? length->of(m->id, length->ctx) : length->default_m;
        int have_prev = f && vt_pose_filter_last(f, m->id, frame, prev);
        vt_pose_estimate_near(cam, len, m, have_prev ? prev : NULL);   /* unsolved: has_pose stays 0 */
        if (!f || !m->has_pose) continue;
        vt_result r = vt_pose_filter_apply(f, m->id, frame, t, m->rvec, m->tvec);
        if (r != VT_OK && res == VT_OK) {
            res = r;
            snprintf(err, errlen, _("the pose filter cannot follow marker %d: %s"), m->id, vt_result_str(r));
        }
    }
    return res;
}
