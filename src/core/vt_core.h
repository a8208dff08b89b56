/* vt_core.h — the types every stage shares: image, result codes, dictionaries, intrinsics,
 * markers and poses, files, logging, clocks, stage timing.
 *
 * Ownership: a vt_image never owns its pixels; whoever filled it (a capture source, a decoder
 * buffer) keeps them alive and says for how long in its own header. */
#ifndef VT_CORE_H
#define VT_CORE_H

#include <stddef.h>  /* size_t */
#include <stdint.h>  /* uint8_t, uint64_t */
#include <stdio.h>   /* FILE */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- results ---------------------------------------------------------------------------- */
typedef enum vt_result {
    VT_OK = 0,
    VT_END,              /* a source has no more frames: not an error */
    VT_ERR_ARG,          /* a caller passed something invalid */
    VT_ERR_NOT_FOUND,    /* a file or device does not exist */
    VT_ERR_IO,           /* exists but cannot be read */
    VT_ERR_FORMAT,       /* read, but not in a format we understand */
    VT_ERR_NO_MEMORY,
    VT_ERR_UNSUPPORTED,  /* valid request we cannot serve (e.g. unknown dictionary) */
    VT_ERR_INTERNAL,     /* a library failed in a way we did not expect */
} vt_result;

/* A short, lower-case description ("file not found"); never NULL. */
const char *vt_result_str(vt_result r);

/* ---- images ----------------------------------------------------------------------------- */
typedef enum vt_pixel_format {
    VT_PIX_NONE = 0,
    VT_PIX_GREY8,   /* one byte per pixel */
    VT_PIX_BGR8,    /* OpenCV's byte order */
    VT_PIX_RGBA8,   /* GL read-back order */
    VT_PIX_RGBA8_GL, /* RGBA, bottom row first: what the GL takes in without a drawing pass
                      * (vt_render_prepare_frame) */
} vt_pixel_format;

typedef struct vt_image {
    vt_pixel_format format;
    int width, height;
    int stride;        /* bytes from one row to the next; >= width * channels */
    uint8_t *data;     /* borrowed: see the header of whoever filled the image */
} vt_image;

int vt_pixel_format_channels(vt_pixel_format f);
/* Wraps an existing buffer without a copy; stride 0 means tightly packed. */
vt_image vt_image_wrap(vt_pixel_format f, int width, int height, int stride, void *data);
static inline uint8_t *vt_image_row(const vt_image *im, int y) { return im->data + (size_t)y * (size_t)im->stride; }
/* Owned images for code that needs its own pixels; free with vt_image_free (safe on empty). */
vt_result vt_image_alloc(vt_image *out, vt_pixel_format f, int width, int height);
void vt_image_free(vt_image *im);
/* Copies src's pixels into dst, an owned image (re)allocated to src's format and size when they
 * differ (dst zeroed or from vt_image_alloc); free dst with vt_image_free. */
vt_result vt_image_copy(vt_image *dst, const vt_image *src);

/* ---- plain shared types: dictionaries, intrinsics, markers, poses --------------------------
 * Plain data every stage may hold (the catalog names a dictionary, the renderer projects with
 * intrinsics, the tracker keeps markers); the code that computes them lives in vision. */
typedef struct vt_dictionary {
    int cv_id;          /* cv::aruco::PREDEFINED_DICTIONARY_NAME */
    const char *name;   /* canonical: "5X5_100", "ARUCO_ORIGINAL", "APRILTAG_36h11" (static) */
    int count;          /* ids 0 .. count-1 */
    int bits;           /* data bits per side */
} vt_dictionary;

/* Accepts the canonical name, with or without "DICT_", in any case; VT_ERR_UNSUPPORTED if unknown. */
vt_result vt_dictionary_find(const char *name, vt_dictionary *out);
/* The n-th dictionary in OpenCV's order (0 .. vt_dictionary_count()-1). */
vt_result vt_dictionary_at(int index, vt_dictionary *out);
int vt_dictionary_count(void);
/* All canonical names, comma-separated, for help and error text (a static string). */
const char *vt_dictionary_names(void);

