/* app_checks.h (private to src/app) — the checks `run`, `detect`, `view` and `validate` share for
 * mistakes that would otherwise pass silently: a model in the wrong unit, a calibration made at
 * another aspect ratio. */
#ifndef VT_APP_CHECKS_H
#define VT_APP_CHECKS_H

#include "assets/vt_assets.h"
#include "catalog/vt_catalog.h"

/* The scale a product's model is drawn at (run and view alike): the product's "scale"; but when
 * the model's size makes no sense — its height more than three times off the product's
 * dimensions_mm — the scale that fits it into dimensions_mm, so the product still shows. why
 * gets what is wrong and the catalog key to set ("" when nothing is): also when, without
 * dimensions_mm, the model is larger than 5 m. p may be NULL (a bare model: scale 1). */
double app_model_scale(const vt_model *m, const vt_product *p, char *why, size_t len);

/* The intrinsics for frames of w x h from a calibration (path names it in messages): the same
 * aspect ratio at another size is scaled, said once at info level (*said); another aspect ratio
 * is VT_ERR_ARG with err saying so (a 640x480 calibration cannot describe 1280x720 frames). A
 * camera that names no size (--intrinsics) is taken as it is. */
vt_result app_camera_for_frames(const vt_camera *calib, const char *path, int w, int h, int *said, vt_camera *out,
                                char *err, size_t errlen);

#endif
