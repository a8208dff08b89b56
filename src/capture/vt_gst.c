/* vt_gst.c — live sources through GStreamer: V4L2 cameras (v4l2src), RTSP and HTTP streams
 * (uridecodebin) and any pipeline a user writes. Every one ends in the same tail, converted to BGR
 * into an appsink that holds one frame and drops the older one: a read always gets the newest.
 * GStreamer is initialised the first time a live source opens, so other commands never pay for it. */
#include "capture_live.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define VT_OPEN_MS_STREAM 10000   /* a network camera: DNS, TCP, RTSP setup, the first key frame */
#define VT_OPEN_MS_LOCAL 5000     /* a camera or a pipeline on this machine */
#define VT_RTSP_LATENCY_MS 150    /* rtspsrc's jitter buffer: its default 2 s would be display lag */
#define VT_SLICE_MS 40            /* waits are cut in slices to watch the bus between them */

struct vt_live {
    GstElement *pipe, *sink, *conv;   /* conv: the tail's first element, where a stream's pad links */
    GstSample *pending;               /* the first sample, taken while opening */
    vt_source_kind kind;
    int live, sync;                   /* a live source; the appsink syncs (a non-live pipeline) */
    char name[512];
    char fail[1024];                  /* once the source failed or ended: why, for every read after */
    char mode_format[16];             /* a camera: the format of the mode asked for */
    int asked_w, asked_h;
    double asked_fps;
    char asked_format[16];
    pthread_mutex_t mu;               /* guards the negotiated figures (read by vt_live_stats) */
    int width, height;
    double fps;
    char format[16];
    atomic_long delivered;            /* buffers that reached the appsink */
    atomic_long pulled;               /* of them, taken by reads */
    atomic_long seen;                 /* delivered as counted at the last read */
};

static pthread_once_t gst_once = PTHREAD_ONCE_INIT;
static void init_gst(void) { gst_init(NULL, NULL); }

/* "rtsp://user:secret@host/x" -> "rtsp://user:***@host/x": names go to logs and the console. */
static void hide_password(const char *url, char *out, size_t len)
{
    const char *auth = strstr(url, "://");
    auth = auth ? auth + 3 : url;
    size_t hostlen = strcspn(auth, "/?#");
    const char *at = NULL;
    for (const char *p = auth; p < auth + hostlen; p++)
        if (*p == '@') at = p;
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (!colon) { snprintf(out, len, "%s", url); return; }
    snprintf(out, len, "%.*s***%s", (int)(colon + 1 - url), url, at);
}

/* The device a camera desc names: its path, or /dev/video<index>. */
static void camera_device(const vt_source_desc *d, char *out, size_t len)
{
    if (d->device && *d->device) snprintf(out, len, "%s", d->device);
    else snprintf(out, len, "/dev/video%d", d->camera_index);
}

/* What a caps structure carries, as V4L2 and staff name it: "MJPG", "H264", "YUYV", "NV12". */
static int caps_format(GstCaps *caps, char *out, size_t len)
{
    if (!caps || gst_caps_is_empty(caps) || gst_caps_is_any(caps)) return 0;
    const GstStructure *st = gst_caps_get_structure(caps, 0);
    const char *n = gst_structure_get_name(st);
    static const char *const names[][2] = { { "image/jpeg", "MJPG" },   { "video/x-h264", "H264" }, { "video/x-h265", "HEVC" },
                                            { "video/x-vp8", "VP8" },   { "video/x-vp9", "VP9" },   { "video/mpeg", "MPEG" },
                                            { "video/x-av1", "AV1" } };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(n, names[i][0])) { snprintf(out, len, "%s", names[i][1]); return 1; }
    if (!strcmp(n, "video/x-raw")) {
        const char *f = gst_structure_get_string(st, "format");
        if (!f) return 0;
        snprintf(out, len, "%s", !strcmp(f, "YUY2") ? "YUYV" : f);   /* V4L2's name for GStreamer's YUY2 */
        return 1;
    }
    const char *sub = strchr(n, '/');
    sub = sub ? sub + 1 : n;
    if (!strncmp(sub, "x-", 2)) sub += 2;
    size_t i = 0;
    for (; sub[i] && i + 1 < len; i++) out[i] = (char)(sub[i] >= 'a' && sub[i] <= 'z' ? sub[i] - 32 : sub[i]);
    out[i] = '\0';
    return i > 0;
}

