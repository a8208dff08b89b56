/* vt_scan.h — inside vision/: Vitrine's own square-marker search (not a public header).
 *
 * A scan finds markers in a region of a grey frame: segmentation at reduced resolution, quads
 * from contours, decoding by sampling the cells through the quad's homography, and corners
 * refined from the edges at full resolution. The tracker (vt_vision.c) runs it on the whole
 * frame, on bands of it, or on the predicted regions of known markers.
 *
 * Ownership: vt_scan_create returns a scan the caller frees with vt_scan_destroy. */
#ifndef VT_SCAN_H
#define VT_SCAN_H

#include "vision/vt_vision.h"

typedef struct vt_scan vt_scan;

typedef struct vt_scan_stats {
    double ms_segment;    /* downscale + threshold */
    double ms_contours;   /* contours + quads */
    double ms_decode;     /* sampling + dictionary lookup */
    double ms_refine;     /* sub-pixel corners */
    int candidates;       /* quads tried */
} vt_scan_stats;

/* params: resolved (no zero fields), copied. NULL for an unsupported dictionary or no memory. */
vt_scan *vt_scan_create(const vt_dictionary *dict, const vt_detector_params *params);
void vt_scan_destroy(vt_scan *s);   /* safe on NULL */

/* Finds markers inside roi {x0, y0, x1, y1} (exclusive ends; NULL = the whole frame) and writes
 * at most max of them to out. Returns how many, or -1 on error. Adds its times to st (may be NULL). */
int vt_scan_region(vt_scan *s, const vt_image *grey, const int roi[4], vt_marker *out, int max, vt_scan_stats *st);

/* The same at coarse times the usual reduction: markers under about coarse x 30 pixels are
 * missed, for a search coarse^2 times cheaper (the tracker's look for newcomers). */
int vt_scan_region_coarse(vt_scan *s, const vt_image *grey, const int roi[4], int coarse, vt_marker *out, int max,
                          vt_scan_stats *st);

/* Until called again: quads whose centre lies inside one of these markers (borrowed, must stay
 * valid) are not read — the tracker has them already. NULL or n = 0: read everything. */
void vt_scan_skip(vt_scan *s, const vt_marker *known, int n);

/* Re-reads a known marker from its predicted corners: refines them from the edges and decodes
 * the cells. Returns 1 and updates corners (in the marker's own order) when marker id is there. */
int vt_scan_verify(vt_scan *s, const vt_image *grey, float corners[4][2], int id);

#endif
