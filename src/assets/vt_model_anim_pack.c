/* vt_model_anim_pack.c — a model's vt_anim as one block of bytes, for the isolated loader's
 * pipe: counts, then the arrays as they are in memory. Reading it back trusts nothing: every
 * count is checked against the bytes left and the model's own meshes and instances, every index
 * against its array, every float for being finite. */
#include "assets/vt_assets.h"
#include "vt_model_anim.h"
#include "vt_model_limits.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TARGETS 1024

typedef struct out { uint8_t *p; size_t n, cap; int bad; } out;

static void put(out *o, const void *src, size_t len)
{
    if (o->bad || !len) return;
    if (o->n + len > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->n + len) cap *= 2;
        uint8_t *p = realloc(o->p, cap);
        if (!p) { o->bad = 1; return; }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->n, src, len);
    o->n += len;
}
static void put_i32(out *o, int32_t v) { put(o, &v, sizeof v); }

static void put_mesh(out *o, const vt_anim_mesh *d, int nv)
{
    int32_t h[4] = { d->bone_count, d->target_count, d->node, d->rest_pos != NULL };
    put(o, h, sizeof h);
    put(o, d->bone_node, (size_t)d->bone_count * sizeof(int32_t));
    put(o, d->inverse_bind, (size_t)d->bone_count * 16 * sizeof(float));
    if (d->bone_count) { put(o, d->joints, (size_t)nv * 4 * sizeof(uint16_t)); put(o, d->weights, (size_t)nv * 4 * sizeof(float)); }
    put(o, d->target_pos, (size_t)d->target_count * nv * 3 * sizeof(float));
    put(o, d->target_nrm, (size_t)d->target_count * nv * 3 * sizeof(float));
    put(o, d->default_weights, (size_t)d->target_count * sizeof(float));
    if (d->rest_pos) { put(o, d->rest_pos, (size_t)nv * 3 * sizeof(float)); put(o, d->rest_nrm, (size_t)nv * 3 * sizeof(float)); }
}

vt_result vt_anim_pack(const vt_model *m, uint8_t **bytes, size_t *n)
{
    const vt_anim *a = m->anim;
    out o = { 0 };
    *bytes = NULL;
    *n = 0;
    if (!a) return VT_OK;
    int32_t h[5] = { a->node_count, a->clip_count, a->channel_count, a->key_count, a->value_count };
    put(&o, h, sizeof h);
    put(&o, a->parent, (size_t)a->node_count * sizeof(int32_t));
    put(&o, a->rest, (size_t)a->node_count * 10 * sizeof(float));
    put(&o, a->instance_node, (size_t)m->instance_count * sizeof(int32_t));
    for (int i = 0; i < m->mesh_count; i++) put_mesh(&o, &a->meshes[i], m->meshes[i].vertex_count);
    for (int i = 0; i < a->clip_count; i++) {
        int32_t len = (int32_t)strlen(a->clips[i].name);
        put_i32(&o, len);
        put(&o, a->clips[i].name, (size_t)len);
        put(&o, &a->clips[i].duration, sizeof(float));
        put_i32(&o, a->clips[i].ch0);
        put_i32(&o, a->clips[i].nch);
    }
    put(&o, a->channels, (size_t)a->channel_count * sizeof *a->channels);
    put(&o, a->times, (size_t)a->key_count * sizeof(float));
    put(&o, a->values, (size_t)a->value_count * sizeof(float));
    if (o.bad) { free(o.p); return VT_ERR_NO_MEMORY; }
    *bytes = o.p;
    *n = o.n;
    return VT_OK;
}

typedef struct in { const uint8_t *p, *end; int bad; } in;

static void get(in *r, void *dst, size_t len)
{
    if (r->bad || (size_t)(r->end - r->p) < len) { r->bad = 1; return; }
    if (len) memcpy(dst, r->p, len);
    r->p += len;
}
static int32_t get_i32(in *r) { int32_t v = 0; get(r, &v, sizeof v); return v; }
static void *get_array(in *r, size_t count, size_t size)
{
    if (r->bad || (size && count > (size_t)(r->end - r->p) / size)) { r->bad = 1; return NULL; }
    void *p = malloc(count * size > 0 ? count * size : 1);
    if (!p) { r->bad = 1; return NULL; }
    get(r, p, count * size);
    return p;
}
static int all_finite(const float *f, size_t n)
{
    for (size_t i = 0; f && i < n; i++) if (!isfinite(f[i])) return 0;
    return 1;
}
static int in_range(const int32_t *v, size_t n, int lo, int hi)
{
    for (size_t i = 0; v && i < n; i++) if (v[i] < lo || v[i] >= hi) return 0;
    return 1;
}

