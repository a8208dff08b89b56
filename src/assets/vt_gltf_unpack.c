/* vt_gltf_unpack.c — glTF as gltfpack and web pipelines write it, made plain before our checks
 * and assimp see it. EXT_meshopt_compression's buffer views are decoded with libmeshoptimizer
 * (and its octahedral, quaternion and exponential filters); KHR_mesh_quantization's integer
 * vertex attributes become floats, because assimp 5.2 copies attribute bytes as if they were
 * floats. The result is a GLB in memory with one buffer holding every view, its images still
 * found beside the file. Every number from the file is checked before it sizes or indexes
 * anything; what is decoded is bounded by VT_MODEL_MAX_BYTES. meshoptimizer's header is plain C,
 * so it is called directly, without a bridge. */
#include "vt_gltf_unpack.h"
#include "vt_gltf_check.h"
#include "vt_model_io.h"
#include "vt_model_limits.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <meshoptimizer.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct src_buf { const unsigned char *p; size_t n; char *own; } src_buf;

typedef struct unpack {
    const char *path;
    cJSON *doc;
    src_buf *bufs;
    int nb;
    unsigned char *out;   /* the new binary chunk */
    size_t len, cap;
    char *err;
    size_t errlen;
} unpack;

static vt_result bad(unpack *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static vt_result bad(unpack *u, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->err, u->errlen, vt_tr(fmt), ap);   /* in the staff's language (xgettext's keyword) */
    va_end(ap);
    return VT_ERR_FORMAT;
}

static vt_result no_memory(unpack *u)
{
    snprintf(u->err, u->errlen, _("out of memory while decoding the glTF"));
    return VT_ERR_NO_MEMORY;
}

static double num(const cJSON *o, const char *key, double def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : def;
}

/* A whole number in [lo, hi], or -1 (compared as a double: 1e20 is never cast). */
static double whole(const cJSON *o, const char *key, double def, double lo, double hi)
{
    double x = num(o, key, def);
    return x >= lo && x <= hi && x == floor(x) ? x : -1;
}

static const char *str(const cJSON *o, const char *key, const char *def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : def;
}

static const cJSON *meshopt_of(const cJSON *o)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "extensions"), "EXT_meshopt_compression");
}

static int lists(const cJSON *doc, const char *key, const char *name)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, key)) if (cJSON_IsString(e) && !strcmp(e->valuestring, name)) return 1;
    return 0;
}

static void unlist(cJSON *doc, const char *key, const char *name)
{
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, key);
    for (int i = cJSON_GetArraySize(arr) - 1; i >= 0; i--) {
        const cJSON *e = cJSON_GetArrayItem(arr, i);
        if (cJSON_IsString(e) && !strcmp(e->valuestring, name)) cJSON_DeleteItemFromArray(arr, i);
    }
    if (arr && !cJSON_GetArraySize(arr)) cJSON_DeleteItemFromObjectCaseSensitive(doc, key);
}

/* Room for n more bytes at a 4-byte boundary (glTF's alignment for accessors); their offset. */
static vt_result reserve(unpack *u, size_t n, size_t *at)
{
    size_t start = (u->len + 3) & ~(size_t)3;
    if ((double)start + (double)n > VT_MODEL_MAX_BYTES)
        return bad(u, "decoded, its buffers would take more than %.0f MB", VT_MODEL_MAX_BYTES / 1048576);
    if (start + n > u->cap) {
        size_t cap = u->cap ? u->cap : 65536;
        while (cap < start + n) cap *= 2;
        unsigned char *p = realloc(u->out, cap);
        if (!p) return no_memory(u);
        u->out = p;
        u->cap = cap;
    }
    memset(u->out + u->len, 0, start + n - u->len);
    u->len = start + n;
    *at = start;
    return VT_OK;
}

/* The buffers' bytes: the GLB's binary chunk, files beside the model, or none (meshopt's
 * fallback buffer, which holds nothing). */
