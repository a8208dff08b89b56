/* vt_cv.h — the C face of the bridge to OpenCV (vt_cv.cpp; assimp has its own, src/assimp).
 *
 * OpenCV 4 has no C API; these functions only translate types and catch exceptions. Decisions
 * (which dictionary, which parameters, what to do with a failure) live in the C callers.
 * Every function that can fail returns a vt_result and, where it takes one, writes a short
 * reason into err (a caller-owned buffer); none lets a C++ exception through (those returning a
 * count or a value give the safe value documented with them). */
#ifndef VT_CV_H
#define VT_CV_H

#include "core/vt_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Silences OpenCV's own log and FFmpeg's (sets OPENCV_FFMPEG_LOGLEVEL=-8, AV_LOG_QUIET, unless
 * the environment already says): Vitrine reports failures itself. Idempotent and thread-safe
 * (std::call_once); the bridge calls it before anything that can log (mats, codecs, videos,
 * calibration files), so callers need not, but it sets an environment variable: a program that
 * starts threads before its first bridge call should call it first. */
void vtcv_init(void);

/* ---- pixel buffers owned by OpenCV ------------------------------------------------------- */
/* A vtcv_mat owns pixel memory (a cv::Mat). Views returned by vtcv_mat_view stay valid until the
 * mat is written again or destroyed; reusing one mat per stream avoids per-frame allocation. */
typedef struct vtcv_mat vtcv_mat;
vtcv_mat *vtcv_mat_create(void);                    /* NULL only when out of memory */
void vtcv_mat_destroy(vtcv_mat *m);                 /* safe on NULL */
vt_image vtcv_mat_view(const vtcv_mat *m);           /* VT_PIX_NONE when empty */
vt_result vtcv_mat_copy(vtcv_mat *dst, const vt_image *src);
/* Makes m hold a width x height image of format f (keeps its memory when already that size). */
vt_result vtcv_mat_alloc(vtcv_mat *m, vt_pixel_format f, int width, int height);

/* m's image scaled to fit w x h with its aspect kept, centred on black (letterbox); scratch is
 * working space. m then holds the result (its views are stale). */
vt_result vtcv_letterbox(vtcv_mat *m, vtcv_mat *scratch, int w, int h);

/* ---- codecs ------------------------------------------------------------------------------ */
/* Decodes an image file as grey (grey != 0) or BGR. */
vt_result vtcv_imread(const char *path, int grey, vtcv_mat *out, char *err, size_t errlen);
/* The same from the file's bytes in memory (borrowed for the call). */
vt_result vtcv_imdecode(const void *data, size_t len, int grey, vtcv_mat *out, char *err, size_t errlen);
/* Encodes by the file's extension (.png, .jpg, ...). GREY8, BGR8 or RGBA8 (written as BGRA). */
vt_result vtcv_imwrite(const char *path, const vt_image *im, char *err, size_t errlen);
/* Decodes an image file (path) or an encoded buffer (data, size; path NULL) into RGBA8, for
 * textures; alpha is 255 where the file has none. */
vt_result vtcv_decode_rgba(const char *path, const void *data, size_t size, vtcv_mat *out, char *err, size_t errlen);
/* dst = src seen through the homography H (row-major, src pixel -> dst pixel), bilinear;
 * dst pixels that fall outside src are left as they were. */
vt_result vtcv_warp_perspective(const vt_image *src, vt_image *dst, const double H[9]);
vt_result vtcv_to_grey(const vt_image *src, vtcv_mat *out);

/* ---- video files (cameras: GStreamer, src/capture/vt_gst.c) -------------------------------- */
typedef struct vtcv_video vtcv_video;
/* On failure *out is NULL: VT_ERR_FORMAT, err says why. */
vt_result vtcv_video_open_file(const char *path, vtcv_video **out, char *err, size_t errlen);
vt_result vtcv_video_read(vtcv_video *v, vtcv_mat *bgr);   /* VT_END at the end of a file */
void vtcv_video_size(const vtcv_video *v, int *width, int *height);   /* 0 x 0 when unknown */
double vtcv_video_fps(const vtcv_video *v);                /* 0 when unknown */
int vtcv_video_frame_count(const vtcv_video *v);           /* -1 when unknown */
void vtcv_video_close(vtcv_video *v);                      /* safe on NULL */