static int pad_format(GstElement *e, char *out, size_t len)
{
    GstPad *pad = gst_element_get_static_pad(e, "sink");
    if (!pad) return 0;
    GstCaps *caps = gst_pad_get_current_caps(pad);
    int ok = caps_format(caps, out, len);
    if (caps) gst_caps_unref(caps);
    gst_object_unref(pad);
    return ok;
}

/* The source's own format: what its video decoder takes in, else what the tail was given. */
static void find_source_format(vt_live *l, char *out, size_t len)
{
    out[0] = '\0';
    if (l->mode_format[0]) { snprintf(out, len, "%s", l->mode_format); return; }
    GstIterator *it = gst_bin_iterate_recurse(GST_BIN(l->pipe));
    GValue v = G_VALUE_INIT;
    int found = 0;
    while (!found && gst_iterator_next(it, &v) == GST_ITERATOR_OK) {
        GstElement *e = g_value_get_object(&v);
        GstElementFactory *f = gst_element_get_factory(e);
        const char *klass = f ? gst_element_factory_get_metadata(f, GST_ELEMENT_METADATA_KLASS) : NULL;
        if (klass && strstr(klass, "Decoder") && (strstr(klass, "Video") || strstr(klass, "Image")))
            found = pad_format(e, out, len);
        g_value_reset(&v);
    }
    g_value_unset(&v);
    gst_iterator_free(it);
    if (!found) pad_format(l->conv, out, len);
}

static GstPadProbeReturn on_buffer(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    (void)pad; (void)info;
    atomic_fetch_add(&((vt_live *)data)->delivered, 1);
    return GST_PAD_PROBE_OK;
}

/* uridecodebin: its first video pad feeds the tail; audio and others stay unlinked. */
static void on_pad_added(GstElement *src, GstPad *pad, gpointer data)
{
    (void)src;
    vt_live *l = data;
    GstCaps *caps = gst_pad_get_current_caps(pad);
    if (!caps) caps = gst_pad_query_caps(pad, NULL);
    const char *n = caps && !gst_caps_is_empty(caps) ? gst_structure_get_name(gst_caps_get_structure(caps, 0)) : "";
    if (g_str_has_prefix(n, "video/")) {
        GstPad *sinkpad = gst_element_get_static_pad(l->conv, "sink");
        if (!gst_pad_is_linked(sinkpad)) gst_pad_link(pad, sinkpad);
        gst_object_unref(sinkpad);
    }
    if (caps) gst_caps_unref(caps);
}

/* RTSP: a short jitter buffer, late packets dropped (TCP after UDP is rtspsrc's own fallback). */
static void on_source_setup(GstElement *bin, GstElement *src, gpointer data)
{
    (void)bin; (void)data;
    GObjectClass *k = G_OBJECT_GET_CLASS(src);
    if (g_object_class_find_property(k, "latency")) g_object_set(src, "latency", (guint)VT_RTSP_LATENCY_MS, NULL);
    if (g_object_class_find_property(k, "drop-on-latency")) g_object_set(src, "drop-on-latency", TRUE, NULL);
}

/* An HTTP MJPEG stream: multipartdemux never says its pads are all there (a part of another type
 * could follow), so decodebin would hold the frames until its queues overrun, seconds later. */
static void on_element_added(GstBin *bin, GstBin *sub, GstElement *e, gpointer data)
{
    (void)bin; (void)sub; (void)data;
    GstElementFactory *f = gst_element_get_factory(e);
    if (f && !strcmp(GST_OBJECT_NAME(f), "multipartdemux")) g_object_set(e, "single-stream", TRUE, NULL);
}

/* videoconvert ! videoscale ! [videorate] ! BGR caps ! appsink: the same end for every source. */
static void tail_desc(const vt_source_desc *d, int scale, char *buf, size_t len)
{
    char rate[96] = "", size[96] = "";
    if (d->fps > 0) snprintf(rate, sizeof rate, "videorate drop-only=true max-rate=%d ! ", (int)ceil(d->fps));
    if (scale && d->width > 0 && d->height > 0)
        snprintf(size, sizeof size, ",width=%d,height=%d,pixel-aspect-ratio=1/1", d->width, d->height);
    snprintf(buf, len,
             "videoconvert name=vitrine_conv ! videoscale ! %svideo/x-raw,format=BGR%s ! "
             "appsink name=vitrine_sink max-buffers=1 drop=true sync=false emit-signals=false",
             rate, size);
}