static vt_result load_buffers(unpack *u, const unsigned char *bin, size_t bin_len)
{
    const cJSON *bufs = cJSON_GetObjectItemCaseSensitive(u->doc, "buffers"), *b;
    u->nb = cJSON_GetArraySize(bufs);
    if (!(u->bufs = calloc((size_t)u->nb + 1, sizeof *u->bufs))) return no_memory(u);
    const char *slash = strrchr(u->path, '/');
    int dl = slash ? (int)(slash - u->path + 1) : 0, i = 0;
    cJSON_ArrayForEach(b, bufs) {
        src_buf *s = &u->bufs[i];
        double len = whole(b, "byteLength", -1, 1, VT_MODEL_MAX_FILE_BYTES);
        const char *uri = str(b, "uri", NULL);
        if (len < 0) return bad(u, "buffer %d has no valid byteLength", i);
        if (!uri && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(meshopt_of(b), "fallback"))) { i++; continue; }
        if (!uri && (i != 0 || !bin)) return bad(u, "buffer %d has no uri and is not the GLB binary chunk", i);
        if (uri && !strncmp(uri, "data:", 5))
            return bad(u, "buffer %d is a data: URI; a compressed glTF keeps its buffers in the GLB or in .bin files", i);
        if (uri) {
            char full[4096], why[200];
            snprintf(full, sizeof full, "%.*s%s", dl, u->path, uri);
            vt_result r = vt_model_read(full, &s->own, &s->n, why, sizeof why);
            if (r != VT_OK) return bad(u, "buffer %d: %s %s", i, uri, why);
            s->p = (const unsigned char *)s->own;
        } else {
            s->p = bin;
            s->n = bin_len;
        }
        if ((double)s->n < len) return bad(u, "buffer %d needs %.0f bytes but holds %zu", i, len, s->n);
        s->n = (size_t)len;
        i++;
    }
    return VT_OK;
}

/* Bytes [off, off + len) of buffer b, or NULL when they are not there. */
static const unsigned char *bytes_of(unpack *u, double b, double off, double len)
{
    if (b < 0 || b >= u->nb || off < 0 || len < 0 || !u->bufs[(int)b].p || off + len > (double)u->bufs[(int)b].n) return NULL;
    return u->bufs[(int)b].p + (size_t)off;
}

/* The filter's rule for the stride, checked here: meshoptimizer only asserts it. */
static vt_result run_filter(unpack *u, int i, const char *filter, unsigned char *dst, size_t count, size_t stride)
{
    if (!strcmp(filter, "NONE")) return VT_OK;
    if (!strcmp(filter, "OCTAHEDRAL") && (stride == 4 || stride == 8)) meshopt_decodeFilterOct(dst, count, stride);
    else if (!strcmp(filter, "QUATERNION") && stride == 8) meshopt_decodeFilterQuat(dst, count, stride);
    else if (!strcmp(filter, "EXPONENTIAL") && stride % 4 == 0) meshopt_decodeFilterExp(dst, count, stride);
    else return bad(u, "bufferView %d: meshopt filter %.40s with a stride of %zu", i, filter, stride);
    return VT_OK;
}

/* One EXT_meshopt_compression view decoded into the new buffer at *at. */
static vt_result decode_view(unpack *u, int i, const cJSON *view, const cJSON *ext, size_t *at)
{
    double b = whole(ext, "buffer", -1, 0, u->nb - 1), off = whole(ext, "byteOffset", 0, 0, VT_MODEL_MAX_FILE_BYTES);
    double len = whole(ext, "byteLength", -1, 1, VT_MODEL_MAX_FILE_BYTES), stride = whole(ext, "byteStride", -1, 1, 256);
    double count = whole(ext, "count", -1, 1, VT_MODEL_MAX_MESH_INDICES), vlen = num(view, "byteLength", -1);
    const char *mode = str(ext, "mode", ""), *filter = str(ext, "filter", "NONE");
    const unsigned char *src = b < 0 || off < 0 || len < 0 ? NULL : bytes_of(u, b, off, len);
    if (!src) return bad(u, "bufferView %d: its compressed bytes lie outside their buffer", i);
    int attrs = !strcmp(mode, "ATTRIBUTES"), tris = !strcmp(mode, "TRIANGLES"), seq = !strcmp(mode, "INDICES");
    if (!attrs && !tris && !seq) return bad(u, "bufferView %d: unknown meshopt mode \"%.40s\"", i, mode);
    if (stride < 0 || count < 0 || (attrs && (int)stride % 4) || (!attrs && stride != 2 && stride != 4) ||
        (tris && fmod(count, 3) != 0))
        return bad(u, "bufferView %d: meshopt %s with a stride of %.0f and a count of %.0f", i, mode, stride, count);
    if (count * stride != vlen) return bad(u, "bufferView %d: %.0f bytes, but %.0f decoded", i, vlen, count * stride);
    size_t n = (size_t)count, st = (size_t)stride;
    vt_result r = reserve(u, n * st, at);
    if (r != VT_OK) return r;
    unsigned char *dst = u->out + *at;
    int rc = attrs ? meshopt_decodeVertexBuffer(dst, n, st, src, (size_t)len)
             : tris ? meshopt_decodeIndexBuffer(dst, n, st, src, (size_t)len)
                    : meshopt_decodeIndexSequence(dst, n, st, src, (size_t)len);
    if (rc) return bad(u, "bufferView %d: its meshopt data does not decode (corrupt, or an encoding newer than this libmeshoptimizer reads)", i);
    return attrs ? run_filter(u, i, filter, dst, n, st) : VT_OK;
}

