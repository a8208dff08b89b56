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
    const char *path;           /* the OBJ, to find its .mtl files (NULL: not checked) */
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
        snprintf(err, errlen, _("line %ld: a mesh of %.0f vertices (at most %d a mesh)"), c->line, c->corners, VT_MODEL_MAX_MESH_VERTICES);
        return VT_ERR_FORMAT;
    }
    if (c->triangles > VT_MODEL_MAX_MESH_FACES) {
        snprintf(err, errlen, _("line %ld: a mesh of %.0f triangles (at most %d a mesh)"), c->line, c->triangles, VT_MODEL_MAX_MESH_FACES);
        return VT_ERR_FORMAT;
    }
    c->total_corners += c->corners;
    c->total_triangles += c->triangles;
    c->corners = c->triangles = 0;
    return VT_OK;
}

/* A material file: every statement comes after a newmtl (assimp 5.2's MTL reader dereferences a
 * null material for a texture before the first one). Read through vt_model_read: a FIFO or
 * device named by mtllib is refused here, before assimp opens it. */
static vt_result check_mtl(obj_count *c, const char *p, const char *end, char *err, size_t errlen)
{
    while (p < end && is_space(*p)) p++;
    while (end > p && (is_space(end[-1]) || end[-1] == '\r')) end--;
    const char *slash = strrchr(c->path, '/');
    int dl = slash ? (int)(slash - c->path + 1) : 0;
    char full[4096], why[200], *text;
    size_t len;
    snprintf(full, sizeof full, "%.*s%.*s", dl, c->path, (int)(end - p), p);
    vt_result r = vt_model_read(full, &text, &len, why, sizeof why);
    if (r == VT_ERR_NOT_FOUND || r == VT_ERR_FORMAT) return VT_OK;   /* assimp warns and goes on without it */
    if (r != VT_OK) { snprintf(err, errlen, _("line %ld: cannot read %.*s: %s"), c->line, (int)(end - p), p, why); return r; }
    long line = 0;
    for (const char *q = text, *te = text + len; r == VT_OK && q < te; line++) {
        const char *nl = memchr(q, '\n', (size_t)(te - q)), *le = nl ? nl : te;
        while (q < le && is_space(*q)) q++;
        if (keyword(q, le, "newmtl")) break;
        if (q < le && *q != '#' && *q != '\r') {
            const char *w = q;
            while (w < le && !is_space(*w) && *w != '\r') w++;
            snprintf(err, errlen, _("%.*s line %ld: \"%.*s\" before the first newmtl"), (int)(end - p), p, line + 1, (int)(w - q), q);
            r = VT_ERR_FORMAT;
        }
        q = nl ? nl + 1 : te;
    }
    free(text);
    return r;
}

static vt_result count_line(obj_count *c, const char *p, const char *end, char *err, size_t errlen)
{
    while (p < end && is_space(*p)) p++;
    if (c->path && keyword(p, end, "mtllib")) return check_mtl(c, p + 6, end, err, errlen);
    if (keyword(p, end, "v") || keyword(p, end, "vt") || keyword(p, end, "vn")) { c->coords++; return VT_OK; }
    if (keyword(p, end, "f") || keyword(p, end, "l") || keyword(p, end, "p")) {
        long n = words(p + 1, end);
        if (n > VT_MODEL_MAX_POLYGON_INDICES) {
            snprintf(err, errlen, _("line %ld: a polygon of %ld corners (at most %d)"), c->line, n, VT_MODEL_MAX_POLYGON_INDICES);
            return VT_ERR_FORMAT;
        }
        c->corners += (double)n;
        if (*p == 'f' && n >= 3) c->triangles += (double)(n - 2);
        return VT_OK;
    }
    int part = keyword(p, end, "o") || keyword(p, end, "g");
    if (!part && !keyword(p, end, "usemtl")) return VT_OK;
    if (part && ++c->parts > VT_MODEL_MAX_NODES) {
        snprintf(err, errlen, _("line %ld: more than %d objects and groups"), c->line, VT_MODEL_MAX_NODES);
        return VT_ERR_FORMAT;
    }
    return end_mesh(c, err, errlen);
}

static vt_result check_text(const char *path, const char *text, size_t len, double *bytes, char *err, size_t errlen)
{
    obj_count c = { .path = path };
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
        snprintf(err, errlen, _("loading it would take about %.0f MB (a model may take %.0f MB)"), est / 1048576, VT_MODEL_MAX_BYTES / 1048576);
        return VT_ERR_FORMAT;
    }
    if (bytes) *bytes = est;
    return VT_OK;
}

vt_result vt_obj_check_text(const char *text, size_t len, double *bytes, char *err, size_t errlen)
{
    return check_text(NULL, text, len, bytes, err, errlen);
}

vt_result vt_obj_check(const char *path, double *bytes, char *err, size_t errlen)
{
    char *text;
    size_t len;
    vt_result r = vt_model_read(path, &text, &len, err, errlen);
    if (r != VT_OK) return r;
    r = check_text(path, text, len, bytes, err, errlen);
    free(text);
    return r;
}
