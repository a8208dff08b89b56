/* vt_model_anim.c — what moves in a glTF: node animation (translation, rotation, scale), skins
 * (up to four joints a vertex) and morph targets, taken from assimp's scene into vt_anim's flat
 * arrays (which cross the isolated loader's pipe as they are), and the pose at a time: keys
 * interpolated linearly (rotations by normalised lerp on the shorter arc), node transforms
 * composed parents first, meshes morphed then skinned on the CPU. assimp 5.2 hands over
 * cubic-spline keys as their values and STEP as linear: both are read as linear. */
#include "assets/vt_assets.h"
#include "vt_model_anim.h"
#include "vt_model_limits.h"

#include <assimp/scene.h>   /* (and anim.h through it: it needs ai_real from there) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vt_anim_free(vt_anim *a, int mesh_count)
{
    if (!a) return;
    for (int i = 0; a->meshes && i < mesh_count; i++) {
        vt_anim_mesh *d = &a->meshes[i];
        free(d->bone_node); free(d->inverse_bind); free(d->joints); free(d->weights);
        free(d->target_pos); free(d->target_nrm); free(d->default_weights); free(d->rest_pos); free(d->rest_nrm);
        free(d->cur_weights);
    }
    for (int i = 0; a->clips && i < a->clip_count; i++) free(a->clips[i].name);
    free(a->parent); free(a->rest); free(a->instance_node); free(a->meshes); free(a->clips);
    free(a->channels); free(a->times); free(a->values); free(a->global);
    free(a);
}

vt_result vt_anim_scratch(vt_anim *a, int mesh_count)
{
    a->posed_clip = -2;
    if (!(a->global = malloc(((size_t)a->node_count * 26 + 1) * sizeof(float)))) return VT_ERR_NO_MEMORY;
    for (int i = 0; i < mesh_count; i++) {
        vt_anim_mesh *d = &a->meshes[i];
        if (d->target_count && !(d->cur_weights = malloc((size_t)d->target_count * sizeof(float)))) return VT_ERR_NO_MEMORY;
    }
    return VT_OK;
}

/* ---- taken from assimp's scene ---- */

typedef struct build {
    vt_anim *a;
    const struct aiNode **nodes;
    int n, inst;
} build;

static int count_nodes(const struct aiNode *n)
{
    int c = 1;
    for (unsigned i = 0; i < n->mNumChildren; i++) c += count_nodes(n->mChildren[i]);
    return c;
}

/* A column-major matrix from assimp's row-major one. */
static void from_ai(const struct aiMatrix4x4 *t, float o[16])
{
    const float l[16] = { t->a1, t->b1, t->c1, t->d1, t->a2, t->b2, t->c2, t->d2,
                          t->a3, t->b3, t->c3, t->d3, t->a4, t->b4, t->c4, t->d4 };
    memcpy(o, l, sizeof l);
}

