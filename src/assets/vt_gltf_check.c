/* vt_gltf_check.c — a structural check of glTF files before assimp reads them: the container
 * (GLB header and chunks) and that every buffer, buffer view and accessor lies inside the data
 * it points at. assimp trusts these numbers and reads past the end on some broken files. */
#include "vt_gltf_check.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

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

int vt_gltf_check(const char *path, char *err, size_t errlen)
{
    size_t n;
    char *data = vt_read_file(path, &n);
    if (!data) return 0;   /* the loader reports unreadable files itself */
    const unsigned char *u = (const unsigned char *)data;
    const char *json = data;
    size_t jlen = n;
    double bin_len = -1;
    int glb = n >= 4 && !memcmp(data, "glTF", 4);
    int bad = 0;
    if (glb) {
        if (n < 20) { snprintf(err, errlen, "GLB header cut short (%zu bytes)", n); bad = 1; goto out; }
        uint32_t version = le32(u + 4), total = le32(u + 8), c0len = le32(u + 12), c0type = le32(u + 16);
        if (version != 2) { snprintf(err, errlen, "GLB version %u (only 2 is glTF 2.0)", version); bad = 1; goto out; }
        if (total > n) { snprintf(err, errlen, "GLB says %u bytes but the file has %zu (truncated)", total, n); bad = 1; goto out; }
        if (c0type != 0x4E4F534A) { snprintf(err, errlen, "GLB's first chunk is not JSON"); bad = 1; goto out; }
        if ((uint64_t)c0len + 20 > total) { snprintf(err, errlen, "GLB JSON chunk runs past the end of the file"); bad = 1; goto out; }
        json = data + 20;
        jlen = c0len;
        size_t off = 20 + (size_t)c0len;
        if (off + 8 <= total) {
            uint32_t c1len = le32(u + off), c1type = le32(u + off + 4);
            if (c1type == 0x004E4942) {
                if (off + 8 + (uint64_t)c1len > total) { snprintf(err, errlen, "GLB binary chunk runs past the end of the file"); bad = 1; goto out; }
                bin_len = c1len;
            }
        }
    }
    cJSON *doc = cJSON_ParseWithLength(json, jlen);
    if (!doc) { snprintf(err, errlen, "the glTF JSON does not parse"); bad = 1; goto out; }
    const cJSON *buffers = cJSON_GetObjectItemCaseSensitive(doc, "buffers");
    const cJSON *views = cJSON_GetObjectItemCaseSensitive(doc, "bufferViews");
    const cJSON *accs = cJSON_GetObjectItemCaseSensitive(doc, "accessors");
    int nb = cJSON_GetArraySize(buffers), nv = cJSON_GetArraySize(views);
    double *blen = calloc((size_t)nb + 1, sizeof *blen), *vlen = calloc((size_t)nv + 1, sizeof *vlen);
    int *vbuf = calloc((size_t)nv + 1, sizeof *vbuf);
    const char *slash = strrchr(path, '/');
    int dl = slash ? (int)(slash - path + 1) : 0;
    for (int i = 0; !bad && i < nb; i++) {
        const cJSON *b = cJSON_GetArrayItem(buffers, i);
        double len = num(b, "byteLength", -1);
        const cJSON *uri = cJSON_GetObjectItemCaseSensitive(b, "uri");
        if (len < 1) { snprintf(err, errlen, "buffer %d has no valid byteLength", i); bad = 1; break; }
        blen[i] = len;
        if (!uri) {
            if (!glb || i != 0) { snprintf(err, errlen, "buffer %d has no uri and is not the GLB binary chunk", i); bad = 1; }
            else if (bin_len < len) { snprintf(err, errlen, "buffer 0 needs %.0f bytes but the GLB binary chunk holds %.0f", len, bin_len < 0 ? 0 : bin_len); bad = 1; }
        } else if (cJSON_IsString(uri) && strncmp(uri->valuestring, "data:", 5)) {
            char full[4096];
            struct stat st;
            snprintf(full, sizeof full, "%.*s%s", dl, path, uri->valuestring);
            if (stat(full, &st) != 0) { snprintf(err, errlen, "buffer %d: %s is missing", i, uri->valuestring); bad = 1; }
            else if ((double)st.st_size < len) { snprintf(err, errlen, "buffer %d: %s has %lld bytes, %.0f needed", i, uri->valuestring, (long long)st.st_size, len); bad = 1; }
        }
    }
    for (int i = 0; !bad && i < nv; i++) {
        const cJSON *v = cJSON_GetArrayItem(views, i);
        int b = (int)num(v, "buffer", -1);
        double off = num(v, "byteOffset", 0), len = num(v, "byteLength", -1);
        if (b < 0 || b >= nb) { snprintf(err, errlen, "bufferView %d points at buffer %d of %d", i, b, nb); bad = 1; break; }
        if (len < 1 || off < 0 || off + len > blen[b]) { snprintf(err, errlen, "bufferView %d (offset %.0f, length %.0f) lies outside buffer %d (%.0f bytes)", i, off, len, b, blen[b]); bad = 1; break; }
        vlen[i] = len;
        vbuf[i] = b;
    }
    const cJSON *a;
    int i = -1;
    cJSON_ArrayForEach(a, accs) {
        i++;
        if (bad) break;
        const cJSON *vw = cJSON_GetObjectItemCaseSensitive(a, "bufferView");
        const cJSON *ty = cJSON_GetObjectItemCaseSensitive(a, "type");
        int cs = comp_size((int)num(a, "componentType", 0)), tc = type_count(cJSON_IsString(ty) ? ty->valuestring : NULL);
        double count = num(a, "count", -1), off = num(a, "byteOffset", 0);
        if (!cs || !tc || count < 1) { snprintf(err, errlen, "accessor %d has an invalid componentType, type or count", i); bad = 1; break; }
        if (!vw) continue;   /* sparse or zero-filled */
        int v = cJSON_IsNumber(vw) ? vw->valueint : -1;
        if (v < 0 || v >= nv) { snprintf(err, errlen, "accessor %d points at bufferView %d of %d", i, v, nv); bad = 1; break; }
        double stride = num(cJSON_GetArrayItem(views, v), "byteStride", 0);
        double elem = (double)cs * tc;
        if (stride <= 0) stride = elem;
        if (off < 0 || off + (count - 1) * stride + elem > vlen[v]) {
            snprintf(err, errlen, "accessor %d (%.0f elements) runs past the end of bufferView %d", i, count, v);
            bad = 1;
        }
    }
    free(blen); free(vlen); free(vbuf);
    cJSON_Delete(doc);
out:
    free(data);
    return bad;
}
