/* test_capture_live.c — live sources through GStreamer (issue 23): pipelines (videotestsrc) with
 * their negotiated size and format, scaling, the newest frame with drops counted, an end and a
 * reopen, bad descriptions, a stream nobody serves, a missing camera, an HTTP MJPEG stream served
 * from this test, an RTSP server (GStreamer's, through python3-gi) stopped and started again, and
 * source specs parsed. */
#include "capture/vt_capture.h"
#include "cv/vt_cv.h"   /* a JPEG for the MJPEG stream */
#include "test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static double secs_since(uint64_t t0) { return (double)(vt_now_ns() - t0) * 1e-9; }

static vt_source *open_pipeline(const char *desc, int w, int h, char *err, size_t errlen)
{
    vt_source_desc d = vt_source_desc_defaults();
    d.kind = VT_SOURCE_PIPELINE;
    d.pipeline = desc;
    d.want = VT_WANT_COLOUR | VT_WANT_GREY;
    d.width = w;
    d.height = h;
    vt_source *s = NULL;
    CHECKF(vt_source_open(&d, &s, err, errlen) == VT_OK, "%s: %s", desc, err);
    return s;
}

static void test_parse(void)
{
    char err[256];
    vt_source_desc d = vt_source_desc_defaults();
    CHECK(vt_source_parse("2", &d, err, sizeof err) == VT_OK && d.kind == VT_SOURCE_CAMERA && d.camera_index == 2 && !d.device);
    CHECK(vt_source_parse("/dev/video3", &d, err, sizeof err) == VT_OK && d.kind == VT_SOURCE_CAMERA && !strcmp(d.device, "/dev/video3"));
    CHECK(vt_source_parse("rtsp://cam.local/s", &d, err, sizeof err) == VT_OK && d.kind == VT_SOURCE_STREAM && !strcmp(d.url, "rtsp://cam.local/s"));
    CHECK(vt_source_parse("http://10.0.0.7/mjpg", &d, err, sizeof err) == VT_OK && d.kind == VT_SOURCE_STREAM);
    CHECK(vt_source_parse("gst: videotestsrc", &d, err, sizeof err) == VT_OK && d.kind == VT_SOURCE_PIPELINE && !strcmp(d.pipeline, "videotestsrc"));
    CHECK(vt_source_parse("gst:", &d, err, sizeof err) == VT_ERR_ARG && strstr(err, "gst:"));
    CHECK(vt_source_parse("ftp://x/y", &d, err, sizeof err) == VT_ERR_ARG && strstr(err, "ftp://x/y"));
    CHECK(vt_source_parse("rtsp://", &d, err, sizeof err) == VT_ERR_ARG && strstr(err, "no host"));
    CHECK(vt_source_parse("300", &d, err, sizeof err) == VT_ERR_ARG);
    CHECK(vt_source_parse("cam", &d, err, sizeof err) == VT_ERR_ARG && strstr(err, "'cam'"));
    CHECK(vt_source_parse("", &d, err, sizeof err) == VT_ERR_ARG);
}

