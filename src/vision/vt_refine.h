/* vt_refine.h — internal to vision/: sub-pixel corner refinement from edge lines. */
#ifndef VT_REFINE_H
#define VT_REFINE_H
#include "vision/vt_vision.h"

/* Refines the four corners of a marker quad in place (order as in vt_marker) in grey; cells is
 * the number of cells across the marker, border included; p holds the thresholds (resolved: no
 * zero fields) and the budget (refine_iterations, _samples, _reach_px). Returns 1 when refined,
 * 0 when the edges were too weak or inconsistent (the corners are then left as they were). */
int vt_refine_corners(const vt_image *grey, float corners[4][2], int cells, const vt_detector_params *p);
/* The same with another budget, for markers followed from frame to frame, whose corners are
 * already close: iterations passes, at most samples edge points per side, looking at most reach
 * pixels either side of each edge. */
int vt_refine_corners_n(const vt_image *grey, float corners[4][2], int cells, const vt_detector_params *p, int iterations,
                        int samples, float reach);
/* The least-squares line through weighted points given by their moments (sum of weights w,
 * w*x, w*y, w*x*x, w*y*y, w*x*y): a point on it (the centroid) and its unit direction. */
void vt_line_from_moments(double sw, double sx, double sy, double sxx, double syy, double sxy, double p[2], double d[2]);
#endif
