/* vt_vision.h — finding markers in a grey frame and their pose relative to the camera.
 *
 * Corners follow OpenCV's convention: pixel centres at integer coordinates; order top-left,
 * top-right, bottom-right, bottom-left in the marker's own frame. Poses follow cv::solvePnP:
 * rvec (Rodrigues) and tvec in metres, marker x right, y up, z towards the camera.
 *
 * Ownership: vt_detector_create returns a detector the caller frees with vt_detector_destroy;
 * a vt_marker_list is the caller's and is freed with vt_marker_list_free. */
#ifndef VT_VISION_H
#define VT_VISION_H

#include "core/vt_core.h"

/* ---- camera intrinsics ------------------------------------------------------------------- */
/* Reads camera_matrix and distortion_coefficients (and image_width/height if present) from an
 * OpenCV FileStorage file (YAML, XML or JSON). On failure err says why. (vt_camera and the other
 * plain types are in core/vt_core.h.) */
vt_result vt_camera_load(const char *path, vt_camera *out, char *err, size_t errlen);

/* ---- detector ---------------------------------------------------------------------------- */
typedef enum vt_refine {
    VT_REFINE_DEFAULT = 0,   /* = EDGES */
    VT_REFINE_NONE,          /* OpenCV's pixel-level corners */
    VT_REFINE_EDGES,         /* ours: lines fitted to sub-pixel edge points, intersected */
    VT_REFINE_SUBPIX,        /* OpenCV's CORNER_REFINE_SUBPIX */
    VT_REFINE_CONTOUR,       /* OpenCV's CORNER_REFINE_CONTOUR */
} vt_refine;

typedef enum vt_engine {
    VT_ENGINE_DEFAULT = 0,   /* = OWN */
    VT_ENGINE_OWN,           /* Vitrine's search (vt_scan.c): ~0.1x OpenCV's time */
    VT_ENGINE_OPENCV,        /* cv::aruco::detectMarkers, then the chosen refinement */
} vt_engine;

typedef struct vt_detector_desc {
    vt_dictionary dict;      /* required: from vt_dictionary_find */
    vt_refine refine;        /* 0 = sub-pixel corners from edges, needed for steady poses;
                                NONE, SUBPIX and CONTOUR imply the OpenCV engine */
    vt_engine engine;
} vt_detector_desc;

typedef struct vt_detector vt_detector;

vt_detector *vt_detector_create(const vt_detector_desc *desc);
/* Finds every marker of the dictionary in grey (VT_PIX_GREY8); replaces out's contents.
 * Each call stands alone; to follow markers through the frames of a stream, use the tracker
 * (tracking/vt_tracking.h), which is built on the two calls below.
 * Only the detection itself is timed: see vt_detector_last_ms. */
vt_result vt_detector_detect(vt_detector *d, const vt_image *grey, vt_marker_list *out);
double vt_detector_last_ms(const vt_detector *d);
/* Per-stage times of the last detect call (vt_detect_profile is in core). */
vt_detect_profile vt_detector_profile(const vt_detector *d);
void vt_detector_destroy(vt_detector *d);   /* safe on NULL */

/* Lower-level search (our engine only; VT_ERR_UNSUPPORTED with OpenCV's), for the tracker.
 * Finds markers inside roi {x0, y0, x1, y1} (exclusive ends; NULL = the whole frame) at coarse
 * times the usual reduction (1 = usual; 2 = a quarter of the work, markers under about
 * coarse x 30 px missed), not reading quads whose centre lies inside one of skip[0..nskip)
 * (borrowed for the call). Replaces out's contents; adds its stage times to acc (may be NULL). */
vt_result vt_detector_search(vt_detector *d, const vt_image *grey, const int roi[4], int coarse, const vt_marker *skip,
                             int nskip, vt_marker_list *out, vt_detect_profile *acc);
/* Re-reads marker id from its predicted corners: refines them from the edges and decodes the
 * cells. *found = 1 and corners updated (in the marker's own order) when it is there. */
