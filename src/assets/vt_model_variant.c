/* vt_model_variant.c — glTF material variants (KHR_materials_variants): the names a file offers,
 * and a model loaded with one of them. The file's JSON is rewritten in memory (each primitive's
 * "material" set to the variant's mapping) and handed to the usual loader as the model's bytes:
 * a GLB rebuilt around the same binary chunk, or the .gltf text (its buffers and textures still
 * found beside the file). Nothing is written to disk. */
#include "assets/vt_assets.h"
#include "vt_gltf_check.h"
#include "vt_gltf_unpack.h"
#include "vt_model_io.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_gltf(const char *path)
{
    const char *ext = vt_file_ext(path);
    return !strcasecmp(ext, "gltf") || !strcasecmp(ext, "glb");
}

/* The file's bytes and its parsed JSON (*doc the caller's to delete), or why not ("FILE: ..."). */
typedef struct gltf_file {
    char *data;
    size_t n, rest, rest_len;
    cJSON *doc;
} gltf_file;

static vt_result gltf_open(const char *path, gltf_file *f, char *err, size_t errlen)
{
    char why[300];
    const char *json;
    size_t jlen;
    memset(f, 0, sizeof *f);
    vt_result r = vt_model_read(path, &f->data, &f->n, why, sizeof why);
    if (r == VT_OK) r = vt_gltf_json(f->data, f->n, &json, &jlen, &f->rest, &f->rest_len, why, sizeof why);
    if (r == VT_OK && !(f->doc = cJSON_ParseWithLength(json, jlen))) {
        snprintf(why, sizeof why, _("the glTF JSON does not parse"));
        r = VT_ERR_FORMAT;
    }
    if (r != VT_OK) {
        snprintf(err, errlen, r == VT_ERR_FORMAT ? _("%s: malformed glTF: %s") : "%s: %s", path, why);
        free(f->data);
        f->data = NULL;
    }
    return r;
}

static void gltf_close(gltf_file *f)
{
    cJSON_Delete(f->doc);
    free(f->data);
}

static const cJSON *ext_of(const cJSON *o)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "extensions"), "KHR_materials_variants");
}

/* The names of the file's variants (a variant without a string name counts as "", so that
 * indices stay those of the file). */
static vt_result names_of(const cJSON *doc, char ***names, int *n)
{
    const cJSON *vs = cJSON_GetObjectItemCaseSensitive(ext_of(doc), "variants"), *v;
    int k = cJSON_IsArray(vs) ? cJSON_GetArraySize(vs) : 0;
    *n = 0;
    *names = calloc((size_t)k + 1, sizeof **names);
    if (!*names) return VT_ERR_NO_MEMORY;
    if (!k) return VT_OK;
    cJSON_ArrayForEach(v, vs) {
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(v, "name");
        if (!((*names)[*n] = strdup(cJSON_IsString(nm) ? nm->valuestring : ""))) return VT_ERR_NO_MEMORY;
        ++*n;
    }
    return VT_OK;
}

void vt_model_variants_free(char **names, int n)
{
    for (int i = 0; names && i < n; i++) free(names[i]);
    free(names);
}

void vt_model_variants_join(char *const *names, int n, char *buf, size_t len)
{
    size_t at = 0;
    if (len) buf[0] = 0;
    for (int i = 0; i < n && len; i++) {
        size_t need = strlen(names[i]) + (i ? 2 : 0);
        if (at + need + 1 > len) break;
        at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ", " : "", names[i]);
    }
}

vt_result vt_model_variants(const char *path, char ***names, int *n, char *err, size_t errlen)
{
    *names = NULL;
    *n = 0;
    if (!is_gltf(path)) {
        *names = calloc(1, sizeof **names);
        return *names ? VT_OK : VT_ERR_NO_MEMORY;
    }
    gltf_file f;
    vt_result r = gltf_open(path, &f, err, errlen);
    if (r != VT_OK) return r;
    r = names_of(f.doc, names, n);
    gltf_close(&f);
    if (r != VT_OK) {
        vt_model_variants_free(*names, *n);
        *names = NULL;
        *n = 0;
        snprintf(err, errlen, _("%s: out of memory"), path);
    }
    return r;
}