static vt_result set_num(unpack *u, cJSON *o, const char *key, double v)
{
    cJSON *n = cJSON_CreateNumber(v);
    int ok = n && (cJSON_GetObjectItemCaseSensitive(o, key) ? cJSON_ReplaceItemInObjectCaseSensitive(o, key, n) : cJSON_AddItemToObject(o, key, n));
    if (!ok) cJSON_Delete(n);
    return ok ? VT_OK : no_memory(u);
}

/* Every view moved into the new buffer (decoded or copied), pointing at buffer 0. */
static vt_result move_views(unpack *u)
{
    cJSON *view;
    int i = 0;
    cJSON_ArrayForEach(view, cJSON_GetObjectItemCaseSensitive(u->doc, "bufferViews")) {
        if (!cJSON_IsObject(view)) return bad(u, "bufferView %d is not an object", i);
        const cJSON *ext = meshopt_of(view);
        size_t at = 0;
        vt_result r;
        if (ext) {
            r = decode_view(u, i, view, ext, &at);
        } else {
            double b = whole(view, "buffer", -1, 0, u->nb - 1), off = whole(view, "byteOffset", 0, 0, VT_MODEL_MAX_FILE_BYTES);
            double len = whole(view, "byteLength", -1, 1, VT_MODEL_MAX_FILE_BYTES);
            const unsigned char *src = b < 0 || off < 0 || len < 0 ? NULL : bytes_of(u, b, off, len);
            if (!src) return bad(u, "bufferView %d (offset %.0f, length %.0f) lies outside its buffer's data", i, off, len);
            if ((r = reserve(u, (size_t)len, &at)) == VT_OK) memcpy(u->out + at, src, (size_t)len);
        }
        if (r != VT_OK) return r;
        cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(view, "extensions"), "EXT_meshopt_compression");
        if ((r = set_num(u, view, "buffer", 0)) != VT_OK || (r = set_num(u, view, "byteOffset", (double)at)) != VT_OK) return r;
        i++;
    }
    return VT_OK;
}

/* glTF's normalized-integer rule (signed ones clamped at -1) or the plain value. */
static float component(const unsigned char *p, int type, int normalized)
{
    switch (type) {
    case 5120: { int8_t v; memcpy(&v, p, 1); return normalized ? fmaxf(v / 127.0f, -1) : v; }
    case 5121: return normalized ? p[0] / 255.0f : p[0];
    case 5122: { int16_t v; memcpy(&v, p, 2); return normalized ? fmaxf(v / 32767.0f, -1) : v; }
    case 5123: { uint16_t v; memcpy(&v, p, 2); return normalized ? v / 65535.0f : v; }
    case 5125: { uint32_t v; memcpy(&v, p, 4); return (float)v; }
    default: { float v; memcpy(&v, p, 4); return v; }
    }
}

static int comp_size(int t) { return t == 5120 || t == 5121 ? 1 : t == 5122 || t == 5123 ? 2 : t == 5125 || t == 5126 ? 4 : 0; }
static int type_count(const char *t)
{
    static const char *const names[] = { "SCALAR", "VEC2", "VEC3", "VEC4" };
    for (int i = 0; i < 4; i++) if (!strcmp(t, names[i])) return i + 1;
    return 0;
}

