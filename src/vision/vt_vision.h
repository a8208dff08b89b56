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

/* Every threshold of our search (vision/vt_scan.c) and of the sub-pixel corners
 * (vision/vt_refine.c; also used after OpenCV's engine with VT_REFINE_EDGES). A field left 0
 * takes its default, the value in the comment (vt_detector_params_defaults() gives them all).
 * "px" are full-resolution pixels unless "segmented px" (the frame averaged down for the
 * search); "cells" are the marker's cells (its side / (data bits + 2)). */
typedef struct vt_detector_params {
    /* segmentation */
    int segment_short_side_px;   /* 360 px: the frame is averaged down by the largest integer factor
                                    that keeps its short side at least this, then binarised */
    int min_contrast;            /* 20 grey levels: a 12x12 segmented-px neighbourhood with less
                                    between its darkest and lightest has nothing dark (flat areas
                                    make no contours) */
    int min_region_px;           /* 12 segmented px: a region narrower or shorter is not searched */
    /* quads from contours */
    int min_marker_side_px;      /* 10 px: outlines shorter than 4 sides of this are not followed */
    double poly_eps;             /* 0.04 of the contour's points: approxPolyDP's tolerance */
    double poly_eps_retry;       /* 0.07 of the contour's points: a second, coarser fit when the
                                    first found 5 or 6 vertices (one bent side) */
    int min_side_div;            /* 10: each side carries at least 1/10 of the outline's points
                                    (and 3): no slivers or triangles */
    double corner_fit_px;        /* 3 segmented px, plus corner_fit_per_point per contour point: a
                                    fitted corner further from the contour's vertex is a bad fit */
    double corner_fit_per_point; /* 0.02 segmented px per contour point */
    double min_quad_area_px;     /* 80 px^2: smaller quads are not read */
    double refine_first_area_px; /* 576 px^2 (24 x 24): smaller quads are read through sub-pixel
                                    corners, their outline's corners being a good part of a cell off */
    /* reading the cells */
    double min_read_contrast;    /* 20 grey levels: quiet zone minus border; less is no marker */
    double quiet_zone_cells;     /* 0.3 cells: how far outside the border the quiet zone is sampled */
    float otsu_gap;              /* 0.4 of (quiet zone - border): a wider split of the cells' own
                                    values (Otsu) sets the threshold instead of their midpoint */
    int border_error_div;        /* 8: at most 1/8 of the border cells may read light */
    double correct_min_cell_px;  /* 5 px: bit errors are corrected only in cells at least this wide... */
    int correct_min_distance;    /* 9 bits: ...or in dictionaries whose codes differ by this many */
    double correction_share;     /* 0.6 of the bit errors OpenCV's dictionary says it can correct */
    double correction_share_dmin;/* 0.5 of what the codes' least distance d can correct, (d-1)/2, for
                                    dictionaries that say 0 (OpenCV's AprilTag ones), as AprilTag does */
    /* second looks at quads that did not read */
    double rescan_min_area_px;   /* 400 px^2: a larger quad that failed to read is searched again at
                                    full resolution (its quiet zone may have merged with it) */
    float rescan_margin;         /* 0.05 of (width + height), plus 2 px: the window around it */
    /* sub-pixel corners */
    int refine_iterations;       /* 2 passes of fitting a line to each edge and intersecting them */
    int refine_samples;          /* 64 edge points per side at most (64 is also the most allowed) */
    float refine_reach_px;       /* 6 px: the furthest an edge is looked for either side (<= 15.5) */
    double refine_reach_cells;   /* 0.45 cells: and less than half a cell, so the first row of bits
                                    (which may be white) never pulls the edge in */
    float refine_min_reach_px;   /* 1.5 px: but at least this */
    float refine_min_gradient;   /* 4 grey levels per half pixel: weaker edge points are skipped */
    double refine_max_move_px;   /* 2.5 px, plus refine_max_move_side of the side: a corner that
                                    moves further is a misfit (occlusion, clutter), kept as it was */
    double refine_max_move_side; /* 0.05 of the marker's side */
    /* re-reading a tracked marker at its predicted corners (vt_detector_verify) */
    int verify_iterations;       /* 2 passes: one moves the corners onto the edges, one settles them */
    int verify_samples;          /* 24 edge points per side */
    float verify_reach_px;       /* 2.5 px either side of each predicted edge */
} vt_detector_params;

vt_detector_params vt_detector_params_defaults(void);

typedef struct vt_detector_desc {
    vt_dictionary dict;      /* required: from vt_dictionary_find */
    vt_refine refine;        /* 0 = sub-pixel corners from edges, needed for steady poses;
                                NONE, SUBPIX and CONTOUR imply the OpenCV engine */
    vt_engine engine;        /* 0 = OWN */
    vt_detector_params params;   /* zero fields: defaults */
} vt_detector_desc;

/* A desc with every default filled in (the dictionary is still the caller's to set). */
vt_detector_desc vt_detector_desc_defaults(void);

typedef struct vt_detector vt_detector;

/* On failure *out is NULL and err says why (unsupported dictionary, out of memory). */
vt_result vt_detector_create(const vt_detector_desc *desc, vt_detector **out, char *err, size_t errlen);
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

/* ---- room light -------------------------------------------------------------------------- */
/* The room's light (vt_room_light, in core) in a BGR8 frame: its linear radiance on a 64 x 36
 * grid of 2 x 2 pixel means; the white is the mean of the brightest tenth of the cells; the
 * harmonic is fitted weighted by solid angle, each cell's direction through cam (NULL: a centred
 * 60 degree horizontal field of view). About 9,000 pixels read whatever the frame's size.
 * Anything but a BGR8 frame gives all zero (nothing estimated). */
void vt_room_light_estimate(const vt_image *bgr, const vt_camera *cam, vt_room_light *out);
/* Smoothing by media time: *state moves towards *sample by 1 - exp(-dt_s / tau_s) (63 % of a
 * step after tau_s seconds). An empty state (all zero), dt_s <= 0 or over 2 s (a seek, a pause)
 * or tau_s <= 0 take the sample as it is. */
void vt_room_light_follow(vt_room_light *state, const vt_room_light *sample, double dt_s, double tau_s);

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