/* Video files written through FFmpeg (.mp4 as MPEG-4 Part 2, widely playable). Frames are
 * BGR8 or RGBA8 of the size given at open. */
typedef struct vtcv_writer vtcv_writer;
vt_result vtcv_writer_open(const char *path, double fps, int width, int height, vtcv_writer **out, char *err,
                           size_t errlen);   /* VT_ERR_IO: *out NULL, err says why */
vt_result vtcv_writer_write(vtcv_writer *w, const vt_image *frame);
void vtcv_writer_close(vtcv_writer *w);   /* finishes the file; safe on NULL */

/* Caps every OpenCV thread pool (n >= 1); n <= 0 restores OpenCV's default (all cores). */
void vtcv_set_threads(int n);
int vtcv_get_threads(void);   /* 1 if OpenCV cannot say */

/* ---- ArUco ------------------------------------------------------------------------------- */
typedef struct vtcv_aruco_params {
    int refine;            /* 0 none, 1 sub-pixel, 2 contour, 3 AprilTag (cv::aruco enum) */
    int refine_win;        /* half window of the sub-pixel search, pixels; 0 = OpenCV's default */
    double min_perimeter_rate;  /* smallest marker perimeter / largest image side; 0 = default */
    double error_correction_rate; /* fraction of the dictionary's correction capability; <0 = default */
} vtcv_aruco_params;

typedef struct vtcv_quad { int id; float c[4][2]; } vtcv_quad;

/* Number of markers and bits per side of the predefined dictionary dict (cv::aruco enum value),
 * or VT_ERR_UNSUPPORTED. */
vt_result vtcv_aruco_dict_info(int dict, int *count, int *bits);
/* Detects markers; writes at most max quads and returns the number found (>= 0), or -1 on error. */
int vtcv_aruco_detect(const vt_image *grey, int dict, const vtcv_aruco_params *p, vtcv_quad *out, int max);
/* Every marker's data bits (markerSize^2 each, row-major, 0/1, rotation 0), count markers in id
 * order; size is out's capacity in bytes. max_correction: how many bit errors the dictionary
 * can correct. */
vt_result vtcv_aruco_dict_bits(int dict, uint8_t *out, size_t size, int *max_correction);

/* ---- image primitives for the detector ---------------------------------------------------- */
/* dst (its size chosen by the caller) = src averaged down (cv::INTER_AREA). GREY8. */
vt_result vtcv_resize_area(const vt_image *src, vt_image *dst);
/* dst = 255 where src < (mean of the block x block neighbourhood) - c, else 0. */
vt_result vtcv_adaptive_threshold(const vt_image *src, vt_image *dst, int block, double c);
/* Boundaries of the 255 regions of binary (cv::findContours, every point, all levels), keeping
 * those of min_points..max_points points: their points concatenated in pts, lengths in counts.
 * Returns the number kept, or -1 on error. */
int vtcv_find_contours(const vt_image *binary, int min_points, int max_points, int (*pts)[2], int max_pts, int *counts,
                       int max_contours);
/* cv::approxPolyDP of a closed contour: writes the vertices as indices into pts (at most max)
 * and returns how many vertices the polygon has (may exceed max), or -1 on error. */
int vtcv_approx_poly(const int (*pts)[2], int n, double eps, int *out_index, int max);

/* The marker's image (black square with its bits, one-cell border included), side_px square, grey. */
vt_result vtcv_aruco_marker_image(int dict, int id, int side_px, vtcv_mat *out);

