/* test_core.c — results, images, files, profile and clock, staff messages. */
#include "core/vt_core.h"
#include "test_util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* Writers for the thread-safety check: each pushes its own numbered messages. */
enum { WRITERS = 4, PUSHES = 2000 };
typedef struct writer_arg { vt_staff_log *s; int who; } writer_arg;
static void *writer(void *arg)
{
    writer_arg *w = arg;
    char text[32];
    for (int i = 0; i < PUSHES; i++) {
        snprintf(text, sizeof text, "w%d m%d", w->who, i);
        if (i % 2) vt_staff_log_push(w->s, VT_LOG_WARN, "test", text);
        else VT_WARN("test", "%s", text);   /* through the logger, as worker threads do */
    }
    return NULL;
}

/* The staff ring: bounded, newest first, repeats folded, cut at a character, fed by the logger
 * (errors, warnings, notes; whatever the threshold), safe from many threads at once. */
static void staff_ring(void)
{
    char err[128];
    vt_staff_log *s = NULL;
    CHECK(vt_staff_log_create(-1, &s, err, sizeof err) == VT_ERR_ARG && !s);
    CHECK(vt_staff_log_create(4, &s, err, sizeof err) == VT_OK && s);
    vt_staff_msg m[8];
    CHECK(vt_staff_log_recent(s, m, 8) == 0);
    for (int i = 0; i < 6; i++) {
        char text[16];
        snprintf(text, sizeof text, "m%d", i);
        vt_staff_log_push(s, VT_LOG_WARN, "test", text);
    }
    int n = vt_staff_log_recent(s, m, 8);
    CHECKF(n == 4 && !strcmp(m[0].text, "m5") && !strcmp(m[3].text, "m2"), "bounded, newest first: %d, %s", n, n ? m[0].text : "");
    CHECK(m[0].seq == 6 && m[3].seq == 3 && m[0].t_ns >= m[3].t_ns);
    CHECK(vt_staff_log_recent(s, m, 2) == 2 && !strcmp(m[1].text, "m4"));
    vt_staff_log_push(s, VT_LOG_WARN, "test", "m5");
    vt_staff_log_push(s, VT_LOG_WARN, "test", "m5");
    n = vt_staff_log_recent(s, m, 8);
    CHECKF(n == 4 && m[0].repeats == 3 && !strcmp(m[1].text, "m4") && m[0].seq == 8, "repeats folded: %d x%d", n, m[0].repeats);
    char longer[400];
    memset(longer, 'a', sizeof longer);
    for (int i = 200; i + 2 < (int)sizeof longer; i += 2) memcpy(longer + i, "\xc3\xa9", 2);   /* é é é ... */
    longer[sizeof longer - 1] = 0;
    vt_staff_log_push(s, VT_LOG_ERROR, "a-very-long-subsystem-name", longer);
    vt_staff_log_recent(s, m, 1);
    size_t len = strlen(m[0].text);
    CHECKF(len < VT_STAFF_TEXT && len > VT_STAFF_TEXT - 3 && (len - 200) % 2 == 0, "cut at a character: %zu bytes", len);
    CHECK(strlen(m[0].subsystem) == sizeof m[0].subsystem - 1 && m[0].level == VT_LOG_ERROR);
    /* From the logger: errors, warnings and notes, even when stderr shows only errors. */
    vt_log_level was = vt_log_get_level();
    vt_staff_log_attach(s);
    vt_log_set_level(VT_LOG_ERROR);
    VT_WARN("cat", "hidden on stderr %d", 7);
    VT_NOTE("run", "screenshot saved to %s", "/tmp/x.png");
    VT_INFO("run", "not for staff");
    vt_log_file(VT_LOG_ERROR, "catalog", "/tmp/c.json", "bad %s", "comma");
    vt_log_set_level(was);
    n = vt_staff_log_recent(s, m, 8);
    CHECKF(n == 4 && !strcmp(m[0].text, "/tmp/c.json: bad comma") && !strcmp(m[0].subsystem, "catalog") &&
           m[1].level == VT_LOG_NOTE && !strcmp(m[1].text, "screenshot saved to /tmp/x.png") &&
           !strcmp(m[2].text, "hidden on stderr 7") && m[2].level == VT_LOG_WARN, "from the logger: %d, %s", n, n ? m[0].text : "");
    vt_staff_log_destroy(s);   /* detaches: the logger must not write into freed memory */
    VT_WARN("test", "after the ring is gone");
    /* Many threads at once (the logger and direct pushes), one reading all along. */
    CHECK(vt_staff_log_create(16, &s, err, sizeof err) == VT_OK);
    vt_staff_log_attach(s);
    vt_log_set_level(VT_LOG_ERROR);   /* keep 4000 warnings off stderr; the ring still gets them */
    pthread_t th[WRITERS];
    writer_arg wa[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        wa[i] = (writer_arg){ s, i };
        CHECK(pthread_create(&th[i], NULL, writer, &wa[i]) == 0);
    }
    int ordered = 1;
    for (int r = 0; r < 200; r++) {
        n = vt_staff_log_recent(s, m, 8);
        for (int k = 1; k < n; k++) ordered &= m[k].seq < m[k - 1].seq;
    }
    for (int i = 0; i < WRITERS; i++) pthread_join(th[i], NULL);
    vt_log_set_level(was);
    vt_staff_msg all[16];
    n = vt_staff_log_recent(s, all, 16);
    int consecutive = n == 16;
    for (int k = 0; k < n; k++) consecutive &= all[k].seq == (uint64_t)(WRITERS * PUSHES - k);
    CHECKF(ordered && consecutive, "%d writers: newest first throughout (%d), the last 16 kept (%d; seq %llu)", WRITERS, ordered,
           consecutive, n ? (unsigned long long)all[0].seq : 0ull);
    vt_staff_log_destroy(s);
    char age[16];
    vt_staff_age(0, 12500000000ull, age, sizeof age);
    CHECK(!strcmp(age, "12 s"));
    vt_staff_age(0, 600000000000ull, age, sizeof age);
    CHECK(!strcmp(age, "10 min"));
}

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
    staff_ring();
    return t_finish("test_core");
}