static void get_mesh(in *r, vt_anim_mesh *d, int nv, int nodes)
{
    int32_t h[4];
    get(r, h, sizeof h);
    if (r->bad || h[0] < 0 || h[0] > 65535 || h[1] < 0 || h[1] > MAX_TARGETS || h[2] < -1 || h[2] >= nodes || (h[3] != 0 && h[3] != 1) ||
        ((h[0] || h[1]) && !h[3])) {
        r->bad = 1;
        return;
    }
    d->bone_count = h[0]; d->target_count = h[1]; d->node = h[2];
    size_t t = (size_t)d->target_count * nv * 3;
    d->bone_node = get_array(r, (size_t)d->bone_count, sizeof(int32_t));
    d->inverse_bind = get_array(r, (size_t)d->bone_count * 16, sizeof(float));
    if (d->bone_count) { d->joints = get_array(r, (size_t)nv * 4, sizeof(uint16_t)); d->weights = get_array(r, (size_t)nv * 4, sizeof(float)); }
    d->target_pos = get_array(r, t, sizeof(float));
    d->target_nrm = get_array(r, t, sizeof(float));
    d->default_weights = get_array(r, (size_t)d->target_count, sizeof(float));
    if (h[3]) { d->rest_pos = get_array(r, (size_t)nv * 3, sizeof(float)); d->rest_nrm = get_array(r, (size_t)nv * 3, sizeof(float)); }
    if (r->bad || !in_range(d->bone_node, (size_t)d->bone_count, 0, nodes) || !all_finite(d->inverse_bind, (size_t)d->bone_count * 16) ||
        !all_finite(d->weights, d->bone_count ? (size_t)nv * 4 : 0) || !all_finite(d->target_pos, t) || !all_finite(d->target_nrm, t) ||
        !all_finite(d->default_weights, (size_t)d->target_count) || !all_finite(d->rest_pos, h[3] ? (size_t)nv * 3 : 0) ||
        !all_finite(d->rest_nrm, h[3] ? (size_t)nv * 3 : 0)) {
        r->bad = 1;
        return;
    }
    for (size_t i = 0; d->bone_count && i < (size_t)nv * 4; i++) if (d->joints[i] >= d->bone_count) { r->bad = 1; return; }
}

static int channel_ok(const vt_anim *a, const vt_anim_channel *c)
{
    static const int comps[3] = { 3, 4, 3 };
    if (c->node < 0 || c->node >= a->node_count || c->path < VT_ANIM_T || c->path > VT_ANIM_W || c->nkeys < 1 || c->key0 < 0 ||
        c->val0 < 0 || c->key0 > a->key_count - c->nkeys)
        return 0;
    if (c->path == VT_ANIM_W ? c->comps < 1 || c->comps > MAX_TARGETS : c->comps != comps[c->path]) return 0;
    return (double)c->val0 + (double)c->nkeys * c->comps <= a->value_count;
}

static void get_clips(in *r, vt_anim *a)
{
    for (int i = 0; i < a->clip_count && !r->bad; i++) {
        vt_anim_clip *cl = &a->clips[i];
        int32_t len = get_i32(r);
        if (len < 0 || len > 4096 || r->bad) { r->bad = 1; return; }
        if (!(cl->name = calloc((size_t)len + 1, 1))) { r->bad = 1; return; }
        get(r, cl->name, (size_t)len);
        get(r, &cl->duration, sizeof(float));
        cl->ch0 = get_i32(r);
        cl->nch = get_i32(r);
        if (!(cl->duration >= 0 && cl->duration < 1e7f) || cl->ch0 < 0 || cl->nch < 0 || cl->ch0 > a->channel_count - cl->nch) r->bad = 1;
    }
}

vt_result vt_anim_unpack(vt_model *m, const uint8_t *bytes, size_t n)
{
    if (!n) return VT_OK;
    in r = { bytes, bytes + n, 0 };
    vt_anim *a = m->anim = calloc(1, sizeof *a);
    if (!a) return VT_ERR_NO_MEMORY;
    int32_t h[5];
    get(&r, h, sizeof h);
    if (r.bad || h[0] < 1 || h[0] > VT_MODEL_MAX_NODES || h[1] < 0 || h[1] > 10000 || h[2] < 0 || h[3] < 0 || h[3] > VT_MODEL_MAX_ANIM_VALUES || h[4] < 0 ||
        h[4] > VT_MODEL_MAX_ANIM_VALUES)
        return VT_ERR_FORMAT;
    a->node_count = h[0];
    a->parent = get_array(&r, (size_t)a->node_count, sizeof(int32_t));
    a->rest = get_array(&r, (size_t)a->node_count * 10, sizeof(float));
    a->instance_node = get_array(&r, (size_t)m->instance_count, sizeof(int32_t));
    a->meshes = calloc((size_t)m->mesh_count + 1, sizeof *a->meshes);
    if (!a->meshes) r.bad = 1;
    for (int i = 0; i < a->node_count && !r.bad; i++) if (a->parent[i] < -1 || a->parent[i] >= i) r.bad = 1;
    if (r.bad || !all_finite(a->rest, (size_t)a->node_count * 10) || !in_range(a->instance_node, (size_t)m->instance_count, 0, a->node_count))
        return VT_ERR_FORMAT;
    for (int i = 0; i < m->mesh_count && !r.bad; i++) get_mesh(&r, &a->meshes[i], m->meshes[i].vertex_count, a->node_count);
    a->clip_count = h[1];
    a->channel_count = h[2];
    a->key_count = h[3];
    a->value_count = h[4];
    if (!r.bad && !(a->clips = calloc((size_t)a->clip_count + 1, sizeof *a->clips))) r.bad = 1;
    get_clips(&r, a);
    a->channels = get_array(&r, (size_t)a->channel_count, sizeof *a->channels);
    a->times = get_array(&r, (size_t)a->key_count, sizeof(float));
    a->values = get_array(&r, (size_t)a->value_count, sizeof(float));
    for (int i = 0; i < a->channel_count && !r.bad; i++) if (!channel_ok(a, &a->channels[i])) r.bad = 1;
    if (r.bad || r.p != r.end || !all_finite(a->times, (size_t)a->key_count) || !all_finite(a->values, (size_t)a->value_count)) return VT_ERR_FORMAT;
    return vt_anim_scratch(a, m->mesh_count);
}
