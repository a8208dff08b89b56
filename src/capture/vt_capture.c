/* vt_capture.c — frame sources: live ones (camera, stream, pipeline: vt_gst.c), video file,
 * folder, file list, demo scene. */
#include "capture/vt_capture.h"
#include "capture_live.h"
#include "cv/vt_cv.h"
#include "vt_imgcheck.h"

#include <pthread.h>

#include <dirent.h>  /* opendir */
#include <math.h>
#include <stdlib.h>  /* calloc, qsort */
#include <string.h>  /* strdup, strverscmp */
#include <strings.h> /* strcasecmp */

struct vt_source {
    vt_source_kind kind;
    int want;
    char **files;        /* FOLDER, FILES: owned paths */
    int nfiles;
    int next;            /* index of the next frame */
    vtcv_video *video;   /* VIDEO */
    vt_live *live;       /* CAMERA, STREAM, PIPELINE; NULL while disconnected */
    vt_source_desc live_desc;          /* kept to reopen: its strings are the copies below */
    char *live_strs[8];
    int warned;                        /* controls the camera lacks, warned once (vt_v4l2_apply_controls) */
    pthread_mutex_t live_mu;           /* guards live and the figures below against vt_source_get_stats */
    vt_source_stats past;              /* counts of the lives closed by reopens; the last negotiated figures */
    vt_demo *demo;       /* DEMO */
    int demo_frames;
    double demo_fps;
    int demo_w, demo_h;
    vtcv_mat *colour;    /* decoded frame: the buffer being read into */
    vtcv_mat *grey;
    vtcv_mat *colours[VT_SOURCE_MAX_BUFFERS], *greys[VT_SOURCE_MAX_BUFFERS];
    int nbuf;
    int same_size, first_w, first_h;   /* FOLDER, FILES with same_size: the first image's size */
    vtcv_mat *scratch;                 /* where a frame of another size is scaled */
    char name[512];
    int camera_index;
    int fault_after;         /* injected fault: frame it starts at (0 = none) */
    double fault_seconds;
    uint64_t fault_until;    /* 0 until the fault has started */
};

static int cmp_natural(const void *a, const void *b)
{
    return strverscmp(*(char *const *)a, *(char *const *)b);
}

static vt_result add_file(vt_source *s, const char *path, int *cap)
{
    if (s->nfiles == *cap) {
        int nc = *cap ? *cap * 2 : 64;
        char **n = realloc(s->files, (size_t)nc * sizeof *n);
        if (!n) return VT_ERR_NO_MEMORY;
        s->files = n;
        *cap = nc;
    }
    if (!(s->files[s->nfiles] = strdup(path))) return VT_ERR_NO_MEMORY;
    s->nfiles++;
    return VT_OK;
}

static vt_result list_folder(vt_source *s, const char *dir, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) { snprintf(err, errlen, _("%s: cannot open the folder"), dir); return VT_ERR_IO; }
    int cap = 0;
    size_t dl = strlen(dir);
    int slash = dl > 0 && dir[dl - 1] == '/';
    struct dirent *e;
    vt_result r = VT_OK;
    while (r == VT_OK && (e = readdir(d))) {
        /* Only image files count: a folder of frames often holds a truth.json or notes too. */
        if (e->d_name[0] == '.' || !vt_is_image_ext(e->d_name)) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s%s%s", dir, slash ? "" : "/", e->d_name);
        if (vt_is_dir(path)) continue;
        r = add_file(s, path, &cap);
    }
    closedir(d);
    if (r != VT_OK) { snprintf(err, errlen, "%s: %s", dir, vt_result_str(r)); return r; }
    if (s->nfiles == 0) { snprintf(err, errlen, _("%s: no image files in the folder"), dir); return VT_ERR_NOT_FOUND; }
    qsort(s->files, (size_t)s->nfiles, sizeof *s->files, cmp_natural);
    return VT_OK;
}

static int vt_kind_is_live(vt_source_kind k)
{
    return k == VT_SOURCE_CAMERA || k == VT_SOURCE_STREAM || k == VT_SOURCE_PIPELINE;
}

/* The live desc kept for reopening: the caller's strings need not outlive vt_source_open. */
static vt_result keep_live_desc(vt_source *s, const vt_source_desc *desc)
{
    s->live_desc = *desc;
    const char **fields[] = { &s->live_desc.device,   &s->live_desc.url,   &s->live_desc.pipeline,     &s->live_desc.format,
                              &s->live_desc.exposure, &s->live_desc.focus, &s->live_desc.white_balance };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (!*fields[i]) continue;
        if (!(s->live_strs[i] = strdup(*fields[i]))) return VT_ERR_NO_MEMORY;
        *fields[i] = s->live_strs[i];
    }
    s->live_desc.path = NULL;
    s->live_desc.files = NULL;
    s->live_desc.nfiles = 0;
    return VT_OK;
}

