/* vt_output.c — frames to videos and PNG folders, screenshots, marks (through the OpenCV bridge). */
#include "output/vt_output.h"
#include "cv/vt_cv.h"

#include <stdlib.h>   /* calloc */
#include <string.h>   /* strcmp */
#include <strings.h>  /* strcasecmp */
#include <sys/stat.h> /* mkdir */
#include <time.h>     /* localtime_r */
#include <unistd.h>   /* access */

struct vt_sink {
    vt_sink_desc desc;
    vt_sink_kind kind;
    vtcv_writer *video;
    char *dir;
    int frames;
};

vt_sink_kind vt_sink_kind_of(const char *path)
{
    if (!strcmp(path, "-")) return VT_SINK_DISCARD;
    const char *e = vt_file_ext(path);
    if (!strcasecmp(e, "mp4") || !strcasecmp(e, "avi") || !strcasecmp(e, "mkv") || !strcasecmp(e, "mov")) return VT_SINK_VIDEO;
    return VT_SINK_PNG_DIR;
}

vt_result vt_sink_open(const vt_sink_desc *desc, vt_sink **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!desc || !desc->path || desc->width <= 0 || desc->height <= 0) { snprintf(err, errlen, "no output path or size"); return VT_ERR_ARG; }
    vt_sink *s = calloc(1, sizeof *s);
    if (!s) { snprintf(err, errlen, "out of memory"); return VT_ERR_NO_MEMORY; }
    s->desc = *desc;
    s->kind = vt_sink_kind_of(desc->path);
    char why[256] = "";
    if (s->kind == VT_SINK_VIDEO) {
        double fps = desc->fps > 0 ? desc->fps : vt_sink_desc_defaults().fps;
        vt_result r = vtcv_writer_open(desc->path, fps, desc->width, desc->height, &s->video, why, sizeof why);
        if (r != VT_OK) { snprintf(err, errlen, "%s: %s", desc->path, why); free(s); return r; }
    } else if (s->kind == VT_SINK_PNG_DIR) {
        mkdir(desc->path, 0755);
        if (!vt_is_dir(desc->path)) {
            snprintf(err, errlen, "%s: not a folder and not a video name (.mp4)", desc->path);
            free(s);
            return VT_ERR_ARG;
        }
        s->dir = strdup(desc->path);
    }
    *out = s;
    return VT_OK;
}

vt_result vt_sink_write(vt_sink *s, const vt_image *frame, char *err, size_t errlen)
{
    int n = s->frames++;
    if (s->kind == VT_SINK_DISCARD) return VT_OK;
    if (s->kind == VT_SINK_VIDEO) {
        if (vtcv_writer_write(s->video, frame) == VT_OK) return VT_OK;
        snprintf(err, errlen, "%s: cannot write the video", s->desc.path);
        return VT_ERR_IO;
    }
    char path[1024], why[200] = "";
    if (snprintf(path, sizeof path, "%.900s/frame_%05d.png", s->dir, n) >= (int)sizeof path) {
        snprintf(err, errlen, "%.900s: path too long", s->dir);
        return VT_ERR_ARG;
    }
    vt_result r = vtcv_imwrite(path, frame, why, sizeof why);
    if (r != VT_OK) snprintf(err, errlen, "%.900s: %.99s", path, why);
    return r;
}

void vt_sink_close(vt_sink *s)
{
    if (!s) return;
    vtcv_writer_close(s->video);
    free(s->dir);
    free(s);
}

vt_result vt_image_write(const char *path, const vt_image *im, char *err, size_t errlen)
{
    char why[200] = "";
    vt_result r = vtcv_imwrite(path, im, why, sizeof why);
    if (r != VT_OK) snprintf(err, errlen, "%s: %s", path, why);
    return r;
}

vt_result vt_screenshot_save(const char *dir, const vt_image *rgba, char *path, size_t pathlen, char *err, size_t errlen)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    if (!dir) dir = ".";
    snprintf(path, pathlen, "%s/vitrine-%s.png", dir, stamp);
    for (int k = 2; k < 100 && access(path, F_OK) == 0; k++) snprintf(path, pathlen, "%s/vitrine-%s-%d.png", dir, stamp, k);
    return vt_image_write(path, rgba, err, errlen);
}

vt_result vt_mark_points(vt_image *bgr, const float (*pts)[2], int n, const uint8_t bgr_colour[3], int radius)
{
    if (!bgr || bgr->format != VT_PIX_BGR8 || (n > 0 && !pts)) return VT_ERR_ARG;
    return vtcv_draw_points(bgr, pts, n, bgr_colour, radius);
}

vt_result vt_mark_text(vt_image *bgr, const char *text, int x, int y, double scale, const uint8_t bgr_colour[3])
{
    if (!bgr || bgr->format != VT_PIX_BGR8 || !text) return VT_ERR_ARG;
    return vtcv_draw_text(bgr, text, x, y, scale, bgr_colour);
}

vt_sink_desc vt_sink_desc_defaults(void)
{
    return (vt_sink_desc){ .fps = 30 };
}
