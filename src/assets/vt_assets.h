/* vt_assets.h — product models: glTF 2.0 (.gltf + .bin, .glb) and OBJ (+ .mtl) through assimp,
 * in metres, +Y up. A model that cannot be loaded is replaced by a placeholder box.
 *
 * assimp is reached only through its bridge (assimp/vt_assimp.h); a file that fails one of
 * assimp's internal checks is reported like any other malformed file.
 *
 * Ownership: vt_model_load / vt_model_placeholder give a model the caller frees with
 * vt_model_destroy; all arrays inside belong to it. Both may be called from any thread. */
#ifndef VT_ASSETS_H
#define VT_ASSETS_H

#include "core/vt_core.h"

/* glTF 2.0 metallic-roughness material. Texture fields index vt_model.textures, or are -1. */

/* The maps of a material, in the order of vt_material.uv (and of the renderer's samplers). */
enum { VT_MAP_BASE, VT_MAP_METAL_ROUGH, VT_MAP_NORMAL, VT_MAP_OCCLUSION, VT_MAP_EMISSIVE, VT_MATERIAL_MAPS };
/* How a map reads its mesh's uvs: which set (0: vt_mesh.uvs, 1: uvs1) and glTF's
 * KHR_texture_transform as a 2 x 3 affine matrix, uv' = (xform[0] u + xform[1] v + xform[2],
 * xform[3] u + xform[4] v + xform[5]), in vt_mesh's uv space (glTF's: v = 0 at the top row). */
typedef struct vt_uv_map { float xform[6]; int set; } vt_uv_map;
/* The identity: set 0, no transform (what a map without either reads). */
extern const vt_uv_map vt_uv_map_identity;
typedef struct vt_material {
    float base_colour[4];   /* linear RGBA factor */
    float metallic, roughness;
    int texture;            /* base colour (sRGB) */
    int tex_metal_rough;    /* roughness in G, metallic in B (linear) */
    int tex_normal;         /* tangent-space normal map (linear) */
    int tex_occlusion;      /* ambient occlusion in R (linear) */
    int tex_emissive;       /* emission (sRGB) */
    float emissive[3];      /* linear emission factor */
    float normal_scale, occlusion_strength;
    vt_uv_map uv[VT_MATERIAL_MAPS];   /* per map (VT_MAP_*): its uv set and transform */
    /* KHR_materials_clearcoat: a lacquer layer over the base (0: none), its roughness, and their
     * maps (R and G, linear, uv set 0 untransformed; -1: none); the layer's normal is the
     * surface's own (its normal map is not read). */
    float clearcoat, clearcoat_roughness;
    int tex_clearcoat, tex_clearcoat_rough;
    /* KHR_materials_sheen: the fabric's sheen colour (linear; all 0: none) and roughness, and
     * their maps (colour: sRGB RGB; roughness: A, linear; uv set 0 untransformed; -1: none). */
    float sheen_colour[3], sheen_roughness;
    int tex_sheen, tex_sheen_rough;
    /* KHR_materials_transmission (0: opaque; 1: clear glass, what lies behind seen through it,
     * tinted by the base colour), KHR_materials_ior (default 1.5) and KHR_materials_volume:
     * thickness (model units: how far light refracts inside; 0: a thin wall), its map
     * (tex_thickness, -1: none; G, linear, on uv set 0 untransformed) and the attenuation: the
     * colour white light takes after attenuation[3] model units inside (0: none; 1, 1, 1, 0).
     * tex_transmission (R, linear, uv set 0 untransformed; -1: none) scales the transmission. */
    float transmission, ior, thickness;
    int tex_thickness, tex_transmission;
    float attenuation[4];
    /* glTF's alphaMode: VT_ALPHA_OPAQUE (alpha ignored), _MASK (a fragment whose alpha is below
     * alpha_cutoff is not drawn: leaves, lace), _BLEND (drawn over what lies behind by its alpha). */
    int alpha_mode;
    float alpha_cutoff;
    /* KHR_materials_specular: the dielectric reflection's strength and colour (1 and 1, 1, 1:
     * glTF's plain 4 % white) and their maps (strength: A, linear; colour: RGB, sRGB; uv set 0
     * untransformed; -1: none). */
    float specular, specular_colour[3];
    int tex_specular, tex_specular_colour;
    /* KHR_materials_iridescence: a thin film's colours (a soap bubble, an oil sheen): factor (0:
     * none), the film's ior, its thickness in nanometres (the middle of the file's range; the
     * thickness map is not read). */
    float iridescence, iridescence_ior, iridescence_nm;
} vt_material;
enum { VT_ALPHA_OPAQUE, VT_ALPHA_MASK, VT_ALPHA_BLEND };

typedef struct vt_mesh {
    float *positions;       /* 3 per vertex */
    float *normals;         /* 3 per vertex */
    float *uvs;             /* 2 per vertex; v = 0 at the top row of the texture image */
    float *uvs1;            /* the second set (glTF's TEXCOORD_1), as uvs; NULL when the mesh has none */
    uint32_t *indices;      /* 3 per triangle */
    int vertex_count, index_count;
    int material;
} vt_mesh;