/* Translation, rotation (x y z w) and scale of an affine column-major matrix. */
static void decompose(const float m[16], float trs[10])
{
    float s[3], r[9];
    for (int c = 0; c < 3; c++) s[c] = sqrtf(m[c * 4] * m[c * 4] + m[c * 4 + 1] * m[c * 4 + 1] + m[c * 4 + 2] * m[c * 4 + 2]);
    float det = m[0] * (m[5] * m[10] - m[9] * m[6]) - m[4] * (m[1] * m[10] - m[9] * m[2]) + m[8] * (m[1] * m[6] - m[5] * m[2]);
    if (det < 0) s[0] = -s[0];
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < 3; k++) r[c * 3 + k] = s[c] != 0 ? m[c * 4 + k] / s[c] : (c == k);
    /* r[c * 3 + k]: row k of column c. */
    float tr = r[0] + r[4] + r[8], *q = trs + 3;
    if (tr > 0) {
        float w = sqrtf(tr + 1) * 2;
        q[3] = 0.25f * w; q[0] = (r[5] - r[7]) / w; q[1] = (r[6] - r[2]) / w; q[2] = (r[1] - r[3]) / w;
    } else if (r[0] > r[4] && r[0] > r[8]) {
        float w = sqrtf(1 + r[0] - r[4] - r[8]) * 2;
        q[3] = (r[5] - r[7]) / w; q[0] = 0.25f * w; q[1] = (r[3] + r[1]) / w; q[2] = (r[6] + r[2]) / w;
    } else if (r[4] > r[8]) {
        float w = sqrtf(1 + r[4] - r[0] - r[8]) * 2;
        q[3] = (r[6] - r[2]) / w; q[0] = (r[3] + r[1]) / w; q[1] = 0.25f * w; q[2] = (r[7] + r[5]) / w;
    } else {
        float w = sqrtf(1 + r[8] - r[0] - r[4]) * 2;
        q[3] = (r[1] - r[3]) / w; q[0] = (r[6] + r[2]) / w; q[1] = (r[7] + r[5]) / w; q[2] = 0.25f * w;
    }
    memcpy(trs, m + 12, 3 * sizeof(float));
    memcpy(trs + 7, s, sizeof s);
}

/* Nodes in the order add_instances walks them (depth first, a node's meshes, then its children),
 * so that instance k hangs from the node found k-th. The graph's depth was checked at import. */
static void walk(build *b, const struct aiNode *n, int parent)
{
    int idx = b->n++;
    float m[16];
    b->nodes[idx] = n;
    b->a->parent[idx] = parent;
    from_ai(&n->mTransformation, m);
    decompose(m, b->a->rest + (size_t)idx * 10);
    for (unsigned i = 0; i < n->mNumMeshes; i++) b->a->instance_node[b->inst++] = idx;
    for (unsigned i = 0; i < n->mNumChildren; i++) walk(b, n->mChildren[i], idx);
}

static int find_node(const build *b, const struct aiString *name)
{
    for (int i = 0; i < b->n; i++) if (!strcmp(b->nodes[i]->mName.data, name->data)) return i;
    return -1;
}

/* A mesh's bones: each vertex keeps its four heaviest, normalised (none: the first bone). */
static vt_result read_skin(const build *b, const struct aiMesh *am, vt_anim_mesh *d, int nv)
{
    d->bone_count = (int32_t)am->mNumBones;
    d->bone_node = malloc(am->mNumBones * sizeof *d->bone_node);
    d->inverse_bind = malloc(am->mNumBones * 16 * sizeof(float));
    d->joints = calloc((size_t)nv * 4, sizeof *d->joints);
    d->weights = calloc((size_t)nv * 4, sizeof *d->weights);
    if (!d->bone_node || !d->inverse_bind || !d->joints || !d->weights) return VT_ERR_NO_MEMORY;
    for (unsigned k = 0; k < am->mNumBones; k++) {
        const struct aiBone *bone = am->mBones[k];
        int node = find_node(b, &bone->mName);
        d->bone_node[k] = node < 0 ? 0 : node;
        from_ai(&bone->mOffsetMatrix, d->inverse_bind + k * 16);
        for (unsigned w = 0; w < bone->mNumWeights; w++) {
            unsigned v = bone->mWeights[w].mVertexId;
            float wt = bone->mWeights[w].mWeight;
            if (v >= (unsigned)nv || !(wt > 0)) continue;
            int low = 0;   /* replaces the lightest of the vertex's four */
            for (int j = 1; j < 4; j++) if (d->weights[v * 4 + j] < d->weights[v * 4 + low]) low = j;
            if (wt > d->weights[v * 4 + low]) { d->weights[v * 4 + low] = wt; d->joints[v * 4 + low] = (uint16_t)k; }
        }
    }
    for (int v = 0; v < nv; v++) {
        float s = d->weights[v * 4] + d->weights[v * 4 + 1] + d->weights[v * 4 + 2] + d->weights[v * 4 + 3];
        if (s > 0) for (int j = 0; j < 4; j++) d->weights[v * 4 + j] /= s;
        else d->weights[v * 4] = 1;
    }
    return VT_OK;
}

