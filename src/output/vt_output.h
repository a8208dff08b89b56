/* vt_output.h — where composited frames go: a video file, a folder of numbered PNGs, or nowhere
 * (benchmarks); screenshots and single images; marks drawn on camera frames (calibration).
 *
 * Ownership: vt_sink_open returns a sink the caller closes with vt_sink_close, which finishes the
 * file (a video is playable only once closed). Images passed in are borrowed for the call. */
#ifndef VT_OUTPUT_H
#define VT_OUTPUT_H

#include "core/vt_core.h"

typedef enum vt_sink_kind {
    VT_SINK_DISCARD = 1,   /* path "-": frames are read back and dropped (benchmarks, soak tests) */
    VT_SINK_VIDEO,         /* path ending .mp4, .avi, .mkv or .mov (MPEG-4 Part 2 through FFmpeg) */
    VT_SINK_PNG_DIR,       /* any other path: a folder (made if missing) of frame_NNNNN.png */
} vt_sink_kind;

typedef struct vt_sink_desc {
    const char *path;      /* required; see vt_sink_kind */
    int width, height;     /* every frame's size */
    double fps;            /* video frame rate (0 = 30) */
    int queue;             /* frames held for a writer thread of the sink's own, so encoding
                              overlaps the caller's work (a full queue makes vt_sink_write wait:
                              no frame is dropped); 0 = each frame written within the call */
} vt_sink_desc;

/* The non-zero defaults written out (fps 30); path and size are the caller's to set. */
vt_sink_desc vt_sink_desc_defaults(void);

typedef struct vt_sink vt_sink;

/* The kind of sink a path names (for callers that need to know before opening). */
vt_sink_kind vt_sink_kind_of(const char *path);
vt_result vt_sink_open(const vt_sink_desc *desc, vt_sink **out, char *err, size_t errlen);
/* Appends one frame (RGBA8 or BGR8 of the desc's size); err names the file on failure. With a
 * queue, the frame is copied and written on the sink's thread: a failure is returned by the next
 * call (or vt_sink_finish), and every later call fails with it. */
vt_result vt_sink_write(vt_sink *s, const vt_image *frame, char *err, size_t errlen);
/* The same without a copy, for a frame in an owned image (vt_image_alloc) of the desc's size:
 * with a queue its pixels go to the writer and frame gets a free buffer of the same size back
 * (its contents stale, for the next frame to be drawn into); frame is the caller's to free as
 * before. Without a queue (or another size) it is vt_sink_write. */
vt_result vt_sink_submit(vt_sink *s, vt_image *frame, char *err, size_t errlen);
/* Writes what is queued and stops the writer thread; the first write failure, if any. Calls of
 * vt_sink_write after it write within the call. Safe without a queue (VT_OK). */
vt_result vt_sink_finish(vt_sink *s, char *err, size_t errlen);
void vt_sink_close(vt_sink *s);   /* safe on NULL; finishes first (a failure then is dropped) */

/* Encodes im by path's extension (.png, .jpg, ...): GREY8, BGR8 or RGBA8. */
vt_result vt_image_write(const char *path, const vt_image *im, char *err, size_t errlen);
/* S in a window: the frame to DIR/vitrine-YYYYMMDD-HHMMSS.png (a counter if that exists; dir NULL
 * = the current folder); path gets the name written. */
vt_result vt_screenshot_save(const char *dir, const vt_image *rgba, char *path, size_t pathlen, char *err, size_t errlen);

/* Marks on a BGR8 frame: filled dots of radius px at pts (text goes on the renderer's overlay,
 * which writes every script). VT_ERR_ARG for a frame that is not BGR8; VT_ERR_INTERNAL if OpenCV
 * failed (frame unchanged). */
vt_result vt_mark_points(vt_image *bgr, const float (*pts)[2], int n, const uint8_t bgr_colour[3], int radius);

#endif
