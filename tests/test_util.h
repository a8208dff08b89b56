/* test_util.h — a few checks for the C tests; each failure prints file:line and the condition. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H
#include <stdio.h>

extern int t_failures, t_checks;
#define CHECK(cond) do { t_checks++; if (!(cond)) { t_failures++; \
    fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECKF(cond, ...) do { t_checks++; if (!(cond)) { t_failures++; \
    fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* Catalog text parsed as "t.json" (partial: what could be read even with errors), its problems
 * in rep (the caller frees both); and the first problem whose message has needle, or NULL. */
struct vt_catalog;
struct vt_catalog_report;
struct vt_catalog_problem;
struct vt_catalog *t_parse_catalog(const char *json, struct vt_catalog_report *rep);
const struct vt_catalog_problem *t_find_problem(const struct vt_catalog_report *rep, const char *needle);

/* The shared folder from argv[1], or NULL after printing why the test skips. */
const char *t_shared(int argc, char **argv, const char *sub);
/* Prints "N passed, M failed" and returns the exit status. */
int t_finish(const char *name);
/* Reads a whole file into a malloc'd NUL-terminated string, or NULL. */
char *t_read_file(const char *path);
/* Feeds each saved fuzz input of tests/fuzz/regressions/TARGET (calib, model, meshopt) to one(),
 * written as the fuzz target writes it; returns how many. */
int t_replay_fuzz_inputs(const char *target, int (*one)(const char *path));
#endif