typedef struct vt_mesh_instance {
    int mesh;
    float transform[16];    /* column-major, model space, from the file's node hierarchy */
} vt_mesh_instance;

/* ---- animation (glTF node animation, skins and morph targets; vt_model_anim.c) ----
 * Loaded with the model when the file has animations, skins or morph targets; posed with
 * vt_model_pose. Nodes come parents first (parent < index; -1: a root); rest[10] is each
 * node's local transform as the file gives it (translation, rotation quaternion x y z w, scale). */
enum { VT_ANIM_T, VT_ANIM_R, VT_ANIM_S, VT_ANIM_W };   /* what a channel animates (W: morph weights) */
typedef struct vt_anim_channel {
    int32_t node, path, comps;   /* comps values a key: 3, 4, 3, or the mesh's target count */
    int32_t key0, nkeys;         /* its key times are times[key0 ..], its values values[val0 ..] */
    int32_t val0;
} vt_anim_channel;
typedef struct vt_anim_clip { char *name; float duration; int32_t ch0, nch; } vt_anim_clip;   /* duration in seconds */
/* How one mesh deforms (all NULL / 0 when it does not). */
typedef struct vt_anim_mesh {
    int32_t bone_count;
    int32_t *bone_node;          /* per bone: its node */
    float *inverse_bind;         /* 16 per bone, column-major */
    uint16_t *joints;            /* 4 per vertex: bones (of this mesh) */
    float *weights;              /* 4 per vertex, summing to 1 */
    int32_t target_count;
    float *target_pos, *target_nrm;   /* per target, 3 per vertex: what it adds at weight 1 */
    float *default_weights;      /* per target */
    int32_t node;                /* the node whose morph weights it takes (its first instance's) */
    float *rest_pos, *rest_nrm;  /* the undeformed vertices (3 per vertex); NULL: it does not deform */
    float *cur_weights;          /* scratch: the pose's weights (target_count) */
} vt_anim_mesh;
typedef struct vt_anim {
    int32_t node_count;
    int32_t *parent;
    float *rest;                 /* 10 per node */
    int32_t *instance_node;      /* per instance of the model: the node it hangs from */
    vt_anim_mesh *meshes;        /* per mesh of the model */
    vt_anim_clip *clips;
    int32_t clip_count, channel_count, key_count, value_count;
    vt_anim_channel *channels;
    float *times, *values;       /* the keys' times (seconds, rising within a channel) and values */
    float *global;               /* scratch: 16 per node, then 10 per node (the pose's local transforms) */
    int32_t posed_clip;          /* the pose the model is in (clip, time; -2: none yet) */
    double posed_t;
} vt_anim;

typedef struct vt_model {
    char *path;
    vt_mesh *meshes;
    int mesh_count;
    vt_mesh_instance *instances;
    int instance_count;
    vt_material *materials;
    int material_count;
    vt_image *textures;     /* RGBA8, owned */
    uint8_t *texture_srgb;  /* per texture: 1 when it holds colour (base, emissive), sRGB-encoded */
    char **texture_names;   /* per texture: how the file named it (to share one between slots) */
    int texture_count;
    float bounds_min[3], bounds_max[3];   /* of all instances, model space */
    float base_min[3], base_max[3];       /* the footprint: what lies in the lowest tenth of the height */
    int is_placeholder;
    char *variant_unknown;  /* loaded with a variant the file does not have (so with its default
                             * materials): the file's variants, ", "-separated ("" when none); else NULL */
    vt_anim *anim;          /* owned; NULL: nothing in the file moves */
} vt_model;

/* The clip called name (NULL: the first), or -1 when the model has none of that name. */
int vt_model_animation(const vt_model *m, const char *name);
/* Puts the model in clip's pose at t seconds (looping over the clip's duration; clip -1: the
 * rest pose): its instances' transforms, and the vertices of the meshes that deform (skins,
 * morph targets). Returns 1 when vertices changed (the renderer must take them again:
 * vt_render_model_refresh), else 0 (also when the model is in that pose already).
 * Deterministic: the same t gives the same pose. */
int vt_model_pose(vt_model *m, int clip, double t);
/* The clips' names, ", "-separated, into buf ("" when none). */
void vt_model_animations_join(const vt_model *m, char *buf, size_t len);
void vt_anim_free(vt_anim *a, int mesh_count);

/* Loads a model. On failure *out is NULL and err holds "FILE: what is wrong" (one line):
 * VT_ERR_NOT_FOUND / VT_ERR_IO / VT_ERR_FORMAT (a missing, unreadable, empty or malformed file,
 * or one past the limits of docs/reliability.md "Limits: models": nodes, depth, vertices, faces,
 * texture sides, the bytes it would take — checked before assimp or a decoder sees the file),
 * VT_ERR_ARG (the model, its .mtl, a .bin or a texture is not a regular file, or too big),
 * VT_ERR_NO_MEMORY, VT_ERR_INTERNAL (assimp failed in a way it does not document). */