/* Morph targets: what each adds to the positions and normals (assimp gives them whole). */
static vt_result read_targets(const struct aiMesh *am, vt_anim_mesh *d, int nv)
{
    size_t n = (size_t)am->mNumAnimMeshes * nv * 3;
    d->target_count = (int32_t)am->mNumAnimMeshes;
    d->target_pos = calloc(n, sizeof(float));
    d->target_nrm = calloc(n, sizeof(float));
    d->default_weights = calloc(am->mNumAnimMeshes, sizeof(float));
    if (!d->target_pos || !d->target_nrm || !d->default_weights) return VT_ERR_NO_MEMORY;
    for (unsigned k = 0; k < am->mNumAnimMeshes; k++) {
        const struct aiAnimMesh *t = am->mAnimMeshes[k];
        d->default_weights[k] = isfinite(t->mWeight) ? t->mWeight : 0;
        if (t->mNumVertices != (unsigned)nv) continue;
        for (int v = 0; v < nv; v++) {
            float *p = d->target_pos + ((size_t)k * nv + v) * 3, *q = d->target_nrm + ((size_t)k * nv + v) * 3;
            if (t->mVertices) { p[0] = t->mVertices[v].x - am->mVertices[v].x; p[1] = t->mVertices[v].y - am->mVertices[v].y; p[2] = t->mVertices[v].z - am->mVertices[v].z; }
            if (t->mNormals && am->mNormals) { q[0] = t->mNormals[v].x - am->mNormals[v].x; q[1] = t->mNormals[v].y - am->mNormals[v].y; q[2] = t->mNormals[v].z - am->mNormals[v].z; }
        }
    }
    return VT_OK;
}

static vt_result read_meshes(const build *b, const struct aiScene *sc, vt_model *m)
{
    vt_anim *a = b->a;
    for (int i = 0; i < m->mesh_count && i < (int)sc->mNumMeshes; i++) {
        const struct aiMesh *am = sc->mMeshes[i];
        vt_anim_mesh *d = &a->meshes[i];
        int nv = m->meshes[i].vertex_count;
        d->node = -1;
        for (int k = 0; k < m->instance_count && d->node < 0; k++) if (m->instances[k].mesh == i) d->node = a->instance_node[k];
        if ((int)am->mNumVertices != nv || (!am->mNumBones && !am->mNumAnimMeshes)) continue;
        vt_result r = am->mNumBones ? read_skin(b, am, d, nv) : VT_OK;
        if (r == VT_OK && am->mNumAnimMeshes) r = read_targets(am, d, nv);
        d->rest_pos = malloc((size_t)nv * 3 * sizeof(float));
        d->rest_nrm = malloc((size_t)nv * 3 * sizeof(float));
        if (r != VT_OK || !d->rest_pos || !d->rest_nrm) return VT_ERR_NO_MEMORY;
        memcpy(d->rest_pos, m->meshes[i].positions, (size_t)nv * 3 * sizeof(float));
        memcpy(d->rest_nrm, m->meshes[i].normals, (size_t)nv * 3 * sizeof(float));
    }
    return VT_OK;
}

/* Room for one more channel of nkeys keys of comps values. */
static vt_anim_channel *add_channel(vt_anim *a, int node, int path, int comps, int nkeys, int *cap_ch, int *cap_k, int *cap_v)
{
    if (a->channel_count == *cap_ch) {
        void *p = realloc(a->channels, (size_t)(*cap_ch = *cap_ch * 2 + 8) * sizeof *a->channels);
        if (!p) return NULL;
        a->channels = p;
    }
    if (a->key_count + nkeys > *cap_k) {
        void *p = realloc(a->times, (size_t)(*cap_k = (a->key_count + nkeys) * 2) * sizeof(float));
        if (!p) return NULL;
        a->times = p;
    }
    if (a->value_count + nkeys * comps > *cap_v) {
        void *p = realloc(a->values, (size_t)(*cap_v = (a->value_count + nkeys * comps) * 2) * sizeof(float));
        if (!p) return NULL;
        a->values = p;
    }
    vt_anim_channel *c = &a->channels[a->channel_count++];
    *c = (vt_anim_channel){ node, path, comps, a->key_count, nkeys, a->value_count };
    a->key_count += nkeys;
    a->value_count += nkeys * comps;
    return c;
}

