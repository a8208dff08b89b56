/* vt_assets.c — product models from the scenes assimp imports (through its bridge,
 * assimp/vt_assimp.h), checked before anything is drawn. */
#include "assets/vt_assets.h"
#include "vt_gltf_check.h"
#include "vt_gltf_unpack.h"
#include "vt_model_anim.h"
#include "vt_model_io.h"
#include "vt_model_limits.h"
#include "vt_model_texture.h"
#include "vt_obj_check.h"
#include "assimp/vt_assimp.h"
#include "cv/vt_cv.h"

/* assimp's scene, material and flag definitions: plain C data; every call goes through the bridge. */
#include <assimp/material.h>
#include <assimp/GltfMaterial.h>   /* AI_MATKEY_GLTF_TEXTURE_SCALE, _STRENGTH */
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <float.h>
#include <math.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const float k_identity[16] = { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 };

/* w = t p, t column-major. */
static void transform_point(const float t[16], const float p[3], float w[3])
{
    for (int i = 0; i < 3; i++) w[i] = t[i] * p[0] + t[4 + i] * p[1] + t[8 + i] * p[2] + t[12 + i];
}

static void grow_box(float lo[3], float hi[3], const float w[3])
{
    for (int i = 0; i < 3; i++) {
        if (w[i] < lo[i]) lo[i] = w[i];
        if (w[i] > hi[i]) hi[i] = w[i];
    }
}

/* One instance per mesh a node draws, with the node's transform in model space; the scene's
 * node graph is a tree (assimp's validation checked it), cap instances at most. */
static vt_result add_instances(vt_model *m, const struct aiNode *n, const float parent[16], int cap)
{
    float local[16], global[16];
    const struct aiMatrix4x4 *t = &n->mTransformation;   /* row-major in assimp */
    float l[16] = { t->a1, t->b1, t->c1, t->d1, t->a2, t->b2, t->c2, t->d2,
                    t->a3, t->b3, t->c3, t->d3, t->a4, t->b4, t->c4, t->d4 };
    memcpy(local, l, sizeof l);
    vt_mat4_mul(parent, local, global);
    for (unsigned i = 0; i < n->mNumMeshes; i++) {
        if (m->instance_count == cap) return VT_ERR_INTERNAL;
        vt_mesh_instance *in = &m->instances[m->instance_count++];
        in->mesh = (int)n->mMeshes[i];
        memcpy(in->transform, global, sizeof global);
    }
    vt_result r = VT_OK;
    for (unsigned i = 0; r == VT_OK && i < n->mNumChildren; i++) r = add_instances(m, n->mChildren[i], global, cap);
    return r;
}

static int count_nodes_meshes(const struct aiNode *n)
{
    int c = (int)n->mNumMeshes;
    for (unsigned i = 0; i < n->mNumChildren; i++) c += count_nodes_meshes(n->mChildren[i]);
    return c;
}

/* Copies a decoded texture into the model's next slot; its index, or -1 when out of memory. */
static int keep_texture(vt_model *m, const vtcv_mat *img, const char *name, int srgb)
{
    vt_image v = vtcv_mat_view(img);
    vt_image *slot = &m->textures[m->texture_count];
    if (vt_image_alloc(slot, VT_PIX_RGBA8, v.width, v.height) != VT_OK) return -1;
    for (int y = 0; y < v.height; y++) memcpy(vt_image_row(slot, y), vt_image_row(&v, y), (size_t)v.width * 4);
    m->texture_srgb[m->texture_count] = (uint8_t)srgb;
    m->texture_names[m->texture_count] = strdup(name);
    return m->texture_count++;
}

const vt_uv_map vt_uv_map_identity = { { 1, 0, 0, 0, 1, 0 }, 0 };

/* A map's uv set and KHR_texture_transform. assimp 5.2 hands the transform over in its own uv
 * space (v flipped, rotation about the centre and negated); undone here into glTF's, where the
 * extension defines uv' = T(offset) R(rotation) S(scale) uv with R = (cos sin; -sin cos). */
static void read_uv_map(const struct aiMaterial *mat, enum aiTextureType type, vt_uv_map *uv)
{
    *uv = vt_uv_map_identity;
    int set = 0;
    if (vtai_material_int(mat, AI_MATKEY_UVWSRC(type, 0), &set) == VT_OK && set == 1) uv->set = 1;
    float t[5];   /* aiUVTransform: translation x, y, scaling x, y, rotation */
    unsigned n = 5;
    if (vtai_material_floats(mat, AI_MATKEY_UVTRANSFORM(type, 0), t, &n) != VT_OK || n != 5) return;
    float sx = t[2], sy = t[3], rot = -t[4], c = cosf(rot), s = sinf(rot);
    float ox = t[0] - 0.5f * sx * (1 - c + s), oy = 1 - sy + 0.5f * sy * (s + c - 1) - t[1];
    const float x[6] = { c * sx, s * sy, ox, -s * sx, c * sy, oy };
    for (int i = 0; i < 6; i++) if (!isfinite(x[i]) || fabsf(x[i]) > 1e6f) return;   /* nonsense: left as it is */
    memcpy(uv->xform, x, sizeof x);
}

