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

/* What the display draws of one product each frame. The model limits (src/assets) bound what a
 * file may cost to read; drawing costs more on a renderer without a GPU (llvmpipe, the 720p demo:
 * one product of 178,802 triangles takes the display from 56 to 14 frames/s, 498,002 to 6.7). Past
 * APP_WARN_TRIANGLES staff are told; past APP_MAX_TRIANGLES `run` shows the product's placeholder
 * rather than stall every visitor's frame, and `validate` says so as an error. */
#define APP_WARN_TRIANGLES 50000
#define APP_MAX_TRIANGLES 250000
/* 0: fine; 1: heavy (why says so); 2: more than run draws (why says so). */
int app_draw_cost(const vt_model *m, char *why, size_t len);

/* How many different characters of text (UTF-8, may be NULL) no installed font has (fontconfig's
 * coverage, through render); why says which, and what to install ("" when none). */
int app_text_coverage(const char *text, char *why, size_t len);

/* `vitrine validate`'s checks (cmd_validate.c) without printing: how many errors the catalog at
 * path has (its models loaded as the display would), the first one on one line into first. */
int app_catalog_errors(const char *path, char *first, size_t len);

#endif
