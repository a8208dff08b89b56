/* test_isolated.c — the isolated model loader (assets/vt_model_isolated.c): a model loaded in
 * `vitrine __load-model` comes back equal, array for array, to the same model loaded in-process
 * (the bundled models, and ../shared's textured ones when present); wall-time, CPU-time and memory
 * limits each give a line naming the file; a loader whose child was killed starts a fresh one;
 * answers that lie about their sizes are refused. */
#include "assets/vt_assets.h"
#include "test_util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int same_floats(const float *a, const float *b, size_t n) { return !n || !memcmp(a, b, n * sizeof *a); }

static int same_model(const vt_model *a, const vt_model *b)
{
    if (a->mesh_count != b->mesh_count || a->instance_count != b->instance_count || a->material_count != b->material_count ||
        a->texture_count != b->texture_count || a->is_placeholder != b->is_placeholder || strcmp(a->path, b->path) ||
        !same_floats(a->bounds_min, b->bounds_min, 3) || !same_floats(a->bounds_max, b->bounds_max, 3) ||
        !same_floats(a->base_min, b->base_min, 3) || !same_floats(a->base_max, b->base_max, 3))
        return 0;
    for (int i = 0; i < a->mesh_count; i++) {
        const vt_mesh *x = &a->meshes[i], *y = &b->meshes[i];
        size_t nv = (size_t)x->vertex_count;
        if (x->vertex_count != y->vertex_count || x->index_count != y->index_count || x->material != y->material ||
            !same_floats(x->positions, y->positions, nv * 3) || !same_floats(x->normals, y->normals, nv * 3) ||
            !same_floats(x->uvs, y->uvs, nv * 2) || memcmp(x->indices, y->indices, (size_t)x->index_count * 4))
            return 0;
    }
    for (int i = 0; i < a->instance_count; i++)
        if (a->instances[i].mesh != b->instances[i].mesh || !same_floats(a->instances[i].transform, b->instances[i].transform, 16)) return 0;
    if (a->material_count && memcmp(a->materials, b->materials, (size_t)a->material_count * sizeof *a->materials)) return 0;
    for (int i = 0; i < a->texture_count; i++) {
        const vt_image *x = &a->textures[i], *y = &b->textures[i];
        if (x->width != y->width || x->height != y->height || a->texture_srgb[i] != b->texture_srgb[i]) return 0;
        if ((a->texture_names[i] == NULL) != (b->texture_names[i] == NULL) || (a->texture_names[i] && strcmp(a->texture_names[i], b->texture_names[i])))
            return 0;
        for (int r = 0; x->data && r < x->height; r++)
            if (memcmp(vt_image_row(x, r), vt_image_row(y, r), (size_t)x->width * 4)) return 0;
    }
    return 1;
}

static void round_trip(const char *path)
{
    vt_model *in = NULL, *iso = NULL;
    char err[1024] = "", err2[1024] = "";
    vt_result r1 = vt_model_load(path, &in, err, sizeof err), r2 = vt_model_load_isolated(path, NULL, &iso, err2, sizeof err2);
    CHECKF(r1 == VT_OK && r2 == VT_OK, "%s: %s / %s", path, err, err2);
    if (in && iso) CHECKF(same_model(in, iso), "%s: the isolated load differs from the in-process one", path);
    if (in) printf("%s: %d meshes, %d triangles, %d textures: the same through the child\n", path, in->mesh_count,
                   vt_model_triangle_count(in), in->texture_count);
    vt_model_destroy(in);
    vt_model_destroy(iso);
}

/* A load that must fail over a limit, with a line naming the file and the words given. */
static void over_limit(vt_model_loader *ld, const char *path, vt_result want, const char *words)
{
    vt_model *m = NULL;
    char err[1024] = "";
    uint64_t t0 = vt_now_ns();
    vt_result r = vt_model_loader_load(ld, path, &m, err, sizeof err);
    printf("%s -> %s (%.1f s)\n", words, err, (double)(vt_now_ns() - t0) * 1e-9);
    CHECKF(r == want && !m && strstr(err, path) && strstr(err, words) && !strchr(err, '\n'), "%d: %s", r, err);
    vt_model_destroy(m);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) { fputs(text, f); fclose(f); }
}

/* A stand-in loader that answers with what a broken or hostile child could send. */
static void lying_child(const char *dir, const char *name, const char *bytes)
{
    char script[512], text[1024], err[1024] = "";
    snprintf(script, sizeof script, "%s/%s.sh", dir, name);
    snprintf(text, sizeof text, "#!/bin/sh\nprintf 'RDY!%s' >&3\n", bytes);
    write_file(script, text);
    chmod(script, 0755);
    vt_model_isolated_set_exe(script);
    vt_model *m = NULL;
    vt_result r = vt_model_load_isolated(VT_TEST_SOURCE_DIR "/models/mug.glb", NULL, &m, err, sizeof err);
    CHECKF(r != VT_OK && !m && strstr(err, "mug.glb"), "%s: %d %s", name, r, err);
    printf("%s: %s\n", name, err);
    vt_model_destroy(m);
}