/* The texture named tp (assimp's "*N" or a file beside the model; or, with data, n encoded bytes
 * of a map assimp does not load) as the model's texture of that colour space: its index (one
 * already loaded is shared), or -1. */
static int load_texture_path(vt_model *m, const struct aiScene *sc, vt_tex_ctx *tc, const char *tp, const void *data, size_t n,
                             int srgb)
{
    for (int k = 0; k < m->texture_count; k++)
        if (m->texture_names[k] && !strcmp(m->texture_names[k], tp) && m->texture_srgb[k] == srgb) return k;
    vtcv_mat *img = vtcv_mat_create();
    if (!img) return -1;
    vt_result r = tc->fatal ? tc->fatal : data ? vt_texture_decode(data, n, tp, tc, img) : vt_texture_load(sc, tp, tc, img);
    int idx = r == VT_OK ? keep_texture(m, img, tp, srgb) : -1;
    vtcv_mat_destroy(img);
    return idx;
}

/* A map assimp does not load (vt_gltf_ext's): its bytes or its file; -1 when there is none. */
static int load_ext_texture(vt_model *m, const struct aiScene *sc, vt_tex_ctx *tc, const struct vt_gltf_image *im, int srgb)
{
    if (im->uri[0]) return load_texture_path(m, sc, tc, im->uri, NULL, 0, srgb);
    return im->data ? load_texture_path(m, sc, tc, im->name, im->data, im->n, srgb) : -1;
}

/* Loads the first texture the material has among types (in that order of preference); returns
 * its index in m->textures or -1, and how the map reads its uvs into *uv. A texture two slots
 * share (glTF often packs occlusion with metallic-roughness) is loaded once. */
static int load_texture_at(vt_model *m, const struct aiScene *sc, const struct aiMaterial *mat, vt_tex_ctx *tc,
                           const enum aiTextureType *types, int ntypes, unsigned index, int srgb, vt_uv_map *uv)
{
    struct aiString tp;
    int found = 0, k = 0;
    *uv = vt_uv_map_identity;
    for (; k < ntypes && !found; k++) found = vtai_material_texture(mat, (unsigned)types[k], index, &tp) == VT_OK;
    if (!found) return -1;
    read_uv_map(mat, types[k - 1], uv);
    return load_texture_path(m, sc, tc, tp.data, NULL, 0, srgb);
}

static int load_texture(vt_model *m, const struct aiScene *sc, const struct aiMaterial *mat, vt_tex_ctx *tc,
                        const enum aiTextureType *types, int ntypes, int srgb, vt_uv_map *uv)
{
    return load_texture_at(m, sc, mat, tc, types, ntypes, 0, srgb, uv);
}

/* The factors glTF puts on maps: normalTexture.scale and occlusionTexture.strength, each taken
 * where it is finite and within reason. (KHR_materials_emissive_strength, which assimp 5.2 does not
 * pass on, comes from our own read of the file: vt_gltf_ext.) */
static void read_strengths(const struct aiMaterial *mat, vt_material *vm)
{
    float f;
    vm->normal_scale = 1;
    vm->occlusion_strength = 1;
    if (vtai_material_float(mat, AI_MATKEY_GLTF_TEXTURE_SCALE(aiTextureType_NORMALS, 0), &f) == VT_OK && isfinite(f) && fabsf(f) <= 100)
        vm->normal_scale = f;
    if (vtai_material_float(mat, AI_MATKEY_GLTF_TEXTURE_STRENGTH(aiTextureType_LIGHTMAP, 0), &f) == VT_OK && isfinite(f))
        vm->occlusion_strength = f < 0 ? 0 : f > 1 ? 1 : f;
}

static float unit(float f) { return isfinite(f) ? (f < 0 ? 0 : f > 1 ? 1 : f) : 0; }

/* The layers over the base, KHR_materials_clearcoat and KHR_materials_sheen, the base's
 * transmission (assimp 5.2 reads their factors) and its alpha mode, each kept to its range. */
