/* vt_imgcheck.h — inside capture/: an image file checked before OpenCV decodes it (not a
 * public header). */
#ifndef VT_IMGCHECK_H
#define VT_IMGCHECK_H

#include "core/vt_core.h"

/* Reads an image file into *data (malloc'd, the caller frees it; *len its length) after checking
 * its format by its first bytes (JPEG, PNG, BMP, TIFF, WebP, PNM, HDR, Sun raster, JPEG 2000;
 * GIF and OpenEXR are refused) and that a JPEG or PNG is whole: ending with its end marker or
 * IEND chunk, every PNG chunk's CRC right, the JPEG's data decoding without a libjpeg warning.
 * A PNG comes without its ancillary chunks but tRNS (nothing a decode to pixels uses).
 * err: one line, without the path; *data NULL on failure. */
vt_result vt_image_file_read(const char *path, unsigned char **data, size_t *len, char *err, size_t errlen);
/* Whether the file starts as a GIF does (OpenCV's video reader would take it as a video). */
int vt_image_file_is_gif(const char *path);

#endif