typedef struct caps { int ch, k, v; } caps;

static float key_time(double t, double tps) { float s = (float)(t / tps); return isfinite(s) && s > 0 ? s : 0; }

/* One node's channels of one clip (translation, rotation, scale: those with keys). */
static vt_result read_node_anim(const build *b, const struct aiNodeAnim *na, double tps, caps *cp, float *end)
{
    int node = find_node(b, &na->mNodeName);
    if (node < 0) return VT_OK;
    const unsigned counts[3] = { na->mNumPositionKeys, na->mNumRotationKeys, na->mNumScalingKeys };
    for (int path = 0; path < 3; path++) {
        int comps = path == VT_ANIM_R ? 4 : 3;
        if (!counts[path]) continue;
        if ((double)b->a->value_count + (double)counts[path] * comps > VT_MODEL_MAX_ANIM_VALUES) return VT_ERR_FORMAT;
        vt_anim_channel *c = add_channel(b->a, node, path, comps, (int)counts[path], &cp->ch, &cp->k, &cp->v);
        if (!c) return VT_ERR_NO_MEMORY;
        for (unsigned k = 0; k < counts[path]; k++) {
            float *v = b->a->values + c->val0 + (size_t)k * comps;
            double t;
            if (path == VT_ANIM_R) {
                const struct aiQuatKey *q = &na->mRotationKeys[k];
                t = q->mTime; v[0] = q->mValue.x; v[1] = q->mValue.y; v[2] = q->mValue.z; v[3] = q->mValue.w;
            } else {
                const struct aiVectorKey *q = path == VT_ANIM_T ? &na->mPositionKeys[k] : &na->mScalingKeys[k];
                t = q->mTime; v[0] = q->mValue.x; v[1] = q->mValue.y; v[2] = q->mValue.z;
            }
            b->a->times[c->key0 + k] = key_time(t, tps);
            for (int j = 0; j < comps; j++) if (!isfinite(v[j])) v[j] = 0;
        }
        if (b->a->times[c->key0 + counts[path] - 1] > *end) *end = b->a->times[c->key0 + counts[path] - 1];
    }
    return VT_OK;
}

/* One node's morph weights over a clip, as whole weight vectors of its mesh's targets. */
static vt_result read_morph_anim(const build *b, const vt_model *m, const struct aiMeshMorphAnim *ma, double tps, caps *cp, float *end)
{
    int node = find_node(b, &ma->mName), comps = 0;
    for (int i = 0; node >= 0 && i < m->mesh_count && !comps; i++) if (b->a->meshes[i].node == node) comps = b->a->meshes[i].target_count;
    if (!comps || !ma->mNumKeys) return VT_OK;
    if ((double)b->a->value_count + (double)ma->mNumKeys * comps > VT_MODEL_MAX_ANIM_VALUES) return VT_ERR_FORMAT;
    vt_anim_channel *c = add_channel(b->a, node, VT_ANIM_W, comps, (int)ma->mNumKeys, &cp->ch, &cp->k, &cp->v);
    if (!c) return VT_ERR_NO_MEMORY;
    for (unsigned k = 0; k < ma->mNumKeys; k++) {
        const struct aiMeshMorphKey *key = &ma->mKeys[k];
        float *v = b->a->values + c->val0 + (size_t)k * comps;
        memset(v, 0, (size_t)comps * sizeof(float));
        for (unsigned j = 0; j < key->mNumValuesAndWeights; j++)
            if (key->mValues[j] < (unsigned)comps && isfinite(key->mWeights[j])) v[key->mValues[j]] = (float)key->mWeights[j];
        b->a->times[c->key0 + k] = key_time(key->mTime, tps);
    }
    if (b->a->times[c->key0 + ma->mNumKeys - 1] > *end) *end = b->a->times[c->key0 + ma->mNumKeys - 1];
    return VT_OK;
}