static void read_layers(const struct aiMaterial *mat, vt_material *vm)
{
    float f;
    struct aiColor4D c;
    vm->clearcoat = vm->clearcoat_roughness = vm->sheen_roughness = 0;
    memset(vm->sheen_colour, 0, sizeof vm->sheen_colour);
    if (vtai_material_float(mat, AI_MATKEY_CLEARCOAT_FACTOR, &f) == VT_OK) vm->clearcoat = unit(f);
    if (vtai_material_float(mat, AI_MATKEY_CLEARCOAT_ROUGHNESS_FACTOR, &f) == VT_OK) vm->clearcoat_roughness = unit(f);
    if (vtai_material_colour(mat, AI_MATKEY_SHEEN_COLOR_FACTOR, &c) == VT_OK) {
        vm->sheen_colour[0] = unit(c.r); vm->sheen_colour[1] = unit(c.g); vm->sheen_colour[2] = unit(c.b);
    }
    if (vtai_material_float(mat, AI_MATKEY_SHEEN_ROUGHNESS_FACTOR, &f) == VT_OK) vm->sheen_roughness = unit(f);
    vm->transmission = vm->thickness = 0;
    vm->ior = 1.5f;
    vm->specular = vm->specular_colour[0] = vm->specular_colour[1] = vm->specular_colour[2] = 1;   /* vt_gltf_ext's */
    vm->tex_specular = vm->tex_specular_colour = -1;
    if (vtai_material_float(mat, AI_MATKEY_TRANSMISSION_FACTOR, &f) == VT_OK) vm->transmission = unit(f);
    if (vtai_material_float(mat, AI_MATKEY_REFRACTI, &f) == VT_OK && isfinite(f) && f >= 1 && f <= 3) vm->ior = f;
    if (vtai_material_float(mat, AI_MATKEY_VOLUME_THICKNESS_FACTOR, &f) == VT_OK && isfinite(f) && f > 0 && f < 1e6f) vm->thickness = f;
    vm->iridescence = 0;   /* from our read of the JSON (vt_gltf_ext), where the file has it */
    vm->iridescence_ior = 1.3f;
    vm->iridescence_nm = 250;
    /* KHR_materials_volume's attenuation: the colour white light takes after the distance. */
    vm->attenuation[0] = vm->attenuation[1] = vm->attenuation[2] = 1;
    vm->attenuation[3] = 0;
    if (vtai_material_float(mat, AI_MATKEY_VOLUME_ATTENUATION_DISTANCE, &f) == VT_OK && isfinite(f) && f > 0 && f < 1e6f &&
        vtai_material_colour(mat, AI_MATKEY_VOLUME_ATTENUATION_COLOR, &c) == VT_OK) {
        vm->attenuation[0] = unit(c.r); vm->attenuation[1] = unit(c.g); vm->attenuation[2] = unit(c.b);
        vm->attenuation[3] = f;
    }
    struct aiString mode;
    vm->alpha_mode = VT_ALPHA_OPAQUE;
    vm->alpha_cutoff = 0.5f;
    if (vtai_material_string(mat, AI_MATKEY_GLTF_ALPHAMODE, &mode) == VT_OK)
        vm->alpha_mode = !strcmp(mode.data, "MASK") ? VT_ALPHA_MASK : !strcmp(mode.data, "BLEND") ? VT_ALPHA_BLEND : VT_ALPHA_OPAQUE;
    if (vtai_material_float(mat, AI_MATKEY_GLTF_ALPHACUTOFF, &f) == VT_OK) vm->alpha_cutoff = unit(f);
}

/* glTF metallic-roughness from assimp's material keys; what a material lacks takes the defaults
 * (white, dielectric, roughness 0.6). */
static void read_material(vt_model *m, const struct aiScene *sc, unsigned i, vt_tex_ctx *tc)
{
    const struct aiMaterial *mat = sc->mMaterials[i];
    vt_material *vm = &m->materials[i];
    struct aiColor4D c;
    if (vtai_material_colour(mat, AI_MATKEY_BASE_COLOR, &c) == VT_OK || vtai_material_colour(mat, AI_MATKEY_COLOR_DIFFUSE, &c) == VT_OK) {
        vm->base_colour[0] = c.r; vm->base_colour[1] = c.g; vm->base_colour[2] = c.b; vm->base_colour[3] = c.a;
    } else {
        vm->base_colour[0] = vm->base_colour[1] = vm->base_colour[2] = vm->base_colour[3] = 1;
    }
    vm->metallic = 0;
    vm->roughness = 0.6f;
    float f;
    if (vtai_material_float(mat, AI_MATKEY_METALLIC_FACTOR, &f) == VT_OK) vm->metallic = f;
    if (vtai_material_float(mat, AI_MATKEY_ROUGHNESS_FACTOR, &f) == VT_OK) vm->roughness = f;
    static const enum aiTextureType t_base[] = { aiTextureType_BASE_COLOR, aiTextureType_DIFFUSE },
                                    t_mr[] = { aiTextureType_UNKNOWN, aiTextureType_METALNESS, aiTextureType_DIFFUSE_ROUGHNESS },
                                    t_normal[] = { aiTextureType_NORMALS, aiTextureType_NORMAL_CAMERA },
                                    t_ao[] = { aiTextureType_LIGHTMAP, aiTextureType_AMBIENT_OCCLUSION },
                                    t_emit[] = { aiTextureType_EMISSIVE, aiTextureType_EMISSION_COLOR };
    vm->texture = load_texture(m, sc, mat, tc, t_base, 2, 1, &vm->uv[VT_MAP_BASE]);
    vm->tex_metal_rough = load_texture(m, sc, mat, tc, t_mr, 3, 0, &vm->uv[VT_MAP_METAL_ROUGH]);
    vm->tex_normal = load_texture(m, sc, mat, tc, t_normal, 2, 0, &vm->uv[VT_MAP_NORMAL]);
    vm->tex_occlusion = load_texture(m, sc, mat, tc, t_ao, 2, 0, &vm->uv[VT_MAP_OCCLUSION]);
    vm->tex_emissive = load_texture(m, sc, mat, tc, t_emit, 2, 1, &vm->uv[VT_MAP_EMISSIVE]);
    /* KHR_materials_volume's thicknessTexture: assimp's second transmission texture. */
    static const enum aiTextureType t_trans[] = { aiTextureType_TRANSMISSION };
    vt_uv_map thick_uv;
    vm->tex_thickness = load_texture_at(m, sc, mat, tc, t_trans, 1, 1, 0, &thick_uv);
    vm->tex_transmission = load_texture_at(m, sc, mat, tc, t_trans, 1, 0, 0, &thick_uv);
    static const enum aiTextureType t_coat[] = { aiTextureType_CLEARCOAT };   /* 0: the factor's map, 1: the roughness's */
    vm->tex_clearcoat = load_texture_at(m, sc, mat, tc, t_coat, 1, 0, 0, &thick_uv);
    vm->tex_clearcoat_rough = load_texture_at(m, sc, mat, tc, t_coat, 1, 1, 0, &thick_uv);
    static const enum aiTextureType t_sheen[] = { aiTextureType_SHEEN };   /* 0: the colour's map (sRGB), 1: the roughness's */
    vm->tex_sheen = load_texture_at(m, sc, mat, tc, t_sheen, 1, 0, 1, &thick_uv);
    vm->tex_sheen_rough = load_texture_at(m, sc, mat, tc, t_sheen, 1, 1, 0, &thick_uv);
    if (vtai_material_colour(mat, AI_MATKEY_COLOR_EMISSIVE, &c) == VT_OK) {
        vm->emissive[0] = c.r; vm->emissive[1] = c.g; vm->emissive[2] = c.b;
    }
    read_strengths(mat, vm);
    read_layers(mat, vm);
}