#define VT_DEFAULT_HFOV_DEG 60.0   /* a typical webcam; used when nothing better is known */

typedef struct vt_camera {
    double fx, fy, cx, cy;   /* pixels */
    double dist[14];         /* OpenCV's distortion model, ndist of them */
    int ndist;
    int width, height;       /* the image size these numbers are for; 0 = any (not scaled) */
} vt_camera;

/* Pinhole camera with horizontal field of view hfov_deg, square pixels, centred, no distortion. */
vt_camera vt_camera_from_fov(int width, int height, double hfov_deg);
/* Parses "fx,fy,cx,cy" (positive focal lengths); the size stays 0 (any). */
vt_result vt_camera_parse(const char *text, vt_camera *out);
/* The same camera for frames of width x height: scales the intrinsics when the calibration was
 * made at another resolution of the same aspect ratio (a different aspect keeps the centre crop). */
vt_camera vt_camera_for_size(const vt_camera *c, int width, int height);
void vt_camera_matrix(const vt_camera *c, double K[9]);

/* The room's light as the camera sees it (vision estimates it from a frame, render lights
 * products with it), linear RGB at the camera's exposure. Its strength and colour are those of
 * the frame's bright surfaces (white walls, shelves, paper: what a white product would look like
 * there); its shape a fit over the frame's directions (camera space, OpenCV axes: x right, y
 * down, z forward) of radiance L(d) = level + grad_x d.x + grad_y d.y, the unseen half of the
 * sphere taken as the seen half's mirror (so no z term): a first-order spherical harmonic. All
 * zero: nothing estimated yet. */
typedef struct vt_room_light {
    float white[3];          /* mean of the brightest tenth of the frame, per channel (R, G, B), 0..1 */
    float level[3];          /* mean radiance per channel, 0..1 */
    float grad[2][3];        /* grad[0]: along x, grad[1]: along y; |grad| <= level per channel */
} vt_room_light;

/* Rotation matrix (row-major 3x3) of a Rodrigues vector. */
void vt_rodrigues(const double rvec[3], double R[9]);

/* Corners: pixel centres at integer coordinates; order top-left, top-right, bottom-right,
 * bottom-left in the marker's own frame (OpenCV's). */
typedef struct vt_marker {
    int id;
    float corners[4][2];
    int has_pose;
    double rvec[3], tvec[3];   /* valid when has_pose */
    double reproj_err;         /* RMS reprojection error of the pose, pixels */
} vt_marker;

/* A growable list; the caller owns it and frees it with vt_marker_list_free (safe on zeroed). */
typedef struct vt_marker_list {
    vt_marker *items;
    int count, capacity;
} vt_marker_list;

vt_result vt_marker_list_reserve(vt_marker_list *l, int capacity);
void vt_marker_list_free(vt_marker_list *l);

/* Per-stage times of one detection, milliseconds (zero for stages an engine lacks). */
typedef struct vt_detect_profile {
    double segment, contours, decode, refine, track, total;
    int candidates;          /* quads read */
    int unread;              /* of those, how many did not read as a marker of the dictionary:
                                marker-like squares (our engine; another dictionary's markers) */
    int tracked;             /* markers re-read from their predicted place */
    double searched;         /* fraction of the frame searched from scratch (bands, regions) */
} vt_detect_profile;

/* ---- option values ----------------------------------------------------------------------
 * Strict: the whole text is the value (no spaces, no trailing text, decimal only, finite), in
 * lo..hi. Each returns 0, or -1 leaving *out as it was; the caller names the option and value. */