/* Opens the kept desc's live source; a camera's controls are set (again) once it plays. */
static vt_result open_live(vt_source *s, char *err, size_t errlen)
{
    vt_live *l = NULL;
    char name[sizeof s->name];
    vt_result r = vt_live_open(&s->live_desc, &l, name, sizeof name, err, errlen);
    snprintf(s->name, sizeof s->name, "%s", name);
    if (r != VT_OK) return r;
    const vt_source_desc *d = &s->live_desc;
    if (d->kind == VT_SOURCE_CAMERA && (d->exposure || d->focus || d->white_balance)) {
        char device[256];
        if (d->device && *d->device) snprintf(device, sizeof device, "%s", d->device);
        else snprintf(device, sizeof device, "/dev/video%d", d->camera_index);
        vt_v4l2_apply_controls(device, d->exposure, d->focus, d->white_balance, &s->warned);
    }
    pthread_mutex_lock(&s->live_mu);
    s->live = l;
    pthread_mutex_unlock(&s->live_mu);
    return VT_OK;
}

/* Closes the live source, its counts kept for the stats. */
static void close_live(vt_source *s)
{
    pthread_mutex_lock(&s->live_mu);
    vt_live *l = s->live;
    s->live = NULL;
    if (l) {
        vt_source_stats st = vt_live_stats(l);
        st.delivered += s->past.delivered;
        st.dropped += s->past.dropped;
        st.reconnects = s->past.reconnects;
        s->past = st;
    }
    pthread_mutex_unlock(&s->live_mu);
    vt_live_close(l);
}

vt_source_desc vt_source_desc_defaults(void)
{
    return (vt_source_desc){ .kind = VT_SOURCE_AUTO, .want = VT_WANT_GREY, .demo = vt_demo_desc_defaults() };
}

vt_result vt_source_open(const vt_source_desc *desc, vt_source **out, char *err, size_t errlen)
{
    *out = NULL;
    if (err && errlen) err[0] = '\0';
    if (!desc) { snprintf(err, errlen, _("no source given")); return VT_ERR_ARG; }
    vt_source *s = calloc(1, sizeof *s);
    if (!s) { snprintf(err, errlen, _("out of memory")); return VT_ERR_NO_MEMORY; }
    s->kind = desc->kind;
    pthread_mutex_init(&s->live_mu, NULL);
    s->fault_after = desc->fault_after;
    s->fault_seconds = desc->fault_seconds;
    s->camera_index = desc->camera_index;
    s->same_size = desc->same_size;
    s->want = desc->want ? desc->want : vt_source_desc_defaults().want;
    s->nbuf = desc->buffers < 1 ? 1 : desc->buffers > VT_SOURCE_MAX_BUFFERS ? VT_SOURCE_MAX_BUFFERS : desc->buffers;
    vt_result r = VT_OK;
    for (int i = 0; i < s->nbuf; i++)
        if (!(s->colours[i] = vtcv_mat_create()) || !(s->greys[i] = vtcv_mat_create())) r = VT_ERR_NO_MEMORY;
    s->colour = s->colours[0];
    s->grey = s->greys[0];
    char why[256] = "";

    if (r == VT_OK && s->kind == VT_SOURCE_AUTO) {
        if (!desc->path) r = VT_ERR_ARG;
        else if (vt_is_dir(desc->path)) s->kind = VT_SOURCE_FOLDER;
        else if (vt_is_image_ext(desc->path)) s->kind = VT_SOURCE_FILES;
        else s->kind = VT_SOURCE_VIDEO;
    }
    if (r != VT_OK) { /* fall through to failure */ }
    else if (s->kind == VT_SOURCE_FOLDER) {
        r = list_folder(s, desc->path, err, errlen);
        if (r != VT_OK) { vt_source_destroy(s); return r; }
    } else if (s->kind == VT_SOURCE_FILES) {
        int cap = 0;
        if (desc->files) for (int i = 0; r == VT_OK && i < desc->nfiles; i++) r = add_file(s, desc->files[i], &cap);
        else if (desc->path) r = add_file(s, desc->path, &cap);
        if (r == VT_OK && s->nfiles == 0) { snprintf(err, errlen, _("no image files given")); vt_source_destroy(s); return VT_ERR_ARG; }
    } else if (s->kind == VT_SOURCE_VIDEO) {
        r = vt_file_check(desc->path, why, sizeof why);
        if (r == VT_OK && vt_image_file_is_gif(desc->path)) {
            snprintf(why, sizeof why, _("a GIF image: not a format Vitrine reads (convert it to PNG or JPEG)"));
            r = VT_ERR_UNSUPPORTED;
        }
        if (r == VT_OK) r = vtcv_video_open_file(desc->path, &s->video, why, sizeof why);
        if (r != VT_OK) { snprintf(err, errlen, "%s: %s", desc->path, why); vt_source_destroy(s); return r; }
        snprintf(s->name, sizeof s->name, "%s", desc->path);
    } else if (vt_kind_is_live(s->kind)) {
        r = keep_live_desc(s, desc);
        if (r == VT_OK) r = open_live(s, err, errlen);
        if (r != VT_OK) {
            if (errlen && !err[0]) snprintf(err, errlen, "%s: %s", s->name, vt_result_str(r));
            vt_source_destroy(s);
            return r;
        }
    } else if (s->kind == VT_SOURCE_DEMO) {
        vt_demo_desc dd = vt_demo_desc_resolve(&desc->demo);
        r = vt_demo_create(&dd, &s->demo, err, errlen);
        s->demo_w = dd.width;
        s->demo_h = dd.height;
        s->demo_frames = dd.frames;
        s->demo_fps = dd.fps;
        snprintf(s->name, sizeof s->name, "demo");
    } else {
        r = VT_ERR_ARG;
    }
    if (r != VT_OK) {
        if (errlen && !err[0]) snprintf(err, errlen, "%s: %s", desc->path ? desc->path : "source", vt_result_str(r));
        vt_source_destroy(s);
        return r;
    }
    *out = s;
    return VT_OK;
}

