/* vt_obj_check.c — counts an OBJ's vertices, faces and corners before assimp reads it. */
#include "vt_obj_check.h"
#include "vt_model_io.h"
#include "vt_model_limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct obj_count {
    double coords;              /* v, vt and vn lines: assimp keeps each as an aiVector3D */
    double corners, triangles;  /* of the mesh being read: assimp makes a vertex per corner */
    double total_corners, total_triangles;
    long parts;                 /* o and g lines: nodes and meshes */
    long line;
} obj_count;

static int is_space(char c) { return c == ' ' || c == '\t'; }

/* The corners of a face, point or line element: its whitespace-separated words after the keyword. */
static long words(const char *p, const char *end)
{
    long n = 0;
    while (p < end && *p != '\n') {
        while (p < end && is_space(*p)) p++;
        if (p >= end || *p == '\n' || *p == '\r' || *p == '#') break;
        n++;
        while (p < end && !is_space(*p) && *p != '\n') p++;
    }
    return n;
}

static int keyword(const char *p, const char *end, const char *k)
{
    size_t n = strlen(k);
    return (size_t)(end - p) > n && !memcmp(p, k, n) && is_space(p[n]);
}

static vt_result end_mesh(obj_count *c, char *err, size_t errlen)
{
    if (c->corners > VT_MODEL_MAX_MESH_VERTICES) {
        snprintf(err, errlen, "line %ld: a mesh of %.0f vertices (at most %d a mesh)", c->line, c->corners, VT_MODEL_MAX_MESH_VERTICES);
        return VT_ERR_FORMAT;
    }
    if (c->triangles > VT_MODEL_MAX_MESH_FACES) {
        snprintf(err, errlen, "line %ld: a mesh of %.0f triangles (at most %d a mesh)", c->line, c->triangles, VT_MODEL_MAX_MESH_FACES);
        return VT_ERR_FORMAT;
    }
    c->total_corners += c->corners;
    c->total_triangles += c->triangles;
    c->corners = c->triangles = 0;
    return VT_OK;
}

static vt_result count_line(obj_count *c, const char *p, const char *end, char *err, size_t errlen)
{
    while (p < end && is_space(*p)) p++;
    if (keyword(p, end, "v") || keyword(p, end, "vt") || keyword(p, end, "vn")) { c->coords++; return VT_OK; }
    if (keyword(p, end, "f") || keyword(p, end, "l") || keyword(p, end, "p")) {
        long n = words(p + 1, end);
        if (n > VT_MODEL_MAX_POLYGON_INDICES) {
            snprintf(err, errlen, "line %ld: a polygon of %ld corners (at most %d)", c->line, n, VT_MODEL_MAX_POLYGON_INDICES);
            return VT_ERR_FORMAT;
        }
        c->corners += (double)n;
        if (*p == 'f' && n >= 3) c->triangles += (double)(n - 2);
        return VT_OK;
    }
    int part = keyword(p, end, "o") || keyword(p, end, "g");
    if (!part && !keyword(p, end, "usemtl")) return VT_OK;
    if (part && ++c->parts > VT_MODEL_MAX_NODES) {
        snprintf(err, errlen, "line %ld: more than %d objects and groups", c->line, VT_MODEL_MAX_NODES);
        return VT_ERR_FORMAT;
    }
    return end_mesh(c, err, errlen);
}

vt_result vt_obj_check_text(const char *text, size_t len, double *bytes, char *err, size_t errlen)
{
    obj_count c = { 0 };
    const char *p = text, *end = text + len;
    vt_result r = VT_OK;
    while (r == VT_OK && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        c.line++;
        r = count_line(&c, p, le, err, errlen);
        p = nl ? nl + 1 : end;
    }
    if (r == VT_OK) r = end_mesh(&c, err, errlen);
    if (r != VT_OK) return r;
    double est = (double)len + c.coords * 16 + c.total_corners * VT_MODEL_BYTES_PER_VERTEX +
                 c.total_triangles * VT_MODEL_BYTES_PER_TRIANGLE;
    if (est > VT_MODEL_MAX_BYTES) {
        snprintf(err, errlen, "loading it would take about %.0f MB (a model may take %.0f MB)", est / 1048576, VT_MODEL_MAX_BYTES / 1048576);
        return VT_ERR_FORMAT;
    }
    if (bytes) *bytes = est;
    return VT_OK;
}

vt_result vt_obj_check(const char *path, double *bytes, char *err, size_t errlen)
{
    char *text;
    size_t len;
    vt_result r = vt_model_read(path, &text, &len, err, errlen);
    if (r != VT_OK) return r;
    r = vt_obj_check_text(text, len, bytes, err, errlen);
    free(text);
    return r;
}
