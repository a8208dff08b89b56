/* fuzz_nodes.c — libFuzzer target: glTF node graphs generated from the bytes, loaded as a GLB
 * through vt_model_load (the node checks of vt_gltf_check.c, then assimp and our own walk).
 * data[0..1]: how many nodes (up to 400, past VT_MODEL_MAX_DEPTH); data[2]: how long a chain to
 * start from (reaching the depth limit without the fuzzer finding it link by link); then pairs
 * of 16-bit (parent, child) links, which may repeat a child, make cycles or point outside;
 * a link's top bit gives the parent the triangle mesh (or a mesh that does not exist). */
#include "assets/vt_assets.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const float k_tri[9] = { 0, 0, 0, 1, 0, 0, 0, 1, 0 };

typedef struct text { char *s; size_t n, cap; } text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...)
{
    if (t->n >= t->cap) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
    va_end(ap);
    t->n = k < 0 ? t->cap : t->n + (size_t)k;
}

/* The glTF JSON: one triangle mesh, the nodes, the scene's roots (node 0 and the last one). */
static void node_json(const uint8_t *data, size_t size, text *t)
{
    int n = size >= 2 ? (data[0] | data[1] << 8) % 400 + 1 : 1, chain = size >= 3 ? data[2] % (n + 1) : 0;
    size_t links = size > 3 ? (size - 3) / 4 : 0;
    add(t, "{\"asset\":{\"version\":\"2.0\"},\"scene\":0,\"scenes\":[{\"nodes\":[0,%d]}],"
           "\"buffers\":[{\"byteLength\":36}],\"bufferViews\":[{\"buffer\":0,\"byteLength\":36}],"
           "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":3,\"type\":\"VEC3\","
           "\"min\":[0,0,0],\"max\":[1,1,0]}],\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0}}]}],"
           "\"nodes\":[", n - 1);
    for (int i = 0; i < n; i++) {
        int mesh = -2, first = 1;
        add(t, "%s{\"children\":[", i ? "," : "");
        if (i + 1 < chain) { add(t, "%d", i + 1); first = 0; }
        for (size_t k = 0; k < links; k++) {
            const uint8_t *l = data + 3 + k * 4;
            int parent = (l[0] | (l[1] & 0x7f) << 8) % n, child = l[2] | l[3] << 8;
            if (parent != i) continue;
            if (l[1] & 0x80) mesh = child & 1 ? 0 : 7;
            add(t, "%s%d", first ? "" : ",", child % (n + 2));
            first = 0;
        }
        if (i == n - 1 && mesh == -2) mesh = 0;
        if (mesh == -2) add(t, "]}");
        else add(t, "],\"mesh\":%d}", mesh);
    }
    add(t, "]}");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    text t = { NULL, 0, 2048 + 400 * 40 + size * 4 };
    char *json = t.s = malloc(t.cap + 4);
    if (!json) return 0;
    node_json(data, size, &t);
    if (t.n >= t.cap) { free(json); return 0; }
    size_t jl = t.n;
    while (jl % 4) json[jl++] = ' ';
    char path[64];
    snprintf(path, sizeof path, "/dev/shm/vt_fuzz_nodes_%d.glb", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) { free(json); return 0; }
    uint32_t head[5] = { 0x46546C67u, 2, (uint32_t)(12 + 8 + jl + 8 + sizeof k_tri), (uint32_t)jl, 0x4E4F534Au };
    uint32_t bin[2] = { sizeof k_tri, 0x004E4942u };
    fwrite(head, 1, sizeof head, f);
    fwrite(json, 1, jl, f);
    fwrite(bin, 1, sizeof bin, f);
    fwrite(k_tri, 1, sizeof k_tri, f);
    fclose(f);
    free(json);
    vt_model *m = NULL;
    char err[1024];
    if (vt_model_load(path, &m, err, sizeof err) == VT_OK) (void)vt_model_triangle_count(m);
    vt_model_destroy(m);
    unlink(path);
    return 0;
}