/* The accessor's min and max, from the floats written. */
static vt_result set_bounds(unpack *u, cJSON *acc, const float *f, size_t count, int nc)
{
    float lo[4], hi[4];
    for (int k = 0; k < nc; k++) lo[k] = hi[k] = f[k];
    for (size_t j = 1; j < count; j++)
        for (int k = 0; k < nc; k++) { lo[k] = fminf(lo[k], f[j * nc + k]); hi[k] = fmaxf(hi[k], f[j * nc + k]); }
    cJSON *mn = cJSON_CreateFloatArray(lo, nc), *mx = cJSON_CreateFloatArray(hi, nc);
    if (!mn || !mx) { cJSON_Delete(mn); cJSON_Delete(mx); return no_memory(u); }
    cJSON_DeleteItemFromObjectCaseSensitive(acc, "min");
    cJSON_DeleteItemFromObjectCaseSensitive(acc, "max");
    cJSON_AddItemToObject(acc, "min", mn);
    cJSON_AddItemToObject(acc, "max", mx);
    return VT_OK;
}

/* An integer vertex attribute (KHR_mesh_quantization) rewritten as floats in a view of its own.
 * Runs after move_views: every view lies in the new buffer. */
static vt_result to_float(unpack *u, int a, cJSON *acc)
{
    const cJSON *views = cJSON_GetObjectItemCaseSensitive(u->doc, "bufferViews");
    int ct = (int)num(acc, "componentType", 0), cs = comp_size(ct), nc = type_count(str(acc, "type", ""));
    double count = whole(acc, "count", -1, 1, VT_MODEL_MAX_MESH_VERTICES), v = whole(acc, "bufferView", -1, 0, cJSON_GetArraySize(views) - 1);
    if (cJSON_GetObjectItemCaseSensitive(acc, "sparse")) return bad(u, "accessor %d: a sparse quantized attribute is not supported", a);
    if (!cs || !nc || count < 0 || v < 0) return bad(u, "accessor %d has an invalid componentType, type, count or bufferView", a);
    const cJSON *view = cJSON_GetArrayItem(views, (int)v);
    double off = whole(acc, "byteOffset", 0, 0, VT_MODEL_MAX_FILE_BYTES), voff = num(view, "byteOffset", 0), vlen = num(view, "byteLength", -1);
    double stride = whole(view, "byteStride", 0, 0, 252);
    if (stride == 0) stride = cs * nc;
    if (off < 0 || stride < 0 || off + (count - 1) * stride + cs * nc > vlen) return bad(u, "accessor %d runs past the end of bufferView %.0f", a, v);
    size_t n = (size_t)count, at;
    vt_result r = reserve(u, n * nc * sizeof(float), &at);
    if (r != VT_OK) return r;
    const unsigned char *src = u->out + (size_t)voff + (size_t)off;   /* after reserve: it may move u->out */
    float *dst = (float *)(u->out + at);
    int norm = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(acc, "normalized"));
    for (size_t j = 0; j < n; j++)
        for (int k = 0; k < nc; k++) dst[j * nc + k] = component(src + j * (size_t)stride + (size_t)k * cs, ct, norm);
    cJSON *nv = cJSON_CreateObject();
    if (!nv || !cJSON_AddNumberToObject(nv, "buffer", 0) || !cJSON_AddNumberToObject(nv, "byteOffset", (double)at) ||
        !cJSON_AddNumberToObject(nv, "byteLength", (double)(n * nc * sizeof(float)))) {
        cJSON_Delete(nv);
        return no_memory(u);
    }
    if (!cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(u->doc, "bufferViews"), nv)) {
        cJSON_Delete(nv);
        return no_memory(u);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(acc, "normalized");
    cJSON_DeleteItemFromObjectCaseSensitive(acc, "byteOffset");
    if ((r = set_num(u, acc, "bufferView", cJSON_GetArraySize(views) - 1)) != VT_OK || (r = set_num(u, acc, "componentType", 5126)) != VT_OK)
        return r;
    return set_bounds(u, acc, (const float *)(u->out + at), n, nc);
}

