/* vt_calib_check.h — inside vision/: what a calibration file must be before and after OpenCV
 * reads it (not a public header; vt_camera_load runs both). */
#ifndef VT_CALIB_CHECK_H
#define VT_CALIB_CHECK_H

#include "core/vt_core.h"
#include "cv/vt_cv.h"

/* The file's text: at most 1 MiB, no NUL, and shallow enough for OpenCV's recursive parsers
 * (counts of '[', '{' and '<', and YAML indentation depth, all bounded). */
vt_result vt_calib_text_check(const char *path, char *err, size_t errlen);
/* The values read: all finite, camera_matrix's last row 0 0 1, a focal length and centre that fit
 * the image size (when the file gives one; each side at least 16). err names the value. */
vt_result vt_calib_values_check(const vtcv_calib *k, char *err, size_t errlen);

#endif
