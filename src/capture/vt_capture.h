/* vt_capture.h — where frames come from: a camera (V4L2), an IP camera or stream (RTSP, HTTP
 * MJPEG), any GStreamer pipeline, a video file, a folder or list of images, or the built-in demo
 * scene. One interface for all of them. Live sources (camera, stream, pipeline) run through
 * GStreamer on its own streaming thread, which keeps only the newest frame: a read returns the
 * newest, the ones it replaced are counted (vt_source_stats), never queued.
 *
 * Ownership: vt_source_open returns a source the caller frees with vt_source_destroy. The images
 * in a vt_frame belong to the source and stay valid until the next read into the same buffer
 * (vt_source_read: buffer 0) or destroy. */
#ifndef VT_CAPTURE_H
#define VT_CAPTURE_H

#include "core/vt_core.h"

typedef enum vt_source_kind {
    VT_SOURCE_AUTO = 0,   /* from path: a folder, an image file, else a video file */
    VT_SOURCE_CAMERA,     /* camera_index, through V4L2 */
    VT_SOURCE_VIDEO,      /* path */
    VT_SOURCE_FOLDER,     /* path: its image files in natural name order (img_2 before img_10) */
    VT_SOURCE_FILES,      /* files[0 .. nfiles-1], in the given order */
    VT_SOURCE_DEMO,       /* the built-in synthetic shelf scene */
    VT_SOURCE_STREAM,     /* url: rtsp://, rtsps://, http(s):// (an MJPEG or other stream), through GStreamer */
    VT_SOURCE_PIPELINE,   /* pipeline: a GStreamer pipeline description (gst-launch syntax) whose
                             last element gives video; Vitrine appends the conversion and its sink */
} vt_source_kind;

typedef enum vt_source_want {
    VT_WANT_GREY = 1,     /* for vision; decoded straight to grey where the codec can */
    VT_WANT_COLOUR = 2,   /* BGR, for display */
} vt_source_want;

typedef struct vt_demo_desc {
    int width, height;    /* 0 = 1280 x 720 */
    int frames;           /* frames before VT_END; 0 = endless */
    double fps;           /* 0 = 30; sets how fast the virtual camera moves */
} vt_demo_desc;

/* The defaults, written out (1280 x 720, endless, 30 frames/s). */
vt_demo_desc vt_demo_desc_defaults(void);
/* desc (NULL: all defaults) with its zero fields replaced by the defaults. */
vt_demo_desc vt_demo_desc_resolve(const vt_demo_desc *desc);

typedef struct vt_source_desc {
    vt_source_kind kind;
    const char *path;                 /* VIDEO, FOLDER, AUTO */
    const char *const *files;         /* FILES: copied at open */
    int nfiles;
    int camera_index;                 /* CAMERA: /dev/video<camera_index> when device is NULL */
    const char *device;               /* CAMERA: a V4L2 device path ("/dev/video2"); NULL: by index */
    const char *url;                  /* STREAM */
    const char *pipeline;             /* PIPELINE (without the "gst:" prefix) */
    /* CAMERA, STREAM, PIPELINE: the mode asked for; 0 / NULL = the source's best (a camera: the
     * largest size up to 1920x1080 it gives at 30 frames/s or more, MJPEG where raw cannot reach that rate). A
     * camera is asked for exactly this; a stream or pipeline is scaled / rate-limited to it. */
    int width, height;
    double fps;
    const char *format;               /* CAMERA: a V4L2 FOURCC ("MJPG", "YUYV", "H264"...); NULL: the best */
    /* CAMERA: controls set after each open (so again after a reconnect); NULL = as the camera is.
     * "auto", "locked" (the current automatic value, held from then on) or a number in the
     * control's own units (exposure: V4L2's exposure_time_absolute, 100 us; focus: the driver's
     * focus_absolute steps; white_balance: kelvin). One the camera lacks is warned once. */
    const char *exposure, *focus, *white_balance;
    int want;                         /* vt_source_want flags; 0 = grey only */
    int buffers;                      /* frames read into their own pixels (vt_source_read_into),
                                         1..VT_SOURCE_MAX_BUFFERS; 0 = 1 */
    vt_demo_desc demo;                /* DEMO */
    /* FOLDER, FILES: every image comes at the first one's size: one of another size is scaled
     * to fit (its aspect kept, black bars) with a warning naming it, for a display whose size
     * the first frame set. 0: each image at its own size (detection, analysis). */
    int same_size;
    /* Fault injection, for tests of camera loss: after fault_after frames, reads fail for
     * fault_seconds and reopening fails until then, as with an unplugged camera. 0 = never. */
    int fault_after;
    double fault_seconds;
} vt_source_desc;

