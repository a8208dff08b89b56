/* app_camera.c — --camera SOURCE and the --camera-... options, checked as the catalog's "camera"
 * is (src/catalog/vt_catalog_camera.c), and the two merged: the command line wins. */
#include "app_camera.h"

#include <stdio.h>
#include <string.h>

static const char *const k_names[APP_CAM_NOPTS] = { "camera-size", "camera-fps", "camera-format", "camera-exposure",
                                                    "camera-focus", "camera-white-balance" };

int app_camera_spec(const char *cmd, const char *arg, vt_source_desc *d)
{
    char err[512];
    if (vt_source_parse(arg, d, err, sizeof err) == VT_OK) return 0;
    if (!*arg) VT_ERROR(cmd, "--camera '': expected a camera index, a device, an rtsp:// or http:// address, or gst:PIPELINE");
    else VT_ERROR(cmd, "--camera %s", err);
    return 2;
}

/* exposure, focus, white balance: auto, locked or a number (vt_camera_control_check's rule). */
static int control(const char *cmd, int which, const char *arg, const char **out)
{
    static const char *const what[] = { "exposure", "focus", "white_balance" };
    char err[256];
    if (vt_camera_control_check(what[which - APP_CAM_EXPOSURE], arg, err, sizeof err) != VT_OK) {
        VT_ERROR(cmd, "--%s '%s': expected auto, locked or a whole number 0-1000000", k_names[which], arg);
        return 2;
    }
    *out = arg;
    return 0;
}

int app_camera_option(const char *cmd, int which, const char *arg, app_camera_opts *c)
{
    int st = 0;
    switch (which) {
    case APP_CAM_SIZE:
        if (vt_parse_size(arg, 16, 7680, 16, 4320, &c->width, &c->height)) {
            VT_ERROR(cmd, "--camera-size '%s': expected WxH from 16x16 to 7680x4320, e.g. 1920x1080", arg);
            st = 2;
        }
        break;
    case APP_CAM_FPS:
        if (vt_parse_double(arg, 1e-3, 480, &c->fps)) {
            VT_ERROR(cmd, "--camera-fps '%s': expected frames per second above 0, at most 480", arg);
            st = 2;
        }
        break;
    case APP_CAM_FORMAT:
        if (!vt_catalog_camera_fourcc(arg, c->format)) {
            VT_ERROR(cmd, "--camera-format '%s': expected a FOURCC of 4 letters or digits, e.g. MJPG or YUYV", arg);
            st = 2;
        }
        break;
    case APP_CAM_EXPOSURE: st = control(cmd, which, arg, &c->exposure); break;
    case APP_CAM_FOCUS: st = control(cmd, which, arg, &c->focus); break;
    case APP_CAM_WB: st = control(cmd, which, arg, &c->white_balance); break;
    default: return 2;
    }
    if (!st) c->given |= 1 << which;
    return st;
}

void app_camera_apply(vt_source_desc *d, const app_camera_opts *c, const vt_catalog_camera *cat)
{
    static const vt_catalog_camera none = { 0 };
    if (!cat) cat = &none;
    int size = c->given & (1 << APP_CAM_SIZE);
    d->width = size ? c->width : cat->width;
    d->height = size ? c->height : cat->height;
    d->fps = c->given & (1 << APP_CAM_FPS) ? c->fps : cat->fps;
    d->format = c->given & (1 << APP_CAM_FORMAT) ? c->format : cat->format[0] ? cat->format : NULL;
    d->exposure = c->exposure ? c->exposure : cat->exposure;
    d->focus = c->focus ? c->focus : cat->focus;
    d->white_balance = c->white_balance ? c->white_balance : cat->white_balance;
}

int app_source_kind_live(vt_source_kind k)
{
    return k == VT_SOURCE_CAMERA || k == VT_SOURCE_STREAM || k == VT_SOURCE_PIPELINE;
}