/* The accessors an object names (a primitive's attributes, a morph target's, an animation
 * sampler's input and output) that are integers and may be floats: all but JOINTS_n, which stay
 * integers. done marks accessors already converted (shared between primitives). */
static vt_result attrs_to_float(unpack *u, const cJSON *attrs, char *done, int na)
{
    const cJSON *at;
    cJSON_ArrayForEach(at, attrs) {
        if (!strcmp(at->string, "interpolation")) continue;   /* a sampler's */
        int a = cJSON_IsNumber(at) && at->valuedouble >= 0 && at->valuedouble < na && at->valuedouble == floor(at->valuedouble)
                    ? (int)at->valuedouble : -1;
        if (a < 0) return bad(u, "attribute %.40s names accessor %.0f of %d", at->string, cJSON_IsNumber(at) ? at->valuedouble : -1, na);
        cJSON *acc = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(u->doc, "accessors"), a);
        if (!cJSON_IsObject(acc)) return bad(u, "accessor %d is not an object", a);
        if (done[a] || !strncmp(at->string, "JOINTS_", 7) || num(acc, "componentType", 5126) == 5126) continue;
        done[a] = 1;
        vt_result r = to_float(u, a, acc);
        if (r != VT_OK) return r;
    }
    return VT_OK;
}

static vt_result dequantize(unpack *u)
{
    int na = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(u->doc, "accessors"));
    char *done = calloc((size_t)na + 1, 1);
    if (!done) return no_memory(u);
    const cJSON *mesh, *prim, *target, *anim, *smp;
    vt_result r = VT_OK;
    cJSON_ArrayForEach(mesh, cJSON_GetObjectItemCaseSensitive(u->doc, "meshes"))
        cJSON_ArrayForEach(prim, cJSON_GetObjectItemCaseSensitive(mesh, "primitives")) {
            if (r == VT_OK) r = attrs_to_float(u, cJSON_GetObjectItemCaseSensitive(prim, "attributes"), done, na);
            cJSON_ArrayForEach(target, cJSON_GetObjectItemCaseSensitive(prim, "targets"))
                if (r == VT_OK) r = attrs_to_float(u, target, done, na);
        }
    /* Keyframes too: gltfpack stores rotations as normalized shorts, which assimp reads as floats. */
    cJSON_ArrayForEach(anim, cJSON_GetObjectItemCaseSensitive(u->doc, "animations"))
        cJSON_ArrayForEach(smp, cJSON_GetObjectItemCaseSensitive(anim, "samplers"))
            if (r == VT_OK) r = attrs_to_float(u, smp, done, na);
    free(done);
    return r;
}

static void put32(unsigned char *p, uint32_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24); }

char *vt_glb_assemble(const char *json, const void *bin, size_t bin_len, const void *rest, size_t rest_len, size_t *out_n)
{
    size_t jl = strlen(json), jp = (4 - jl % 4) % 4, bp = (4 - bin_len % 4) % 4;
    size_t total = 20 + jl + jp + (bin ? 8 + bin_len + bp : 0) + rest_len;
    unsigned char *g = total <= UINT32_MAX ? calloc(1, total) : NULL;
    if (!g) return NULL;
    memcpy(g, "glTF", 4);
    put32(g + 4, 2);
    put32(g + 8, (uint32_t)total);
    put32(g + 12, (uint32_t)(jl + jp));
    memcpy(g + 16, "JSON", 4);
    memcpy(g + 20, json, jl);
    memset(g + 20 + jl, ' ', jp);
    unsigned char *c = g + 20 + jl + jp;
    if (bin) {
        put32(c, (uint32_t)(bin_len + bp));
        memcpy(c + 4, "BIN", 4);
        if (bin_len) memcpy(c + 8, bin, bin_len);
        c += 8 + bin_len + bp;
    }
    if (rest_len) memcpy(c, rest, rest_len);
    *out_n = total;
    return (char *)g;
}