/* The size and format the pipeline's caps fix are what the source reports and delivers. */
static void test_negotiated(void)
{
    char err[512], line[512];
    const char *desc = "videotestsrc is-live=true ! video/x-raw,format=YUY2,width=320,height=240,framerate=30/1";
    vt_source *s = open_pipeline(desc, 0, 0, err, sizeof err);
    if (!s) return;
    vt_frame f;
    CHECKF(vt_source_read(s, &f, err, sizeof err) == VT_OK, "%s", err);
    CHECK(f.colour.width == 320 && f.colour.height == 240 && f.colour.format == VT_PIX_BGR8);
    CHECK(f.grey.width == 320 && f.grey.format == VT_PIX_GREY8);
    CHECK(f.is_stream && f.t_capture > 0);
    vt_source_stats st = vt_source_get_stats(s);
    CHECK(st.width == 320 && st.height == 240 && st.fps == 30);
    CHECKF(!strcmp(st.format, "YUYV"), "format %s", st.format);
    CHECK(vt_source_is_live(s) && vt_source_get_kind(s) == VT_SOURCE_PIPELINE && vt_source_fps(s) == 0);
    vt_source_describe(s, line, sizeof line);
    CHECKF(strstr(line, "gst: videotestsrc") && strstr(line, ": 320x240 YUYV at 30 frames/s") && !strstr(line, "asked"), "%s", line);
    vt_source_destroy(s);

    /* Asked a size: scaled to it, and said so. */
    s = open_pipeline("videotestsrc is-live=true ! video/x-raw,width=640,height=480", 200, 100, err, sizeof err);
    if (!s) return;
    CHECKF(vt_source_read(s, &f, err, sizeof err) == VT_OK, "%s", err);
    CHECK(f.colour.width == 200 && f.colour.height == 100);
    vt_source_describe(s, line, sizeof line);
    CHECKF(strstr(line, "200x100") && strstr(line, "(asked 200x100)"), "%s", line);
    vt_source_destroy(s);

    /* Asked a rate below the source's: frames dropped to it, never repeated. */
    vt_source_desc d = vt_source_desc_defaults();
    d.kind = VT_SOURCE_PIPELINE;
    d.pipeline = "videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=30/1";
    d.fps = 10;
    CHECKF(vt_source_open(&d, &s, err, sizeof err) == VT_OK, "%s", err);
    if (!s) return;
    uint64_t t0 = vt_now_ns();
    for (int i = 0; i < 6; i++) CHECKF(vt_source_read(s, &f, err, sizeof err) == VT_OK, "%s", err);
    double took = secs_since(t0);
    vt_source_stats st2 = vt_source_get_stats(s);
    vt_source_describe(s, line, sizeof line);
    CHECKF(st2.fps == 10 && strstr(line, "at 10 frames/s (asked at 10)"), "%g: %s", st2.fps, line);
    CHECKF(took > 0.3, "6 frames at 10 frames/s in %.2f s", took);   /* 5 intervals of 100 ms: not 30 a second */
    vt_source_destroy(s);
}

/* A 60 frames/s source read every 100 ms: each read has the newest frame, the rest dropped. */
static void test_newest(void)
{
    char err[512];
    vt_source *s = open_pipeline("videotestsrc is-live=true ! video/x-raw,width=160,height=120,framerate=60/1", 0, 0, err, sizeof err);
    if (!s) return;
    uint64_t last = 0;
    int ok = 0;
    for (int i = 0; i < 8; i++) {
        vt_frame f;
        if (vt_source_read(s, &f, err, sizeof err) != VT_OK) { CHECKF(0, "%s", err); break; }
        uint64_t now = vt_now_ns();
        CHECKF(f.t_capture > last, "read %d: t_capture %llu after %llu", i, (unsigned long long)f.t_capture, (unsigned long long)last);
        /* Newest, not queued: captured well within a second of the read (a queue would lag). */
        CHECKF(f.t_capture <= now && now - f.t_capture < 1000000000ull, "read %d: %.3f s old", i, (double)(now - f.t_capture) * 1e-9);
        last = f.t_capture;
        ok++;
        sleep_ms(100);
    }
    vt_source_stats st = vt_source_get_stats(s);
    CHECKF(ok == 8 && st.dropped > 0 && st.delivered > st.dropped, "delivered %ld dropped %ld", st.delivered, st.dropped);
    fprintf(stderr, "newest: %d reads, %ld delivered, %ld dropped\n", ok, st.delivered, st.dropped);
    vt_source_destroy(s);
}

/* A finite pipeline ends: an error naming it; reopening gives frames again, counted. */
static void test_end_and_reopen(void)
{
    char err[512];
    vt_source *s = open_pipeline("videotestsrc num-buffers=5 ! video/x-raw,width=64,height=48", 0, 0, err, sizeof err);
    if (!s) return;
    vt_frame f;
    vt_result r;
    int frames = 0;
    while ((r = vt_source_read(s, &f, err, sizeof err)) == VT_OK && frames < 100) frames++;
    CHECKF(r == VT_ERR_IO && strstr(err, "videotestsrc num-buffers=5") && strstr(err, "ended"), "%d: %s", r, err);
    CHECKF(frames >= 1 && frames <= 5, "%d frames", frames);
    CHECK(vt_source_read(s, &f, err, sizeof err) == VT_ERR_IO);   /* stays ended */
    CHECKF(vt_source_reopen(s, err, sizeof err) == VT_OK, "%s", err);
    CHECKF(vt_source_read(s, &f, err, sizeof err) == VT_OK && f.colour.width == 64, "%s", err);
    CHECK(f.index == frames);   /* numbering goes on */
    vt_source_stats st = vt_source_get_stats(s);
    CHECKF(st.reconnects == 1 && st.delivered >= frames + 1, "reconnects %d delivered %ld", st.reconnects, st.delivered);
    vt_source_destroy(s);
}