/* Caps for a camera mode: "image/jpeg,width=1920,height=1080,framerate=30/1 ! jpegdec". */
static void mode_caps(const char *fourcc, int w, int h, double fps, char *buf, size_t len)
{
    char extra[96] = "";
    int n = 0;
    if (w > 0 && h > 0) n = snprintf(extra, sizeof extra, ",width=%d,height=%d", w, h);
    if (fps > 0) {
        int num, den;
        gst_util_double_to_fraction(fps, &num, &den);
        snprintf(extra + n, sizeof extra - (size_t)n, ",framerate=%d/%d", num, den);
    }
    if (!fourcc || !*fourcc) {   /* nothing known: raw or JPEG, whichever the camera gives */
        snprintf(buf, len, "capsfilter caps=\"video/x-raw%s;image/jpeg%s\" ! decodebin", extra, extra);
    } else if (!strcmp(fourcc, "MJPG") || !strcmp(fourcc, "JPEG")) {
        snprintf(buf, len, "image/jpeg%s ! jpegdec", extra);
    } else if (!strcmp(fourcc, "H264")) {
        snprintf(buf, len, "video/x-h264%s ! h264parse ! avdec_h264", extra);
    } else {
        char f[5] = "    ";
        memcpy(f, fourcc, strnlen(fourcc, 4));
        GstVideoFormat vf = gst_video_format_from_fourcc(GST_MAKE_FOURCC(f[0], f[1], f[2], f[3]));
        const char *gf = vf != GST_VIDEO_FORMAT_UNKNOWN ? gst_video_format_to_string(vf) : f;
        snprintf(buf, len, "video/x-raw,format=%s%s", gf, extra);
    }
}

/* The camera's mode: the one V4L2 says matches, else (no answer from the device) what was asked. */
static vt_result camera_head(vt_live *l, const vt_source_desc *d, const char *device, char *buf, size_t len, char *err,
                             size_t errlen)
{
    vt_camera_info ci;
    char why[512] = "";
    vt_result r = VT_OK;
    if (vt_v4l2_query(device, &ci, why, sizeof why) == VT_OK && ci.nmodes > 0) {
        int k = vt_camera_choose_mode(ci.modes, ci.nmodes, d->width, d->height, d->fps, d->format, why, sizeof why);
        if (k < 0) {
            snprintf(err, errlen, "%s: %s", l->name, why);
            r = VT_ERR_UNSUPPORTED;
        } else {
            const vt_camera_mode *m = &ci.modes[k];
            snprintf(l->mode_format, sizeof l->mode_format, "%s", m->format);
            mode_caps(m->format, m->width, m->height, m->fps, buf, len);
        }
    } else {
        if (d->format) snprintf(l->mode_format, sizeof l->mode_format, "%s", d->format);
        mode_caps(d->format, d->width, d->height, d->fps, buf, len);
    }
    vt_v4l2_info_free(&ci);
    return r;
}

/* Parses desc into l->pipe and finds the tail's elements. */
static vt_result build_from(vt_live *l, const char *desc, char *err, size_t errlen)
{
    GError *gerr = NULL;
    l->pipe = gst_parse_launch_full(desc, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &gerr);
    if (gerr || !l->pipe) {
        snprintf(err, errlen, "%s: %s", l->name, gerr ? gerr->message : _("cannot build the pipeline"));
        if (gerr) g_error_free(gerr);
        if (l->pipe) gst_object_unref(l->pipe);
        l->pipe = NULL;
        return l->kind == VT_SOURCE_PIPELINE ? VT_ERR_ARG : VT_ERR_INTERNAL;
    }
    if (!GST_IS_PIPELINE(l->pipe)) {   /* a single element is returned as itself */
        GstElement *p = gst_pipeline_new(NULL);
        gst_bin_add(GST_BIN(p), l->pipe);
        l->pipe = p;
    }
    l->sink = gst_bin_get_by_name(GST_BIN(l->pipe), "vitrine_sink");
    l->conv = gst_bin_get_by_name(GST_BIN(l->pipe), "vitrine_conv");
    if (!l->sink || !l->conv) { snprintf(err, errlen, _("%s: cannot build the pipeline"), l->name); return VT_ERR_INTERNAL; }
    GstPad *pad = gst_element_get_static_pad(l->sink, "sink");
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, l, NULL);
    gst_object_unref(pad);
    return VT_OK;
}

