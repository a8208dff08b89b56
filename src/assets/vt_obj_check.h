/* vt_obj_check.h — internal to assets/: the limits of vt_model_limits.h on an OBJ file, counted
 * in one linear pass over its lines before assimp reads it (assimp builds everything first). */
#ifndef VT_OBJ_CHECK_H
#define VT_OBJ_CHECK_H
#include "core/vt_core.h"
/* VT_OK when every mesh (what lies between o, g and usemtl lines) and polygon is within the
 * limits, and the estimate of what loading takes (*bytes, may be NULL) within the budget.
 * Otherwise err holds the reason, without the file name (VT_ERR_FORMAT, or the errors of
 * vt_model_open). Each .mtl that mtllib names is read (regular files only) and its statements
 * must follow a newmtl. vt_obj_check_text: the OBJ's bytes alone, its .mtl files not read. */
vt_result vt_obj_check(const char *path, double *bytes, char *err, size_t errlen);
vt_result vt_obj_check_text(const char *text, size_t len, double *bytes, char *err, size_t errlen);
#endif
