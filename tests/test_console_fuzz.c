/* test_console_fuzz.c — the console fuzz target's inputs without clang: the saved ones
 * (tests/fuzz/regressions/console) and a few thousand requests mutated from well-formed seeds,
 * each through vt_console_serve as the fuzzer sends them (tests/fuzz/console_input.h). Every
 * answer has a status, the security headers, never a file from outside the console, and the
 * console still answers and keeps its session afterwards. Run in the normal and ASan builds. */
#include "fuzz/console_input.h"
#include "test_util.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SEED(s) { s, sizeof s - 1 }
typedef struct seed {
    const char *data;
    size_t len;
} seed;

static const seed k_seeds[] = {
    SEED("\0GET /api/v1/health\n\n"),
    SEED("\0GET /api/v1/strings\nAccept-Language: fr\n\n"),
    SEED("\0GET /\n\n"),
    SEED("\0GET /console.js\n\n"),
    SEED("\0GET /../../etc/passwd\n\n"),
    SEED("\0GET /%2e%2e%2f%2e%2e%2fetc%2fpasswd\n\n"),
    SEED("\0GET /api/v1/products\nCookie: vt_session=0123456789012345678901234567890123456789012345678901234567890123\n\n"),
    SEED("\0POST /api/v1/login\nContent-Type: application/json\n\n{\"password\":\"guess\"}"),
    SEED("\1\7{\"password\":\"not it\"}"),
    SEED("\1\1{\"password\":12}"),
    SEED("\1\2{\"password\":\"\\u0000\"}"),
    SEED("\1\3[1,2,3]"),
    SEED("\2runner-x\n{\"price\":12.5}"),
    SEED("\2mug\n{\"price\":null,\"promotion\":{\"price\":1,\"start\":\"2026-12-24T08:00\"}}"),
    SEED("\2%2e%2e\n{\"name\":\"x\"}"),
    SEED("\2mug\n{\"translations\":{\"fr\":{\"name\":\"Tasse\"}},\"active\":false}"),
    SEED("\3GET /api/v1/session\n\n"),
    SEED("\3GET /api/v1/products\n\n"),
    SEED("\3GET /api/v1/products/mug\nIf-None-Match: \"p-1\"\n\n"),
    SEED("\3POST /api/v1/products\n\n{\"id\":\"new-one\",\"marker\":40,\"name\":\"New\",\"price\":3}"),
    SEED("\3DELETE /api/v1/products/zzz\n\n"),
    SEED("\3GET /api/v1/versions\n\n"),
    SEED("\3GET /api/v1/versions/1\n\n"),
    SEED("\3GET /api/v1/models\n\n"),
    SEED("\3GET /api/v1/models/x.glb/thumbnail\n\n"),
    SEED("\3GET /api/v1/status\n\n"),
    SEED("\3GET /api/v1/stats?from=2026-01-01&to=2026-01-31\n\n"),
    SEED("\3GET /api/v1/markers.pdf?products=mug,lamp\n\n"),
    SEED("\3GET /api/v1/live.jpg\n\n"),
    SEED("\3POST /api/v1/models?name=a.obj\n\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n"),
};

static uint64_t g_rng = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return n ? (unsigned)(g_rng % n) : 0;
}

/* A few byte-level edits of the kind that break parsers: odd bytes, cuts, repeats. */
static size_t mutate(unsigned char *b, size_t n, size_t cap)
{
    static const unsigned char odd[] = { '%', '.', '/', 0, '\n', ':', '{', '"', 0xFF, '\\', '?', '&', '=', ' ', 0xC3 };
    for (int k = 1 + (int)rnd(6); k > 0; k--) {
        unsigned at = n ? rnd((unsigned)n) : 0;
        switch (rnd(6)) {
        case 0: if (n) b[at] = (unsigned char)rnd(256); break;
        case 1: if (n) b[at] = odd[rnd(sizeof odd)]; break;
        case 2:
            if (n < cap) {
                memmove(b + at + 1, b + at, n - at);
                b[at] = odd[rnd(sizeof odd)];
                n++;
            }
            break;
        case 3:
            if (n > 1) {
                memmove(b + at, b + at + 1, n - at - 1);
                n--;
            }
            break;
        case 4: {   /* repeat a piece */
            size_t len = 1 + rnd(64);
            if (at + len > n) len = n - at;
            if (n + len <= cap) {
                memmove(b + at + len, b + at, n - at);
                n += len;
            }
            break;
        }
        default: if (at > 1) n = at; break;
        }
    }
    return n;
}

