/* app_camera.h — inside src/app: a live source as the commands take it (--camera SOURCE and the
 * --camera-... options of run, detect and calibrate), merged with the catalog's "camera". */
#ifndef VT_APP_CAMERA_H
#define VT_APP_CAMERA_H

#include "capture/vt_capture.h"
#include "catalog/vt_catalog.h"

/* The --camera-... options, in this order (app_camera_option's which). */
enum { APP_CAM_SIZE, APP_CAM_FPS, APP_CAM_FORMAT, APP_CAM_EXPOSURE, APP_CAM_FOCUS, APP_CAM_WB, APP_CAM_NOPTS };

/* What the command line asked of a live source; zero / NULL = not given. The strings point into
 * argv. */
typedef struct app_camera_opts {
    int width, height;
    double fps;
    char format[8];                           /* upper-cased FOURCC */
    const char *exposure, *focus, *white_balance;
    int given;                                /* bit k: option k given */
} app_camera_opts;

/* --camera SOURCE into d (kind and index / device / url / pipeline, pointing into arg): 0, or 2
 * after one line naming the option and what is wrong (cmd: "run", "detect"...). */
int app_camera_spec(const char *cmd, const char *arg, vt_source_desc *d);
/* One --camera-... option (which: APP_CAM_...), checked: 0, or 2 after one line naming it. */
int app_camera_option(const char *cmd, int which, const char *arg, app_camera_opts *c);
/* d's asked mode and controls: each from c when given there, else from cat's "camera" (cat may
 * be NULL). The strings keep pointing into c's argv and cat. */
void app_camera_apply(vt_source_desc *d, const app_camera_opts *c, const vt_catalog_camera *cat);
/* 1 for the kinds that run through GStreamer and keep only the newest frame (camera, stream,
 * pipeline). */
int app_source_kind_live(vt_source_kind k);

#endif