/* The document and the new buffer as one GLB. */
static vt_result write_glb(unpack *u, char **out, size_t *out_n)
{
    cJSON *bufs = cJSON_CreateArray(), *b = cJSON_CreateObject();
    if (!bufs || !b || !cJSON_AddNumberToObject(b, "byteLength", (double)(u->len ? u->len : 4))) {
        cJSON_Delete(bufs);
        cJSON_Delete(b);
        return no_memory(u);
    }
    cJSON_AddItemToArray(bufs, b);
    if (!cJSON_ReplaceItemInObjectCaseSensitive(u->doc, "buffers", bufs)) {   /* there is one: unpack_doc */
        cJSON_Delete(bufs);
        return no_memory(u);
    }
    char *json = cJSON_PrintUnformatted(u->doc);
    static const unsigned char none[4];
    *out = json ? vt_glb_assemble(json, u->len ? u->out : none, u->len ? u->len : 4, NULL, 0, out_n) : NULL;
    cJSON_free(json);
    return *out ? VT_OK : no_memory(u);
}

/* The GLB's binary chunk, when it has one (the container was checked by vt_gltf_json). */
static void glb_bin(const char *data, size_t rest, size_t rest_len, const unsigned char **bin, size_t *bin_len)
{
    const unsigned char *c = (const unsigned char *)data + rest;
    *bin = NULL;
    *bin_len = 0;
    if (rest_len < 8 || memcmp(c + 4, "BIN", 4)) return;
    size_t n = (size_t)c[0] | (size_t)c[1] << 8 | (size_t)c[2] << 16 | (size_t)c[3] << 24;
    if (n > rest_len - 8) return;
    *bin = c + 8;
    *bin_len = n;
}

static vt_result unpack_doc(unpack *u, const unsigned char *bin, size_t bin_len, char **out, size_t *out_n)
{
    int meshopt = lists(u->doc, "extensionsUsed", "EXT_meshopt_compression") || lists(u->doc, "extensionsRequired", "EXT_meshopt_compression");
    int quant = lists(u->doc, "extensionsUsed", "KHR_mesh_quantization") || lists(u->doc, "extensionsRequired", "KHR_mesh_quantization");
    if (!meshopt && !quant) return VT_OK;
    static const char *const arrays[] = { "buffers", "bufferViews", "accessors", "meshes" };
    for (int k = 0; k < 4; k++)
        if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(u->doc, arrays[k])))
            return bad(u, "\"%s\" is missing or not an array", arrays[k]);
    vt_result r = load_buffers(u, bin, bin_len);
    if (r == VT_OK) r = move_views(u);
    if (r == VT_OK) r = dequantize(u);
    for (int k = 0; r == VT_OK && k < 2; k++) {
        unlist(u->doc, k ? "extensionsRequired" : "extensionsUsed", "EXT_meshopt_compression");
        unlist(u->doc, k ? "extensionsRequired" : "extensionsUsed", "KHR_mesh_quantization");
    }
    return r == VT_OK ? write_glb(u, out, out_n) : r;
}

vt_result vt_gltf_unpack(const char *path, const char *data, size_t n, char **out, size_t *out_n, char *err, size_t errlen)
{
    *out = NULL;
    *out_n = 0;
    const char *json;
    size_t jlen, rest, rest_len;
    vt_result r = vt_gltf_json(data, n, &json, &jlen, &rest, &rest_len, err, errlen);
    if (r != VT_OK) return VT_OK;   /* not ours to judge: the checks say what is wrong with it */
    /* Most models use neither extension: a look at the text spares them a parse. */
    const char *hit = NULL;
    for (size_t i = 0; i + 13 <= jlen && !hit; i++)
        if (json[i] == '_' && (!memcmp(json + i, "_meshopt_", 9) || !memcmp(json + i, "_quantization", 13))) hit = json + i;
    if (!hit) return VT_OK;
    unpack u = { .path = path, .err = err, .errlen = errlen };
    if (!(u.doc = cJSON_ParseWithLength(json, jlen)) || !cJSON_IsObject(u.doc)) { cJSON_Delete(u.doc); return VT_OK; }
    const unsigned char *bin;
    size_t bin_len;
    glb_bin(data, rest, rest_len, &bin, &bin_len);
    r = unpack_doc(&u, bin, bin_len, out, out_n);
    for (int i = 0; i < u.nb; i++) free(u.bufs[i].own);
    free(u.bufs);
    free(u.out);
    cJSON_Delete(u.doc);
    return r;
}
