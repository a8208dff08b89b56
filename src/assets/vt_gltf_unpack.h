/* vt_gltf_unpack.h — internal to assets/: compressed and quantized glTF made plain. */
#ifndef VT_GLTF_UNPACK_H
#define VT_GLTF_UNPACK_H
#include "core/vt_core.h"

#include <stddef.h>

/* For a glTF or GLB (data, n bytes; path says where the files beside it are) that uses
 * EXT_meshopt_compression or KHR_mesh_quantization: *out (malloc'd, the caller's to free) is the
 * same model as a GLB with one plain buffer, its vertex attributes floats (joints excepted),
 * *out_n bytes; both extensions are gone from it. For any other file VT_OK with *out NULL (a
 * broken one is left to vt_gltf_check to describe). Otherwise err (one line, without the file's
 * name) says what cannot be decoded: VT_ERR_FORMAT, VT_ERR_NO_MEMORY. */
vt_result vt_gltf_unpack(const char *path, const char *data, size_t n, char **out, size_t *out_n, char *err, size_t errlen);
/* A GLB of json (its chunk padded with spaces), then a BIN chunk of bin (bin_len bytes, zero
 * padded; none when bin is NULL), then rest as it is (chunks already framed); malloc'd, *out_n
 * bytes; NULL when out of memory or past 4 GB. */
char *vt_glb_assemble(const char *json, const void *bin, size_t bin_len, const void *rest, size_t rest_len, size_t *out_n);
#endif