/* same_size: the decoded image m (grey or colour) scaled to the first image's size, letterboxed. */
static vt_result fit_first(vt_source *s, const char *path, vtcv_mat *m, char *err, size_t errlen)
{
    vt_image im = vtcv_mat_view(m);
    int first = !s->first_w;
    if (first) {
        s->first_w = im.width;
        s->first_h = im.height;
        /* The display draws, encodes and reads back every frame at its size: past 8K (8192 x 4320)
         * a photo is scaled down once, aspect kept, rather than cost gigabytes a frame. */
        double k = sqrt(8192.0 * 4320.0 / ((double)im.width * im.height));
        if (k < 1) {
            s->first_w = (int)(im.width * k) & ~1;
            s->first_h = (int)(im.height * k) & ~1;
            VT_WARN_FILE("capture", path, "%dx%d is more than the display shows (8K): scaled to %dx%d", im.width, im.height,
                         s->first_w, s->first_h);
        }
    }
    if (im.width == s->first_w && im.height == s->first_h) return VT_OK;
    if (!s->scratch && !(s->scratch = vtcv_mat_create())) { snprintf(err, errlen, _("out of memory")); return VT_ERR_NO_MEMORY; }
    int bars = (long long)im.width * s->first_h != (long long)im.height * s->first_w;
    if (!first && bars)
        VT_WARN_FILE("capture", path, "%dx%d, not %dx%d as the first image: scaled to fit, with black bars", im.width, im.height,
                     s->first_w, s->first_h);
    else if (!first)
        VT_WARN_FILE("capture", path, "%dx%d, not %dx%d as the first image: scaled to fit", im.width, im.height, s->first_w, s->first_h);
    vt_result r = vtcv_letterbox(m, s->scratch, s->first_w, s->first_h);
    if (r != VT_OK) snprintf(err, errlen, _("cannot scale the image to %dx%d"), s->first_w, s->first_h);
    return r;
}

/* Fills the frame's images from the decoded colour (or grey) mat, converting only what is wanted. */
static vt_result finish_frame(vt_source *s, vt_frame *f, int decoded_grey)
{
    if (decoded_grey) {
        f->grey = vtcv_mat_view(s->grey);
        return VT_OK;
    }
    f->colour = vtcv_mat_view(s->colour);
    if (s->want & VT_WANT_GREY) {
        if (vtcv_to_grey(&f->colour, s->grey) != VT_OK) return VT_ERR_INTERNAL;
        f->grey = vtcv_mat_view(s->grey);
    }
    if (!(s->want & VT_WANT_COLOUR)) memset(&f->colour, 0, sizeof f->colour);
    return VT_OK;
}