static vt_result read_clips(const build *b, const struct aiScene *sc, const vt_model *m)
{
    vt_anim *a = b->a;
    caps cp = { 0 };
    if (!(a->clips = calloc(sc->mNumAnimations + 1, sizeof *a->clips))) return VT_ERR_NO_MEMORY;
    for (unsigned i = 0; i < sc->mNumAnimations; i++) {
        const struct aiAnimation *an = sc->mAnimations[i];
        double tps = an->mTicksPerSecond > 0 ? an->mTicksPerSecond : 25;   /* assimp's default */
        vt_anim_clip *cl = &a->clips[a->clip_count++];
        char fallback[32];
        snprintf(fallback, sizeof fallback, "animation %u", i);
        if (!(cl->name = strdup(an->mName.length ? an->mName.data : fallback))) return VT_ERR_NO_MEMORY;
        cl->ch0 = a->channel_count;
        float end = key_time(an->mDuration, tps);
        vt_result r = VT_OK;
        for (unsigned k = 0; r == VT_OK && k < an->mNumChannels; k++) r = read_node_anim(b, an->mChannels[k], tps, &cp, &end);
        for (unsigned k = 0; r == VT_OK && k < an->mNumMorphMeshChannels; k++)
            r = read_morph_anim(b, m, an->mMorphMeshChannels[k], tps, &cp, &end);
        if (r != VT_OK) return r;
        cl->nch = a->channel_count - cl->ch0;
        cl->duration = end;
    }
    return VT_OK;
}

static int moves(const struct aiScene *sc)
{
    if (sc->mNumAnimations) return 1;
    for (unsigned i = 0; i < sc->mNumMeshes; i++) if (sc->mMeshes[i]->mNumBones || sc->mMeshes[i]->mNumAnimMeshes) return 1;
    return 0;
}

vt_result vt_anim_build(const struct aiScene *sc, vt_model *m, char *err, size_t errlen)
{
    if (!moves(sc) || !sc->mRootNode) return VT_OK;
    int n = count_nodes(sc->mRootNode);
    vt_anim *a = m->anim = calloc(1, sizeof *a);
    build b = { .a = a, .nodes = malloc((size_t)n * sizeof *b.nodes) };
    vt_result r = VT_ERR_NO_MEMORY;
    if (a) {
        a->node_count = n;
        a->parent = malloc((size_t)n * sizeof *a->parent);
        a->rest = malloc((size_t)n * 10 * sizeof(float));
        a->instance_node = calloc((size_t)m->instance_count + 1, sizeof *a->instance_node);
        a->meshes = calloc((size_t)m->mesh_count + 1, sizeof *a->meshes);
    }
    if (a && b.nodes && a->parent && a->rest && a->instance_node && a->meshes) {
        walk(&b, sc->mRootNode, -1);
        r = b.inst == m->instance_count ? read_meshes(&b, sc, m) : VT_ERR_INTERNAL;
        if (r == VT_OK) r = read_clips(&b, sc, m);
        if (r == VT_OK) r = vt_anim_scratch(a, m->mesh_count);
    }
    free(b.nodes);
    if (r == VT_ERR_FORMAT) snprintf(err, errlen, _("%s: its animations hold more than %d keyframe values"), m->path, VT_MODEL_MAX_ANIM_VALUES);
    else if (r != VT_OK) snprintf(err, errlen, _("%s: out of memory while loading"), m->path);
    if (r == VT_OK) vt_model_pose(m, -1, 0);   /* skinned meshes stand as their skeleton puts them */
    return r;
}
