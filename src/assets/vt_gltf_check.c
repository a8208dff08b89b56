/* vt_gltf_check.c — a structural check of glTF files before assimp reads them: the container
 * (GLB header and chunks), that every buffer, buffer view and accessor lies inside the data it
 * points at (assimp trusts these numbers and reads past the end on some broken files), and the
 * limits of vt_model_limits.h: the node graph's size and depth, found without recursion (assimp
 * recurses over it), and what the meshes declare. Numbers from the file are compared as doubles
 * and only cast once in range. */
#include "vt_gltf_check.h"
#include "vt_model_io.h"
#include "vt_model_limits.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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
    const unsigned char *bin;   /* the GLB binary chunk's bytes (NULL: none) */
    const cJSON *buffers, *views, *accessors;
    const cJSON **bitem, **vitem, **aitem;   /* the arrays' items: cJSON_GetArrayItem walks a list */
    int nb, nv, na;
    double *blen, *vlen;
    double bytes;   /* the estimate of what loading takes */
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

/* An index into an array of n: a whole number in [0, n), or -1. Checked on the double, so a
 * value like 1e20 is never cast to int. */
static int index_in(const cJSON *v, int n)
{
    if (!cJSON_IsNumber(v)) return -1;
    double x = v->valuedouble;
    return x >= 0 && x < (double)n && x == floor(x) ? (int)x : -1;
}
static int index_of(const cJSON *o, const char *key, int n) { return index_in(cJSON_GetObjectItemCaseSensitive(o, key), n); }

static vt_result bad(gltf_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static vt_result bad(gltf_doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->err, d->errlen, vt_tr(fmt), ap);   /* in the staff's language (xgettext's keyword) */
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
            d->bin = u + off + 8;
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
        const cJSON *b = d->bitem[i];
        double len = num(b, "byteLength", -1);
        const cJSON *uri = cJSON_GetObjectItemCaseSensitive(b, "uri");
        if (len < 1) return bad(d, "buffer %d has no valid byteLength", i);
        d->blen[i] = len;
        if (!uri) {
            if (!d->glb || i != 0) return bad(d, "buffer %d has no uri and is not the GLB binary chunk", i);
            if (d->bin_len < len)
                return bad(d, "buffer 0 needs %.0f bytes but the GLB binary chunk holds %.0f", len, d->bin_len < 0 ? 0 : d->bin_len);
        } else if (cJSON_IsString(uri) && strncmp(uri->valuestring, "data:", 5)) {
            char full[4096], why[200];
            int fd;
            size_t size;
            snprintf(full, sizeof full, "%.*s%s", dl, d->path, uri->valuestring);
            vt_result r = vt_model_open(full, &fd, &size, why, sizeof why);
            if (r == VT_ERR_NOT_FOUND) return bad(d, "buffer %d: %s is missing", i, uri->valuestring);
            if (r != VT_OK) return bad(d, "buffer %d: %s %s", i, uri->valuestring, why);
            close(fd);
            if ((double)size < len) return bad(d, "buffer %d: %s has %zu bytes, %.0f needed", i, uri->valuestring, size, len);
        }
        d->bytes += len;
    }
    return VT_OK;
}

static vt_result check_views(gltf_doc *d)
{
    for (int i = 0; i < d->nv; i++) {
        const cJSON *v = d->vitem[i];
        int b = index_of(v, "buffer", d->nb);
        double off = num(v, "byteOffset", 0), len = num(v, "byteLength", -1);
        if (b < 0) return bad(d, "bufferView %d points at buffer %.0f of %d", i, num(v, "buffer", -1), d->nb);
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
        double ct = num(a, "componentType", 0);
        int cs = ct >= 5120 && ct <= 5126 ? comp_size((int)ct) : 0, tc = type_count(cJSON_IsString(ty) ? ty->valuestring : NULL);
        double count = num(a, "count", -1), off = num(a, "byteOffset", 0);
        if (!cs || !tc || count < 1) return bad(d, "accessor %d has an invalid componentType, type or count", i);
        if (count > VT_MODEL_MAX_MESH_INDICES)
            return bad(d, "accessor %d declares %.0f elements (at most %.0f)", i, count, VT_MODEL_MAX_MESH_INDICES);
        if (!vw) continue;   /* sparse or zero-filled */
        int v = index_in(vw, d->nv);
        if (v < 0) return bad(d, "accessor %d points at bufferView %.0f of %d", i, cJSON_IsNumber(vw) ? vw->valuedouble : -1, d->nv);
        double stride = num(d->vitem[v], "byteStride", 0);
        double elem = (double)cs * tc;
        if (stride <= 0) stride = elem;
        if (off < 0 || off + (count - 1) * stride + elem > d->vlen[v])
            return bad(d, "accessor %d (%.0f elements) runs past the end of bufferView %d", i, count, v);
    }
    return VT_OK;
}

