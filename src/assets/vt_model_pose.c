/* vt_model_pose.c — a model posed at a time: its clip's keys sampled, node transforms composed
 * parents first into its instances, and the meshes that deform morphed (rest + weighted
 * targets) then skinned (the four joints' matrices blended), all on the CPU: the renderer then
 * takes the new vertices (vt_render_model_refresh). */
#include "assets/vt_assets.h"
#include "vt_model_anim.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int vt_model_animation(const vt_model *m, const char *name)
{
    const vt_anim *a = m ? m->anim : NULL;
    if (!a || !a->clip_count) return -1;
    if (!name) return 0;
    for (int i = 0; i < a->clip_count; i++) if (!strcmp(a->clips[i].name, name)) return i;
    return -1;
}

void vt_model_animations_join(const vt_model *m, char *buf, size_t len)
{
    size_t at = 0;
    if (len) buf[0] = 0;
    for (int i = 0; m && m->anim && i < m->anim->clip_count && len; i++) {
        const char *n = m->anim->clips[i].name;
        if (at + strlen(n) + 3 > len) break;
        at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ", " : "", n);
    }
}

/* The channel's value at t: the keys around it mixed linearly (before the first, after the
 * last: held); rotations on the shorter arc, normalised. */
static void sample(const vt_anim *a, const vt_anim_channel *c, float t, float *out)
{
    const float *times = a->times + c->key0, *v = a->values + c->val0;
    int n = c->nkeys, lo = 0, hi = n - 1;
    if (t <= times[0] || n == 1) { memcpy(out, v, (size_t)c->comps * sizeof(float)); return; }
    if (t >= times[n - 1]) { memcpy(out, v + (size_t)(n - 1) * c->comps, (size_t)c->comps * sizeof(float)); return; }
    while (hi - lo > 1) {   /* times rise: the last key at or before t */
        int mid = (lo + hi) / 2;
        if (times[mid] <= t) lo = mid; else hi = mid;
    }
    float span = times[hi] - times[lo], f = span > 0 ? (t - times[lo]) / span : 0;
    const float *x = v + (size_t)lo * c->comps, *y = v + (size_t)hi * c->comps;
    float sign = 1;
    if (c->path == VT_ANIM_R && x[0] * y[0] + x[1] * y[1] + x[2] * y[2] + x[3] * y[3] < 0) sign = -1;
    for (int k = 0; k < c->comps; k++) out[k] = x[k] + (sign * y[k] - x[k]) * f;
    if (c->path == VT_ANIM_R) {
        float l = sqrtf(out[0] * out[0] + out[1] * out[1] + out[2] * out[2] + out[3] * out[3]);
        for (int k = 0; k < 4; k++) out[k] = l > 0 ? out[k] / l : (k == 3);
    }
}

/* Column-major T R S. */
static void compose(const float *trs, float m[16])
{
    float x = trs[3], y = trs[4], z = trs[5], w = trs[6];
    const float *s = trs + 7;
    float r[9] = { 1 - 2 * (y * y + z * z), 2 * (x * y + z * w), 2 * (x * z - y * w),
                   2 * (x * y - z * w), 1 - 2 * (x * x + z * z), 2 * (y * z + x * w),
                   2 * (x * z + y * w), 2 * (y * z - x * w), 1 - 2 * (x * x + y * y) };
    for (int c = 0; c < 3; c++) {
        for (int k = 0; k < 3; k++) m[c * 4 + k] = r[c * 3 + k] * s[c];
        m[c * 4 + 3] = 0;
    }
    memcpy(m + 12, trs, 3 * sizeof(float));
    m[15] = 1;
}

void vt_mat4_mul(const float a[16], const float b[16], float out[16])
{
    float r[16];
    for (int c = 0; c < 4; c++)
        for (int row = 0; row < 4; row++) {
            float s = 0;
            for (int k = 0; k < 4; k++) s += a[k * 4 + row] * b[c * 4 + k];
            r[c * 4 + row] = s;
        }
    memcpy(out, r, sizeof r);
}

