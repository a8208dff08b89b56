#include "test_util.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int t_failures, t_checks;

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