/* What one mesh declares: vertices (POSITION elements) and triangles over its primitives, each
 * of which assimp expands on its own; their cost goes into the estimate. */
static vt_result check_mesh(gltf_doc *d, const cJSON *mesh, int i)
{
    double verts = 0, idx = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(mesh, "primitives")) {
        const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(p, "attributes");
        int pa = index_of(attrs, "POSITION", d->na);
        int ia = index_of(p, "indices", d->na);
        double nv = pa < 0 ? 0 : num(d->aitem[pa], "count", 0);
        verts += nv;
        idx += ia < 0 ? nv : num(d->aitem[ia], "count", 0);
    }
    if (verts > VT_MODEL_MAX_MESH_VERTICES)
        return bad(d, "mesh %d declares %.0f vertices (at most %d a mesh)", i, verts, VT_MODEL_MAX_MESH_VERTICES);
    if (idx > VT_MODEL_MAX_MESH_INDICES)
        return bad(d, "mesh %d declares %.0f indices (at most %.0f a mesh)", i, idx, VT_MODEL_MAX_MESH_INDICES);
    d->bytes += verts * VT_MODEL_BYTES_PER_VERTEX + idx / 3 * VT_MODEL_BYTES_PER_TRIANGLE;
    return VT_OK;
}

static vt_result check_meshes(gltf_doc *d, const cJSON *meshes)
{
    int n = cJSON_GetArraySize(meshes), i = 0;
    if (n > VT_MODEL_MAX_MESHES) return bad(d, "%d meshes (at most %d)", n, VT_MODEL_MAX_MESHES);
    const cJSON *m;
    vt_result r = VT_OK;
    cJSON_ArrayForEach(m, meshes) if ((r = check_mesh(d, m, i++)) != VT_OK) return r;
    if (d->bytes > VT_MODEL_MAX_BYTES)
        return bad(d, "loading it would take about %.0f MB (a model may take %.0f MB)", d->bytes / 1048576, VT_MODEL_MAX_BYTES / 1048576);
    return VT_OK;
}

/* The items of a JSON array (of none when it is not one), *n of them; NULL when out of memory. */
static const cJSON **items_of(const cJSON *arr, int *n)
{
    *n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
    const cJSON **it = calloc((size_t)*n + 1, sizeof *it), *e;
    int i = 0;
    if (it && *n) cJSON_ArrayForEach(e, arr) it[i++] = e;
    return it;
}

/* glTF's rule: a viewer without an extension the file requires must not show the file
 * (EXT_meshopt_compression and KHR_mesh_quantization are gone by now: vt_gltf_unpack.c).
 * VT_ERR_UNSUPPORTED: not malformed. */
static vt_result check_required(gltf_doc *d, const cJSON *doc)
{
    static const char *const known[] = { "KHR_draco_mesh_compression", "KHR_texture_transform", "KHR_materials_variants",
                                         "KHR_materials_emissive_strength", "KHR_materials_clearcoat", "KHR_materials_sheen",
                                         "KHR_materials_specular", "KHR_materials_transmission", "KHR_materials_volume",
                                         "KHR_materials_ior", "KHR_materials_iridescence", NULL };
    const cJSON *e, *req = cJSON_GetObjectItemCaseSensitive(doc, "extensionsRequired");
    cJSON_ArrayForEach(e, req) {
        int ok = !cJSON_IsString(e);
        for (int k = 0; !ok && known[k]; k++) ok = !strcmp(e->valuestring, known[k]);
        if (ok) continue;
        bad(d, "it requires the glTF extension %.60s, which this Vitrine does not read", e->valuestring);
        return VT_ERR_UNSUPPORTED;
    }
    return VT_OK;
}

