#include "test_util.h"
#include "catalog/vt_catalog.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

int t_failures, t_checks;

#ifndef VT_TEST_HOME
#define VT_TEST_HOME "/tmp/vt-test-home"
#endif
/* Before main: the settings, state and pictures folders of every C test are the build's own
 * (VT_TEST_HOME), never the user's home (as tests/vt_testlib.py does for the others). */
__attribute__((constructor)) static void t_private_folders(void)
{
    static const char *const vars[][2] = { { "XDG_CONFIG_HOME", "config" }, { "XDG_DATA_HOME", "data" },
                                           { "XDG_STATE_HOME", "state" }, { "XDG_PICTURES_DIR", "pictures" } };
    char p[1024];
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", VT_TEST_HOME, vars[i][1]);
        setenv(vars[i][0], p, 1);
    }
#ifdef VT_TEST_SOURCE_DIR
    setenv("VITRINE_CATALOG", VT_TEST_SOURCE_DIR "/models/basic-shelf.json", 1);   /* as vt_testlib.py */
#endif
    unsetenv("VITRINE_STATE_DIR");
    unsetenv("STATE_DIRECTORY");
    unsetenv("CONFIGURATION_DIRECTORY");
}

const char *t_shared(int argc, char **argv, const char *sub)
{
    static char path[4096];
    struct stat st;
    if (argc < 2) { printf("SKIP: no shared folder given\n"); return NULL; }
    snprintf(path, sizeof path, "%s/%s", argv[1], sub);
    if (stat(path, &st) != 0) { printf("SKIP: %s is absent (the shared test material)\n", path); return NULL; }
    return argv[1];
}

int t_finish(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, t_checks - t_failures, t_failures);
    return t_failures ? 1 : 0;
}

char *t_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) { free(s); s = NULL; }
    if (s) s[n] = 0;
    fclose(f);
    return s;
}

int t_replay_fuzz_inputs(const char *target, int (*one)(const char *path))
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/regressions/%s", VT_TEST_SOURCE_DIR, target);
    static const char *ext[4][3] = { { "json", "json", "json" }, { "yml", "xml", "json" }, { "glb", "gltf", "obj" }, { "glb", "glb", "glb" } };
    int kind = !strcmp(target, "calib") ? 1 : !strcmp(target, "model") ? 2 : !strcmp(target, "meshopt") ? 3 : 0, n = 0;
    int skip = kind != 3;   /* fuzz_meshopt's input is the whole GLB */
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char in[1400], out[128];
        snprintf(in, sizeof in, "%s/%s", dir, e->d_name);
        FILE *f = fopen(in, "rb");
        if (!f) continue;
        unsigned char buf[1 << 16];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        /* As the fuzz targets do: the first byte picks the extension, the rest is the file. */
        snprintf(out, sizeof out, "/tmp/vt_replay_%d.%s", (int)getpid(), ext[kind][len ? buf[0] % 3 : 0]);
        f = fopen(out, "wb");
        if (len > (size_t)skip) fwrite(buf + skip, 1, len - skip, f);
        fclose(f);
        one(out);
        remove(out);
        n++;
    }
    if (d) closedir(d);
    return n;
}

vt_catalog *t_parse_catalog(const char *json, vt_catalog_report *rep)
{
    vt_catalog *c = NULL;
    memset(rep, 0, sizeof *rep);
    vt_catalog_parse_text(json, strlen(json), "t.json", rep, 1, &c);
    return c;
}

const vt_catalog_problem *t_find_problem(const vt_catalog_report *rep, const char *needle)
{
    for (int i = 0; i < rep->count; i++)
        if (strstr(rep->items[i].msg, needle)) return &rep->items[i];
    return NULL;
}
