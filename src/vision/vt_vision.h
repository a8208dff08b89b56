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

/* ---- dictionaries ------------------------------------------------------------------------ */
typedef struct vt_dictionary {
    int cv_id;          /* cv::aruco::PREDEFINED_DICTIONARY_NAME */
    const char *name;   /* canonical: "5X5_100", "ARUCO_ORIGINAL", "APRILTAG_36h11" */
    int count;          /* ids 0 .. count-1 */
    int bits;           /* data bits per side */
} vt_dictionary;

/* Accepts the canonical name, with or without "DICT_", in any case. */
vt_result vt_dictionary_find(const char *name, vt_dictionary *out);
/* All canonical names, comma-separated, for help and error text. */
const char *vt_dictionary_names(void);

/* ---- camera intrinsics ------------------------------------------------------------------- */
#define VT_DEFAULT_HFOV_DEG 60.0   /* a typical webcam; used when nothing better is known */

typedef struct vt_camera {
    double fx, fy, cx, cy;   /* pixels */
    double dist[14];         /* OpenCV's distortion model, ndist of them */
    int ndist;
    int width, height;       /* the image size these numbers are for; 0 = any (not scaled) */
} vt_camera;

/* Pinhole camera with horizontal field of view hfov_deg, square pixels, centred, no distortion. */
vt_camera vt_camera_from_fov(int width, int height, double hfov_deg);
/* Reads camera_matrix and distortion_coefficients (and image_width/height if present) from an
 * OpenCV FileStorage file (YAML, XML or JSON). On failure err says why. */
vt_result vt_camera_load(const char *path, vt_camera *out, char *err, size_t errlen);
/* Parses "fx,fy,cx,cy" (positive focal lengths); the size stays 0 (any). */
vt_result vt_camera_parse(const char *text, vt_camera *out);
/* The same camera for frames of width x height: scales the intrinsics when the calibration was
 * made at another resolution of the same aspect ratio (a different aspect keeps the centre crop). */
vt_camera vt_camera_for_size(const vt_camera *c, int width, int height);
void vt_camera_matrix(const vt_camera *c, double K[9]);

/* ---- markers ----------------------------------------------------------------------------- */
typedef struct vt_marker {
    int id;
    float corners[4][2];
    int has_pose;
    double rvec[3], tvec[3];   /* valid when has_pose */
    double reproj_err;         /* RMS reprojection error of the pose, pixels */
} vt_marker;

typedef struct vt_marker_list {
    vt_marker *items;
    int count, capacity;
} vt_marker_list;

vt_result vt_marker_list_reserve(vt_marker_list *l, int capacity);
void vt_marker_list_free(vt_marker_list *l);   /* safe on a zeroed list */

/* ---- detector ---------------------------------------------------------------------------- */
typedef enum vt_refine {
    VT_REFINE_DEFAULT = 0,   /* = EDGES */
    VT_REFINE_NONE,          /* OpenCV's pixel-level corners */
    VT_REFINE_EDGES,         /* ours: lines fitted to sub-pixel edge points, intersected */
    VT_REFINE_SUBPIX,        /* OpenCV's CORNER_REFINE_SUBPIX */
    VT_REFINE_CONTOUR,       /* OpenCV's CORNER_REFINE_CONTOUR */
} vt_refine;

typedef struct vt_detector_desc {
    vt_dictionary dict;      /* required: from vt_dictionary_find */
    vt_refine refine;        /* 0 = sub-pixel corners from edges, needed for steady poses */
} vt_detector_desc;

typedef struct vt_detector vt_detector;

vt_detector *vt_detector_create(const vt_detector_desc *desc);
/* Finds every marker of the dictionary in grey (VT_PIX_GREY8); replaces out's contents.
 * Only the detection itself is timed: see vt_detector_last_ms. */
vt_result vt_detector_detect(vt_detector *d, const vt_image *grey, vt_marker_list *out);
double vt_detector_last_ms(const vt_detector *d);
void vt_detector_destroy(vt_detector *d);   /* safe on NULL */

/* ---- pose -------------------------------------------------------------------------------- */
/* Pose of a square marker of side length_m from its corners (cv::solvePnP, SOLVEPNP_IPPE_SQUARE;
 * of its two solutions the one with the lower reprojection error). Sets m->has_pose. */
vt_result vt_pose_estimate(const vt_camera *cam, double length_m, vt_marker *m);
/* The marker's corners in its own frame, in the order of vt_marker.corners. */
void vt_marker_object_points(double length_m, double out[4][3]);

#endif