/* Injected faults work on live kinds too. */
static void test_fault(void)
{
    char err[512];
    vt_source_desc d = vt_source_desc_defaults();
    d.kind = VT_SOURCE_PIPELINE;
    d.pipeline = "videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=30/1";
    d.fault_after = 2;
    d.fault_seconds = 0.2;
    vt_source *s = NULL;
    CHECKF(vt_source_open(&d, &s, err, sizeof err) == VT_OK, "%s", err);
    if (!s) return;
    vt_frame f;
    CHECK(vt_source_read(s, &f, err, sizeof err) == VT_OK);
    CHECK(vt_source_read(s, &f, err, sizeof err) == VT_OK);
    CHECK(vt_source_read(s, &f, err, sizeof err) == VT_ERR_IO && strstr(err, "injected"));
    uint64_t t0 = vt_now_ns();
    while (vt_source_reopen(s, err, sizeof err) != VT_OK && secs_since(t0) < 30) sleep_ms(50);
    CHECKF(vt_source_read(s, &f, err, sizeof err) == VT_OK, "%s", err);
    vt_source_destroy(s);
}

/* A loopback TCP port free a moment ago (nobody listens on it). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    bind(fd, (struct sockaddr *)&a, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &al);
    close(fd);
    return ntohs(a.sin_port);
}

static void test_bad_inputs(void)
{
    char err[512];
    vt_source_desc d = vt_source_desc_defaults();
    vt_source *s = NULL;
    d.kind = VT_SOURCE_PIPELINE;
    d.pipeline = "nosuchelement_vt ! identity";
    CHECK(vt_source_open(&d, &s, err, sizeof err) == VT_ERR_ARG && !s);
    CHECKF(strstr(err, "gst: nosuchelement_vt") && strstr(err, "nosuchelement_vt") && !strchr(err, '\n'), "%s", err);
    fprintf(stderr, "bad pipeline: %s\n", err);

    /* Video that cannot link to the tail (audio): an error, not a hang. */
    d.pipeline = "audiotestsrc is-live=true";
    CHECK(vt_source_open(&d, &s, err, sizeof err) != VT_OK && !s && strstr(err, "gst: audiotestsrc"));
    fprintf(stderr, "audio pipeline: %s\n", err);

    /* A port nobody listens on: fails within the open bound (10 s), with the address named. */
    char url[128];
    snprintf(url, sizeof url, "rtsp://user:secret@127.0.0.1:%d/shelf", free_port());
    d = vt_source_desc_defaults();
    d.kind = VT_SOURCE_STREAM;
    d.url = url;
    uint64_t t0 = vt_now_ns();
    CHECK(vt_source_open(&d, &s, err, sizeof err) == VT_ERR_IO && !s);
    double took = secs_since(t0);
    CHECKF(took < 20, "%.1f s", took);
    CHECKF(strstr(err, "rtsp://user:***@127.0.0.1") && !strstr(err, "secret"), "%s", err);
    fprintf(stderr, "closed port (%.1f s): %s\n", took, err);

    /* A camera that is not there: said at once, GStreamer not asked. */
    d = vt_source_desc_defaults();
    d.kind = VT_SOURCE_CAMERA;
    d.device = "/dev/video99";
    t0 = vt_now_ns();
    CHECK(vt_source_open(&d, &s, err, sizeof err) == VT_ERR_NOT_FOUND && !s);
    CHECKF(!strcmp(err, "camera /dev/video99: no such device"), "%s", err);
    CHECK(secs_since(t0) < 5);
    /* A path that is not a camera: v4l2src refuses it, said in the open bound, in every mode form. */
    static const char *const formats[] = { NULL, "MJPG", "YUYV", "H264" };
    for (int i = 0; i < 4; i++) {
        d.device = "/dev/null";
        d.format = formats[i];
        d.width = i ? 640 : 0;
        d.height = i ? 480 : 0;
        d.fps = i ? 30 : 0;
        t0 = vt_now_ns();
        vt_result r = vt_source_open(&d, &s, err, sizeof err);
        CHECKF(r == VT_ERR_IO && !s, "%s: %d %s", formats[i] ? formats[i] : "any", r, err);
        CHECKF(strstr(err, "camera /dev/null: ") && secs_since(t0) < 20, "%s", err);
        if (i == 0) fprintf(stderr, "not a camera: %s\n", err);
    }
    d = vt_source_desc_defaults();
    d.kind = VT_SOURCE_CAMERA;
    d.camera_index = 99;
    CHECK(vt_source_open(&d, &s, err, sizeof err) == VT_ERR_NOT_FOUND && strstr(err, "/dev/video99"));
}