/* Whether a mapping's "variants" array lists index v. */
static int lists(const cJSON *mapping, int v)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(mapping, "variants"))
        if (cJSON_IsNumber(e) && e->valuedouble == (double)v) return 1;
    return 0;
}

/* Sets each primitive's material to the one its mapping gives variant v; a mapping naming a
 * material the file does not have is left out (the primitive keeps its own). 0 when out of memory. */
static int apply(cJSON *doc, int v)
{
    int nmat = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "materials"));
    const cJSON *mesh, *mp;
    cJSON *prim;
    cJSON_ArrayForEach(mesh, cJSON_GetObjectItemCaseSensitive(doc, "meshes"))
        cJSON_ArrayForEach(prim, cJSON_GetObjectItemCaseSensitive(mesh, "primitives")) {
            cJSON_ArrayForEach(mp, cJSON_GetObjectItemCaseSensitive(ext_of(prim), "mappings")) {
                const cJSON *mat = cJSON_GetObjectItemCaseSensitive(mp, "material");
                if (!lists(mp, v) || !cJSON_IsNumber(mat) || mat->valuedouble < 0 || mat->valuedouble >= nmat ||
                    mat->valuedouble != floor(mat->valuedouble))
                    continue;
                cJSON *num = cJSON_CreateNumber(mat->valuedouble);
                if (!num) return 0;
                /* cJSON_HasObjectItem ignores case: a "Material" key would leak num */
                if (cJSON_GetObjectItemCaseSensitive(prim, "material")) cJSON_ReplaceItemInObjectCaseSensitive(prim, "material", num);
                else cJSON_AddItemToObject(prim, "material", num);
                break;
            }
        }
    return 1;
}

/* The file's bytes with json in place of its JSON: for a GLB a new container around the chunks
 * after the JSON one, as they were. */
static char *rebuild(const gltf_file *f, const char *json, size_t *out_n)
{
    if (!f->rest_len && strncmp(f->data, "glTF", 4)) {   /* .gltf: the text itself */
        *out_n = strlen(json);
        return strdup(json);
    }
    return vt_glb_assemble(json, NULL, 0, f->data + f->rest, f->rest_len, out_n);
}

/* The model with its default materials, noting that the variant was not found. */
static vt_result load_default(const char *path, char **names, int n, vt_model **out, char *err, size_t errlen)
{
    vt_result r = vt_model_load(path, out, err, errlen);
    char list[1024];
    vt_model_variants_join(names, n, list, sizeof list);
    if (r == VT_OK && !((*out)->variant_unknown = strdup(list))) {
        vt_model_destroy(*out);
        *out = NULL;
        snprintf(err, errlen, _("%s: out of memory while loading"), path);
        r = VT_ERR_NO_MEMORY;
    }
    return r;
}

vt_result vt_model_load_variant(const char *path, const char *variant, vt_model **out, char *err, size_t errlen)
{
    *out = NULL;
    if (errlen) err[0] = 0;
    if (!variant || !variant[0]) return vt_model_load(path, out, err, errlen);
    if (!is_gltf(path)) return load_default(path, NULL, 0, out, err, errlen);
    gltf_file f;
    vt_result r = gltf_open(path, &f, err, errlen);
    if (r != VT_OK) return vt_model_load(path, out, err, errlen);   /* its own, complete, message */
    char **names = NULL;
    int n = 0, v = -1;
    r = names_of(f.doc, &names, &n);
    for (int i = 0; r == VT_OK && i < n && v < 0; i++) if (!strcmp(names[i], variant)) v = i;
    if (r == VT_OK && v < 0) r = load_default(path, names, n, out, err, errlen);
    else if (r == VT_OK) {
        char *json = apply(f.doc, v) ? cJSON_PrintUnformatted(f.doc) : NULL;
        size_t len = 0;
        char *bytes = json ? rebuild(&f, json, &len) : NULL;
        if (bytes) r = vt_model_load_bytes(path, bytes, len, out, err, errlen);
        else r = VT_ERR_NO_MEMORY;
        free(bytes);
        cJSON_free(json);
    }
    if (r == VT_ERR_NO_MEMORY && !*out && !err[0]) snprintf(err, errlen, _("%s: out of memory while loading"), path);
    vt_model_variants_free(names, n);
    gltf_close(&f);
    return r;
}