vt_result vt_detector_verify(vt_detector *d, const vt_image *grey, int id, float corners[4][2], int *found);

/* The marker's image (black square with its bits, one-cell border included), side_px square,
 * GREY8, into out (owned by the caller: vt_image_free). */
vt_result vt_marker_image(const vt_dictionary *dict, int id, int side_px, vt_image *out);
/* Caps the worker threads of the vision libraries (n >= 1; n <= 0: all cores). Process-wide. */
void vt_vision_set_threads(int n);

/* ---- pose -------------------------------------------------------------------------------- */
/* Pose of a square marker of side length_m from its corners (cv::solvePnP, SOLVEPNP_IPPE_SQUARE;
 * of its two solutions the one with the lower reprojection error). Sets m->has_pose. */
vt_result vt_pose_estimate(const vt_camera *cam, double length_m, vt_marker *m);
/* The same, but when the view is ambiguous (IPPE's two solutions fit the corners about equally
 * well: small or face-on markers) the one closer to prev_rvec (the marker's last orientation,
 * may be NULL) wins, so the pose does not flip from frame to frame. */
vt_result vt_pose_estimate_near(const vt_camera *cam, double length_m, vt_marker *m, const double prev_rvec[3]);
/* The marker's corners in its own frame, in the order of vt_marker.corners. */
void vt_marker_object_points(double length_m, double out[4][3]);

/* ---- calibration ------------------------------------------------------------------------ */
typedef enum vt_board_kind { VT_BOARD_CHESSBOARD = 1, VT_BOARD_CHARUCO } vt_board_kind;

typedef struct vt_board {
    vt_board_kind kind;
    int cols, rows;          /* chessboard: inner corners; ChArUco: squares */
    double square_m;         /* side of one square */
    double marker_m;         /* ChArUco: side of each marker */
    vt_dictionary dict;      /* ChArUco */
} vt_board;

/* "chessboard:COLSxROWS:SQUARE_MM" (inner corners) or "charuco:COLSxROWS:SQUARE_MM:MARKER_MM:DICT". */
vt_result vt_board_parse(const char *spec, vt_board *out, char *err, size_t errlen);
int vt_board_max_corners(const vt_board *b);
/* Finds the board; writes image points and their object points (metres, z = 0) and returns how
 * many (0: not found; a ChArUco view needs at least 6 corners to count). */
int vt_board_detect(const vt_board *b, const vt_image *grey, float (*img)[2], float (*obj)[3], int max);

/* A ChArUco board drawn to width x height pixels, GREY8, into out (owned: vt_image_free). */
vt_result vt_board_image(const vt_board *b, int width, int height, vt_image *out);

typedef struct vt_calib_view {
    const char *name;        /* the image or "frame N" */
    float (*img)[2];         /* owned by the caller */
    float (*obj)[3];
    int count;
    double error;            /* out: RMS reprojection error of this view, pixels */
    double tilt_deg;         /* out: angle between the board's normal and the optical axis */
    int rejected;            /* out: left out for an error far above the rest */
} vt_calib_view;

typedef struct vt_calib_result {
    vt_camera camera;        /* intrinsics and 5 distortion coefficients, for width x height */
    double rms;              /* overall RMS reprojection error, pixels, over the views kept */
    int used, rejected;
    double fov_h_deg, fov_v_deg;
    double tilt_min_deg, tilt_max_deg;
    int corners_uncovered;   /* bit k set: image corner k (TL, TR, BR, BL) saw no board corner */
} vt_calib_result;

#define VT_CALIB_MIN_VIEWS 3
/* cv::calibrateCamera over the views, then leaves out views whose error is far above the rest
 * (above 3 x the median and the median + 0.5 px) and calibrates again. */
vt_result vt_calibrate(vt_calib_view *views, int nviews, int width, int height, vt_calib_result *out, char *err,
                       size_t errlen);
/* Writes an OpenCV FileStorage YAML any --calib option reads. */
vt_result vt_camera_save(const char *path, const vt_camera *c, double rms, char *err, size_t errlen);

#endif