#define VT_LIVE_READ_MS 2000   /* a live source silent this long is lost: the caller reopens it */

static vt_result read_live(vt_source *s, vt_frame *f, char *err, size_t errlen)
{
    f->is_stream = 1;
    if (!s->live) { snprintf(err, errlen, _("%s: not connected"), s->name); return VT_ERR_IO; }
    uint64_t t = 0;
    vt_result r = vt_live_read(s->live, s->colour, &t, VT_LIVE_READ_MS, err, errlen);
    if (r == VT_END) {
        snprintf(err, errlen, _("%s: no frame for %d s"), s->name, VT_LIVE_READ_MS / 1000);
        return VT_ERR_IO;
    }
    if (r != VT_OK) return r;
    f->t_capture = t;
    s->next++;
    return finish_frame(s, f, 0);
}

vt_result vt_source_read(vt_source *s, vt_frame *f, char *err, size_t errlen)
{
    return vt_source_read_into(s, 0, f, err, errlen);
}

vt_result vt_source_read_into(vt_source *s, int buffer, vt_frame *f, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    if (buffer < 0 || buffer >= s->nbuf) {
        snprintf(err, errlen, _("%s: no buffer %d (the source has %d)"), s->name, buffer, s->nbuf);
        return VT_ERR_ARG;
    }
    s->colour = s->colours[buffer];
    s->grey = s->greys[buffer];
    if (err && errlen) err[0] = '\0';
    f->index = s->next;
    f->name = s->name;
    if (s->fault_after > 0 && s->next >= s->fault_after && (!s->fault_until || vt_now_ns() < s->fault_until)) {
        if (!s->fault_until) s->fault_until = vt_now_ns() + (uint64_t)(s->fault_seconds * 1e9);
        f->is_stream = 1;
        snprintf(err, errlen, _("%s: no frame (injected fault: disconnected)"), s->name);
        return VT_ERR_IO;
    }
    switch (s->kind) {
    case VT_SOURCE_FOLDER:
    case VT_SOURCE_FILES: {
        if (s->next >= s->nfiles) return VT_END;
        const char *path = s->files[s->next++];
        f->name = path;
        int grey_only = !(s->want & VT_WANT_COLOUR);
        unsigned char *data = NULL;
        size_t len = 0;
        vt_result r = vt_file_check(path, err, errlen);
        if (r == VT_OK) r = vt_image_file_read(path, &data, &len, err, errlen);
        vtcv_mat *into = grey_only ? s->grey : s->colour;
        if (r == VT_OK) r = vtcv_imdecode(data, len, grey_only, into, err, errlen);
        free(data);
        if (r == VT_OK && s->same_size) r = fit_first(s, path, into, err, errlen);
        if (r != VT_OK) return r;
        return finish_frame(s, f, grey_only);
    }
    case VT_SOURCE_CAMERA:
    case VT_SOURCE_STREAM:
    case VT_SOURCE_PIPELINE: return read_live(s, f, err, errlen);
    case VT_SOURCE_VIDEO: {
        f->is_stream = 1;
        if (!s->video) { snprintf(err, errlen, _("%s: not connected"), s->name); return VT_ERR_IO; }
        vt_result r = vtcv_video_read(s->video, s->colour);
        if (r == VT_END && s->kind == VT_SOURCE_VIDEO) {
            /* A file that stops well before the length its header gives was cut short. */
            int count = vtcv_video_frame_count(s->video);
            if (count > 0 && s->next < count - 2) {
                snprintf(err, errlen, _("the video stops after %d of its %d frames (truncated file?)"), s->next, count);
                return VT_ERR_FORMAT;
            }
        }
        if (r != VT_OK) {
            if (r != VT_END) snprintf(err, errlen, _("read failed"));
            return r;
        }
        s->next++;
        return finish_frame(s, f, 0);
    }
    case VT_SOURCE_DEMO: {
        f->is_stream = 1;
        if (s->demo_frames > 0 && s->next >= s->demo_frames) return VT_END;
        if (vtcv_mat_alloc(s->colour, VT_PIX_BGR8, s->demo_w, s->demo_h) != VT_OK) return VT_ERR_NO_MEMORY;
        vt_image bgr = vtcv_mat_view(s->colour);
        vt_demo_render(s->demo, s->next++, &bgr);
        return finish_frame(s, f, 0);
    }
    default:
        return VT_ERR_ARG;
    }
}

