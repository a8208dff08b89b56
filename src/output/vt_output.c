/* vt_output.c — frames to videos and PNG folders, screenshots, marks (through the OpenCV bridge). */
#include "output/vt_output.h"
#include "cv/vt_cv.h"

#include <pthread.h>
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
    /* the writer thread (desc.queue > 0): frames copied into imgs[], written in order */
    vt_slots *q;
    vt_image *imgs;
    pthread_t thread;
    pthread_mutex_t lock;     /* guards failed and why */
    vt_result failed;
    char why[1024];
};

static vt_result write_now(vt_sink *s, const vt_image *frame, char *err, size_t errlen);

static void *writer_main(void *arg)
{
    vt_sink *s = arg;
    for (int slot; (slot = vt_slots_take(s->q, -1)) >= 0;) {
        char why[1024];
        vt_result r = write_now(s, &s->imgs[slot], why, sizeof why);
        pthread_mutex_lock(&s->lock);
        if (r != VT_OK && s->failed == VT_OK) { s->failed = r; snprintf(s->why, sizeof s->why, "%s", why); }
        pthread_mutex_unlock(&s->lock);
        vt_slots_release(s->q, slot);
    }
    return NULL;
}

/* The writer thread and its preallocated frames; without them the sink writes within the call. */
static void start_writer(vt_sink *s, int nframes)
{
    char why[128];
    s->imgs = calloc((size_t)nframes, sizeof *s->imgs);
    if (!s->imgs || vt_slots_create(nframes, 0, &s->q, why, sizeof why) != VT_OK) { free(s->imgs); s->imgs = NULL; return; }
    for (int i = 0; i < nframes; i++) vt_image_alloc(&s->imgs[i], VT_PIX_RGBA8, s->desc.width, s->desc.height);
    pthread_mutex_init(&s->lock, NULL);
    if (pthread_create(&s->thread, NULL, writer_main, s) == 0) return;
    for (int i = 0; i < nframes; i++) vt_image_free(&s->imgs[i]);
    free(s->imgs);
    s->imgs = NULL;
    vt_slots_destroy(s->q);
    s->q = NULL;
    pthread_mutex_destroy(&s->lock);
}

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
    if (!desc || !desc->path || desc->width <= 0 || desc->height <= 0) { snprintf(err, errlen, _("no output path or size")); return VT_ERR_ARG; }
    vt_sink *s = calloc(1, sizeof *s);
    if (!s) { snprintf(err, errlen, _("out of memory")); return VT_ERR_NO_MEMORY; }
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
            snprintf(err, errlen, _("%s: not a folder and not a video name (.mp4)"), desc->path);
            free(s);
            return VT_ERR_ARG;
        }
        s->dir = strdup(desc->path);
    }
    if (desc->queue > 0 && s->kind != VT_SINK_DISCARD) start_writer(s, desc->queue);
    *out = s;
    return VT_OK;
}

/* A free frame of the writer's (waiting while it is behind): its slot, or -1 after a failure. */
static int free_slot(vt_sink *s, vt_result *r, char *err, size_t errlen)
{
    pthread_mutex_lock(&s->lock);
    *r = s->failed;
    if (*r != VT_OK) snprintf(err, errlen, "%s", s->why);
    pthread_mutex_unlock(&s->lock);
    if (*r != VT_OK) return -1;
    int slot = vt_slots_acquire(s->q);
    if (slot < 0) { snprintf(err, errlen, _("%s: the writer has stopped"), s->desc.path); *r = VT_ERR_INTERNAL; }
    return slot;
}

vt_result vt_sink_write(vt_sink *s, const vt_image *frame, char *err, size_t errlen)
{
    if (!s->q) return write_now(s, frame, err, errlen);
    vt_result r;
    int slot = free_slot(s, &r, err, errlen);
    if (slot < 0) return r;
    r = vt_image_copy(&s->imgs[slot], frame);
    if (r != VT_OK) { vt_slots_release(s->q, slot); snprintf(err, errlen, "%s: %s", s->desc.path, vt_result_str(r)); return r; }
    vt_slots_publish(s->q, slot);
    return VT_OK;
}

vt_result vt_sink_submit(vt_sink *s, vt_image *frame, char *err, size_t errlen)
{
    /* The writer's buffers are tight RGBA of the desc's size: anything else is copied. */
    if (!s->q || frame->format != VT_PIX_RGBA8 || frame->width != s->desc.width || frame->height != s->desc.height ||
        frame->stride != 4 * frame->width)
        return vt_sink_write(s, frame, err, errlen);
    vt_result r;
    int slot = free_slot(s, &r, err, errlen);
    if (slot < 0) return r;
    vt_image full = *frame;   /* the frame's pixels to the writer, its free buffer to the caller */
    *frame = s->imgs[slot];
    s->imgs[slot] = full;
    vt_slots_publish(s->q, slot);
    return VT_OK;
}

vt_result vt_sink_finish(vt_sink *s, char *err, size_t errlen)
{
    if (!s || !s->q) return VT_OK;
    vt_slots_close(s->q);   /* the writer drains the queue, then stops */
    pthread_join(s->thread, NULL);
    for (int i = 0; i < s->desc.queue; i++) vt_image_free(&s->imgs[i]);
    free(s->imgs);
    s->imgs = NULL;
    vt_slots_destroy(s->q);
    s->q = NULL;
    pthread_mutex_destroy(&s->lock);
    if (s->failed != VT_OK) snprintf(err, errlen, "%s", s->why);
    return s->failed;
}

static vt_result write_now(vt_sink *s, const vt_image *frame, char *err, size_t errlen)
{
    int n = s->frames++;
    if (s->kind == VT_SINK_DISCARD) return VT_OK;
    if (s->kind == VT_SINK_VIDEO) {
        if (vtcv_writer_write(s->video, frame) == VT_OK) return VT_OK;
        snprintf(err, errlen, _("%s: cannot write the video"), s->desc.path);
        return VT_ERR_IO;
    }
    char path[1024], why[200] = "";
    if (snprintf(path, sizeof path, "%.900s/frame_%05d.png", s->dir, n) >= (int)sizeof path) {
        snprintf(err, errlen, _("%.900s: path too long"), s->dir);
        return VT_ERR_ARG;
    }
    vt_result r = vtcv_imwrite(path, frame, why, sizeof why);
    if (r != VT_OK) snprintf(err, errlen, "%.900s: %.99s", path, why);
    return r;
}

void vt_sink_close(vt_sink *s)
{
    if (!s) return;
    char why[1024];
    vt_sink_finish(s, why, sizeof why);
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

vt_sink_desc vt_sink_desc_defaults(void)
{
    return (vt_sink_desc){ .fps = 30 };
}
