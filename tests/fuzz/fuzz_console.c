/* fuzz_console.c — libFuzzer target: arbitrary requests (method, URL, headers, body; login and
 * edit bodies) through the whole console, routing, login, CSRF and every handler, without a
 * socket (vt_console_serve). Built by tests/fuzz/run.sh with clang (-fsanitize=fuzzer,address,undefined).
 * The input's layout: tests/fuzz/console_input.h. */
#include "console_input.h"

#include <stdlib.h>

static fuzz_console g_fc;

static void done(void) { fc_close(&g_fc); }

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    vt_log_set_level(VT_LOG_ERROR);   /* every failed login is a warning: not worth the time */
    if (fc_open(&g_fc, VT_TEST_SOURCE_DIR "/models")) {
        fprintf(stderr, "fuzz_console: the console did not start\n");
        abort();
    }
    atexit(done);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vt_console_response r;
    fc_serve(&g_fc, data, size, &r);
    if (r.status < 100 || r.status > 599 || !r.content_type || !r.headers) abort();
    vt_console_response_free(&r);
    return 0;
}
