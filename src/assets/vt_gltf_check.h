/* vt_gltf_check.h — internal to assets/: structural checks of glTF/GLB files. */
#ifndef VT_GLTF_CHECK_H
#define VT_GLTF_CHECK_H
#include "core/vt_core.h"

#include <cjson/cJSON.h>

/* What a glTF's materials say that assimp 5.2 does not pass on, per material in the order of the
 * file's "materials" (assimp's too): KHR_materials_iridescence (factor 0 when absent),
 * KHR_materials_emissive_strength (1 when absent) and
 * KHR_materials_specular's factor and colour (1 and 1, 1, 1 when absent) and their maps. */
#define VT_GLTF_TEX_REF 256
typedef struct vt_gltf_material_ext {
    float emissive_strength, specular, specular_colour[3];
    float iridescence[4];   /* KHR_materials_iridescence: factor (0: none), ior, thickness min and max (nm) */
    /* specularTexture (A) and specularColorTexture (RGB, sRGB), which assimp does not load: the
     * image's encoded bytes (malloc'd: a bufferView's, a data: uri's) or else its file beside the
     * model (uri); name says which image it is ("image N"). Neither when the map is absent, reads
     * uv set 1, or its image cannot be had (a warning). */
    struct vt_gltf_image { unsigned char *data; size_t n; char uri[VT_GLTF_TEX_REF], name[32]; } specular_tex[2];
} vt_gltf_material_ext;
typedef struct vt_gltf_ext {
    vt_gltf_material_ext *materials;   /* count of them, malloc'd; NULL when none */
    int count;
} vt_gltf_ext;
void vt_gltf_ext_free(vt_gltf_ext *e);

/* VT_OK when the file's container, buffers, views and accessors hold together and it keeps the
 * limits of vt_model_limits.h; *bytes (may be NULL) is then the estimate of what loading it takes
 * (the files and what the meshes declare), and *ext (may be NULL; the caller frees it with
 * vt_gltf_ext_free) what its materials add. Otherwise err holds the reason (one line, without the
 * file name): VT_ERR_FORMAT when inconsistent or past a limit, the errors of vt_model_open when
 * the file cannot be read, VT_ERR_NO_MEMORY. */
vt_result vt_gltf_check(const char *path, double *bytes, vt_gltf_ext *ext, char *err, size_t errlen);
/* The same on the file's bytes in memory (n of them; path still says where the files beside it
 * are): a model rewritten for a variant, or unpacked by vt_gltf_unpack. */
vt_result vt_gltf_check_data(const char *path, const char *data, size_t n, double *bytes, vt_gltf_ext *ext, char *err, size_t errlen);
/* The node graph of a glTF's "nodes" array (NULL: none): a forest of at most VT_MODEL_MAX_NODES
 * nodes, VT_MODEL_MAX_DEPTH deep. Iterative: its cost does not depend on the file's nesting. */
vt_result vt_gltf_check_nodes(const cJSON *nodes, char *err, size_t errlen);
/* The JSON text in a file's bytes: all of a .gltf, or a GLB's JSON chunk, its container checked;
 * for a GLB, *rest and *rest_len say where the chunks after the JSON one lie (to the GLB's
 * declared end; 0 for a .gltf). VT_ERR_FORMAT with err (no file name) when the GLB is broken. */
vt_result vt_gltf_json(const char *data, size_t n, const char **json, size_t *jlen, size_t *rest, size_t *rest_len, char *err,
                       size_t errlen);
#endif