static vt_result build(vt_live *l, const vt_source_desc *d, char *err, size_t errlen)
{
    char tail[512], head[1024];
    size_t dlen = d->pipeline ? strlen(d->pipeline) : 0;
    char *desc = malloc(dlen + sizeof tail + sizeof head + 8);
    if (!desc) { snprintf(err, errlen, _("out of memory")); return VT_ERR_NO_MEMORY; }
    vt_result r = VT_OK;
    if (d->kind == VT_SOURCE_PIPELINE) {
        tail_desc(d, 1, tail, sizeof tail);
        sprintf(desc, "%s ! %s", d->pipeline, tail);
    } else if (d->kind == VT_SOURCE_STREAM) {
        tail_desc(d, 1, tail, sizeof tail);
        sprintf(desc, "%s", tail);   /* uridecodebin is added by hand: only its video pad is linked */
    } else {
        char device[256];
        camera_device(d, device, sizeof device);
        tail_desc(d, 0, tail, sizeof tail);
        r = camera_head(l, d, device, head, sizeof head, err, errlen);
        sprintf(desc, "v4l2src name=vitrine_v4l2 ! %s ! %s", head, tail);
    }
    if (r == VT_OK) r = build_from(l, desc, err, errlen);
    free(desc);
    if (r != VT_OK) return r;
    if (d->kind == VT_SOURCE_CAMERA) {
        char device[256];
        camera_device(d, device, sizeof device);
        GstElement *src = gst_bin_get_by_name(GST_BIN(l->pipe), "vitrine_v4l2");
        if (src) { g_object_set(src, "device", device, NULL); gst_object_unref(src); }
    } else if (d->kind == VT_SOURCE_STREAM) {
        GstElement *src = gst_element_factory_make("uridecodebin", NULL);
        if (!src) { snprintf(err, errlen, _("%s: GStreamer's uridecodebin is missing"), l->name); return VT_ERR_UNSUPPORTED; }
        g_object_set(src, "uri", d->url, NULL);
        g_signal_connect(src, "pad-added", G_CALLBACK(on_pad_added), l);
        g_signal_connect(src, "source-setup", G_CALLBACK(on_source_setup), l);
        gst_bin_add(GST_BIN(l->pipe), src);
    }
    g_signal_connect(l->pipe, "deep-element-added", G_CALLBACK(on_element_added), l);
    return VT_OK;
}

/* An ERROR or EOS on the bus: l->fail says why (kept for later reads). Other messages are
 * popped and dropped, so the bus never grows. */
static int bus_failed(vt_live *l, GstClockTime wait)
{
    if (l->fail[0]) return 1;
    GstBus *bus = gst_element_get_bus(l->pipe);
    GstMessage *m = gst_bus_timed_pop_filtered(bus, wait, GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
    gst_object_unref(bus);
    if (!m) return 0;
    if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_EOS) {
        snprintf(l->fail, sizeof l->fail, _("%s: the stream ended"), l->name);
    } else {
        GError *gerr = NULL;
        gchar *debug = NULL;
        gst_message_parse_error(m, &gerr, &debug);
        snprintf(l->fail, sizeof l->fail, "%s: %s", l->name, gerr && gerr->message ? gerr->message : _("failed"));
        for (char *p = l->fail; *p; p++)
            if (*p == '\n') *p = ' ';   /* one line */
        if (gerr) g_error_free(gerr);
        g_free(debug);
    }
    gst_message_unref(m);
    return 1;
}

/* The newest sample, waiting up to timeout_ms in slices with the bus watched between them. NULL
 * with l->fail set when the source failed, NULL alone when nothing came in time. */