/* Each skin's joints are nodes, and its inverseBindMatrices one float MAT4 a joint: glTF lets a
 * skin leave them out (identity), but assimp 5.2 reads them unchecked (a file without them, or
 * with fewer, crashes it), so such a file is refused here, saying so. */
static vt_result check_skins(gltf_doc *d, const cJSON *doc)
{
    const cJSON *skin;
    int i = -1, nn = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "nodes"));
    cJSON_ArrayForEach(skin, cJSON_GetObjectItemCaseSensitive(doc, "skins")) {
        const cJSON *joints = cJSON_GetObjectItemCaseSensitive(skin, "joints"), *j;
        int nj = cJSON_IsArray(joints) ? cJSON_GetArraySize(joints) : 0, ok = nj > 0;
        i++;
        cJSON_ArrayForEach(j, joints) ok &= index_in(j, nn) >= 0;
        if (!ok) return bad(d, "skin %d has no joints, or a joint that is not a node", i);
        const cJSON *ibm = cJSON_GetObjectItemCaseSensitive(skin, "inverseBindMatrices");
        if (!ibm) return bad(d, "skin %d has no inverseBindMatrices (glTF allows it, assimp 5.2 cannot read such a skin: export it with them)", i);
        int a = index_in(ibm, d->na);
        const cJSON *acc = a < 0 ? NULL : d->aitem[a], *ty = cJSON_GetObjectItemCaseSensitive(acc, "type");
        if (!acc || num(acc, "componentType", 0) != 5126 || !cJSON_IsString(ty) || strcmp(ty->valuestring, "MAT4") ||
            num(acc, "count", 0) < nj)
            return bad(d, "skin %d's inverseBindMatrices are not %d float MAT4s, one a joint", i, nj);
    }
    return VT_OK;
}

static vt_result check_doc(gltf_doc *d, const cJSON *doc)
{
    vt_result r = check_required(d, doc);
    if (r == VT_OK) r = check_buffers(d);
    if (r == VT_OK) r = check_views(d);
    if (r == VT_OK) r = check_accessors(d);
    if (r == VT_OK) r = vt_gltf_check_nodes(cJSON_GetObjectItemCaseSensitive(doc, "nodes"), d->err, d->errlen);
    if (r == VT_OK) r = check_meshes(d, cJSON_GetObjectItemCaseSensitive(doc, "meshes"));
    if (r == VT_OK) r = check_skins(d, doc);
    return r;
}

static vt_result read_ext(gltf_doc *d, const cJSON *doc, vt_gltf_ext *ext);

static vt_result check_json(gltf_doc *d, vt_gltf_ext *ext)
{
    cJSON *doc = cJSON_ParseWithLength(d->json, d->jlen);
    if (!doc) return bad(d, "the glTF JSON does not parse");
    d->buffers = cJSON_GetObjectItemCaseSensitive(doc, "buffers");
    d->views = cJSON_GetObjectItemCaseSensitive(doc, "bufferViews");
    d->accessors = cJSON_GetObjectItemCaseSensitive(doc, "accessors");
    d->bitem = items_of(d->buffers, &d->nb);
    d->vitem = items_of(d->views, &d->nv);
    d->aitem = items_of(d->accessors, &d->na);
    d->blen = calloc((size_t)d->nb + 1, sizeof *d->blen);
    d->vlen = calloc((size_t)d->nv + 1, sizeof *d->vlen);
    vt_result r = VT_ERR_NO_MEMORY;
    if (!d->blen || !d->vlen || !d->bitem || !d->vitem || !d->aitem) snprintf(d->err, d->errlen, _("out of memory while checking the glTF"));
    else r = check_doc(d, doc);
    if (r == VT_OK && ext && read_ext(d, doc, ext) != VT_OK) {
        snprintf(d->err, d->errlen, _("out of memory while checking the glTF"));
        r = VT_ERR_NO_MEMORY;
    }
    free(d->blen);
    free(d->vlen);
    free(d->bitem);
    free(d->vitem);
    free(d->aitem);
    cJSON_Delete(doc);
    return r;
}

