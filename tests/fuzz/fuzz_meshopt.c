/* fuzz_meshopt.c — libFuzzer target: compressed and quantized glTF (EXT_meshopt_compression,
 * KHR_mesh_quantization) through the model loader: the bytes are a GLB, and the saved inputs
 * (gltfpack's output for the bundled models) start the corpus, so that mutations land in the
 * meshopt streams, their filters and the quantized accessors (src/assets/vt_gltf_unpack.c). */
#include "assets/vt_assets.h"

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/dev/shm/vt_fuzz_meshopt_%d.glb", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    vt_model *m = NULL;
    char err[1024];
    if (vt_model_load(path, &m, err, sizeof err) == VT_OK) (void)vt_model_vertex_count(m);
    vt_model_destroy(m);
    unlink(path);
    return 0;
}
