/* vt_gltf_check.c — a structural check of glTF files before assimp reads them: the container
 * (GLB header and chunks) and that every buffer, buffer view and accessor lies inside the data
 * it points at. assimp trusts these numbers and reads past the end on some broken files. */
#include "vt_gltf_check.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define GLB_JSON 0x4E4F534Au   /* chunk types, little-endian "JSON" and "BIN\0" */
#define GLB_BIN 0x004E4942u

/* What one check has learnt so far: the JSON text, the GLB binary chunk's length (-1 when there
 * is none) and the lengths of the buffers and views read. */
typedef struct gltf_doc {
    const char *path;
    int glb;
    const char *json;
    size_t jlen;
    double bin_len;
    const cJSON *buffers, *views, *accessors;
    int nb, nv;
    double *blen, *vlen;
    char *err;
    size_t errlen;
} gltf_doc;

static uint32_t le32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static int comp_size(int t) { return t == 5120 || t == 5121 ? 1 : t == 5122 || t == 5123 ? 2 : t == 5125 || t == 5126 ? 4 : 0; }
static int type_count(const char *t)
{
    static const struct { const char *n; int c; } k[] = { { "SCALAR", 1 }, { "VEC2", 2 }, { "VEC3", 3 }, { "VEC4", 4 }, { "MAT2", 4 }, { "MAT3", 9 }, { "MAT4", 16 } };
    for (size_t i = 0; t && i < sizeof k / sizeof k[0]; i++) if (!strcmp(t, k[i].n)) return k[i].c;
    return 0;
}

static double num(const cJSON *o, const char *key, double def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : def;
}

/* An integer field; cJSON saturates valueint to the int range (a cast of a huge double is UB). */
static int int_of(const cJSON *o, const char *key, int def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valueint : def;
}

static vt_result bad(gltf_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static vt_result bad(gltf_doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->err, d->errlen, fmt, ap);
    va_end(ap);
    return VT_ERR_FORMAT;
}

/* GLB: the 12-byte header, the JSON chunk, and the binary chunk when there is one. */
static vt_result check_glb(gltf_doc *d, const unsigned char *u, size_t n)
{
    if (n < 20) return bad(d, "GLB header cut short (%zu bytes)", n);
    uint32_t version = le32(u + 4), total = le32(u + 8), c0len = le32(u + 12), c0type = le32(u + 16);
    if (version != 2) return bad(d, "GLB version %u (only 2 is glTF 2.0)", version);
    if (total > n) return bad(d, "GLB says %u bytes but the file has %zu (truncated)", total, n);
    if (c0type != GLB_JSON) return bad(d, "GLB's first chunk is not JSON");
    if ((uint64_t)c0len + 20 > total) return bad(d, "GLB JSON chunk runs past the end of the file");
    d->json = (const char *)u + 20;
    d->jlen = c0len;
    size_t off = 20 + (size_t)c0len;
    if (off + 8 <= total) {
        uint32_t c1len = le32(u + off), c1type = le32(u + off + 4);
        if (c1type == GLB_BIN) {
            if (off + 8 + (uint64_t)c1len > total) return bad(d, "GLB binary chunk runs past the end of the file");
            d->bin_len = c1len;
        }
    }
    return VT_OK;
}

/* Every buffer has a length, and its data (the GLB chunk or a file beside the model) is that long. */
static vt_result check_buffers(gltf_doc *d)
{
    const char *slash = strrchr(d->path, '/');
    int dl = slash ? (int)(slash - d->path + 1) : 0;
    for (int i = 0; i < d->nb; i++) {
        const cJSON *b = cJSON_GetArrayItem(d->buffers, i);
        double len = num(b, "byteLength", -1);
        const cJSON *uri = cJSON_GetObjectItemCaseSensitive(b, "uri");
        if (len < 1) return bad(d, "buffer %d has no valid byteLength", i);
        d->blen[i] = len;
        if (!uri) {
            if (!d->glb || i != 0) return bad(d, "buffer %d has no uri and is not the GLB binary chunk", i);
            if (d->bin_len < len)
                return bad(d, "buffer 0 needs %.0f bytes but the GLB binary chunk holds %.0f", len, d->bin_len < 0 ? 0 : d->bin_len);
        } else if (cJSON_IsString(uri) && strncmp(uri->valuestring, "data:", 5)) {
            char full[4096];
            struct stat st;
            snprintf(full, sizeof full, "%.*s%s", dl, d->path, uri->valuestring);
            if (stat(full, &st) != 0) return bad(d, "buffer %d: %s is missing", i, uri->valuestring);
            if ((double)st.st_size < len)
                return bad(d, "buffer %d: %s has %lld bytes, %.0f needed", i, uri->valuestring, (long long)st.st_size, len);
        }
    }
    return VT_OK;
}