typedef struct vt_frame {
    vt_image grey;        /* GREY8 when VT_WANT_GREY */
    vt_image colour;      /* BGR8 when VT_WANT_COLOUR */
    int index;            /* 0-based position within the source */
    const char *name;     /* the image file, the video file, "camera N" or "demo" */
    int is_stream;        /* a frame of a video, camera or the demo (not a still file) */
    uint64_t t_capture;   /* live sources: when the frame was captured, on vt_now_ns's clock (the
                             camera's or stream's own timestamp mapped onto it where it gives one,
                             else the moment GStreamer handed it over); 0 for files and the demo */
} vt_frame;

/* What a live source is delivering, and what it lost. */
typedef struct vt_source_stats {
    int width, height;        /* negotiated */
    double fps;               /* negotiated (0: unknown / variable) */
    char format[16];          /* "MJPG", "YUYV", "H264", ... as the source gives it; "" when unknown */
    long delivered;           /* frames the source produced since open (reopens included) */
    long dropped;             /* of them, replaced by a newer one before a read took them */
    int reconnects;           /* successful reopens */
} vt_source_stats;

typedef struct vt_source vt_source;
#define VT_SOURCE_MAX_BUFFERS 4

/* The defaults written out: AUTO, grey only, the demo's defaults, no fault (a zeroed desc means
 * the same). */
vt_source_desc vt_source_desc_defaults(void);

/* Opens a source. On failure returns an error and writes the reason, naming the input, in err. */
vt_result vt_source_open(const vt_source_desc *desc, vt_source **out, char *err, size_t errlen);
/* Next frame: VT_OK; VT_END when done; another error when this frame could not be read (a bad
 * image in a folder): frame->name says which, err says why, and the next call moves on. */
vt_result vt_source_read(vt_source *s, vt_frame *frame, char *err, size_t errlen);
/* The same into the source's buffer number buffer (0 .. desc.buffers - 1): the frame's images stay
 * valid until that buffer is read into again, so a reader on another thread can hold one frame
 * while the next is read (vt_source_read is buffer 0). VT_ERR_ARG for a buffer out of range. */
vt_result vt_source_read_into(vt_source *s, int buffer, vt_frame *frame, char *err, size_t errlen);
/* Frames the source will give, or -1 when unknown (camera, some videos, endless demo). */
int vt_source_count(const vt_source *s);
vt_source_kind vt_source_get_kind(const vt_source *s);
/* Frames per second of a video or the demo; 0 when unknown (cameras report unreliably, stills have none). */
double vt_source_fps(const vt_source *s);
/* A live source (camera) that stopped delivering: tries to open it again. VT_OK when it is back;
 * frame numbering goes on from where it was. Files cannot come back: VT_ERR_UNSUPPORTED. */
vt_result vt_source_reopen(vt_source *s, char *err, size_t errlen);
/* 1 for sources that can drop out and come back (cameras, and sources with injected faults). */
int vt_source_is_live(const vt_source *s);
/* Live sources: the figures above (zeros for files and the demo). Safe from another thread than
 * the reader's. */
vt_source_stats vt_source_get_stats(const vt_source *s);
/* One line for staff of what was negotiated against what was asked, e.g. "camera /dev/video0:
 * 1920x1080 MJPG at 30 frames/s (asked 1920x1080 at 30)"; for files, "FILE: WxH at N frames/s". */
void vt_source_describe(const vt_source *s, char *buf, size_t len);
void vt_source_destroy(vt_source *s);   /* safe on NULL */