int main(int argc, char **argv)
{
    char dir[] = "/tmp/vt_isolated_XXXXXX", huge[600], bad[600], path[1024];
    CHECK(mkdtemp(dir) != NULL);
    /* No executable set: in-process, the same model. */
    round_trip(VT_TEST_SOURCE_DIR "/models/mug.glb");
    vt_model_isolated_set_exe(VT_TEST_VITRINE);
    const char *bundled[] = { "mug.glb", "bottle.glb", "lamp.glb", "perfume.glb", "sneaker-box.glb", "speaker.glb" };
    for (int i = 0; i < 6; i++) {
        snprintf(path, sizeof path, "%s/models/%s", VT_TEST_SOURCE_DIR, bundled[i]);
        round_trip(path);
    }
    const char *shared = t_shared(argc, argv, "real/models");
    if (shared) {
        snprintf(path, sizeof path, "%s/real/models/gltf/BoxTextured/glTF-Binary/BoxTextured.glb", shared);
        round_trip(path);
        snprintf(path, sizeof path, "%s/real/models/gltf/Fox/Fox.glb", shared);
        round_trip(path);
    }
    /* A malformed file: the child's message, as the in-process load gives it. */
    snprintf(bad, sizeof bad, "%s/bad.obj", dir);
    write_file(bad, "v 1 2\nf 1 2 3 4\n");
    vt_model *m = NULL;
    char e1[1024] = "", e2[1024] = "";
    vt_result r1 = vt_model_load(bad, &m, e1, sizeof e1), r2 = vt_model_load_isolated(bad, NULL, &m, e2, sizeof e2);
    CHECKF(r1 == r2 && r1 != VT_OK && !strcmp(e1, e2), "%d %s / %d %s", r1, e1, r2, e2);

    /* Limits, on an OBJ within the model limits (src/assets/vt_model_limits.h) that still takes
     * more than a second and hundreds of MB to load: three objects of 600,000 faces (14 MB).
     * The CPU limit on a loader stuck in a loop: the VT_FAULT_LOAD_SPIN hook. */
    snprintf(huge, sizeof huge, "%s/huge.obj", dir);
    FILE *f = fopen(huge, "w");
    fputs("v 0 0 0\nv 1 0 0\nv 0 1 0\n", f);
    for (int g = 0; g < 3; g++) {
        fprintf(f, "o part%d\n", g);
        for (int i = 0; i < 600000; i++) fputs("f 1 2 3\n", f);
    }
    fclose(f);
    char spin[640];
    snprintf(spin, sizeof spin, "%s/spin-forever.obj", dir);
    f = fopen(spin, "w");
    fputs("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n", f);
    fclose(f);
    setenv("VT_FAULT_LOAD_SPIN", "spin-forever", 1);   /* the child inherits it */
    vt_model_loader *ld = NULL;
    char err[1024];
    CHECK(vt_model_loader_create(&(vt_load_limits){ .wall_s = 0.5 }, &ld, err, sizeof err) == VT_OK);
    over_limit(ld, huge, VT_ERR_UNSUPPORTED, "took longer than 0.5 s to load");
    CHECKF(vt_model_loader_load(ld, VT_TEST_SOURCE_DIR "/models/mug.glb", &m, err, sizeof err) == VT_OK && m,
           "a fresh child after the one killed: %s", err);
    vt_model_destroy(m);
    vt_model_loader_destroy(ld);
    CHECK(vt_model_loader_create(&(vt_load_limits){ .wall_s = 120, .cpu_s = 1, .keep_priority = 1 }, &ld, err, sizeof err) == VT_OK);
    over_limit(ld, spin, VT_ERR_UNSUPPORTED, "took more than 1 s of CPU time to load");
    vt_model_loader_destroy(ld);
#if !defined(__SANITIZE_ADDRESS__)   /* no address-space limit under AddressSanitizer */
    CHECK(vt_model_loader_create(&(vt_load_limits){ .wall_s = 120, .memory_mb = 64 }, &ld, err, sizeof err) == VT_OK);
    vt_model *mm = NULL;
    char em[1024] = "";
    vt_result rm = vt_model_loader_load(ld, huge, &mm, em, sizeof em);
    printf("64 MB -> %s\n", em);
    CHECKF(rm == VT_ERR_NO_MEMORY && !mm && strstr(em, huge) && strstr(em, "64 MB"), "%d %s", rm, em);
    vt_model_destroy(mm);
    vt_model_loader_destroy(ld);
#endif
    /* Cancelled (the run ending): back at once. */
    volatile int cancel = 1;
    CHECK(vt_model_loader_create(&(vt_load_limits){ .cancel = &cancel }, &ld, err, sizeof err) == VT_OK);
    over_limit(ld, huge, VT_ERR_IO, "loading was stopped");
    vt_model_loader_destroy(ld);

    /* Answers that lie: a mesh count of 2^31-1 in 16 bytes; a length with nothing after it;
     * an index past its vertices. */
    lying_child(dir, "count", "VTM1\\020\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\377\\377\\377\\177\\0\\0\\0\\0\\0\\0\\0\\0");
    lying_child(dir, "short", "VTM1\\350\\3\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0");
    lying_child(dir, "magic", "XXXX\\4\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0");
    snprintf(path, sizeof path, "rm -rf %s", dir);
    if (system(path) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return t_finish("test_isolated");
}
