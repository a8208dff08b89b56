/* vt_gltf_check.h — internal to assets/: structural checks of glTF/GLB files. */
#ifndef VT_GLTF_CHECK_H
#define VT_GLTF_CHECK_H
#include "core/vt_core.h"
/* VT_OK when the file's container, buffers, views and accessors hold together. Otherwise err
 * holds the reason (one line, without the file name): VT_ERR_FORMAT when they are inconsistent,
 * VT_ERR_IO when the file cannot be read, VT_ERR_NO_MEMORY. */
vt_result vt_gltf_check(const char *path, char *err, size_t errlen);
#endif