int vt_parse_int(const char *s, int lo, int hi, int *out);
int vt_parse_double(const char *s, double lo, double hi, double *out);
/* "WxH", e.g. "1920x1080". */
int vt_parse_size(const char *s, int wlo, int whi, int hlo, int hhi, int *w, int *h);
/* Exactly n numbers separated by sep ("0.5,50,1.0"); any finite values (the caller checks). */
int vt_parse_doubles(const char *s, char sep, double *out, int n);
/* A UTC date "YYYY-MM-DD" or time "YYYY-MM-DDTHH:MM:SS" that exists (no 2026-02-30). */
int vt_parse_date(const char *s);

/* ---- files ------------------------------------------------------------------------------ */
/* Checks that path is a readable, non-empty regular file before a library sees it, so the error
 * names the real problem ("no such file", "empty file (0 bytes)", "is a folder"). */
vt_result vt_file_check(const char *path, char *err, size_t errlen);
int vt_is_dir(const char *path);
/* Replaces path with data all at once: written to a temporary file beside it, flushed to disk
 * (fsync), renamed over path, and the folder flushed. A crash at any point leaves either the old
 * file or the new one, never half of one. */
vt_result vt_write_file_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen);
/* The same for writers that need a file name (OpenCV, cairo): tmp receives a name beside path
 * to write to, then vt_commit_file moves it into place (or vt_abandon_file removes it). */
void vt_temp_name(const char *path, char *tmp, size_t n);
vt_result vt_commit_file(const char *tmp, const char *path, char *err, size_t errlen);
void vt_abandon_file(const char *tmp);
/* Reads a whole file into *out, a malloc'd buffer with a NUL after the last byte (the caller
 * frees it); len (may be NULL) gets the size. On failure *out is NULL and err says why. */
vt_result vt_read_file(const char *path, char **out, size_t *len, char *err, size_t errlen);
/* Opens a regular file for reading ("rb"); a FIFO, device, socket or folder is refused at once
 * (checked on the opened descriptor). NULL with err set (errno ENOENT: missing, EINVAL: not a
 * regular file) on failure; the caller fcloses it. */
FILE *vt_open_regular(const char *path, char *err, size_t errlen);
/* The same as a descriptor (blocking again once checked), with the file's size (size may be
 * NULL): VT_ERR_NOT_FOUND, VT_ERR_ARG (not a regular file: err says what it is) or VT_ERR_IO. */
vt_result vt_open_regular_fd(const char *path, int *fd, long long *size, char *err, size_t errlen);
/* Lower-case extension without the dot ("jpg"), "" when none; points into path. */
const char *vt_file_ext(const char *path);
/* Case-insensitive: the extension of an image format OpenCV decodes (jpg, png, bmp, tif, ...). */
int vt_is_image_ext(const char *path);

/* ---- where Vitrine's files live (docs/install.md) ----------------------------------------- *
 * Found at run time from the executable's own place, never from a path of the build machine: an
 * installed tree can be moved (relocatable), a build tree finds its checkout. Each folder is
 * found once; the strings are static (never free them). */
/* Read-only data: shaders/, models/ (the bundled catalog and models), markers/. $VITRINE_DATA_DIR;
 * else ../share/vitrine from the executable (installed); else the checkout a build tree was made
 * from (the file vitrine-source-dir that CMake writes beside the executable); else ".". */
const char *vt_data_dir(void);
/* Where the shaders are: $VITRINE_SHADER_DIR, else DATA/shaders. */
const char *vt_shader_dir(void);
/* The catalog a command uses when none is given: $VITRINE_CATALOG (as it is, even when missing:
 * the command then says so); else the first that exists of $CONFIGURATION_DIRECTORY/catalog.json
 * (systemd's ConfigurationDirectory=), $XDG_CONFIG_HOME/vitrine/catalog.json (~/.config/vitrine),
 * /etc/vitrine/catalog.json, else the bundled DATA/models/catalog.json (the real shelf). */