static GstSample *pull(vt_live *l, int timeout_ms)
{
    uint64_t end = vt_now_ns() + (uint64_t)timeout_ms * 1000000ull;
    GstAppSink *sink = GST_APP_SINK(l->sink);
    for (;;) {
        GstSample *s = gst_app_sink_try_pull_sample(sink, 0);
        if (s) return s;
        if (bus_failed(l, 0)) return NULL;
        uint64_t now = vt_now_ns();
        if (now >= end) return NULL;
        uint64_t slice = end - now < VT_SLICE_MS * GST_MSECOND ? end - now : VT_SLICE_MS * GST_MSECOND;
        if ((s = gst_app_sink_try_pull_sample(sink, slice))) return s;
        /* An appsink at EOS or not started returns at once: the bus wait paces the loop. */
        if (bus_failed(l, 5 * GST_MSECOND)) {
            return gst_app_sink_try_pull_sample(sink, 0);   /* a last frame before the end */
        }
    }
}

/* Non-live pipelines (a file, videotestsrc without is-live) preroll in PAUSED; the appsink then
 * syncs to the clock so they play in real time, as a camera would. */
static vt_result start_paused(vt_live *l, int bound_ms, char *err, size_t errlen)
{
    GstStateChangeReturn sr = gst_element_set_state(l->pipe, GST_STATE_PAUSED);
    uint64_t end = vt_now_ns() + (uint64_t)bound_ms * 1000000ull;
    while (sr == GST_STATE_CHANGE_ASYNC && vt_now_ns() < end && !bus_failed(l, 0))
        sr = gst_element_get_state(l->pipe, NULL, NULL, VT_SLICE_MS * GST_MSECOND);
    if (bus_failed(l, 0) || sr == GST_STATE_CHANGE_FAILURE) {
        if (!l->fail[0]) snprintf(l->fail, sizeof l->fail, _("%s: cannot start"), l->name);
        snprintf(err, errlen, "%s", l->fail);
        return VT_ERR_IO;
    }
    if (sr == GST_STATE_CHANGE_ASYNC) {
        snprintf(err, errlen, _("%s: did not start within %d s"), l->name, bound_ms / 1000);
        return VT_ERR_IO;
    }
    l->live = sr == GST_STATE_CHANGE_NO_PREROLL;
    if (!l->live) {
        l->sync = 1;
        g_object_set(l->sink, "sync", TRUE, NULL);
    }
    return VT_OK;
}

