/* catalog_camera.h — private to src/catalog: the catalog's "camera" section
 * (vt_catalog_camera.c), called by vt_catalog.c's checks. */
#ifndef VT_CATALOG_CAMERA_H
#define VT_CATALOG_CAMERA_H

#include "catalog/vt_catalog.h"

#include <cjson/cJSON.h>

/* The keys "camera" knows (vt_catalog.c warns of the others). */
extern const char *const cat_camera_keys[];
/* root's "camera" (absent: all zero) into c->camera; problems into rep at their places in c.
 * Returns the number of errors. */
int cat_read_camera(vt_catalog *c, vt_catalog_report *rep, const cJSON *root);
void cat_free_camera(vt_catalog_camera *cam);

#endif
