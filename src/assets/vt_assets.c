/* vt_assets.c — loading models with assimp's C API. */
#include "assets/vt_assets.h"
#include "vt_gltf_check.h"
#include "cv/vt_cv.h"

#include <assimp/cimport.h>
#include <assimp/material.h>
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

static void mat4_mul(const float a[16], const float b[16], float out[16])
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

static void grow_bounds(vt_model *m, const float p[3], const float t[16])
{
    float w[3];
    for (int i = 0; i < 3; i++) w[i] = t[i] * p[0] + t[4 + i] * p[1] + t[8 + i] * p[2] + t[12 + i];
    for (int i = 0; i < 3; i++) {
        if (w[i] < m->bounds_min[i]) m->bounds_min[i] = w[i];
        if (w[i] > m->bounds_max[i]) m->bounds_max[i] = w[i];
    }
}

static int add_instances(vt_model *m, const struct aiNode *n, const float parent[16], int cap)
{
    float local[16], global[16];
    const struct aiMatrix4x4 *t = &n->mTransformation;   /* row-major in assimp */
    float l[16] = { t->a1, t->b1, t->c1, t->d1, t->a2, t->b2, t->c2, t->d2,
                    t->a3, t->b3, t->c3, t->d3, t->a4, t->b4, t->c4, t->d4 };
    memcpy(local, l, sizeof l);
    mat4_mul(parent, local, global);
    for (unsigned i = 0; i < n->mNumMeshes; i++) {
        if (m->instance_count == cap) return -1;
        vt_mesh_instance *in = &m->instances[m->instance_count++];
        in->mesh = (int)n->mMeshes[i];
        memcpy(in->transform, global, sizeof global);
    }
    for (unsigned i = 0; i < n->mNumChildren; i++)
        if (add_instances(m, n->mChildren[i], global, cap) < 0) return -1;
    return 0;
}

static int count_nodes_meshes(const struct aiNode *n)
{
    int c = (int)n->mNumMeshes;
    for (unsigned i = 0; i < n->mNumChildren; i++) c += count_nodes_meshes(n->mChildren[i]);
    return c;
}

/* The embedded texture a material names: "*N" by index, or by file name (GLB images). */
static const struct aiTexture *embedded(const struct aiScene *sc, const char *name)
{
    if (name[0] == '*') {
        char *end;
        long i = strtol(name + 1, &end, 10);
        return (*end == 0 && i >= 0 && (unsigned long)i < sc->mNumTextures) ? sc->mTextures[i] : NULL;
    }
    const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
    for (unsigned i = 0; i < sc->mNumTextures; i++) {
        const char *f = sc->mTextures[i]->mFilename.data;
        const char *fb = strrchr(f, '/') ? strrchr(f, '/') + 1 : f;
        if (sc->mTextures[i]->mFilename.length && !strcmp(fb, base)) return sc->mTextures[i];
    }
    return NULL;
}

/* Loads the first texture the material has among types (in that order of preference); returns
 * its index in m->textures or -1. A texture two slots share (glTF often packs occlusion with
 * metallic-roughness) is loaded once. */