static vt_result start(vt_live *l, int bound_ms, char *err, size_t errlen)
{
    if (l->kind == VT_SOURCE_PIPELINE) {
        vt_result r = start_paused(l, bound_ms, err, errlen);
        if (r != VT_OK) return r;
    } else {
        l->live = l->kind == VT_SOURCE_CAMERA;   /* a stream: paced by its server, no sync */
    }
    if (gst_element_set_state(l->pipe, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE && !bus_failed(l, 0))
        snprintf(l->fail, sizeof l->fail, _("%s: cannot start"), l->name);
    l->pending = pull(l, bound_ms);
    if (l->pending) return VT_OK;
    if (l->fail[0]) snprintf(err, errlen, "%s", l->fail);
    else snprintf(err, errlen, _("%s: no picture within %d s"), l->name, bound_ms / 1000);
    return VT_ERR_IO;
}

vt_result vt_live_open(const vt_source_desc *d, vt_live **out, char *name, size_t namelen, char *err, size_t errlen)
{
    *out = NULL;
    if (err && errlen) err[0] = '\0';
    vt_live *l = calloc(1, sizeof *l);
    if (!l) { snprintf(err, errlen, _("out of memory")); return VT_ERR_NO_MEMORY; }
    pthread_mutex_init(&l->mu, NULL);
    l->kind = d->kind;
    l->asked_w = d->width;
    l->asked_h = d->height;
    l->asked_fps = d->fps;
    snprintf(l->asked_format, sizeof l->asked_format, "%s", d->format && d->kind == VT_SOURCE_CAMERA ? d->format : "");
    char device[256] = "";
    vt_result r = VT_OK;
    if (d->kind == VT_SOURCE_CAMERA) {
        camera_device(d, device, sizeof device);
        snprintf(l->name, sizeof l->name, "camera %s", device);   /* a name in JSON output too: not translated */
    } else if (d->kind == VT_SOURCE_STREAM && d->url && *d->url) {
        hide_password(d->url, l->name, sizeof l->name);
    } else if (d->kind == VT_SOURCE_PIPELINE && d->pipeline && *d->pipeline) {
        snprintf(l->name, sizeof l->name, "gst: %s", d->pipeline);
    } else {
        snprintf(err, errlen, _("no camera, stream or pipeline given"));
        r = VT_ERR_ARG;
    }
    if (name && namelen) snprintf(name, namelen, "%s", l->name);
    struct stat st;
    if (r == VT_OK && d->kind == VT_SOURCE_CAMERA && stat(device, &st) != 0) {   /* before GStreamer starts */
        int e = errno;
        if (e == ENOENT) snprintf(err, errlen, _("%s: no such device"), l->name);
        else snprintf(err, errlen, "%s: %s", l->name, strerror(e));
        r = e == ENOENT ? VT_ERR_NOT_FOUND : VT_ERR_IO;
    }
    if (r == VT_OK) {
        pthread_once(&gst_once, init_gst);
        r = build(l, d, err, errlen);
    }
    if (r == VT_OK) r = start(l, d->kind == VT_SOURCE_STREAM ? VT_OPEN_MS_STREAM : VT_OPEN_MS_LOCAL, err, errlen);
    if (r != VT_OK) { vt_live_close(l); return r; }
    find_source_format(l, l->format, sizeof l->format);
    *out = l;
    return VT_OK;
}

/* Copies the sample's BGR pixels (rows at GStreamer's stride) into bgr; notes the negotiated caps. */
static vt_result copy_sample(vt_live *l, GstSample *s, vtcv_mat *bgr, char *err, size_t errlen)
{
    GstCaps *caps = gst_sample_get_caps(s);
    GstVideoInfo info;
    GstVideoFrame vf;
    if (!caps || !gst_video_info_from_caps(&info, caps) || GST_VIDEO_INFO_FORMAT(&info) != GST_VIDEO_FORMAT_BGR) {
        snprintf(err, errlen, _("%s: a frame in an unexpected format"), l->name);
        return VT_ERR_FORMAT;
    }
    if (!gst_video_frame_map(&vf, &info, gst_sample_get_buffer(s), GST_MAP_READ)) {
        snprintf(err, errlen, _("%s: cannot read the frame"), l->name);
        return VT_ERR_IO;
    }
    int w = GST_VIDEO_INFO_WIDTH(&info), h = GST_VIDEO_INFO_HEIGHT(&info);
    vt_result r = vtcv_mat_alloc(bgr, VT_PIX_BGR8, w, h);
    if (r == VT_OK) {
        vt_image im = vtcv_mat_view(bgr);
        const uint8_t *src = GST_VIDEO_FRAME_PLANE_DATA(&vf, 0);
        int stride = GST_VIDEO_FRAME_PLANE_STRIDE(&vf, 0);
        for (int y = 0; y < h; y++) memcpy(im.data + (size_t)y * (size_t)im.stride, src + (size_t)y * (size_t)stride, (size_t)w * 3);
    } else {
        snprintf(err, errlen, _("out of memory"));
    }
    gst_video_frame_unmap(&vf);
    pthread_mutex_lock(&l->mu);
    l->width = w;
    l->height = h;
    l->fps = info.fps_d > 0 && info.fps_n > 0 ? (double)info.fps_n / info.fps_d : 0;
    pthread_mutex_unlock(&l->mu);
    return r;
}

/* The buffer's PTS as a time on the pipeline clock (running time + base time), carried over to
 * vt_now_ns by its age on that clock (GStreamer's system clock is CLOCK_MONOTONIC, as vt_now_ns, but
 * a pipeline may run on another). No PTS, or one that is not a capture time: now. */
static uint64_t capture_time(vt_live *l, GstSample *s)
{
    uint64_t now = vt_now_ns();
    GstBuffer *b = gst_sample_get_buffer(s);
    const GstSegment *seg = gst_sample_get_segment(s);
    if ((!l->live && !l->sync) || !b || !seg || !GST_BUFFER_PTS_IS_VALID(b)) return now;
    GstClock *clock = gst_element_get_clock(l->pipe);
    if (!clock) return now;
    GstClockTime cnow = gst_clock_get_time(clock);
    gst_object_unref(clock);
    guint64 rt = gst_segment_to_running_time(seg, GST_FORMAT_TIME, GST_BUFFER_PTS(b));
    if (rt == GST_CLOCK_TIME_NONE) return now;
    GstClockTime t = rt + gst_element_get_base_time(l->pipe);
    if (t > cnow) return now;   /* ahead of the clock: not when it was captured */
    uint64_t age = cnow - t;
    return age < now ? now - age : now;
}

vt_result vt_live_read(vt_live *l, vtcv_mat *bgr, uint64_t *t_capture, int timeout_ms, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    GstSample *s = l->pending;
    l->pending = NULL;
    if (!s) s = pull(l, timeout_ms);
    if (!s) {
        if (!l->fail[0]) { snprintf(err, errlen, _("%s: no frame for %d ms"), l->name, timeout_ms); return VT_END; }
        snprintf(err, errlen, "%s", l->fail);
        return VT_ERR_IO;
    }
    atomic_fetch_add(&l->pulled, 1);
    atomic_store(&l->seen, atomic_load(&l->delivered));
    vt_result r = copy_sample(l, s, bgr, err, errlen);
    if (t_capture) *t_capture = capture_time(l, s);
    gst_sample_unref(s);
    return r;
}

vt_source_stats vt_live_stats(const vt_live *l)
{
    vt_source_stats st = { 0 };
    if (!l) return st;
    vt_live *m = (vt_live *)l;   /* the mutex only */
    pthread_mutex_lock(&m->mu);
    st.width = l->width;
    st.height = l->height;
    st.fps = l->fps;
    snprintf(st.format, sizeof st.format, "%s", l->format);
    pthread_mutex_unlock(&m->mu);
    st.delivered = atomic_load(&m->delivered);
    long seen = atomic_load(&m->seen), pulled = atomic_load(&m->pulled);
    st.dropped = seen > pulled ? seen - pulled : 0;
    return st;
}

/* 30 -> "30", 29.97 -> "29.97". */
static void fmt_fps(double fps, char *buf, size_t len)
{
    snprintf(buf, len, "%.2f", fps);
    char *e = buf + strlen(buf);
    while (e > buf && e[-1] == '0') *--e = '\0';
    if (e > buf && e[-1] == '.') e[-1] = '\0';
}

void vt_live_describe(const vt_live *l, char *buf, size_t len)
{
    if (!len) return;
    vt_source_stats st = vt_live_stats(l);
    char fps[32], afps[32], asked[128] = "";
    fmt_fps(st.fps, fps, sizeof fps);
    fmt_fps(l->asked_fps, afps, sizeof afps);
    int n = snprintf(buf, len, "%dx%d%s%s", st.width, st.height, st.format[0] ? " " : "", st.format);
    if (n < 0 || (size_t)n >= len) return;
    if (st.fps > 0) snprintf(buf + n, len - (size_t)n, _(" at %s frames/s"), fps);
    else snprintf(buf + n, len - (size_t)n, _(" at a variable frame rate"));
    int an = 0;
    if (l->asked_w > 0 && l->asked_h > 0) an = snprintf(asked, sizeof asked, "%dx%d", l->asked_w, l->asked_h);
    if (l->asked_format[0]) an += snprintf(asked + an, sizeof asked - (size_t)an, "%s%s", an ? " " : "", l->asked_format);
    if (l->asked_fps > 0) snprintf(asked + an, sizeof asked - (size_t)an, _("%sat %s"), an ? " " : "", afps);
    n = (int)strlen(buf);
    if (asked[0] && (size_t)n < len) snprintf(buf + n, len - (size_t)n, _(" (asked %s)"), asked);
}

void vt_live_close(vt_live *l)
{
    if (!l) return;
    if (l->pending) gst_sample_unref(l->pending);
    if (l->pipe) gst_element_set_state(l->pipe, GST_STATE_NULL);
    if (l->sink) gst_object_unref(l->sink);
    if (l->conv) gst_object_unref(l->conv);
    if (l->pipe) gst_object_unref(l->pipe);
    pthread_mutex_destroy(&l->mu);
    free(l);
}