/* Positions (finite), unit normals, UVs with v = 0 at the top row of the texture image. */
static vt_result read_vertices(vt_mesh *vm, const struct aiMesh *am, unsigned i, const char *path, char *err, size_t errlen)
{
    for (int v = 0; v < vm->vertex_count; v++) {
        const struct aiVector3D *pv = &am->mVertices[v];
        if (!isfinite(pv->x) || !isfinite(pv->y) || !isfinite(pv->z)) {
            snprintf(err, errlen, _("%s: malformed model: mesh %u has a non-finite vertex position"), path, i);
            return VT_ERR_FORMAT;
        }
        vm->positions[v * 3 + 0] = pv->x;
        vm->positions[v * 3 + 1] = pv->y;
        vm->positions[v * 3 + 2] = pv->z;
        struct aiVector3D n = am->mNormals ? am->mNormals[v] : (struct aiVector3D){ 0, 1, 0 };
        float nl = sqrtf(n.x * n.x + n.y * n.y + n.z * n.z);
        if (!isfinite(nl) || (am->mNormals && (nl < 0.5f || nl > 1.5f))) {
            snprintf(err, errlen, _("%s: malformed model: mesh %u has normals that are not unit length (%g)"), path, i, nl);
            return VT_ERR_FORMAT;
        }
        vm->normals[v * 3 + 0] = n.x; vm->normals[v * 3 + 1] = n.y; vm->normals[v * 3 + 2] = n.z;
        /* assimp puts v = 0 at the bottom (OpenGL's habit); our textures are stored top row first. */
        vm->uvs[v * 2 + 0] = am->mTextureCoords[0] ? am->mTextureCoords[0][v].x : 0;
        vm->uvs[v * 2 + 1] = am->mTextureCoords[0] ? 1.0f - am->mTextureCoords[0][v].y : 0;
        if (vm->uvs1) {
            vm->uvs1[v * 2 + 0] = am->mTextureCoords[1][v].x;
            vm->uvs1[v * 2 + 1] = 1.0f - am->mTextureCoords[1][v].y;
        }
    }
    return VT_OK;
}

/* One mesh: its vertices and its triangles (points and lines have nothing to shade). */
static vt_result read_mesh(vt_model *m, const struct aiMesh *am, unsigned i, unsigned nmat, const char *path, char *err,
                           size_t errlen)
{
    vt_mesh *vm = &m->meshes[m->mesh_count++];
    int nv = (int)am->mNumVertices;
    vm->vertex_count = nv;
    vm->material = am->mMaterialIndex < nmat ? (int)am->mMaterialIndex : -1;
    vm->positions = malloc((size_t)nv * 3 * sizeof(float));
    vm->normals = malloc((size_t)nv * 3 * sizeof(float));
    vm->uvs = malloc((size_t)nv * 2 * sizeof(float));
    if (am->mTextureCoords[1]) vm->uvs1 = malloc((size_t)nv * 2 * sizeof(float));
    int ntri = 0;
    for (unsigned f = 0; f < am->mNumFaces; f++) ntri += am->mFaces[f].mNumIndices == 3;
    vm->indices = malloc((size_t)(ntri ? ntri : 1) * 3 * sizeof(uint32_t));
    if (!vm->positions || !vm->normals || !vm->uvs || !vm->indices || (am->mTextureCoords[1] && !vm->uvs1)) return VT_ERR_NO_MEMORY;
    vt_result r = read_vertices(vm, am, i, path, err, errlen);
    for (unsigned f = 0; r == VT_OK && f < am->mNumFaces; f++) {
        const struct aiFace *fc = &am->mFaces[f];
        if (fc->mNumIndices != 3) continue;
        for (int k = 0; k < 3; k++) {
            unsigned idx = fc->mIndices[k];
            if (idx >= (unsigned)nv) {
                snprintf(err, errlen, _("%s: malformed model: mesh %u uses vertex %u of %d"), path, i, idx, nv);
                return VT_ERR_FORMAT;
            }
            vm->indices[vm->index_count++] = idx;
        }
    }
    return r;
}