/* ---- an HTTP MJPEG stream (multipart/x-mixed-replace), as IP cameras serve one ---- */
typedef struct mjpeg_server {
    int listen_fd, port;
    unsigned char *jpeg;
    size_t jpeg_len;
    atomic_int stop;
    pthread_t thread;
} mjpeg_server;

static void *mjpeg_serve(void *arg)
{
    mjpeg_server *m = arg;
    while (!atomic_load(&m->stop)) {
        int c = accept(m->listen_fd, NULL, NULL);
        if (c < 0) continue;
        char req[2048];
        if (read(c, req, sizeof req) <= 0) { close(c); continue; }
        const char *hdr = "HTTP/1.0 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=vtframe\r\n\r\n";
        int ok = write(c, hdr, strlen(hdr)) > 0;
        for (int i = 0; ok && !atomic_load(&m->stop) && i < 2000; i++) {
            char part[128];
            int n = snprintf(part, sizeof part, "--vtframe\r\nContent-Type: image/jpeg\r\nContent-Length: %zu\r\n\r\n", m->jpeg_len);
            ok = write(c, part, (size_t)n) == n && write(c, m->jpeg, m->jpeg_len) == (ssize_t)m->jpeg_len && write(c, "\r\n", 2) == 2;
            sleep_ms(40);
        }
        close(c);
    }
    return NULL;
}