/* The clip's local transforms (over the rest ones) and the morph weights it sets. */
static void sample_clip(vt_model *m, int clip, double t, float *local)
{
    vt_anim *a = m->anim;
    memcpy(local, a->rest, (size_t)a->node_count * 10 * sizeof(float));
    for (int i = 0; i < m->mesh_count; i++)
        if (a->meshes[i].target_count)
            memcpy(a->meshes[i].cur_weights, a->meshes[i].default_weights, (size_t)a->meshes[i].target_count * sizeof(float));
    if (clip < 0 || clip >= a->clip_count) return;
    const vt_anim_clip *cl = &a->clips[clip];
    float tt = cl->duration > 0 && isfinite(t) && t > 0 ? (float)fmod(t, cl->duration) : 0;
    for (int k = 0; k < cl->nch; k++) {
        const vt_anim_channel *c = &a->channels[cl->ch0 + k];
        if (c->path != VT_ANIM_W) {
            static const int at[3] = { 0, 3, 7 };
            sample(a, c, tt, local + (size_t)c->node * 10 + at[c->path]);
            continue;
        }
        for (int i = 0; i < m->mesh_count; i++)
            if (a->meshes[i].node == c->node && a->meshes[i].target_count == c->comps) sample(a, c, tt, a->meshes[i].cur_weights);
    }
}

/* One deforming mesh: its targets by the pose's weights, then its skin. */
static void deform(const vt_anim *a, const vt_anim_mesh *d, vt_mesh *me)
{
    int nv = me->vertex_count;
    memcpy(me->positions, d->rest_pos, (size_t)nv * 3 * sizeof(float));
    memcpy(me->normals, d->rest_nrm, (size_t)nv * 3 * sizeof(float));
    for (int k = 0; k < d->target_count; k++) {
        float w = d->cur_weights[k];
        if (w == 0) continue;
        const float *tp = d->target_pos + (size_t)k * nv * 3, *tn = d->target_nrm + (size_t)k * nv * 3;
        for (int i = 0; i < nv * 3; i++) { me->positions[i] += w * tp[i]; me->normals[i] += w * tn[i]; }
    }
    for (int v = 0; v < nv && d->bone_count; v++) {
        float j[16] = { 0 }, bm[16], *p = me->positions + v * 3, *n = me->normals + v * 3;
        for (int k = 0; k < 4; k++) {
            float w = d->weights[v * 4 + k];
            if (w == 0) continue;
            int b = d->joints[v * 4 + k];
            vt_mat4_mul(a->global + (size_t)d->bone_node[b] * 16, d->inverse_bind + (size_t)b * 16, bm);
            for (int e = 0; e < 16; e++) j[e] += w * bm[e];
        }
        float q[3] = { p[0], p[1], p[2] }, o[3] = { n[0], n[1], n[2] };
        for (int r = 0; r < 3; r++) {
            p[r] = j[r] * q[0] + j[4 + r] * q[1] + j[8 + r] * q[2] + j[12 + r];
            n[r] = j[r] * o[0] + j[4 + r] * o[1] + j[8 + r] * o[2];
        }
    }
    for (int v = 0; v < nv; v++) {   /* unit normals again */
        float *n = me->normals + v * 3, l = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        if (l > 0) for (int k = 0; k < 3; k++) n[k] /= l;
        else n[1] = 1;
    }
}

int vt_model_pose(vt_model *m, int clip, double t)
{
    vt_anim *a = m ? m->anim : NULL;
    /* Already so (products sharing the model, a frame shown again): nothing to do. */
    if (!a || (a->posed_clip == clip && a->posed_t == t)) return 0;
    a->posed_clip = clip;
    a->posed_t = t;
    float *local = a->global + (size_t)a->node_count * 16;
    sample_clip(m, clip, t, local);
    for (int i = 0; i < a->node_count; i++) {
        float l[16];
        compose(local + (size_t)i * 10, l);
        if (a->parent[i] < 0) memcpy(a->global + (size_t)i * 16, l, sizeof l);
        else vt_mat4_mul(a->global + (size_t)a->parent[i] * 16, l, a->global + (size_t)i * 16);
    }
    static const float identity[16] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
    for (int i = 0; i < m->instance_count; i++) {   /* a skinned mesh's own node does not place it (glTF) */
        const vt_anim_mesh *d = &a->meshes[m->instances[i].mesh];
        memcpy(m->instances[i].transform, d->bone_count ? identity : a->global + (size_t)a->instance_node[i] * 16, sizeof identity);
    }
    int changed = 0;
    for (int i = 0; i < m->mesh_count; i++)
        if (a->meshes[i].rest_pos) { deform(a, &a->meshes[i], &m->meshes[i]); changed = 1; }
    return changed;
}