/* The bounds of every instance, and the footprint (for the contact shadow): x and z extent of
 * what stands on the ground, the vertices within the lowest tenth of the height — a lamp's
 * foot, not its shade. */
static void compute_bounds(vt_model *m)
{
    float w[3];
    for (int i = 0; i < 3; i++) { m->bounds_min[i] = FLT_MAX; m->bounds_max[i] = -FLT_MAX; }
    for (int i = 0; i < m->instance_count; i++) {
        const vt_mesh *vm = &m->meshes[m->instances[i].mesh];
        for (int v = 0; v < vm->vertex_count; v++) {
            transform_point(m->instances[i].transform, &vm->positions[v * 3], w);
            grow_box(m->bounds_min, m->bounds_max, w);
        }
    }
    float floor_y = m->bounds_min[1] + (m->bounds_max[1] - m->bounds_min[1]) * 0.1f;
    memcpy(m->base_min, m->bounds_max, sizeof m->base_min);
    memcpy(m->base_max, m->bounds_min, sizeof m->base_max);
    for (int i = 0; i < m->instance_count; i++) {
        const vt_mesh *vm = &m->meshes[m->instances[i].mesh];
        for (int v = 0; v < vm->vertex_count; v++) {
            transform_point(m->instances[i].transform, &vm->positions[v * 3], w);
            if (w[1] <= floor_y) grow_box(m->base_min, m->base_max, w);
        }
    }
}

static int drawable(const vt_model *m)
{
    return m->instance_count > 0 && m->bounds_max[0] >= m->bounds_min[0] && isfinite(m->bounds_max[0] - m->bounds_min[0]) &&
           isfinite(m->bounds_max[1] - m->bounds_min[1]) && isfinite(m->bounds_max[2] - m->bounds_min[2]);
}

/* The first of assimp's messages that makes a model unusable: an error (but for a missing
 * material, which falls back to a default), or faces it had to drop. */
typedef struct first_problem {
    char msg[200];
} first_problem;

static void on_assimp_log(const char *msg, void *user)
{
    first_problem *fp = user;
    if (fp->msg[0]) return;   /* the first problem is the one to report */
    const char *m = NULL;
    if (!strncmp(msg, "Error,", 6) && !strstr(msg, "failed to locate material")) m = msg + 6;
    else if (strstr(msg, "out-of-range") || strstr(msg, "dropped")) m = msg + 6;
    if (!m) return;
    while (*m == ' ' || *m == 'T' || (*m >= '0' && *m <= '9') || *m == ':') m++;   /* "T0: " */
    snprintf(fp->msg, sizeof fp->msg, "%s", m);
    for (char *c = fp->msg; *c; c++) if (*c == '\n' || *c == '\r') *c = 0;
}

static void one_line(char *s)
{
    for (char *c = s; *c; c++) if (*c == '\n' || *c == '\r') *c = ' ';
}

/* The limits on what assimp is given, counted from the file before it reads it: for glTF and OBJ
 * what they declare (*bytes, the estimate of what loading takes); any other format is refused.
 * The scene assimp makes is checked again afterwards (check_scene). */
static int is_gltf(const char *path)
{
    const char *ext = vt_file_ext(path);
    return !strcasecmp(ext, "gltf") || !strcasecmp(ext, "glb");
}

/* mem (n bytes): the model file's bytes when they are not the file's (NULL: read the file). */
static vt_result precheck(const char *path, const char *mem, size_t n, double *bytes, vt_gltf_ext *gext, char *err, size_t errlen)
{
    char why[300];
    const char *ext = vt_file_ext(path);
    vt_result r;
    if (is_gltf(path)) {
        r = mem ? vt_gltf_check_data(path, mem, n, bytes, gext, why, sizeof why) : vt_gltf_check(path, bytes, gext, why, sizeof why);
        if (r == VT_ERR_FORMAT) { snprintf(err, errlen, _("%s: malformed glTF: %s"), path, why); return r; }
    } else if (!strcasecmp(ext, "obj")) {
        r = vt_obj_check(path, bytes, why, sizeof why);
    } else {
        /* assimp's other readers are not checked here (and some recurse as deep as the file nests). */
        int fd;
        size_t n = 0;
        if ((r = vt_model_open(path, &fd, &n, why, sizeof why)) == VT_OK) {
            close(fd);
            snprintf(why, sizeof why, _("not a model format Vitrine reads (.glb, .gltf or .obj)"));
            r = VT_ERR_FORMAT;
        }
    }
    if (r != VT_OK) snprintf(err, errlen, "%s: %s", path, why);
    return r;
}

