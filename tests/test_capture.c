/* test_capture.c — every frame source on real files: order, errors, colour and grey. */
#include "capture/vt_capture.h"
#include "cv/vt_cv.h"
#include "test_util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void write_png(const char *dir, const char *name, int w, int h, int shade)
{
    char path[512], err[256];
    vt_image im;
    vt_image_alloc(&im, VT_PIX_BGR8, w, h);
    memset(im.data, shade, (size_t)im.stride * (size_t)h);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    CHECKF(vtcv_imwrite(path, &im, err, sizeof err) == VT_OK, "%s: %s", path, err);
    vt_image_free(&im);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

int main(int argc, char **argv)
{
    char dir[] = "/tmp/vt_test_capture_XXXXXX", err[512];
    CHECK(mkdtemp(dir) != NULL);
    write_png(dir, "img_10.png", 32, 16, 200);
    write_png(dir, "img_2.png", 32, 16, 100);
    write_text(dir, "notes.txt", "not an image, and not named like one");
    write_text(dir, "bad.jpg", "this is text in a .jpg");
    write_text(dir, "empty.png", "");

    /* The defaults written out are what a zeroed desc means. */
    vt_demo_desc dd = vt_demo_desc_resolve(&(vt_demo_desc){ 0 }), dflt = vt_demo_desc_defaults();
    CHECK(dd.width == dflt.width && dd.height == dflt.height && dd.frames == dflt.frames && dd.fps == dflt.fps &&
          dd.width == 1280 && dd.height == 720 && dd.fps == 30);
    CHECK(vt_source_desc_defaults().want == VT_WANT_GREY);

    /* A folder: image files only, natural order; bad ones report and the rest still come. */
    vt_source *s;
    vt_frame f;
    CHECK(vt_source_open(&(vt_source_desc){ .kind = VT_SOURCE_AUTO, .path = dir }, &s, err, sizeof err) == VT_OK);
    CHECK(vt_source_count(s) == 4);
    CHECK(vt_source_read(s, &f, err, sizeof err) == VT_ERR_FORMAT && strstr(f.name, "bad.jpg") && strstr(err, "not a readable image"));
    CHECK(vt_source_read(s, &f, err, sizeof err) == VT_ERR_FORMAT && strstr(f.name, "empty.png") && strstr(err, "empty"));
    CHECK(vt_source_read(s, &f, err, sizeof err) == VT_OK && strstr(f.name, "img_2.png"));
    CHECK(f.grey.format == VT_PIX_GREY8 && f.grey.width == 32 && f.grey.height == 16 && f.grey.data[0] == 100);
    CHECK(f.colour.format == VT_PIX_NONE);   /* grey only unless asked */
    CHECK(vt_source_read(s, &f, err, sizeof err) == VT_OK && strstr(f.name, "img_10.png") && f.index == 3);
    CHECK(vt_source_read(s, &f, err, sizeof err) == VT_END);
    vt_source_destroy(s);

    /* A folder that changes while it is read: a file deleted after the listing is reported, the
     * rest still come; files added later are not in this pass. */
    CHECK(vt_source_open(&(vt_source_desc){ .kind = VT_SOURCE_FOLDER, .path = dir }, &s, err, sizeof err) == VT_OK);
    char gone[600];
    snprintf(gone, sizeof gone, "%s/img_10.png", dir);
    write_png(dir, "img_99.png", 8, 8, 50);
    char moved[600];
    snprintf(moved, sizeof moved, "%s/img_10.moved", dir);
    CHECK(rename(gone, moved) == 0);
    int good = 0, missing = 0;
    vt_result rr;
    while ((rr = vt_source_read(s, &f, err, sizeof err)) != VT_END) {
        if (rr == VT_OK) good++;
        else if (strstr(f.name, "img_10.png") && strstr(err, "no such file")) missing++;
    }
    CHECK(good == 1 && missing == 1);
    vt_source_destroy(s);
    CHECK(rename(moved, gone) == 0);
    snprintf(moved, sizeof moved, "%s/img_99.png", dir);
    remove(moved);

    /* A list of files keeps its order and gives colour and grey. */
    char a[512], b[512];
    snprintf(a, sizeof a, "%s/img_10.png", dir);
    snprintf(b, sizeof b, "%s/img_2.png", dir);
    const char *files[] = { a, b };
    CHECK(vt_source_open(&(vt_source_desc){ .kind = VT_SOURCE_FILES, .files = files, .nfiles = 2,
                                           .want = VT_WANT_GREY | VT_WANT_COLOUR }, &s, err, sizeof err) == VT_OK);
    CHECK(vt_source_read(s, &f, err, sizeof err) == VT_OK && f.grey.data[0] == 200 && f.colour.format == VT_PIX_BGR8 &&
          f.colour.data[2] == 200);
    CHECK(vt_source_read(s, &f, err, sizeof err) == VT_OK && f.grey.data[0] == 100);
    CHECK(vt_source_read(s, &f, err, sizeof err) == VT_END);
    vt_source_destroy(s);

    /* Failures name the input. */
    CHECK(vt_source_open(&(vt_source_desc){ .path = "/nonexistent/clip.mp4" }, &s, err, sizeof err) == VT_ERR_NOT_FOUND);
    CHECK(strstr(err, "/nonexistent/clip.mp4") && strstr(err, "no such file"));
    char txt[512];
    snprintf(txt, sizeof txt, "%s/notes.txt", dir);
    CHECK(vt_source_open(&(vt_source_desc){ .path = txt }, &s, err, sizeof err) == VT_ERR_FORMAT && strstr(err, "notes.txt"));
    char empty_dir[600];
    snprintf(empty_dir, sizeof empty_dir, "%s/sub", dir);
    CHECK(mkdir(empty_dir, 0700) == 0);
    CHECK(vt_source_open(&(vt_source_desc){ .path = empty_dir }, &s, err, sizeof err) == VT_ERR_NOT_FOUND && strstr(err, "no image files"));
    CHECK(vt_source_open(&(vt_source_desc){ .kind = VT_SOURCE_CAMERA, .camera_index = 97 }, &s, err, sizeof err) != VT_OK);
    CHECK(strstr(err, "camera /dev/video97") != NULL);

    /* The demo scene: colour and grey, the requested size, and it moves. */
    CHECK(vt_source_open(&(vt_source_desc){ .kind = VT_SOURCE_DEMO, .want = VT_WANT_GREY | VT_WANT_COLOUR,
                                           .demo = { .width = 320, .height = 180, .frames = 31 } }, &s, err, sizeof err) == VT_OK);
    CHECK(vt_source_count(s) == 31);
    CHECK(vt_source_read(s, &f, err, sizeof err) == VT_OK && f.is_stream && f.colour.width == 320 && f.grey.height == 180);
    uint8_t first[320], last[320];
    memcpy(first, vt_image_row(&f.grey, 90), sizeof first);
    int n = 1;
    while (vt_source_read(s, &f, err, sizeof err) == VT_OK) {
        memcpy(last, vt_image_row(&f.grey, 90), sizeof last);
        n++;
    }
    CHECK(n == 31);
    CHECK(memcmp(first, last, sizeof first) != 0);
    vt_source_destroy(s);

    /* A real video: frames numbered from 0. */
    const char *shared = t_shared(argc, argv, "bench/seq-720p/seq.mp4");
    if (shared) {
        char vid[1024];
        snprintf(vid, sizeof vid, "%s/bench/seq-720p/seq.mp4", shared);
        CHECK(vt_source_open(&(vt_source_desc){ .path = vid }, &s, err, sizeof err) == VT_OK);
        CHECK(vt_source_get_kind(s) == VT_SOURCE_VIDEO);
        for (int i = 0; i < 3; i++)
            CHECK(vt_source_read(s, &f, err, sizeof err) == VT_OK && f.index == i && f.is_stream && f.grey.width == 1280);
        vt_source_destroy(s);
    }

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    return t_finish("test_capture");
}