/* Each node has at most one parent and the chain above it is at most VT_MODEL_MAX_DEPTH long:
 * found by walking up parent links (bounded steps), never by recursion; a cycle never reaches a
 * root, so it is caught as too deep. */
vt_result vt_gltf_check_nodes(const cJSON *nodes, char *err, size_t errlen)
{
    if (!nodes) return VT_OK;
    if (!cJSON_IsArray(nodes)) { snprintf(err, errlen, _("\"nodes\" is not an array")); return VT_ERR_FORMAT; }
    int n = cJSON_GetArraySize(nodes), i = 0;
    if (n > VT_MODEL_MAX_NODES) { snprintf(err, errlen, _("%d nodes (at most %d)"), n, VT_MODEL_MAX_NODES); return VT_ERR_FORMAT; }
    int *parent = malloc(((size_t)n + 1) * sizeof *parent);
    if (!parent) { snprintf(err, errlen, _("out of memory while checking the glTF")); return VT_ERR_NO_MEMORY; }
    for (int k = 0; k < n; k++) parent[k] = -1;
    vt_result r = VT_OK;
    const cJSON *node, *c;
    cJSON_ArrayForEach(node, nodes) {
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(node, "children")) {
            int k = index_in(c, n);
            if (k < 0) snprintf(err, errlen, _("node %d has a child %.0f of %d nodes"), i, cJSON_IsNumber(c) ? c->valuedouble : -1, n);
            else if (k == i) snprintf(err, errlen, _("node %d is its own child"), i);
            else if (parent[k] >= 0) snprintf(err, errlen, _("node %d has two parents (%d and %d): the nodes must form a tree"), k, parent[k], i);
            else { parent[k] = i; continue; }
            r = VT_ERR_FORMAT;
            goto done;
        }
        i++;
    }
    for (int k = 0; k < n; k++) {
        int depth = 1;
        for (int p = parent[k]; p >= 0 && depth <= VT_MODEL_MAX_DEPTH; p = parent[p]) depth++;
        if (depth > VT_MODEL_MAX_DEPTH) {
            snprintf(err, errlen, _("the nodes nest deeper than %d levels, or form a cycle (node %d)"), VT_MODEL_MAX_DEPTH, k);
            r = VT_ERR_FORMAT;
            break;
        }
    }
done:
    free(parent);
    return r;
}

void vt_gltf_ext_free(vt_gltf_ext *e)
{
    for (int i = 0; e->materials && i < e->count; i++)
        for (int k = 0; k < 2; k++) free(e->materials[i].specular_tex[k].data);
    free(e->materials);
    *e = (vt_gltf_ext){ 0 };
}

/* Each material's extensions that assimp does not read. A value out of its range keeps the default. */
static double num_in(const cJSON *o, const char *key, double def, double lo, double hi)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && v->valuedouble >= lo && v->valuedouble <= hi ? v->valuedouble : def;
}

/* KHR_materials_iridescence's factors, in range (its defaults where not); its maps are not read:
 * the film is as thick as the middle of its range. */
static void read_iridescence(const cJSON *exts, vt_gltf_material_ext *e)
{
    const cJSON *ir = cJSON_GetObjectItemCaseSensitive(exts, "KHR_materials_iridescence");
    e->iridescence[0] = ir ? (float)num_in(ir, "iridescenceFactor", 0, 0, 1) : 0;
    e->iridescence[1] = (float)num_in(ir, "iridescenceIor", 1.3, 1, 3);
    e->iridescence[2] = (float)num_in(ir, "iridescenceThicknessMinimum", 100, 0, 2000);
    e->iridescence[3] = (float)num_in(ir, "iridescenceThicknessMaximum", 400, 0, 2000);
}

