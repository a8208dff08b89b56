/* vt_gltf_check.h — internal to assets/: structural checks of glTF/GLB files. */
#ifndef VT_GLTF_CHECK_H
#define VT_GLTF_CHECK_H
#include "core/vt_core.h"
/* Returns 1 and a reason in err when the file's container, buffers, views or accessors are
 * inconsistent; 0 when they hold together (or the file is not readable: the loader says so). */
int vt_gltf_check(const char *path, char *err, size_t errlen);
#endif
