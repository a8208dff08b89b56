/* vt_v4l2.c — stub until the V4L2 part lands (issue 23): no cameras, no controls. */
#include "capture_live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

vt_result vt_v4l2_query(const char *device, vt_camera_info *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    snprintf(err, errlen, "%s: cannot query (not written yet)", device);
    return VT_ERR_UNSUPPORTED;
}

void vt_v4l2_info_free(vt_camera_info *c)
{
    free(c->modes);
    free(c->controls);
    c->modes = NULL;
    c->controls = NULL;
}

void vt_v4l2_apply_controls(const char *device, const char *exposure, const char *focus, const char *white_balance, int *warned)
{
    (void)device; (void)exposure; (void)focus; (void)white_balance; (void)warned;
}

vt_result vt_cameras_list(vt_camera_info **out, int *n, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    *out = NULL;
    *n = 0;
    return VT_OK;
}

void vt_cameras_free(vt_camera_info *cams, int n)
{
    for (int i = 0; cams && i < n; i++) vt_v4l2_info_free(&cams[i]);
    free(cams);
}

int vt_camera_choose_mode(const vt_camera_mode *modes, int n, int width, int height, double fps, const char *format,
                          char *err, size_t errlen)
{
    (void)modes; (void)n; (void)width; (void)height; (void)fps; (void)format;
    snprintf(err, errlen, "no modes");
    return -1;
}

vt_result vt_camera_control_check(const char *what, const char *value, char *err, size_t errlen)
{
    if (!what || (strcmp(what, "exposure") && strcmp(what, "focus") && strcmp(what, "white_balance"))) {
        snprintf(err, errlen, "unknown camera control '%s' (exposure, focus or white_balance)", what ? what : "");
        return VT_ERR_ARG;
    }
    if (!value || !strcmp(value, "auto") || !strcmp(value, "locked")) return VT_OK;
    char *end = NULL;
    long v = (*value >= '0' && *value <= '9') ? strtol(value, &end, 10) : -1;
    if (v < 0 || v > 1000000 || !end || *end) {
        snprintf(err, errlen, "%s '%s': expected auto, locked or a whole number (0 .. 1000000)", what, value);
        return VT_ERR_ARG;
    }
    return VT_OK;
}
