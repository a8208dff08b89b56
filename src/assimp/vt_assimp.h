/* vt_assimp.h — the C face of the one C++ file that calls assimp (vt_assimp.cpp).
 *
 * Only translation lives there: each function calls assimp and catches whatever it throws, so no
 * C++ exception reaches C. What a scene must hold to be drawn, and what a log message means, is
 * decided by the C caller (assets/).
 *
 * Debian's assimp is built with its internal assertions on, and by default a failed one prints a
 * line and aborts the process. vt_assimp.cpp defines that handler (Assimp::aiAssertViolation): a
 * failed check is recorded for the import in progress on that thread and a C++ exception is
 * thrown, which unwinds through assimp's frames (running their destructors). assimp catches it
 * on the way (its import and post-processing catch everything), so vtai_import_file consults the
 * record, not only what reaches it, and reports the file as malformed. The handler is found
 * because a program's own definition of a function a shared library exports comes before the
 * library's: link this bridge into the executable (a static library is fine), not into a shared
 * library.
 *
 * assimp is built single-threaded (not thread-safe) and has one logger per process: the bridge
 * serialises every call into it, so these functions may be called from any thread. */
#ifndef VT_ASSIMP_H
#define VT_ASSIMP_H

#include "core/vt_core.h"

#include <assimp/cfileio.h> /* aiFileIO: the caller's file system */
#include <assimp/scene.h>   /* the scene's plain data, for C and C++ alike (C_STRUCT) */

#ifdef __cplusplus
extern "C" {
#endif

/* Receives each message assimp logs during an import, as assimp formats it ("Error, T0: ...\n"),
 * on the importing thread, before vtai_import_file returns. */
typedef void (*vtai_log_fn)(const char *message, void *user);

/* Imports path with the aiPostProcessSteps in flags; log (may be NULL) sees assimp's messages.
 * VT_OK: *out is the scene, owned by the caller, who frees it with vtai_scene_release.
 * Otherwise *out is NULL and err holds one line:
 *   VT_ERR_FORMAT     "cannot load the model: <assimp's reason>", or, when one of assimp's
 *                     internal checks failed, "malformed model: the importer's check \"...\" failed"
 *   VT_ERR_NO_MEMORY  "out of memory while loading"
 *   VT_ERR_INTERNAL   "assimp failed: <what it threw>" */
vt_result vtai_import_file(const char *path, unsigned flags, vtai_log_fn log, void *user, const C_STRUCT aiScene **out,
                           char *err, size_t errlen);
/* The same, with every file assimp opens (the model, .bin buffers, an OBJ's .mtl) opened through
 * io's callbacks (assimp/cfileio.h; io NULL: assimp's own). The callbacks must outlive the call. */
vt_result vtai_import_file_io(const char *path, unsigned flags, C_STRUCT aiFileIO *io, vtai_log_fn log, void *user,
                              const C_STRUCT aiScene **out, char *err, size_t errlen);
void vtai_scene_release(const C_STRUCT aiScene *scene);   /* safe on NULL */

/* Material properties, keys as assimp's AI_MATKEY_* macros give them (key, type, index).
 * VT_OK with *out set when the material has the property, VT_ERR_NOT_FOUND when not. */
vt_result vtai_material_colour(const C_STRUCT aiMaterial *mat, const char *key, unsigned type, unsigned index,
                               C_STRUCT aiColor4D *out);
vt_result vtai_material_float(const C_STRUCT aiMaterial *mat, const char *key, unsigned type, unsigned index, float *out);
/* Up to *n floats of an array property (an aiUVTransform is 5); *n gets how many were read. */
vt_result vtai_material_floats(const C_STRUCT aiMaterial *mat, const char *key, unsigned type, unsigned index, float *out,
                               unsigned *n);
vt_result vtai_material_int(const C_STRUCT aiMaterial *mat, const char *key, unsigned type, unsigned index, int *out);
vt_result vtai_material_string(const C_STRUCT aiMaterial *mat, const char *key, unsigned type, unsigned index, C_STRUCT aiString *out);
/* The path of the first texture of texture_type (an aiTextureType): a file name relative to the
 * model, or "*N" / a file name for one embedded in the scene. */
vt_result vtai_material_texture(const C_STRUCT aiMaterial *mat, unsigned texture_type, unsigned index, C_STRUCT aiString *path);

#ifdef __cplusplus
}
#endif

#endif