const char *vt_default_catalog(void);
/* The folder for what a run keeps (analytics, the console's state) when it cannot be beside the
 * catalog: $VITRINE_STATE_DIR; $STATE_DIRECTORY (systemd's StateDirectory=: /var/lib/vitrine);
 * else $XDG_DATA_HOME/vitrine (~/.local/share/vitrine). Not created here. */
const char *vt_state_dir(void);
/* Where a run keeps the state of catalog: beside it when its folder is the retailer's own and
 * writable (as always); the state folder for the bundled catalog (so a checkout's or the
 * package's files are never written), a system configuration folder (/etc/vitrine,
 * $CONFIGURATION_DIRECTORY, ~/.config/vitrine: settings, not data) or a folder it cannot write. */
void vt_state_dir_for(const char *catalog, char *out, size_t len);
/* name in that folder: vt_state_dir_for(catalog)/name (the analytics default, say). */
void vt_state_file_for(const char *catalog, const char *name, char *out, size_t len);
/* Screenshots: $XDG_PICTURES_DIR (or its line in ~/.config/user-dirs.dirs, else ~/Pictures),
 * then Vitrine/ in it. Not created here. */
const char *vt_pictures_dir(void);
/* Creates path and its parents (mode 0755, or 0700 for a state folder's own). VT_OK when it is
 * a folder afterwards; else err says which part failed. */
vt_result vt_make_dirs(const char *path, int private_, char *err, size_t errlen);

/* ---- logging ---------------------------------------------------------------------------- */
/* NOTE: nothing is wrong but staff should see it (a screenshot saved, a catalog reloaded). */
typedef enum vt_log_level { VT_LOG_ERROR = 0, VT_LOG_WARN, VT_LOG_NOTE, VT_LOG_INFO, VT_LOG_DEBUG } vt_log_level;

/* The one logger: every diagnostic of every stage goes through it, from any thread. Lines go to
 * stderr as "vitrine: SUBSYSTEM: [error: |warning: ]message", or with a file,
 * "vitrine: SUBSYSTEM: [level: ]PATH: message"; levels above the threshold are dropped.
 * Default threshold: NOTE, or the VITRINE_LOG environment variable (error|warn|note|info|debug). */