/* What assimp made keeps the limits, whatever the format: meshes, vertices, faces, and nodes
 * counted with an explicit stack, so that the recursion over the node graph below is bounded. */
static vt_result check_scene(const struct aiScene *sc, const char *path, double *bytes, char *err, size_t errlen)
{
    if (sc->mNumMeshes > VT_MODEL_MAX_MESHES) { snprintf(err, errlen, _("%s: %u meshes (at most %d)"), path, sc->mNumMeshes, VT_MODEL_MAX_MESHES); return VT_ERR_FORMAT; }
    double est = 0;
    for (unsigned i = 0; i < sc->mNumMeshes; i++) {
        const struct aiMesh *am = sc->mMeshes[i];
        if (am->mNumVertices > VT_MODEL_MAX_MESH_VERTICES || am->mNumFaces > VT_MODEL_MAX_MESH_FACES) {
            snprintf(err, errlen, _("%s: mesh %u has %u vertices and %u faces (at most %d and %d)"), path, i, am->mNumVertices,
                     am->mNumFaces, VT_MODEL_MAX_MESH_VERTICES, VT_MODEL_MAX_MESH_FACES);
            return VT_ERR_FORMAT;
        }
        est += am->mNumVertices * VT_MODEL_BYTES_PER_VERTEX + am->mNumFaces * VT_MODEL_BYTES_PER_TRIANGLE;
    }
    if (est > *bytes) *bytes = est;
    const struct aiNode **stack = malloc(sizeof *stack * (VT_MODEL_MAX_NODES + 2));
    int *depth = malloc(sizeof *depth * (VT_MODEL_MAX_NODES + 2)), top = 0, seen = 1;
    vt_result r = stack && depth ? VT_OK : VT_ERR_NO_MEMORY;
    if (r == VT_OK) { stack[0] = sc->mRootNode; depth[0] = 1; top = 1; }
    while (r == VT_OK && top > 0) {
        const struct aiNode *n = stack[--top];
        int d = depth[top];
        if (d > VT_MODEL_MAX_DEPTH + 1) r = VT_ERR_FORMAT;
        for (unsigned i = 0; r == VT_OK && i < n->mNumChildren; i++) {
            if (++seen > VT_MODEL_MAX_NODES + 1) { r = VT_ERR_FORMAT; break; }   /* + the root assimp adds */
            stack[top] = n->mChildren[i];
            depth[top++] = d + 1;
        }
    }
    free(stack);
    free(depth);
    if (r == VT_ERR_FORMAT)
        snprintf(err, errlen, _("%s: the node graph has more than %d nodes or is deeper than %d levels"), path, VT_MODEL_MAX_NODES, VT_MODEL_MAX_DEPTH);
    if (r == VT_ERR_NO_MEMORY) snprintf(err, errlen, _("%s: out of memory while loading"), path);
    return r;
}

/* The scene in path, or why there is none ("FILE: ..."): the file and its limits, for glTF our
 * own structural pass (assimp trusts the lengths it reads), then assimp's import, reading every
 * file through vt_model_io (regular files only), and its log. */
static vt_result import_scene(const char *path, const char *mem, size_t memlen, const struct aiScene **sc, double *bytes,
                              vt_gltf_ext *ext, char *err, size_t errlen)
{
    char why[300], iname[4200];
    vt_result r = precheck(path, mem, memlen, bytes, ext, err, errlen);
    if (r != VT_OK) { one_line(err); return r; }
    first_problem fp = { { 0 } };
    vt_model_io io;
    vt_model_io_init(&io);
    /* assimp tells GLB from .gltf by the name: unpacked bytes (a GLB) go by the name plus .glb,
     * in the same folder, so that the images beside the model are still found. */
    snprintf(iname, sizeof iname, mem && memlen >= 4 && !memcmp(mem, "glTF", 4) ? "%s.glb" : "%s", path);
    if (mem) { io.mem_path = iname; io.mem = mem; io.mem_len = memlen; }
    r = vtai_import_file_io(iname, aiProcess_Triangulate | aiProcess_GenSmoothNormals | aiProcess_ValidateDataStructure | aiProcess_SortByPType,
                            &io.io, on_assimp_log, &fp, sc, why, sizeof why);
    if (io.refused[0]) {
        snprintf(err, errlen, _("%s: cannot read %s"), path, io.refused);
        r = VT_ERR_ARG;
    } else if (r != VT_OK) {
        snprintf(err, errlen, "%s: %s", path, why);
    } else if (fp.msg[0]) {
        snprintf(err, errlen, _("%s: malformed model: %s"), path, fp.msg);
        r = VT_ERR_FORMAT;
    } else if (!(*sc)->mRootNode || (*sc)->mNumMeshes == 0 || ((*sc)->mFlags & AI_SCENE_FLAGS_INCOMPLETE)) {
        snprintf(err, errlen, _("%s: the file holds no mesh to draw"), path);
        r = VT_ERR_FORMAT;
    } else {
        r = check_scene(*sc, path, bytes, err, errlen);
    }
    one_line(err);
    if (r != VT_OK) {
        vtai_scene_release(*sc);
        *sc = NULL;
    }
    return r;
}

