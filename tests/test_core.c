/* test_core.c — results, images, files, profile and clock. */
#include "core/vt_core.h"
#include "test_util.h"

#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    (void)argc; (void)argv;
    /* Every result has its own text. */
    for (int a = VT_OK; a <= VT_ERR_INTERNAL; a++) {
        CHECK(vt_result_str((vt_result)a)[0] != '\0');
        for (int b = a + 1; b <= VT_ERR_INTERNAL; b++) CHECK(strcmp(vt_result_str((vt_result)a), vt_result_str((vt_result)b)) != 0);
    }
    CHECK(strcmp(vt_result_str((vt_result)999), "unknown result") == 0);

    /* Wrapping does not copy, and stride defaults to tight packing. */
    uint8_t buf[10 * 4 * 3];
    vt_image im = vt_image_wrap(VT_PIX_BGR8, 10, 4, 0, buf);
    CHECK(im.stride == 30 && im.data == buf);
    CHECK(vt_image_row(&im, 2) == buf + 60);
    vt_image padded = vt_image_wrap(VT_PIX_GREY8, 10, 4, 16, buf);
    CHECK(vt_image_row(&padded, 3) == buf + 48);
    vt_image own;
    CHECK(vt_image_alloc(&own, VT_PIX_RGBA8, 3, 2) == VT_OK && own.stride == 12 && own.data[23] == 0);
    vt_image_free(&own);
    CHECK(own.data == NULL);
    vt_image_free(&own);   /* safe twice */
    CHECK(vt_image_alloc(&own, VT_PIX_NONE, 3, 2) == VT_ERR_ARG);

    /* Files: errors say what is wrong. */
    char err[256], path[] = "/tmp/vt_test_core_XXXXXX";
    CHECK(vt_file_check("/nonexistent/x.jpg", err, sizeof err) == VT_ERR_NOT_FOUND && strstr(err, "no such file"));
    CHECK(vt_file_check("/tmp", err, sizeof err) == VT_ERR_ARG && strstr(err, "folder"));
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(vt_file_check(path, err, sizeof err) == VT_ERR_FORMAT && strstr(err, "empty"));
    CHECK(write(fd, "x", 1) == 1);
    CHECK(vt_file_check(path, err, sizeof err) == VT_OK);
    close(fd);
    unlink(path);
    CHECK(vt_is_dir("/tmp") && !vt_is_dir("/nonexistent"));
    CHECK(strcmp(vt_file_ext("a/b.c/img.JPG"), "JPG") == 0);
    CHECK(strcmp(vt_file_ext("a/b.c/noext"), "") == 0);
    CHECK(strcmp(vt_file_ext(".hidden"), "") == 0);
    CHECK(vt_is_image_ext("x.JPG") && vt_is_image_ext("x.png") && !vt_is_image_ext("truth.json") && !vt_is_image_ext("seq.mp4"));

    /* Atomic replacement: a crash at any step leaves the old file or the new one, whole. */
    char dir[] = "/tmp/vt_test_atomic_XXXXXX", target[256];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(target, sizeof target, "%s/catalog.json", dir);
    const char *old_text = "{\"old\": true}", *new_text = "{\"new\": true, \"products\": [1, 2, 3, 4, 5, 6, 7, 8]}";
    static const char *stages[] = { "written", "synced", "renamed" };
    for (int i = 0; i < 3; i++) {
        CHECK(vt_write_file_atomic(target, old_text, strlen(old_text), err, sizeof err) == VT_OK);
        pid_t pid = fork();
        if (pid == 0) {
            setenv("VT_FAULT_ATOMIC", stages[i], 1);
            signal(SIGABRT, SIG_DFL);
            vt_write_file_atomic(target, new_text, strlen(new_text), err, sizeof err);
            _exit(0);   /* not reached: the fault point aborts */
        }
        int st;
        waitpid(pid, &st, 0);
        CHECKF(WIFSIGNALED(st), "the writer crashed at '%s'", stages[i]);
        char *got = t_read_file(target);
        CHECKF(got && (!strcmp(got, old_text) || !strcmp(got, new_text)), "after a crash at '%s': '%s'", stages[i], got ? got : "(none)");
        if (i == 2) CHECK(got && !strcmp(got, new_text));   /* renamed: the new one is in place */
        if (i == 0) CHECK(got && !strcmp(got, old_text));
        free(got);
    }
    CHECK(vt_write_file_atomic(target, new_text, strlen(new_text), err, sizeof err) == VT_OK);
    char *got = t_read_file(target);
    CHECK(got && !strcmp(got, new_text));
    free(got);
    CHECK(vt_write_file_atomic("/nonexistent-dir/x.json", "x", 1, err, sizeof err) == VT_ERR_IO && strstr(err, "/nonexistent-dir/x.json"));
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);

    /* Clock and profile. */
    uint64_t t0 = vt_now_ns();
    usleep(2000);
    CHECK(vt_ms_since(t0) >= 1.9);
    vt_profile p;
    vt_profile_reset(&p);
    /* Stage "a" spans a 50 ms sleep, "b" none: "b" is shorter unless the thread is preempted for
     * 50 ms between two adjacent stamps, which even a loaded 2-core machine does not do. */
    for (int f = 0; f < 3; f++) {
        vt_profile_begin_frame(&p);
        usleep(50000);
        vt_profile_stamp(&p, "a");
        vt_profile_stamp(&p, "b");
        vt_profile_end_frame(&p);
    }
    CHECK(p.count == 2 && p.frames == 3);
    CHECK(p.total_ms[0] >= 149.9 && p.last_ms[0] >= 49.9 && p.last_ms[1] < p.last_ms[0]);
    return t_finish("test_core");
}