void vt_log_set_level(vt_log_level lvl);
vt_log_level vt_log_get_level(void);
void vt_log(vt_log_level lvl, const char *subsystem, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same about one file (a catalog, a model, a calibration): its path leads the message. */
void vt_log_file(vt_log_level lvl, const char *subsystem, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Also hands every error, warning and note, whatever the threshold, and any other line that
 * passes it (without the "vitrine: SUBSYSTEM:" prefix) to fn, e.g. for the staff messages below;
 * fn runs on the logging thread under a lock and must not log. NULL removes it. */
typedef void (*vt_log_sink_fn)(vt_log_level lvl, const char *subsystem, const char *line, void *ctx);
void vt_log_set_sink(vt_log_sink_fn fn, void *ctx);
/* Every line is one line: control characters and bytes that are not UTF-8, in the path and the
 * message alike, are written out as \n, \t, \xNN. */
/* The length of the valid UTF-8 sequence at s (1-4; 1 for ASCII, NUL included), or 0 when the
 * byte there does not start one. */
int vt_utf8_seq(const char *s);
#define VT_ERROR(sub, ...) vt_log(VT_LOG_ERROR, sub, __VA_ARGS__)
#define VT_WARN(sub, ...)  vt_log(VT_LOG_WARN, sub, __VA_ARGS__)
#define VT_NOTE(sub, ...)  vt_log(VT_LOG_NOTE, sub, __VA_ARGS__)
#define VT_INFO(sub, ...)  vt_log(VT_LOG_INFO, sub, __VA_ARGS__)
#define VT_DEBUG(sub, ...) vt_log(VT_LOG_DEBUG, sub, __VA_ARGS__)
#define VT_ERROR_FILE(sub, path, ...) vt_log_file(VT_LOG_ERROR, sub, path, __VA_ARGS__)
#define VT_WARN_FILE(sub, path, ...)  vt_log_file(VT_LOG_WARN, sub, path, __VA_ARGS__)

/* ---- staff messages ----------------------------------------------------------------------
 * What staff should know, kept off the visitors' screen: a bounded ring of the latest errors,
 * warnings and notes, fed by the logger once attached, read by the HUD (H) and, later, the web
 * console. Every call is thread-safe (the logger runs on any thread).
 * Ownership: vt_staff_log_create gives a ring the caller frees with vt_staff_log_destroy (which
 * detaches it from the logger first). */
#define VT_STAFF_TEXT 240
typedef struct vt_staff_msg {
    uint64_t seq;                /* 1, 2, 3...: a console asks for what came after the last it saw */
    uint64_t t_ns;               /* vt_now_ns() of its latest occurrence */
    vt_log_level level;
    int repeats;                 /* 1, or how many times in a row it was said */
    char subsystem[16];
    char text[VT_STAFF_TEXT];    /* as logged after "vitrine: SUBSYSTEM: ", cut at a character */
} vt_staff_msg;

typedef struct vt_staff_log vt_staff_log;
/* capacity: messages kept (0 = 32); the oldest makes way. */
vt_result vt_staff_log_create(int capacity, vt_staff_log **out, char *err, size_t errlen);
void vt_staff_log_destroy(vt_staff_log *s);   /* safe on NULL */
/* Adds a message; the same message as the newest (level, subsystem, text) only counts a repeat. */
void vt_staff_log_push(vt_staff_log *s, vt_log_level lvl, const char *subsystem, const char *text);
/* Up to max of the messages kept, newest first, into out; returns how many. */
int vt_staff_log_recent(vt_staff_log *s, vt_staff_msg *out, int max);
/* From now on the logger's errors, warnings and notes go to s too (NULL: to none). One ring at a
 * time: this replaces the logger's sink. */
void vt_staff_log_attach(vt_staff_log *s);
/* "12 s", "3 min", "2 h": how long ago t_ns was, for the HUD. */
void vt_staff_age(uint64_t t_ns, uint64_t now_ns, char *out, size_t n);

/* ---- time ------------------------------------------------------------------------------- */
uint64_t vt_now_ns(void);                 /* monotonic clock */
static inline double vt_ms_since(uint64_t t0) { return (double)(vt_now_ns() - t0) * 1e-6; }

/* Per-stage timing: stamp stages as a frame goes through them; totals accumulate over frames. */
#define VT_PROFILE_MAX_STAGES 16
typedef struct vt_profile {
    const char *name[VT_PROFILE_MAX_STAGES];  /* static strings */
    double last_ms[VT_PROFILE_MAX_STAGES];    /* this frame */
    double total_ms[VT_PROFILE_MAX_STAGES];   /* since reset */
    int count;                                /* stages seen */
    int frames;                               /* vt_profile_end_frame calls since reset */
    uint64_t t_last;
} vt_profile;

void vt_profile_reset(vt_profile *p);
void vt_profile_begin_frame(vt_profile *p);
/* Adds the time since the previous stamp (or frame begin) to the stage NAME. */
void vt_profile_stamp(vt_profile *p, const char *name);
void vt_profile_end_frame(vt_profile *p);
/* One line: "stage1 1.23 ms, stage2 0.40 ms" (mean per frame when mean != 0, else last frame). */
void vt_profile_print(const vt_profile *p, FILE *f, int mean);
/* Adds ms measured elsewhere (another thread's stage, carried with the frame) to the stage NAME. */
void vt_profile_add(vt_profile *p, const char *name, double ms);

/* ---- slots: a bounded queue between two threads (src/core/vt_slots.c) --------------------
 * The caller owns an array of nslots payloads (frames, preallocated); the queue hands out their
 * indices. A producer acquires a free slot, fills it and publishes it; the consumer takes the
 * oldest published one and releases it when done, so nothing is allocated per item. Blocking
 * mode (a file: nothing lost): acquire waits while every slot is queued or in use. Newest-wins
 * mode (a live camera: never wait on the consumer): a slot published replaces the one still
 * waiting, which goes back to the free ones (counted as dropped), so acquire never waits; it
 * needs nslots >= 3 (one held on each side, one waiting). */
typedef struct vt_slots vt_slots;
/* *out is the caller's, freed with vt_slots_destroy. VT_ERR_ARG for nslots < 1 (< 3 newest-wins). */
vt_result vt_slots_create(int nslots, int newest_wins, vt_slots **out, char *err, size_t errlen);
/* A free slot's index for the producer (a fresh queue's first is 0); -1 once the queue is closed. */
int vt_slots_acquire(vt_slots *q);
/* The producer hands slot over (in order); a slot it does not want goes back with release. */
void vt_slots_publish(vt_slots *q, int slot);
/* The oldest published slot for the consumer: waits up to timeout_ms (< 0: no limit, 0: none);
 * -1 when there is none yet, -2 once the queue is closed and empty. */
int vt_slots_take(vt_slots *q, int timeout_ms);
/* Gives a slot taken (or acquired) back to the free ones. */
void vt_slots_release(vt_slots *q, int slot);
/* Published slots not yet taken. */
int vt_slots_pending(vt_slots *q);
/* Slots taken back unseen in newest-wins mode since creation. */
long vt_slots_dropped(vt_slots *q);
/* Wakes both sides: acquire returns -1, take returns what is left, then -2. */
void vt_slots_close(vt_slots *q);
void vt_slots_destroy(vt_slots *q);   /* safe on NULL; the threads must be done with it */

/* ---- translations ---------------------------------------------------------------------- */
/* GNU gettext (glibc's), text domain "vitrine"; the .mo files are built from src/i18n/po/.
 * Staff-facing text (commands, log lines, the HUD) is in the environment's language, as any
 * program's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG); visitor-facing text is in the store's language
 * or the one a visitor picked, looked up per call with vt_tr_lang. English is the source text.
 * vt_i18n_init sets LC_CTYPE and LC_MESSAGES from the environment (never LC_NUMERIC: JSON and
 * files keep a '.' decimal point) and binds the domain to localedir; NULL finds it: the
 * VITRINE_LOCALE_DIR environment variable, else locale/ beside the executable, else
 * ../share/locale from it, else the build tree's. Call it once, first thing in main. */
void vt_i18n_init(const char *localedir);
/* The folder the translations are read from (after vt_i18n_init). */
const char *vt_i18n_dir(void);
/* msgid in the staff's language (the string returned is static: never free it). */
const char *vt_tr(const char *msgid) __attribute__((format_arg(1)));
const char *vt_trn(const char *singular, const char *plural, unsigned long n)
    __attribute__((format_arg(1))) __attribute__((format_arg(2)));
/* msgid in the language of POSIX locale `locale` ("fr_FR", "ja_JP"; a codeset is added); the
 * source text for NULL, "" or a locale glibc does not have (then said once in the log: Debian's
 * locales-all has them all). Thread-safe. */
const char *vt_tr_lang(const char *locale, const char *msgid) __attribute__((format_arg(2)));
const char *vt_trn_lang(const char *locale, const char *singular, const char *plural, unsigned long n)
    __attribute__((format_arg(2))) __attribute__((format_arg(3)));
/* Whether glibc has locale (with a UTF-8 codeset), i.e. whether vt_tr_lang can translate to it. */
int vt_i18n_have_locale(const char *locale);
#define _(s) vt_tr(s)
#define N_(s) (s)   /* marks a string for translation where it is defined; translated where used */

#ifdef __cplusplus
}
#endif
#endif