/* ---- calibration boards ------------------------------------------------------------------ */
/* Inner corners of a cols x rows chessboard (cv::findChessboardCorners, then cv::cornerSubPix with
 * a (2*win+1)^2 window); row by row, as OpenCV orders them. Returns the count, or 0 when not found. */
int vtcv_chessboard_find(const vt_image *grey, int cols, int rows, int win, float (*out)[2], int max);
/* ChArUco: markers, then interpolated chessboard corners with their ids. Returns the count. */
int vtcv_charuco_find(const vt_image *grey, int squares_x, int squares_y, float square, float marker, int dict,
                      float (*out)[2], int *ids, int max);
/* The board's chessboard corners (id order) in metres, z = 0. Returns the count. */
int vtcv_charuco_corners(int squares_x, int squares_y, float square, float marker, int dict, float (*out)[3], int max);
/* The board drawn to width x height pixels (grey), margin pixels of white around it. */
vt_result vtcv_charuco_draw(int squares_x, int squares_y, float square, float marker, int dict, int width, int height,
                            int margin, vtcv_mat *out);

/* cv::calibrateCamera over nviews views; view v has counts[v] points, object points obj (metres)
 * and image points img, all views concatenated. Writes K (3x3 row-major), dist (5), per-view RMS
 * errors, each view's rvec/tvec and the overall RMS (pixels); VT_ERR_INTERNAL if OpenCV failed. */
vt_result vtcv_calibrate(const float (*obj)[3], const float (*img)[2], const int *counts, int nviews, int width,
                         int height, double K[9], double dist[5], double *view_err, double (*rvecs)[3],
                         double (*tvecs)[3], double *rms);

/* ---- drawing on frames (for live feedback) ------------------------------------------------- */
vt_result vtcv_draw_points(vt_image *bgr, const float (*pts)[2], int n, const uint8_t bgr_colour[3], int radius);

/* ---- geometry ---------------------------------------------------------------------------- */
/* cv::solvePnPGeneric with the given cv::SolvePnPMethod; up to 2 solutions, best first.
 * K is row-major 3x3; dist may be NULL when ndist is 0. Returns the number of solutions. */
int vtcv_solve_pnp(const double (*obj)[3], const float (*img)[2], int n, const double K[9],
                   const double *dist, int ndist, int method,
                   double rvec[][3], double tvec[][3], double reproj_err[]);
enum { VTCV_PNP_ITERATIVE = 0, VTCV_PNP_IPPE = 6, VTCV_PNP_IPPE_SQUARE = 7 };
/* cv::solvePnPRefineLM from the pose in rvec/tvec (updated in place); writes the RMS
 * reprojection error. VT_ERR_INTERNAL if OpenCV failed. */
vt_result vtcv_refine_pnp(const double (*obj)[3], const float (*img)[2], int n, const double K[9], const double *dist,
                          int ndist, double rvec[3], double tvec[3], double *reproj_err);
/* On failure out is all NaN. */
vt_result vtcv_project_points(const double (*obj)[3], int n, const double rvec[3], const double tvec[3],
                              const double K[9], const double *dist, int ndist, double (*out)[2]);
/* cv::Rodrigues; on failure R is the identity. */
vt_result vtcv_rodrigues(const double rvec[3], double R[9]);

/* ---- calibration files (FileStorage YAML/XML/JSON) ---------------------------------------- */
typedef struct vtcv_calib {
    double K[9];
    double dist[14];
    int ndist;           /* as many as the file holds; dist has the first 14 */
    int width, height;   /* 0 when the file does not say */
    double rms;          /* -1 when the file does not say */
} vtcv_calib;
vt_result vtcv_calib_read(const char *path, vtcv_calib *out, char *err, size_t errlen);
/* Writes camera_matrix, distortion_coefficients, image_width, image_height and rms (YAML). */
vt_result vtcv_calib_write(const char *path, const vtcv_calib *c, char *err, size_t errlen);


#ifdef __cplusplus
}
#endif
#endif
