/* vt_source_parse.c — a source as staff write it: "2", "/dev/video2", "rtsp://cam.local/stream",
 * "http://10.0.0.7/mjpg", "gst:videotestsrc is-live=true". */
#include "capture/vt_capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int has_prefix(const char *s, const char *p) { return strncasecmp(s, p, strlen(p)) == 0; }

vt_result vt_source_parse(const char *spec, vt_source_desc *d, char *err, size_t errlen)
{
    if (!spec || !*spec) { snprintf(err, errlen, _("no source given")); return VT_ERR_ARG; }
    d->device = d->url = d->pipeline = NULL;
    if (has_prefix(spec, "gst:")) {
        const char *p = spec + 4;
        while (*p == ' ') p++;
        if (!*p) { snprintf(err, errlen, _("'%s': a GStreamer pipeline after \"gst:\" expected"), spec); return VT_ERR_ARG; }
        d->kind = VT_SOURCE_PIPELINE;
        d->pipeline = p;
        return VT_OK;
    }
    static const char *const schemes[] = { "rtsp://", "rtsps://", "rtspt://", "http://", "https://", NULL };
    for (int i = 0; schemes[i]; i++)
        if (has_prefix(spec, schemes[i])) {
            if (!spec[strlen(schemes[i])]) { snprintf(err, errlen, _("'%s': no host in the address"), spec); return VT_ERR_ARG; }
            d->kind = VT_SOURCE_STREAM;
            d->url = spec;
            return VT_OK;
        }
    if (strstr(spec, "://")) {
        snprintf(err, errlen, _("'%s': not a kind of address Vitrine opens (rtsp://, rtsps://, http://, https://, or gst:PIPELINE)"), spec);
        return VT_ERR_ARG;
    }
    if (spec[0] == '/') {
        d->kind = VT_SOURCE_CAMERA;
        d->device = spec;
        return VT_OK;
    }
    char *end;
    long n = strtol(spec, &end, 10);
    if (*end || end == spec || n < 0 || n > 255) {
        snprintf(err, errlen, _("'%s': expected a camera index 0-255, a device such as /dev/video0, an rtsp:// or http:// address, or gst:PIPELINE"), spec);
        return VT_ERR_ARG;
    }
    d->kind = VT_SOURCE_CAMERA;
    d->camera_index = (int)n;
    return VT_OK;
}