/* An empty model sized for what the scene holds. Up to thirteen textures a material (base,
 * metallic-roughness, normal, occlusion, emission, transmission, volume thickness, clearcoat,
 * sheen and their roughness, specular and its colour). */
static vt_model *model_alloc(const struct aiScene *sc, const char *path, int instances)
{
    vt_model *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    size_t maxtex = (size_t)sc->mNumMaterials * 13 + 1;
    m->path = strdup(path);
    m->meshes = calloc(sc->mNumMeshes, sizeof *m->meshes);
    m->materials = calloc(sc->mNumMaterials + 1, sizeof *m->materials);
    m->textures = calloc(maxtex, sizeof *m->textures);
    m->texture_srgb = calloc(maxtex, 1);
    m->texture_names = calloc(maxtex, sizeof *m->texture_names);
    m->instances = calloc(instances ? (size_t)instances : 1, sizeof *m->instances);
    if (m->path && m->meshes && m->materials && m->textures && m->texture_srgb && m->texture_names && m->instances) return m;
    vt_model_destroy(m);
    return NULL;
}

static vt_result model_from_scene(const struct aiScene *sc, const char *path, double bytes, const vt_gltf_ext *ext, vt_model **out,
                                  char *err, size_t errlen)
{
    int ninst = count_nodes_meshes(sc->mRootNode);
    vt_model *m = *out = model_alloc(sc, path, ninst);
    vt_result r = m ? VT_OK : VT_ERR_NO_MEMORY;
    vt_tex_ctx tc = { .model_path = path, .bytes = bytes };
    for (unsigned i = 0; m && i < sc->mNumMaterials; i++) {
        read_material(m, sc, i, &tc);
        vt_material *vm = &m->materials[i];
        if (i >= (unsigned)ext->count) continue;   /* assimp's materials are the file's, in its order */
        const vt_gltf_material_ext *e = &ext->materials[i];
        for (int k = 0; k < 3; k++) vm->emissive[k] *= e->emissive_strength;
        vm->specular = e->specular;
        memcpy(vm->specular_colour, e->specular_colour, sizeof vm->specular_colour);
        vm->tex_specular = load_ext_texture(m, sc, &tc, &e->specular_tex[0], 0);
        vm->tex_specular_colour = load_ext_texture(m, sc, &tc, &e->specular_tex[1], 1);
        vm->iridescence = e->iridescence[0];
        vm->iridescence_ior = e->iridescence[1];
        vm->iridescence_nm = 0.5f * (e->iridescence[2] + e->iridescence[3]);
    }
    if (m) m->material_count = (int)sc->mNumMaterials;
    if (m && tc.fatal) {
        snprintf(err, errlen, "%s", tc.err);
        one_line(err);
        return tc.fatal;
    }
    for (unsigned i = 0; r == VT_OK && i < sc->mNumMeshes; i++) r = read_mesh(m, sc->mMeshes[i], i, sc->mNumMaterials, path, err, errlen);
    if (r == VT_OK && (r = add_instances(m, sc->mRootNode, k_identity, ninst)) != VT_OK)
        snprintf(err, errlen, _("%s: the node graph holds more mesh instances than counted"), path);
    if (r == VT_ERR_NO_MEMORY) snprintf(err, errlen, _("%s: out of memory while loading"), path);
    if (r == VT_OK) r = vt_anim_build(sc, m, err, errlen);
    if (r == VT_OK) compute_bounds(m);
    return r;
}

vt_result vt_model_load(const char *path, vt_model **out, char *err, size_t errlen)
{
    return vt_model_load_bytes(path, NULL, 0, out, err, errlen);
}

/* What to import for a glTF: mem, or the file read once here (the checks and assimp then take
 * these bytes, not the disk again), made plain GLB bytes when compressed or quantized. *own
 * (the caller's to free) holds them when they are not mem; NULL: import mem as given (an OBJ, or
 * a file that does not read: the checks say why). */
static vt_result model_bytes(const char *path, const char *mem, size_t n, char **own, size_t *own_n, char *err, size_t errlen)
{
    char *data = NULL, *plain = NULL, why[300];
    size_t plain_n = 0;
    *own = NULL;
    *own_n = n;
    if (!is_gltf(path)) return VT_OK;
    if (!mem && vt_model_read(path, &data, own_n, why, sizeof why) != VT_OK) return VT_OK;
    vt_result r = vt_gltf_unpack(path, mem ? mem : data, *own_n, &plain, &plain_n, why, sizeof why);
    if (plain) { free(data); *own = plain; *own_n = plain_n; }
    else if (r == VT_OK) *own = data;
    else free(data);
    if (r == VT_ERR_FORMAT) snprintf(err, errlen, _("%s: malformed glTF: %s"), path, why);
    else if (r != VT_OK) snprintf(err, errlen, "%s: %s", path, why);
    return r;
}