static vt_result check_views(gltf_doc *d)
{
    for (int i = 0; i < d->nv; i++) {
        const cJSON *v = cJSON_GetArrayItem(d->views, i);
        int b = int_of(v, "buffer", -1);
        double off = num(v, "byteOffset", 0), len = num(v, "byteLength", -1);
        if (b < 0 || b >= d->nb) return bad(d, "bufferView %d points at buffer %d of %d", i, b, d->nb);
        if (len < 1 || off < 0 || off + len > d->blen[b])
            return bad(d, "bufferView %d (offset %.0f, length %.0f) lies outside buffer %d (%.0f bytes)", i, off, len, b, d->blen[b]);
        d->vlen[i] = len;
    }
    return VT_OK;
}

/* Every accessor's elements, at its view's stride, end inside that view. */
static vt_result check_accessors(gltf_doc *d)
{
    const cJSON *a;
    int i = -1;
    cJSON_ArrayForEach(a, d->accessors) {
        i++;
        const cJSON *vw = cJSON_GetObjectItemCaseSensitive(a, "bufferView");
        const cJSON *ty = cJSON_GetObjectItemCaseSensitive(a, "type");
        int cs = comp_size(int_of(a, "componentType", 0)), tc = type_count(cJSON_IsString(ty) ? ty->valuestring : NULL);
        double count = num(a, "count", -1), off = num(a, "byteOffset", 0);
        if (!cs || !tc || count < 1) return bad(d, "accessor %d has an invalid componentType, type or count", i);
        if (!vw) continue;   /* sparse or zero-filled */
        int v = cJSON_IsNumber(vw) ? vw->valueint : -1;
        if (v < 0 || v >= d->nv) return bad(d, "accessor %d points at bufferView %d of %d", i, v, d->nv);
        double stride = num(cJSON_GetArrayItem(d->views, v), "byteStride", 0);
        double elem = (double)cs * tc;
        if (stride <= 0) stride = elem;
        if (off < 0 || off + (count - 1) * stride + elem > d->vlen[v])
            return bad(d, "accessor %d (%.0f elements) runs past the end of bufferView %d", i, count, v);
    }
    return VT_OK;
}

static vt_result check_json(gltf_doc *d)
{
    cJSON *doc = cJSON_ParseWithLength(d->json, d->jlen);
    if (!doc) return bad(d, "the glTF JSON does not parse");
    d->buffers = cJSON_GetObjectItemCaseSensitive(doc, "buffers");
    d->views = cJSON_GetObjectItemCaseSensitive(doc, "bufferViews");
    d->accessors = cJSON_GetObjectItemCaseSensitive(doc, "accessors");
    d->nb = cJSON_GetArraySize(d->buffers);
    d->nv = cJSON_GetArraySize(d->views);
    d->blen = calloc((size_t)d->nb + 1, sizeof *d->blen);
    d->vlen = calloc((size_t)d->nv + 1, sizeof *d->vlen);
    vt_result r = VT_ERR_NO_MEMORY;
    if (!d->blen || !d->vlen) snprintf(d->err, d->errlen, "out of memory while checking the glTF");
    else if ((r = check_buffers(d)) == VT_OK && (r = check_views(d)) == VT_OK) r = check_accessors(d);
    free(d->blen);
    free(d->vlen);
    cJSON_Delete(doc);
    return r;
}

vt_result vt_gltf_check(const char *path, char *err, size_t errlen)
{
    size_t n;
    char *data, why[128];
    vt_result rr = vt_read_file(path, &data, &n, why, sizeof why);
    if (rr != VT_OK) {
        snprintf(err, errlen, "cannot read the file: %s", why);
        return rr;
    }
    gltf_doc d = { .path = path, .json = data, .jlen = n, .bin_len = -1, .err = err, .errlen = errlen };
    d.glb = n >= 4 && !memcmp(data, "glTF", 4);
    vt_result r = d.glb ? check_glb(&d, (const unsigned char *)data, n) : VT_OK;
    if (r == VT_OK) r = check_json(&d);
    free(data);
    return r;
}
