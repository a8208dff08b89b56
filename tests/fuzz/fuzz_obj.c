/* fuzz_obj.c — libFuzzer target: an OBJ, its .mtl and a texture from the bytes (split at the
 * first two NUL bytes), loaded through vt_model_load: the OBJ limits of vt_obj_check.c, assimp's
 * OBJ and MTL readers through our file system, and the texture header check before decoding.
 * The OBJ always starts with "mtllib m.mtl"; the .mtl may name "t.png" (the third part). */
#include "assets/vt_assets.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int put(const char *path, const char *head, const uint8_t *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    if (head) fputs(head, f);
    if (n) fwrite(data, 1, n, f);
    fclose(f);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char dir[64], obj[96], mtl[96], png[96];
    snprintf(dir, sizeof dir, "/dev/shm/vt_fuzz_obj_%d", (int)getpid());
    mkdir(dir, 0700);
    snprintf(obj, sizeof obj, "%s/m.obj", dir);
    snprintf(mtl, sizeof mtl, "%s/m.mtl", dir);
    snprintf(png, sizeof png, "%s/t.png", dir);
    const uint8_t *a = data, *end = data + size;
    const uint8_t *z1 = memchr(a, 0, size), *b = z1 ? z1 + 1 : end;
    const uint8_t *z2 = b < end ? memchr(b, 0, (size_t)(end - b)) : NULL, *c = z2 ? z2 + 1 : end;
    put(obj, "mtllib m.mtl\n", a, (size_t)((z1 ? z1 : end) - a));
    put(mtl, NULL, b, (size_t)((z2 ? z2 : end) - b));
    put(png, NULL, c, (size_t)(end - c));
    vt_model *m = NULL;
    char err[1024];
    if (vt_model_load(obj, &m, err, sizeof err) == VT_OK) (void)vt_model_vertex_count(m);
    vt_model_destroy(m);
    unlink(obj);
    unlink(mtl);
    unlink(png);
    rmdir(dir);
    return 0;
}