static int load_texture(vt_model *m, const struct aiScene *sc, const struct aiMaterial *mat, const char *model_path,
                        const enum aiTextureType *types, int ntypes, int srgb)
{
    struct aiString tp;
    int found = 0;
    for (int k = 0; k < ntypes && !found; k++)
        found = aiGetMaterialTexture(mat, types[k], 0, &tp, NULL, NULL, NULL, NULL, NULL, NULL) == aiReturn_SUCCESS;
    if (!found) return -1;
    for (int k = 0; k < m->texture_count; k++)
        if (m->texture_names[k] && !strcmp(m->texture_names[k], tp.data) && m->texture_srgb[k] == srgb) return k;
    vtcv_mat *img = vtcv_mat_create();
    char err[256];
    vt_result r = VT_ERR_FORMAT;
    const struct aiTexture *emb = embedded(sc, tp.data);
    if (emb) {
        if (emb->mHeight == 0) r = vtcv_decode_rgba(NULL, emb->pcData, emb->mWidth, img, err, sizeof err);
        else {
            /* Raw texels, BGRA. */
            vt_image raw = vt_image_wrap(VT_PIX_RGBA8, (int)emb->mWidth, (int)emb->mHeight, 0, emb->pcData);
            r = vtcv_mat_copy(img, &raw);
            vt_image v = vtcv_mat_view(img);
            for (int y = 0; y < v.height; y++)
                for (int x = 0; x < v.width; x++) {
                    uint8_t *px = vt_image_row(&v, y) + x * 4, b = px[0];
                    px[0] = px[2];
                    px[2] = b;
                }
        }
    } else {
        char full[4096];
        const char *slash = strrchr(model_path, '/');
        int dl = slash ? (int)(slash - model_path + 1) : 0;
        snprintf(full, sizeof full, "%.*s%s", dl, model_path, tp.data);
        r = vt_file_check(full, err, sizeof err);
        if (r == VT_OK) r = vtcv_decode_rgba(full, NULL, 0, img, err, sizeof err);
        if (r != VT_OK) VT_WARN("assets", "%s: texture %s: %s; drawn without it", model_path, tp.data, err);
    }
    int idx = -1;
    if (r == VT_OK) {
        vt_image v = vtcv_mat_view(img);
        vt_image *slot = &m->textures[m->texture_count];
        if (vt_image_alloc(slot, VT_PIX_RGBA8, v.width, v.height) == VT_OK) {
            for (int y = 0; y < v.height; y++) memcpy(vt_image_row(slot, y), vt_image_row(&v, y), (size_t)v.width * 4);
            m->texture_srgb[m->texture_count] = (uint8_t)srgb;
            m->texture_names[m->texture_count] = strdup(tp.data);
            idx = m->texture_count++;
        }
    }
    vtcv_mat_destroy(img);
    return idx;
}

/* Debian's assimp is built with its internal assertions on, and a failed one prints a line and
 * aborts the process: a malformed file would take the kiosk down. We provide the assertion
 * handler ourselves (same symbol, resolved before the library's own) and jump back to the
 * loader, which reports the file as malformed. What that import had allocated is lost (a few
 * kilobytes, once per broken file); nothing else is touched. */
static __thread sigjmp_buf *t_assimp_jump;
static __thread char t_assimp_assert[200];

void vt_assimp_assert_violation(const char *expr, const char *file, int line) __asm__("_ZN6Assimp17aiAssertViolationEPKcS1_i");
void vt_assimp_assert_violation(const char *expr, const char *file, int line)
{
    if (t_assimp_jump) {
        snprintf(t_assimp_assert, sizeof t_assimp_assert, "%s", expr ? expr : "?");
        siglongjmp(*t_assimp_jump, 1);
    }
    fprintf(stderr, "vitrine: assets: assimp assertion failed: %s (%s:%d)\n", expr, file, line);
    abort();
}

static __thread char t_assimp_log[200];

static void assimp_log(const char *msg, char *user)
{
    (void)user;
    if (t_assimp_log[0]) return;   /* the first problem is the one to report */
    const char *m = NULL;
    if (!strncmp(msg, "Error,", 6) && !strstr(msg, "failed to locate material")) m = msg + 6;   /* that one falls back to a default */
    else if (strstr(msg, "out-of-range") || strstr(msg, "dropped")) m = msg + 6;
    if (!m) return;
    while (*m == ' ' || *m == 'T' || (*m >= '0' && *m <= '9') || *m == ':') m++;   /* "T0: " */
    snprintf(t_assimp_log, sizeof t_assimp_log, "%s", m);
    for (char *c = t_assimp_log; *c; c++) if (*c == '\n' || *c == '\r') *c = 0;
}

static const struct aiScene *import_guarded(const char *path, unsigned flags, const char **assert_msg)
{
    sigjmp_buf jb;
    const struct aiScene *volatile sc = NULL;
    *assert_msg = NULL;
    if (sigsetjmp(jb, 0) == 0) {
        t_assimp_jump = &jb;
        sc = aiImportFile(path, flags);
    } else {
        *assert_msg = t_assimp_assert;
        sc = NULL;
    }
    t_assimp_jump = NULL;
    return sc;
}