/* A data: uri's bytes (its base64 part, libsodium's decoder), malloc'd; 0 when it is not one. */
static int data_uri(const char *uri, unsigned char **out, size_t *len)
{
    const char *b = strncmp(uri, "data:", 5) ? NULL : strstr(uri, ";base64,");
    size_t n = b ? strlen(b + 8) : 0;
    if (!b || !(*out = malloc(n / 4 * 3 + 3))) return 0;
    if (sodium_base642bin(*out, n / 4 * 3 + 3, b + 8, n, NULL, len, NULL, sodium_base64_VARIANT_ORIGINAL) == 0) return 1;
    free(*out);
    *out = NULL;
    return 0;
}

/* A checked bufferView's bytes, copied into img: from the GLB chunk, a data: buffer or a .bin
 * beside the model. 0 when they cannot be had. */
static int view_bytes(gltf_doc *d, int v, struct vt_gltf_image *img)
{
    const cJSON *view = d->vitem[v], *buf = d->bitem[index_of(view, "buffer", d->nb)];
    const cJSON *uri = cJSON_GetObjectItemCaseSensitive(buf, "uri");
    size_t off = (size_t)num(view, "byteOffset", 0), len = (size_t)d->vlen[v], n = 0;
    unsigned char *all = NULL;
    const unsigned char *src = d->bin;
    if (cJSON_IsString(uri) && !data_uri(uri->valuestring, &all, &n)) {
        char full[4096], why[200];
        const char *slash = strrchr(d->path, '/');
        snprintf(full, sizeof full, "%.*s%s", slash ? (int)(slash - d->path + 1) : 0, d->path, uri->valuestring);
        if (vt_model_read(full, (char **)&all, &n, why, sizeof why) != VT_OK) return 0;
    }
    if (all) src = all;
    else n = d->bin_len > 0 ? (size_t)d->bin_len : 0;
    if (src && off + len <= n && (img->data = malloc(len))) memcpy(img->data, src + off, img->n = len);
    free(all);
    return img->data != NULL;
}

/* A textureInfo's image (uv set 0 only, as the other layers' maps), for maps assimp 5.2 leaves
 * out; an image that is named but cannot be had is warned about and left out. */
static void tex_image(gltf_doc *d, const cJSON *doc, const cJSON *info, struct vt_gltf_image *img)
{
    const cJSON *ti = cJSON_GetObjectItemCaseSensitive(info, "index"), *tc = cJSON_GetObjectItemCaseSensitive(info, "texCoord");
    if (!info || (tc && (!cJSON_IsNumber(tc) || tc->valuedouble != 0))) return;
    const cJSON *textures = cJSON_GetObjectItemCaseSensitive(doc, "textures"), *images = cJSON_GetObjectItemCaseSensitive(doc, "images");
    int t = index_in(ti, cJSON_GetArraySize(textures));
    int s = t < 0 ? -1 : index_of(cJSON_GetArrayItem(textures, t), "source", cJSON_GetArraySize(images));
    const cJSON *im = s < 0 ? NULL : cJSON_GetArrayItem(images, s), *uri = cJSON_GetObjectItemCaseSensitive(im, "uri");
    int v = index_of(im, "bufferView", d->nv);
    if (s < 0) snprintf(img->name, sizeof img->name, "texture %.0f", fmin(fmax(num(info, "index", -1), -1), 1e9));
    else snprintf(img->name, sizeof img->name, "image %d", s);
    if (v >= 0 ? view_bytes(d, v, img) : cJSON_IsString(uri) && data_uri(uri->valuestring, &img->data, &img->n)) return;
    if (v < 0 && cJSON_IsString(uri) && strncmp(uri->valuestring, "data:", 5) && strlen(uri->valuestring) < sizeof img->uri) {
        snprintf(img->uri, sizeof img->uri, "%s", uri->valuestring);
        return;
    }
    VT_WARN("assets", "%s: %s of a KHR_materials_specular map: no image to read; drawn without it", d->path, img->name);
}

