/* fuzz_model.c — libFuzzer target: the model-loading entry point (our glTF checks, then assimp)
 * on arbitrary bytes, as a .glb, .gltf or .obj file. */
#include "assets/vt_assets.h"

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *ext[] = { "glb", "gltf", "obj" };
    char path[64];
    snprintf(path, sizeof path, "/dev/shm/vt_fuzz_model_%d.%s", (int)getpid(), ext[size ? data[0] % 3 : 0]);
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    if (size > 1) fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    vt_model *m = NULL;
    char err[1024];
    if (vt_model_load(path, &m, err, sizeof err) == VT_OK) {
        (void)vt_model_vertex_count(m);
        (void)vt_model_triangle_count(m);
    }
    vt_model_destroy(m);
    unlink(path);
    return 0;
}