vt_result vt_model_load(const char *path, vt_model **out, char *err, size_t errlen)
{
    *out = NULL;
    char why[256];
    vt_result r = vt_file_check(path, why, sizeof why);
    if (r != VT_OK) { snprintf(err, errlen, "%s: %s", path, why); return r; }
    /* glTF: our own structural pass first, as assimp trusts the lengths it reads. */
    const char *ext = vt_file_ext(path);
    if (!strcasecmp(ext, "gltf") || !strcasecmp(ext, "glb")) {
        char why2[300];
        if (vt_gltf_check(path, why2, sizeof why2)) {
            snprintf(err, errlen, "%s: malformed glTF: %s", path, why2);
            return VT_ERR_FORMAT;
        }
    }
    /* assimp's own messages: an error, or faces it had to drop, make the model unusable. */
    t_assimp_log[0] = 0;
    struct aiLogStream ls = { assimp_log, NULL };
    aiAttachLogStream(&ls);
    const char *assert_msg;
    const struct aiScene *sc = import_guarded(path, aiProcess_Triangulate | aiProcess_GenSmoothNormals |
                                                        aiProcess_ValidateDataStructure | aiProcess_SortByPType,
                                              &assert_msg);
    aiDetachLogStream(&ls);
    if (sc && t_assimp_log[0]) {
        snprintf(err, errlen, "%s: malformed model: %s", path, t_assimp_log);
        aiReleaseImport(sc);
        return VT_ERR_FORMAT;
    }
    if (!sc && assert_msg) {
        snprintf(err, errlen, "%s: malformed model: the importer's check \"%.120s\" failed", path, assert_msg);
        return VT_ERR_FORMAT;
    }
    if (!sc) {
        const char *e = aiGetErrorString();
        char one[200];
        snprintf(one, sizeof one, "%s", e && *e ? e : "unknown error");
        for (char *c = one; *c; c++) if (*c == '\n' || *c == '\r') *c = ' ';
        snprintf(err, errlen, "%s: cannot load the model: %s", path, one);
        return VT_ERR_FORMAT;
    }
    if (!sc->mRootNode || sc->mNumMeshes == 0 || (sc->mFlags & AI_SCENE_FLAGS_INCOMPLETE)) {
        snprintf(err, errlen, "%s: the file holds no mesh to draw", path);
        aiReleaseImport(sc);
        return VT_ERR_FORMAT;
    }
    vt_model *m = calloc(1, sizeof *m);
    if (!m) { aiReleaseImport(sc); return VT_ERR_NO_MEMORY; }
    m->path = strdup(path);
    m->meshes = calloc(sc->mNumMeshes, sizeof *m->meshes);
    m->materials = calloc(sc->mNumMaterials + 1, sizeof *m->materials);
    /* Up to five textures a material (base, metallic-roughness, normal, occlusion, emission). */
    size_t maxtex = (size_t)sc->mNumMaterials * 5 + 1;
    m->textures = calloc(maxtex, sizeof *m->textures);
    m->texture_srgb = calloc(maxtex, 1);
    m->texture_names = calloc(maxtex, sizeof *m->texture_names);
    int ninst = count_nodes_meshes(sc->mRootNode);
    m->instances = calloc(ninst ? (size_t)ninst : 1, sizeof *m->instances);
    if (!m->meshes || !m->materials || !m->textures || !m->texture_srgb || !m->texture_names || !m->instances) goto oom;

    for (unsigned i = 0; i < sc->mNumMaterials; i++) {
        const struct aiMaterial *mat = sc->mMaterials[i];
        vt_material *vm = &m->materials[i];
        struct aiColor4D c;
        if (aiGetMaterialColor(mat, AI_MATKEY_BASE_COLOR, &c) == aiReturn_SUCCESS ||
            aiGetMaterialColor(mat, AI_MATKEY_COLOR_DIFFUSE, &c) == aiReturn_SUCCESS) {
            vm->base_colour[0] = c.r; vm->base_colour[1] = c.g; vm->base_colour[2] = c.b; vm->base_colour[3] = c.a;
        } else {
            vm->base_colour[0] = vm->base_colour[1] = vm->base_colour[2] = vm->base_colour[3] = 1;
        }
        vm->metallic = 0;
        vm->roughness = 0.6f;
        float f;
        unsigned int one = 1;
        if (aiGetMaterialFloatArray(mat, AI_MATKEY_METALLIC_FACTOR, &f, &one) == aiReturn_SUCCESS) vm->metallic = f;
        one = 1;
        if (aiGetMaterialFloatArray(mat, AI_MATKEY_ROUGHNESS_FACTOR, &f, &one) == aiReturn_SUCCESS) vm->roughness = f;
        static const enum aiTextureType t_base[] = { aiTextureType_BASE_COLOR, aiTextureType_DIFFUSE },
                                        t_mr[] = { aiTextureType_UNKNOWN, aiTextureType_METALNESS, aiTextureType_DIFFUSE_ROUGHNESS },
                                        t_normal[] = { aiTextureType_NORMALS, aiTextureType_NORMAL_CAMERA },
                                        t_ao[] = { aiTextureType_LIGHTMAP, aiTextureType_AMBIENT_OCCLUSION },
                                        t_emit[] = { aiTextureType_EMISSIVE, aiTextureType_EMISSION_COLOR };
        vm->texture = load_texture(m, sc, mat, path, t_base, 2, 1);
        vm->tex_metal_rough = load_texture(m, sc, mat, path, t_mr, 3, 0);
        vm->tex_normal = load_texture(m, sc, mat, path, t_normal, 2, 0);
        vm->tex_occlusion = load_texture(m, sc, mat, path, t_ao, 2, 0);
        vm->tex_emissive = load_texture(m, sc, mat, path, t_emit, 2, 1);
        if (aiGetMaterialColor(mat, AI_MATKEY_COLOR_EMISSIVE, &c) == aiReturn_SUCCESS) {
            vm->emissive[0] = c.r; vm->emissive[1] = c.g; vm->emissive[2] = c.b;
        }
        vm->normal_scale = 1;
        vm->occlusion_strength = 1;
    }
    m->material_count = (int)sc->mNumMaterials;

    for (unsigned i = 0; i < sc->mNumMeshes; i++) {
        const struct aiMesh *am = sc->mMeshes[i];
        vt_mesh *vm = &m->meshes[m->mesh_count++];
        int nv = (int)am->mNumVertices;
        vm->vertex_count = nv;
        vm->material = am->mMaterialIndex < sc->mNumMaterials ? (int)am->mMaterialIndex : -1;
        vm->positions = malloc((size_t)nv * 3 * sizeof(float));
        vm->normals = malloc((size_t)nv * 3 * sizeof(float));
        vm->uvs = malloc((size_t)nv * 2 * sizeof(float));
        int ntri = 0;
        for (unsigned f = 0; f < am->mNumFaces; f++) ntri += am->mFaces[f].mNumIndices == 3;
        vm->indices = malloc((size_t)(ntri ? ntri : 1) * 3 * sizeof(uint32_t));
        if (!vm->positions || !vm->normals || !vm->uvs || !vm->indices) goto oom;
        for (int v = 0; v < nv; v++) {
            const struct aiVector3D *pv = &am->mVertices[v];
            if (!isfinite(pv->x) || !isfinite(pv->y) || !isfinite(pv->z)) {
                snprintf(err, errlen, "%s: malformed model: mesh %u has a non-finite vertex position", path, i);
                goto bad;
            }
            vm->positions[v * 3 + 0] = am->mVertices[v].x;
            vm->positions[v * 3 + 1] = am->mVertices[v].y;
            vm->positions[v * 3 + 2] = am->mVertices[v].z;
            struct aiVector3D n = am->mNormals ? am->mNormals[v] : (struct aiVector3D){ 0, 1, 0 };
            float nl = sqrtf(n.x * n.x + n.y * n.y + n.z * n.z);
            if (!isfinite(nl) || (am->mNormals && (nl < 0.5f || nl > 1.5f))) {
                snprintf(err, errlen, "%s: malformed model: mesh %u has normals that are not unit length (%g)", path, i, nl);
                goto bad;
            }
            vm->normals[v * 3 + 0] = n.x; vm->normals[v * 3 + 1] = n.y; vm->normals[v * 3 + 2] = n.z;
            /* assimp puts v = 0 at the bottom (OpenGL's habit); our textures are stored top row first. */
            vm->uvs[v * 2 + 0] = am->mTextureCoords[0] ? am->mTextureCoords[0][v].x : 0;
            vm->uvs[v * 2 + 1] = am->mTextureCoords[0] ? 1.0f - am->mTextureCoords[0][v].y : 0;
        }
        for (unsigned f = 0; f < am->mNumFaces; f++) {
            const struct aiFace *fc = &am->mFaces[f];
            if (fc->mNumIndices != 3) continue;   /* points and lines: nothing to shade */
            for (int k = 0; k < 3; k++) {
                unsigned idx = fc->mIndices[k];
                if (idx >= (unsigned)nv) {
                    snprintf(err, errlen, "%s: malformed model: mesh %u uses vertex %u of %d", path, i, idx, nv);
                    goto bad;
                }
                vm->indices[vm->index_count++] = idx;
            }
        }
    }
    float id[16] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
    if (add_instances(m, sc->mRootNode, id, ninst) < 0) goto oom;
    for (int i = 0; i < 3; i++) { m->bounds_min[i] = FLT_MAX; m->bounds_max[i] = -FLT_MAX; }
    for (int i = 0; i < m->instance_count; i++) {
        const vt_mesh *vm = &m->meshes[m->instances[i].mesh];
        for (int v = 0; v < vm->vertex_count; v++) grow_bounds(m, &vm->positions[v * 3], m->instances[i].transform);
    }
    /* The footprint (for the contact shadow): x and z extent of what stands on the ground, the
     * vertices within the lowest tenth of the height — a lamp's foot, not its shade. */
    float floor_y = m->bounds_min[1] + (m->bounds_max[1] - m->bounds_min[1]) * 0.1f;
    memcpy(m->base_min, m->bounds_max, sizeof m->base_min);
    memcpy(m->base_max, m->bounds_min, sizeof m->base_max);
    for (int i = 0; i < m->instance_count; i++) {
        const vt_mesh *vm = &m->meshes[m->instances[i].mesh];
        const float *t = m->instances[i].transform;
        for (int v = 0; v < vm->vertex_count; v++) {
            const float *p = &vm->positions[v * 3];
            float w[3];
            for (int k = 0; k < 3; k++) w[k] = t[k] * p[0] + t[4 + k] * p[1] + t[8 + k] * p[2] + t[12 + k];
            if (w[1] > floor_y) continue;
            for (int k = 0; k < 3; k++) {
                if (w[k] < m->base_min[k]) m->base_min[k] = w[k];
                if (w[k] > m->base_max[k]) m->base_max[k] = w[k];
            }
        }
    }
    aiReleaseImport(sc);
    if (m->instance_count == 0 || !(m->bounds_max[0] >= m->bounds_min[0]) || !isfinite(m->bounds_max[0] - m->bounds_min[0]) ||
        !isfinite(m->bounds_max[1] - m->bounds_min[1]) || !isfinite(m->bounds_max[2] - m->bounds_min[2])) {
        snprintf(err, errlen, "%s: the model has no drawable geometry (no mesh in the scene, or non-finite positions)", path);
        vt_model_destroy(m);
        return VT_ERR_FORMAT;
    }
    *out = m;
    return VT_OK;
oom:
    aiReleaseImport(sc);
    vt_model_destroy(m);
    snprintf(err, errlen, "%s: out of memory while loading", path);
    return VT_ERR_NO_MEMORY;
bad:
    aiReleaseImport(sc);
    vt_model_destroy(m);
    return VT_ERR_FORMAT;
}