/* ---- a source named on the command line or in the catalog -------------------------------- */
/* "2" or "/dev/video2" (CAMERA), "rtsp://..." / "rtsps://" / "http://..." / "https://" (STREAM),
 * "gst:PIPELINE" (PIPELINE): fills kind and camera_index / device / url / pipeline of d (which
 * keep pointing into spec). VT_ERR_ARG with a one-line reason otherwise. */
vt_result vt_source_parse(const char *spec, vt_source_desc *d, char *err, size_t errlen);

/* ---- the cameras present (V4L2) ---------------------------------------------------------- */
typedef struct vt_camera_mode {
    char format[8];           /* FOURCC, "MJPG" */
    char format_name[32];     /* the driver's description, "Motion-JPEG" */
    int width, height;
    double fps;               /* one of its frame rates (each rate a mode of its own) */
} vt_camera_mode;

typedef struct vt_camera_control {
    char name[32];            /* as v4l2-ctl names it: "exposure_time_absolute", "focus_automatic_continuous" */
    unsigned id;              /* V4L2_CID_... */
    int type;                 /* V4L2_CTRL_TYPE_... */
    long min, max, step, def, value;
    int inactive;             /* set by another (a manual value while auto is on) */
} vt_camera_control;

typedef struct vt_camera_info {
    char device[64];          /* "/dev/video0" */
    char card[64];            /* the camera's name, "HD Pro Webcam C920" */
    char bus[64];             /* "usb-0000:00:14.0-1" */
    vt_camera_mode *modes;    /* nmodes, biggest first */
    int nmodes;
    vt_camera_control *controls;
    int ncontrols;
} vt_camera_info;

/* Every video capture device under /dev (metadata-only nodes left out). *out is the caller's,
 * freed with vt_cameras_free; 0 cameras is VT_OK. */
vt_result vt_cameras_list(vt_camera_info **out, int *n, char *err, size_t errlen);
void vt_cameras_free(vt_camera_info *cams, int n);   /* safe on NULL */
/* The mode to open when desc asks for width/height/fps/format (zeros: the best, as above) among
 * modes; -1 when none matches (err lists what the camera offers). */
int vt_camera_choose_mode(const vt_camera_mode *modes, int n, int width, int height, double fps, const char *format,
                          char *err, size_t errlen);

/* Checks a control's value as vt_source_desc takes it, without a device (for option parsing):
 * what is "exposure", "focus" or "white_balance"; value "auto", "locked" or a whole number
 * (0 .. 1000000, in the control's own units). VT_ERR_ARG with a one-line reason naming what and
 * value otherwise; NULL value is VT_OK (left as the camera is). */
vt_result vt_camera_control_check(const char *what, const char *value, char *err, size_t errlen);

/* ---- the built-in demo scene ------------------------------------------------------------- */
/* Printed markers (DICT_5X5_100, ids VT_DEMO_FIRST_ID.., VT_DEMO_MARKER_MM) on a wooden shelf,
 * filmed by a virtual camera (VT_DEFAULT_HFOV_DEG horizontal field of view, no distortion) that
 * moves slowly. Drawn on the CPU, anti-aliased, so it needs no GPU and no media files. */
#define VT_DEMO_DICT "5X5_100"
#define VT_DEMO_FIRST_ID 1
#define VT_DEMO_MARKERS 6
#define VT_DEMO_MARKER_MM 60.0

typedef struct vt_demo vt_demo;
/* On failure *out is NULL and err says why. The caller frees the demo with vt_demo_destroy. */
vt_result vt_demo_create(const vt_demo_desc *desc, vt_demo **out, char *err, size_t errlen);
/* Renders frame index into bgr (BGR8, the desc's size, caller-owned pixels). */
void vt_demo_render(vt_demo *d, int index, vt_image *bgr);
/* The true pose of the demo's marker k (0..VT_DEMO_MARKERS-1) at frame index, as solvePnP gives it. */
void vt_demo_marker_pose(const vt_demo *d, int index, int k, int *id, double rvec[3], double tvec[3]);
void vt_demo_destroy(vt_demo *d);   /* safe on NULL */

#endif
