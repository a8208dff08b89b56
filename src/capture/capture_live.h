/* capture_live.h — inside the capture stage: the live sources (GStreamer: V4L2 cameras, streams,
 * pipelines) and the V4L2 queries and controls they use. Not a public header.
 *
 * Ownership: vt_live_open gives a vt_live freed with vt_live_close; vt_v4l2_query fills a
 * vt_camera_info freed with vt_v4l2_info_free. */
#ifndef VT_CAPTURE_LIVE_H
#define VT_CAPTURE_LIVE_H

#include "capture/vt_capture.h"
#include "cv/vt_cv.h"

/* ---- vt_gst.c: live sources through GStreamer ---- */
typedef struct vt_live vt_live;

/* Builds and starts the pipeline for d (CAMERA, STREAM or PIPELINE) and waits (bounded) for it to
 * play or fail. name gets the source's name for messages ("camera /dev/video0", the URL without
 * its password, "gst: PIPELINE"). */
vt_result vt_live_open(const vt_source_desc *d, vt_live **out, char *name, size_t namelen, char *err, size_t errlen);
/* The newest frame not read yet, waiting for one up to timeout_ms, into bgr (BGR8, allocated to
 * its size); its capture time on vt_now_ns's clock in *t_capture. VT_ERR_IO with err when the
 * source failed or ended (a camera unplugged, a server gone), VT_END when nothing came within timeout_ms
 * (err says so; the source may still deliver later). */
vt_result vt_live_read(vt_live *l, vtcv_mat *bgr, uint64_t *t_capture, int timeout_ms, char *err, size_t errlen);
/* What was negotiated and counted since open (reconnects are the caller's). Thread-safe. */
vt_source_stats vt_live_stats(const vt_live *l);
/* "1920x1080 MJPG at 30 frames/s (asked 1920x1080 at 30)". */
void vt_live_describe(const vt_live *l, char *buf, size_t len);
void vt_live_close(vt_live *l);   /* safe on NULL */

/* ---- vt_v4l2.c: V4L2 queries and controls (no streaming: GStreamer's v4l2src does that) ---- */
/* One device's name, modes and controls. */
vt_result vt_v4l2_query(const char *device, vt_camera_info *out, char *err, size_t errlen);
void vt_v4l2_info_free(vt_camera_info *c);   /* its arrays; safe on a zeroed one */
/* Sets the asked exposure / focus / white balance (each NULL: left as is; see vt_source_desc) on
 * the open device. A control the camera lacks or refuses is warned through the logger once: bit
 * k of *warned is set for control k (0 exposure, 1 focus, 2 white balance). */
void vt_v4l2_apply_controls(const char *device, const char *exposure, const char *focus, const char *white_balance,
                            int *warned);

#endif