vt_result vt_model_load_bytes(const char *path, const char *mem, size_t n, vt_model **out, char *err, size_t errlen)
{
    *out = NULL;
    const struct aiScene *sc = NULL;
    double bytes = 0;
    vt_gltf_ext ext = { 0 };
    char *own = NULL;
    size_t own_n = 0;
    vt_result r = model_bytes(path, mem, n, &own, &own_n, err, errlen);
    if (r == VT_OK) r = import_scene(path, own ? own : mem, own ? own_n : n, &sc, &bytes, &ext, err, errlen);
    free(own);
    if (r != VT_OK) { one_line(err); vt_gltf_ext_free(&ext); return r; }
    vt_model *m = NULL;
    r = model_from_scene(sc, path, bytes, &ext, &m, err, errlen);
    vt_gltf_ext_free(&ext);
    vtai_scene_release(sc);
    if (r == VT_OK && !drawable(m)) {
        snprintf(err, errlen, _("%s: the model has no drawable geometry (no mesh in the scene, or non-finite positions)"), path);
        r = VT_ERR_FORMAT;
    }
    if (r != VT_OK) {
        one_line(err);   /* a path with a line break in it stays one line */
        vt_model_destroy(m);
        return r;
    }
    *out = m;
    return VT_OK;
}

/* Six faces, four corners each, outward normals: a box of size standing on the origin. */
static void fill_box(vt_mesh *me, const float size[3])
{
    float hx = size[0] * 0.5f, hz = size[2] * 0.5f, h = size[1];
    static const int axis[6] = { 0, 0, 1, 1, 2, 2 };
    static const float sign[6] = { 1, -1, 1, -1, 1, -1 };
    static const float uv[4][2] = { { -1, -1 }, { 1, -1 }, { 1, 1 }, { -1, 1 } };
    for (int f = 0; f < 6; f++) {
        int a = axis[f], b = (a + 1) % 3, c = (a + 2) % 3;
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
}

vt_result vt_model_placeholder(const float size[3], vt_model **out, char *err, size_t errlen)
{
    *out = NULL;
    vt_model *m = calloc(1, sizeof *m);
    vt_mesh *me = m ? (m->meshes = calloc(1, sizeof *m->meshes)) : NULL;
    if (me) {
        m->mesh_count = 1;   /* from here on vt_model_destroy frees what the mesh holds */
        me->positions = malloc(24 * 3 * sizeof(float));
        me->normals = malloc(24 * 3 * sizeof(float));
        me->uvs = calloc(24 * 2, sizeof(float));
        me->indices = malloc(36 * sizeof(uint32_t));
        m->materials = calloc(1, sizeof *m->materials);
        m->instances = calloc(1, sizeof *m->instances);
    }
    if (!me || !me->positions || !me->normals || !me->uvs || !me->indices || !m->materials || !m->instances) {
        vt_model_destroy(m);
        snprintf(err, errlen, _("out of memory for a placeholder box"));
        return VT_ERR_NO_MEMORY;
    }
    m->is_placeholder = 1;
    fill_box(me, size);
    vt_material *mat = &m->materials[0];
    *mat = (vt_material){ .base_colour = { 0.55f, 0.56f, 0.58f, 1 }, .roughness = 0.7f, .texture = -1, .tex_metal_rough = -1,
                          .tex_normal = -1, .tex_occlusion = -1, .tex_emissive = -1, .tex_thickness = -1, .tex_transmission = -1,
                          .tex_clearcoat = -1, .tex_clearcoat_rough = -1, .tex_sheen = -1, .tex_sheen_rough = -1,
                          .tex_specular = -1, .tex_specular_colour = -1, .normal_scale = 1,
                          .occlusion_strength = 1, .ior = 1.5f, .specular = 1, .specular_colour = { 1, 1, 1 },
                          .attenuation = { 1, 1, 1, 0 }, .iridescence_ior = 1.3f, .iridescence_nm = 250 };
    for (int k = 0; k < VT_MATERIAL_MAPS; k++) mat->uv[k] = vt_uv_map_identity;
    m->material_count = 1;
    memcpy(m->instances[0].transform, k_identity, sizeof k_identity);
    m->instance_count = 1;
    float hx = size[0] * 0.5f, hz = size[2] * 0.5f;
    m->bounds_min[0] = -hx; m->bounds_min[1] = 0; m->bounds_min[2] = -hz;
    m->bounds_max[0] = hx; m->bounds_max[1] = size[1]; m->bounds_max[2] = hz;
    memcpy(m->base_min, m->bounds_min, sizeof m->base_min);
    memcpy(m->base_max, m->bounds_max, sizeof m->base_max);
    *out = m;
    return VT_OK;
}

void vt_model_destroy(vt_model *m)
{
    if (!m) return;
    for (int i = 0; i < m->mesh_count; i++) {
        free(m->meshes[i].positions);
        free(m->meshes[i].normals);
        free(m->meshes[i].uvs);
        free(m->meshes[i].uvs1);
        free(m->meshes[i].indices);
    }
    for (int i = 0; i < m->texture_count; i++) {
        vt_image_free(&m->textures[i]);
        if (m->texture_names) free(m->texture_names[i]);
    }
    free(m->texture_names);
    free(m->variant_unknown);
    vt_anim_free(m->anim, m->mesh_count);
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