vt_model *vt_model_placeholder(const float size[3])
{
    vt_model *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->is_placeholder = 1;
    m->meshes = calloc(1, sizeof *m->meshes);
    m->materials = calloc(1, sizeof *m->materials);
    m->instances = calloc(1, sizeof *m->instances);
    vt_mesh *me = m->meshes;
    me->positions = malloc(24 * 3 * sizeof(float));
    me->normals = malloc(24 * 3 * sizeof(float));
    me->uvs = calloc(24 * 2, sizeof(float));
    me->indices = malloc(36 * sizeof(uint32_t));
    if (!me->positions || !me->normals || !me->uvs || !me->indices || !m->materials || !m->instances) {
        vt_model_destroy(m);
        return NULL;
    }
    float hx = size[0] * 0.5f, hz = size[2] * 0.5f, h = size[1];
    /* Six faces, four corners each, outward normals. */
    static const int axis[6] = { 0, 0, 1, 1, 2, 2 };
    static const float sign[6] = { 1, -1, 1, -1, 1, -1 };
    for (int f = 0; f < 6; f++) {
        int a = axis[f], b = (a + 1) % 3, c = (a + 2) % 3;
        static const float uv[4][2] = { { -1, -1 }, { 1, -1 }, { 1, 1 }, { -1, 1 } };
        for (int k = 0; k < 4; k++) {
            float p[3];
            p[a] = sign[f];
            p[b] = uv[k][0] * sign[f];
            p[c] = uv[k][1];
            int v = f * 4 + k;
            me->positions[v * 3 + 0] = p[0] * hx;
            me->positions[v * 3 + 1] = (p[1] + 1) * 0.5f * h;
            me->positions[v * 3 + 2] = p[2] * hz;
            for (int i = 0; i < 3; i++) me->normals[v * 3 + i] = i == a ? sign[f] : 0;
        }
        uint32_t base = (uint32_t)f * 4;
        uint32_t tri[6] = { base, base + 1, base + 2, base, base + 2, base + 3 };
        memcpy(&me->indices[f * 6], tri, sizeof tri);
    }
    me->vertex_count = 24;
    me->index_count = 36;
    me->material = 0;
    m->mesh_count = 1;
    m->materials[0] = (vt_material){ { 0.55f, 0.56f, 0.58f, 1 }, 0, 0.7f, -1, -1, -1, -1, -1, { 0, 0, 0 }, 1, 1 };
    m->material_count = 1;
    float id[16] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };
    memcpy(m->instances[0].transform, id, sizeof id);
    m->instance_count = 1;
    m->bounds_min[0] = -hx; m->bounds_min[1] = 0; m->bounds_min[2] = -hz;
    m->bounds_max[0] = hx; m->bounds_max[1] = h; m->bounds_max[2] = hz;
    memcpy(m->base_min, m->bounds_min, sizeof m->base_min);
    memcpy(m->base_max, m->bounds_max, sizeof m->base_max);
    return m;
}

void vt_model_destroy(vt_model *m)
{
    if (!m) return;
    for (int i = 0; i < m->mesh_count; i++) {
        free(m->meshes[i].positions);
        free(m->meshes[i].normals);
        free(m->meshes[i].uvs);
        free(m->meshes[i].indices);
    }
    for (int i = 0; i < m->texture_count; i++) {
        vt_image_free(&m->textures[i]);
        if (m->texture_names) free(m->texture_names[i]);
    }
    free(m->texture_names);
    free(m->texture_srgb);
    free(m->meshes);
    free(m->instances);
    free(m->materials);
    free(m->textures);
    free(m->path);
    free(m);
}

int vt_model_vertex_count(const vt_model *m)
{
    int n = 0;
    for (int i = 0; m && i < m->mesh_count; i++) n += m->meshes[i].vertex_count;
    return n;
}

int vt_model_triangle_count(const vt_model *m)
{
    int n = 0;
    for (int i = 0; m && i < m->mesh_count; i++) n += m->meshes[i].index_count / 3;
    return n;
}