int vt_source_count(const vt_source *s)
{
    switch (s->kind) {
    case VT_SOURCE_FOLDER:
    case VT_SOURCE_FILES: return s->nfiles;
    case VT_SOURCE_VIDEO: return vtcv_video_frame_count(s->video);
    case VT_SOURCE_DEMO: return s->demo_frames > 0 ? s->demo_frames : -1;
    default: return -1;
    }
}

vt_source_kind vt_source_get_kind(const vt_source *s) { return s->kind; }

int vt_source_is_live(const vt_source *s) { return vt_kind_is_live(s->kind) || s->fault_after > 0; }

vt_result vt_source_reopen(vt_source *s, char *err, size_t errlen)
{
    if (s->fault_after > 0 && s->fault_until) {
        if (vt_now_ns() < s->fault_until) { snprintf(err, errlen, _("%s: still disconnected (injected fault)"), s->name); return VT_ERR_IO; }
        s->fault_after = 0;   /* back for good */
        return VT_OK;
    }
    if (!vt_kind_is_live(s->kind)) return VT_ERR_UNSUPPORTED;
    close_live(s);
    vt_result r = open_live(s, err, errlen);
    if (r == VT_OK) {
        pthread_mutex_lock(&s->live_mu);
        s->past.reconnects++;
        pthread_mutex_unlock(&s->live_mu);
    }
    return r;
}

vt_source_stats vt_source_get_stats(const vt_source *s)
{
    vt_source_stats st = { 0 };
    if (!s || !vt_kind_is_live(s->kind)) return st;
    pthread_mutex_t *mu = (pthread_mutex_t *)&s->live_mu;   /* the mutex only: stats do not change the source */
    pthread_mutex_lock(mu);
    st = s->past;
    if (s->live) {
        vt_source_stats now = vt_live_stats(s->live);
        now.delivered += st.delivered;
        now.dropped += st.dropped;
        now.reconnects = st.reconnects;
        st = now;
    }
    pthread_mutex_unlock(mu);
    return st;
}

void vt_source_describe(const vt_source *s, char *buf, size_t len)
{
    if (!len) return;
    buf[0] = '\0';
    if (!s) return;
    char what[256] = "", fps[32];
    if (vt_kind_is_live(s->kind)) {
        pthread_mutex_t *mu = (pthread_mutex_t *)&s->live_mu;
        pthread_mutex_lock(mu);
        if (s->live) vt_live_describe(s->live, what, sizeof what);
        else snprintf(what, sizeof what, _("not connected"));
        pthread_mutex_unlock(mu);
        snprintf(buf, len, "%s: %s", s->name, what);
        return;
    }
    int w = 0, h = 0;
    double f = vt_source_fps(s);
    snprintf(fps, sizeof fps, "%.2f", f);
    char *e = fps + strlen(fps);   /* 30.00 -> 30, 29.97 stays */
    while (e > fps && e[-1] == '0') *--e = '\0';
    if (e > fps && e[-1] == '.') e[-1] = '\0';
    if (s->kind == VT_SOURCE_VIDEO) vtcv_video_size(s->video, &w, &h);
    else if (s->kind == VT_SOURCE_DEMO) { w = s->demo_w; h = s->demo_h; }
    if (s->kind == VT_SOURCE_FOLDER || s->kind == VT_SOURCE_FILES)
        snprintf(buf, len, _("%d image files"), s->nfiles);
    else if (f > 0) snprintf(buf, len, _("%s: %dx%d at %s frames/s"), s->name, w, h, fps);
    else snprintf(buf, len, "%s: %dx%d", s->name, w, h);
}

double vt_source_fps(const vt_source *s)
{
    if (s->kind == VT_SOURCE_VIDEO) {
        double f = vtcv_video_fps(s->video);
        return f > 0 && f < 1000 ? f : 0;
    }
    return s->kind == VT_SOURCE_DEMO ? s->demo_fps : 0;
}

void vt_source_destroy(vt_source *s)
{
    if (!s) return;
    for (int i = 0; i < s->nfiles; i++) free(s->files[i]);
    free(s->files);
    vtcv_video_close(s->video);
    close_live(s);
    for (size_t i = 0; i < sizeof s->live_strs / sizeof s->live_strs[0]; i++) free(s->live_strs[i]);
    pthread_mutex_destroy(&s->live_mu);
    vt_demo_destroy(s->demo);
    vtcv_mat_destroy(s->scratch);
    for (int i = 0; i < s->nbuf; i++) {
        vtcv_mat_destroy(s->colours[i]);
        vtcv_mat_destroy(s->greys[i]);
    }
    free(s);
}