static vt_result read_ext(gltf_doc *d, const cJSON *doc, vt_gltf_ext *ext)
{
    const cJSON *mats = cJSON_GetObjectItemCaseSensitive(doc, "materials"), *m;
    int n = cJSON_IsArray(mats) ? cJSON_GetArraySize(mats) : 0, i = 0;
    if (n == 0) return VT_OK;
    if (!(ext->materials = calloc((size_t)n, sizeof *ext->materials))) return VT_ERR_NO_MEMORY;
    ext->count = n;
    cJSON_ArrayForEach(m, mats) {
        const cJSON *exts = cJSON_GetObjectItemCaseSensitive(m, "extensions");
        const cJSON *es = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(exts, "KHR_materials_emissive_strength"),
                                                           "emissiveStrength");
        vt_gltf_material_ext *e = &ext->materials[i++];
        *e = (vt_gltf_material_ext){ .emissive_strength = 1, .specular = 1, .specular_colour = { 1, 1, 1 },
                                     .iridescence = { 0, 1.3f, 100, 400 } };
        read_iridescence(exts, e);
        if (cJSON_IsNumber(es) && isfinite(es->valuedouble) && es->valuedouble >= 0 && es->valuedouble <= 1e4)
            e->emissive_strength = (float)es->valuedouble;
        const cJSON *sp = cJSON_GetObjectItemCaseSensitive(exts, "KHR_materials_specular");
        const cJSON *sf = cJSON_GetObjectItemCaseSensitive(sp, "specularFactor"), *sc = cJSON_GetObjectItemCaseSensitive(sp, "specularColorFactor");
        tex_image(d, doc, cJSON_GetObjectItemCaseSensitive(sp, "specularTexture"), &e->specular_tex[0]);
        tex_image(d, doc, cJSON_GetObjectItemCaseSensitive(sp, "specularColorTexture"), &e->specular_tex[1]);
        if (cJSON_IsNumber(sf) && sf->valuedouble >= 0 && sf->valuedouble <= 1) e->specular = (float)sf->valuedouble;
        for (int k = 0; cJSON_GetArraySize(sc) == 3 && k < 3; k++) {   /* a colour may exceed 1 (the spec allows it), not 100 */
            const cJSON *c = cJSON_GetArrayItem(sc, k);
            if (cJSON_IsNumber(c) && c->valuedouble >= 0 && c->valuedouble <= 100) e->specular_colour[k] = (float)c->valuedouble;
        }
    }
    return VT_OK;
}

vt_result vt_gltf_check(const char *path, double *bytes, vt_gltf_ext *ext, char *err, size_t errlen)
{
    size_t n;
    char *data, why[200];
    vt_result rr = vt_model_read(path, &data, &n, why, sizeof why);
    if (rr != VT_OK) {
        snprintf(err, errlen, "%s", why);
        return rr;
    }
    vt_result r = vt_gltf_check_data(path, data, n, bytes, ext, err, errlen);
    free(data);
    return r;
}

vt_result vt_gltf_check_data(const char *path, const char *data, size_t n, double *bytes, vt_gltf_ext *ext, char *err, size_t errlen)
{
    gltf_doc d = { .path = path, .json = data, .jlen = n, .bin_len = -1, .bytes = (double)n, .err = err, .errlen = errlen };
    d.glb = n >= 4 && !memcmp(data, "glTF", 4);
    vt_result r = d.glb ? check_glb(&d, (const unsigned char *)data, n) : VT_OK;
    if (r == VT_OK) r = check_json(&d, ext);
    if (bytes) *bytes = d.bytes;
    return r;
}

vt_result vt_gltf_json(const char *data, size_t n, const char **json, size_t *jlen, size_t *rest, size_t *rest_len, char *err,
                       size_t errlen)
{
    gltf_doc d = { .json = data, .jlen = n, .bin_len = -1, .err = err, .errlen = errlen };
    d.glb = n >= 4 && !memcmp(data, "glTF", 4);
    vt_result r = d.glb ? check_glb(&d, (const unsigned char *)data, n) : VT_OK;
    *json = d.json;
    *jlen = d.jlen;
    *rest = *rest_len = 0;
    if (r == VT_OK && d.glb) {   /* the chunks after the JSON one, to the GLB's declared end */
        *rest = 20 + d.jlen;
        *rest_len = le32((const unsigned char *)data + 8) - *rest;
    }
    return r;
}