static void test_http_mjpeg(void)
{
    char err[512], dir[] = "/tmp/vt_test_live_XXXXXX", path[256];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/f.jpg", dir);
    vt_image im;
    vt_image_alloc(&im, VT_PIX_BGR8, 176, 144);
    for (int y = 0; y < im.height; y++) memset(im.data + (size_t)y * (size_t)im.stride, y, (size_t)im.width * 3);
    CHECKF(vtcv_imwrite(path, &im, err, sizeof err) == VT_OK, "%s", err);
    vt_image_free(&im);
    mjpeg_server m = { 0 };
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    m.jpeg_len = (size_t)ftell(f);
    rewind(f);
    m.jpeg = malloc(m.jpeg_len);
    CHECK(fread(m.jpeg, 1, m.jpeg_len, f) == m.jpeg_len);
    fclose(f);
    unlink(path);
    rmdir(dir);
    m.listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    CHECK(bind(m.listen_fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(m.listen_fd, 4) == 0);
    getsockname(m.listen_fd, (struct sockaddr *)&a, &al);
    struct timeval tv = { 0, 200000 };   /* accept wakes to see stop */
    setsockopt(m.listen_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    pthread_create(&m.thread, NULL, mjpeg_serve, &m);

    char url[128], line[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/video.mjpg", ntohs(a.sin_port));
    vt_source_desc d = vt_source_desc_defaults();
    d.kind = VT_SOURCE_STREAM;
    d.url = url;
    d.want = VT_WANT_COLOUR;
    vt_source *s = NULL;
    CHECKF(vt_source_open(&d, &s, err, sizeof err) == VT_OK, "%s: %s", url, err);
    for (int i = 0; s && i < 3; i++) {
        vt_frame fr;
        CHECKF(vt_source_read(s, &fr, err, sizeof err) == VT_OK, "%s", err);
        CHECK(fr.colour.width == 176 && fr.colour.height == 144 && fr.t_capture > 0);
    }
    if (s) {
        vt_source_stats st = vt_source_get_stats(s);
        CHECKF(!strcmp(st.format, "MJPG") && st.width == 176, "%s %dx%d", st.format, st.width, st.height);
        vt_source_describe(s, line, sizeof line);
        CHECKF(strstr(line, url) && strstr(line, "176x144 MJPG"), "%s", line);
        fprintf(stderr, "http: %s\n", line);
    }
    vt_source_destroy(s);
    atomic_store(&m.stop, 1);
    pthread_join(m.thread, NULL);
    close(m.listen_fd);
    free(m.jpeg);
}

/* ---- RTSP: GStreamer's server through python3-gi, H.264 in real time ---- */
static const char *const rtsp_script =
    "import sys, gi\n"
    "gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0')\n"
    "from gi.repository import Gst, GstRtspServer, GLib\n"
    "Gst.init(None)\n"
    "s = GstRtspServer.RTSPServer(); s.set_address('127.0.0.1'); s.set_service(sys.argv[1])\n"
    "f = GstRtspServer.RTSPMediaFactory(); f.set_shared(True)\n"
    "f.set_launch('( videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1 ! '\n"
    "             'x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15 ! rtph264pay name=pay0 pt=96 )')\n"
    "s.get_mount_points().add_factory('/shelf', f); s.attach(None)\n"
    "GLib.MainLoop().run()\n";

/* The server's pid once it accepts connections; 0 (said why) when it cannot run here. */
static pid_t rtsp_start(int port)
{
    if (access("/usr/bin/python3", X_OK) != 0) { fprintf(stderr, "rtsp: skipped: no /usr/bin/python3\n"); return 0; }
    char ps[16];
    snprintf(ps, sizeof ps, "%d", port);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/usr/bin/python3", "python3", "-c", rtsp_script, ps, (char *)NULL);
        _exit(127);
    }
    uint64_t t0 = vt_now_ns();
    while (secs_since(t0) < 30) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) { fprintf(stderr, "rtsp: skipped: the server did not start (python3-gi, GstRtspServer?)\n"); return 0; }
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
        if (ok) return pid;
        sleep_ms(50);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    CHECKF(0, "rtsp: the server did not listen within 30 s");
    return 0;
}

static void rtsp_stop(pid_t pid)
{
    if (pid <= 0) return;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static void test_rtsp(void)
{
    int port = free_port();
    pid_t server = rtsp_start(port);
    if (!server) return;
    char url[128], err[512], line[512];
    snprintf(url, sizeof url, "rtsp://127.0.0.1:%d/shelf", port);
    vt_source_desc d = vt_source_desc_defaults();
    d.kind = VT_SOURCE_STREAM;
    d.url = url;
    vt_source *s = NULL;
    CHECKF(vt_source_open(&d, &s, err, sizeof err) == VT_OK, "%s", err);
    uint64_t last = 0;
    vt_frame f;
    for (int i = 0; s && i < 5; i++) {
        CHECKF(vt_source_read(s, &f, err, sizeof err) == VT_OK, "%s", err);
        CHECK(f.grey.width == 320 && f.grey.height == 240 && f.t_capture > last);
        last = f.t_capture;
    }
    if (s) {
        vt_source_stats st = vt_source_get_stats(s);
        CHECKF(!strcmp(st.format, "H264") && st.width == 320, "%s %dx%d", st.format, st.width, st.height);
        vt_source_describe(s, line, sizeof line);
        sleep_ms(100);   /* a frame waiting: its age says where t_capture comes from */
        CHECKF(vt_source_read(s, &f, err, sizeof err) == VT_OK, "%s", err);
        fprintf(stderr, "rtsp: %s (a frame %.1f ms old when read after 100 ms)\n", line, (double)(vt_now_ns() - f.t_capture) * 1e-6);
    }
    /* The server gone: reads fail (within the 2 s read bound each), reopening fails, bounded. */
    rtsp_stop(server);
    vt_result r = VT_OK;
    uint64_t t0 = vt_now_ns();
    for (int i = 0; s && i < 200 && (r = vt_source_read(s, &f, err, sizeof err)) == VT_OK; i++) {}
    CHECKF(!s || (r == VT_ERR_IO && strstr(err, url)), "%d %s", r, err);
    fprintf(stderr, "rtsp: server gone, after %.1f s: %s\n", secs_since(t0), err);
    t0 = vt_now_ns();
    CHECK(s && vt_source_reopen(s, err, sizeof err) != VT_OK);
    CHECKF(secs_since(t0) < 20, "reopen took %.1f s", secs_since(t0));
    /* Back: a reopen gives frames again. */
    server = rtsp_start(port);
    t0 = vt_now_ns();
    while (s && server && (r = vt_source_reopen(s, err, sizeof err)) != VT_OK && secs_since(t0) < 30) sleep_ms(200);
    CHECKF(r == VT_OK, "%s", err);
    CHECKF(s && vt_source_read(s, &f, err, sizeof err) == VT_OK && f.grey.width == 320, "%s", err);
    if (s) CHECK(vt_source_get_stats(s).reconnects == 1);
    vt_source_destroy(s);
    rtsp_stop(server);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);   /* the MJPEG server writes to a client that has gone */
    test_parse();
    test_bad_inputs();
    test_negotiated();
    test_newest();
    test_end_and_reopen();
    test_fault();
    test_http_mjpeg();
    test_rtsp();
    return t_finish("test_capture_live");
}