vt_result vt_model_load(const char *path, vt_model **out, char *err, size_t errlen);

/* ---- glTF material variants (KHR_materials_variants; vt_model_variant.c) ----
 * A variant is a named set of materials for a glTF's primitives (a shoe in "Beige" or "Black").
 * vt_model_load_variant loads path with variant's materials: each primitive that maps the
 * variant gets that mapping's material, the others keep theirs. variant NULL or "": as
 * vt_model_load. A variant the file does not have (or a file that is not glTF) loads with the
 * default materials and m->variant_unknown set: the caller says so, with the product. */
vt_result vt_model_load_variant(const char *path, const char *variant, vt_model **out, char *err, size_t errlen);
/* The file's variant names in its order (*names: *n strings and the array, the caller frees them
 * with vt_model_variants_free). A file without variants, or an OBJ: VT_OK and none. A glTF that
 * cannot be read or parsed: the errors of vt_model_load, err "FILE: ..." (one line). */
vt_result vt_model_variants(const char *path, char ***names, int *n, char *err, size_t errlen);
void vt_model_variants_free(char **names, int n);
/* The names ", "-joined into buf (at most len bytes, cut at a name); "" when none. */
void vt_model_variants_join(char *const *names, int n, char *buf, size_t len);
/* A neutral grey box standing on the origin, size metres (x, y up, z). VT_ERR_NO_MEMORY (with a
 * reason in err) is the only failure; *out is NULL then. */
vt_result vt_model_placeholder(const float size[3], vt_model **out, char *err, size_t errlen);
void vt_model_destroy(vt_model *m);   /* safe on NULL */
int vt_model_vertex_count(const vt_model *m);
int vt_model_triangle_count(const vt_model *m);

/* ---- a model loaded in a process of its own (vt_model_isolated.c) ----
 * The vitrine executable runs again as `vitrine __load-model PATH ...` (hidden, internal), under
 * RLIMIT_CPU, RLIMIT_AS (what the load may add to the address space; not under AddressSanitizer)
 * and nice 10, with a wall-time budget after which it is killed; it hands back the checked model
 * over a pipe and the parent checks every count, size and index it reads back. A file that takes
 * too long or too much costs only the child. */
typedef struct vt_load_limits {
    double wall_s;          /* killed this long after the request (its start not counted): "FILE: took longer than N s to load" (0: 15 s) */
    double cpu_s;           /* RLIMIT_CPU (0: 15 s) */
    double memory_mb;       /* address space the load may add, and the most it may hand back (0: 2048 MB) */
    const volatile int *cancel;   /* optional: when it becomes non-zero the child is killed (a run ending) */
    int keep_priority;      /* 1: the child runs at the caller's priority (tests), else nice 10 */
} vt_load_limits;
vt_load_limits vt_load_limits_defaults(void);
/* The executable to run as the loader (`vitrine run`: "/proc/self/exe"). Never set (unit tests,
 * benches): models load in-process, without the limits. Call before any thread loads. */
void vt_model_isolated_set_exe(const char *exe);
/* A loader: one child process, started at the first load and reused for the next ones until it
 * fails, is idled or destroyed (a child that went over a limit is killed; the next load starts a
 * fresh one). One thread at a time per loader; zero limits fields are the defaults.
 * vt_model_loader_load is like vt_model_load (same ownership, same one-line "FILE: ..." errors);
 * a file over a limit gives VT_ERR_UNSUPPORTED (time, CPU) or VT_ERR_NO_MEMORY with err naming
 * the file and the limit; cancelled: VT_ERR_IO. */
typedef struct vt_model_loader vt_model_loader;
vt_result vt_model_loader_create(const vt_load_limits *limits, vt_model_loader **out, char *err, size_t errlen);
vt_result vt_model_loader_load(vt_model_loader *ld, const char *path, vt_model **out, char *err, size_t errlen);
/* The same with a material variant (as vt_model_load_variant; NULL: the default). */
vt_result vt_model_loader_load_variant(vt_model_loader *ld, const char *path, const char *variant, vt_model **out, char *err,
                                       size_t errlen);
void vt_model_loader_idle(vt_model_loader *ld);      /* ends the child until the next load (its memory back) */
void vt_model_loader_destroy(vt_model_loader *ld);   /* ends the child; safe on NULL */
/* One model in a loader of its own (create, load, destroy). */
vt_result vt_model_load_isolated(const char *path, const vt_load_limits *limits, vt_model **out, char *err, size_t errlen);
/* The child's side: `vitrine __load-model CPU_S MEMORY_MB PARENT_PID` (argv from "__load-model"):
 * reads requests on fd 0 (a path and a variant, each length-prefixed; a variant of length 0:
 * none), writes each answer to fd 3. Returns the exit status. */
int vt_model_isolated_child(int argc, char **argv);

#endif