static int g_served;

static void one(fuzz_console *f, const unsigned char *data, size_t len)
{
    vt_console_response r;
    fc_serve(f, data, len, &r);
    g_served++;
    CHECKF(r.status >= 100 && r.status <= 599, "status %d", r.status);
    CHECK(r.content_type && r.headers);
    CHECKF(r.headers && strstr(r.headers, "Content-Security-Policy: ") && strstr(r.headers, "X-Content-Type-Options: nosniff"),
           "status %d without the security headers", r.status);
    CHECKF(!r.body || !memmem(r.body, r.body_len, "root:x:0:0", 10), "a system file in an answer (status %d)", r.status);
    int kind = len ? data[0] % 4 : 0;
    if (kind == 0 || kind == 1)   /* nobody logs in without the password */
        CHECKF(!r.headers || !strstr(r.headers, "vt_session=") || strstr(r.headers, "vt_session=;"), "a session without the password");
    vt_console_response_free(&r);
}

static int replay_saved(fuzz_console *f)
{
    DIR *d = opendir(VT_TEST_SOURCE_DIR "/tests/fuzz/regressions/console");
    struct dirent *e;
    int n = 0;
    static unsigned char buf[1 << 16];
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/tests/fuzz/regressions/console/%s", VT_TEST_SOURCE_DIR, e->d_name);
        FILE *in = fopen(path, "rb");
        if (!in) continue;
        size_t len = fread(buf, 1, sizeof buf, in);
        fclose(in);
        one(f, buf, len);
        n++;
    }
    if (d) closedir(d);
    return n;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    vt_log_set_level(VT_LOG_ERROR);
    fuzz_console f;
    int up = fc_open(&f, VT_TEST_SOURCE_DIR "/models");
    CHECK(up == 0);
    if (up) return t_finish("test_console_fuzz");
    int saved = replay_saved(&f);
    CHECKF(saved > 0, "no saved inputs in tests/fuzz/regressions/console");
    static unsigned char buf[8192];
    const char *iters_env = getenv("VT_CONSOLE_FUZZ_ITERATIONS");
    int iters = iters_env ? atoi(iters_env) : 3000;
    for (size_t i = 0; i < sizeof k_seeds / sizeof k_seeds[0]; i++) one(&f, (const unsigned char *)k_seeds[i].data, k_seeds[i].len);
    for (int i = 0; i < iters; i++) {
        const seed *s = &k_seeds[rnd(sizeof k_seeds / sizeof k_seeds[0])];
        memcpy(buf, s->data, s->len);
        size_t n = mutate(buf, s->len, sizeof buf);
        one(&f, buf, n);
    }
    /* still answering, the session still good, no upload file left */
    vt_console_response r;
    fc_serve(&f, (const unsigned char *)"\3GET /api/v1/session\n\n", 22, &r);
    CHECKF(r.status == 200, "the session after the run: %d", r.status);
    vt_console_response_free(&r);
    fc_serve(&f, (const unsigned char *)"\0GET /api/v1/health\n\n", 21, &r);
    CHECKF(r.status == 200, "health after the run: %d", r.status);
    vt_console_response_free(&r);
    char state[700];
    snprintf(state, sizeof state, "%s/.vitrine-console", f.dir);
    DIR *d = opendir(state);
    struct dirent *e;
    int left = 0;
    while (d && (e = readdir(d))) left += !strncmp(e->d_name, "upload-", 7);
    if (d) closedir(d);
    CHECKF(left == 0, "%d upload files left in %s", left, state);
    printf("test_console_fuzz: %d saved inputs, %d requests served\n", saved, g_served);
    fc_close(&f);
    return t_finish("test_console_fuzz");
}
