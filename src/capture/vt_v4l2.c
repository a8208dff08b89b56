/* vt_v4l2.c — V4L2 cameras through the kernel's ioctls (no library): which devices are cameras,
 * their modes and controls, and exposure / focus / white balance set as asked. Streaming is
 * GStreamer's v4l2src (vt_gst.c); this file only queries and sets controls. */
#include "capture_live.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define VT_V4L2_MAX_MODES 512
#define VT_V4L2_MAX_CONTROLS 128
#define VT_V4L2_MAX_DEVICES 64
#define VT_V4L2_MAX_ENUM 256   /* entries read from one enumeration: a bound against odd drivers */

static int xioctl(int fd, unsigned long req, void *arg)
{
    int r;
    do r = ioctl(fd, req, arg);
    while (r == -1 && errno == EINTR);
    return r;
}

static void fourcc_text(uint32_t f, char out[8])
{
    f &= ~(uint32_t)(1u << 31);   /* V4L2_PIX_FMT_FLAG_BE: the same layout, big-endian */
    for (int i = 0; i < 4; i++) {
        char c = (char)((f >> (8 * i)) & 0xff);
        out[i] = isprint((unsigned char)c) ? c : '?';
    }
    out[4] = '\0';
    for (int i = 3; i > 0 && out[i] == ' '; i--) out[i] = '\0';   /* "Y16 " -> "Y16" */
}

/* ---- modes ---------------------------------------------------------------------------------- */
typedef struct mode_list {
    vt_camera_mode *items;
    int n, cap;
} mode_list;

static void add_mode(mode_list *l, const struct v4l2_fmtdesc *fd, int w, int h, double fps)
{
    if (l->n >= VT_V4L2_MAX_MODES || w <= 0 || h <= 0) return;
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 32;
        vt_camera_mode *p = realloc(l->items, (size_t)cap * sizeof *p);
        if (!p) return;
        l->items = p;
        l->cap = cap;
    }
    vt_camera_mode *m = &l->items[l->n++];
    memset(m, 0, sizeof *m);
    fourcc_text(fd->pixelformat, m->format);
    snprintf(m->format_name, sizeof m->format_name, "%s", (const char *)fd->description);
    m->width = w;
    m->height = h;
    m->fps = fps;
}

/* A size's rates: each discrete rate; a stepwise or continuous range as its fastest and slowest. */
static void add_rates(int fd, mode_list *l, const struct v4l2_fmtdesc *f, int w, int h)
{
    struct v4l2_frmivalenum fi;
    int any = 0;
    for (unsigned i = 0; i < VT_V4L2_MAX_ENUM; i++) {
        memset(&fi, 0, sizeof fi);
        fi.index = i;
        fi.pixel_format = f->pixelformat;
        fi.width = (unsigned)w;
        fi.height = (unsigned)h;
        if (xioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &fi) < 0) break;
        if (fi.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
            if (fi.discrete.numerator) add_mode(l, f, w, h, (double)fi.discrete.denominator / fi.discrete.numerator);
            any = 1;
            continue;
        }
        if (fi.stepwise.min.numerator) add_mode(l, f, w, h, (double)fi.stepwise.min.denominator / fi.stepwise.min.numerator);
        if (fi.stepwise.max.numerator) add_mode(l, f, w, h, (double)fi.stepwise.max.denominator / fi.stepwise.max.numerator);
        any = 1;
        break;
    }
    if (!any) add_mode(l, f, w, h, 0);   /* the driver does not say: rate unknown */
}

/* A stepwise or continuous size range: the common sizes inside it (and its largest). */
static void add_size_range(int fd, mode_list *l, const struct v4l2_fmtdesc *f, const struct v4l2_frmsize_stepwise *s)
{
    static const int common[][2] = { { 3840, 2160 }, { 2560, 1440 }, { 1920, 1080 }, { 1600, 1200 }, { 1280, 960 },
                                     { 1280, 720 },  { 1024, 768 },  { 800, 600 },   { 640, 480 },   { 320, 240 } };
    add_rates(fd, l, f, (int)s->max_width, (int)s->max_height);
    for (size_t i = 0; i < sizeof common / sizeof *common; i++) {
        unsigned w = (unsigned)common[i][0], h = (unsigned)common[i][1];
        if (w < s->min_width || w >= s->max_width || h < s->min_height || h > s->max_height) continue;
        if ((s->step_width > 1 && (w - s->min_width) % s->step_width) || (s->step_height > 1 && (h - s->min_height) % s->step_height))
            continue;
        add_rates(fd, l, f, (int)w, (int)h);
    }
}

static void add_format(int fd, unsigned buf_type, mode_list *l, const struct v4l2_fmtdesc *f)
{
    struct v4l2_frmsizeenum fs;
    int any = 0;
    for (unsigned i = 0; i < VT_V4L2_MAX_ENUM && l->n < VT_V4L2_MAX_MODES; i++) {
        memset(&fs, 0, sizeof fs);
        fs.index = i;
        fs.pixel_format = f->pixelformat;
        if (xioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fs) < 0) break;
        any = 1;
        if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
            add_rates(fd, l, f, (int)fs.discrete.width, (int)fs.discrete.height);
            continue;
        }
        add_size_range(fd, l, f, &fs.stepwise);
        break;
    }
    if (any) return;
    /* No size enumeration (some capture cards, loopback devices): the current format's size. */
    struct v4l2_format cur;
    memset(&cur, 0, sizeof cur);
    cur.type = buf_type;
    if (xioctl(fd, VIDIOC_G_FMT, &cur) == 0 && cur.fmt.pix.pixelformat == f->pixelformat)
        add_rates(fd, l, f, (int)cur.fmt.pix.width, (int)cur.fmt.pix.height);
}

static int cmp_mode(const void *pa, const void *pb)
{
    const vt_camera_mode *a = pa, *b = pb;
    long aa = (long)a->width * a->height, ab = (long)b->width * b->height;
    if (aa != ab) return aa > ab ? -1 : 1;
    if (a->width != b->width) return a->width > b->width ? -1 : 1;
    if (a->fps != b->fps) return a->fps > b->fps ? -1 : 1;
    return strcmp(a->format, b->format);
}

static void query_modes(int fd, unsigned buf_type, vt_camera_info *out)
{
    mode_list l = { 0 };
    struct v4l2_fmtdesc f;
    for (unsigned i = 0; i < VT_V4L2_MAX_ENUM && l.n < VT_V4L2_MAX_MODES; i++) {
        memset(&f, 0, sizeof f);
        f.index = i;
        f.type = buf_type;
        if (xioctl(fd, VIDIOC_ENUM_FMT, &f) < 0) break;
        add_format(fd, buf_type, &l, &f);
    }
    if (l.n) qsort(l.items, (size_t)l.n, sizeof *l.items, cmp_mode);
    out->modes = l.items;
    out->nmodes = l.n;
}

/* ---- controls ------------------------------------------------------------------------------- */
/* v4l2-ctl's names: lower case, each run of other characters one '_' ("Exposure Time, Absolute"
 * -> "exposure_time_absolute"). */
static void control_name(const char *in, char *out, size_t len)
{
    size_t k = 0;
    int gap = 0;
    for (; *in && k + 1 < len; in++) {
        unsigned char c = (unsigned char)*in;
        if (!isalnum(c)) { gap = k > 0; continue; }
        if (gap && k + 2 < len) out[k++] = '_';
        gap = 0;
        out[k++] = (char)tolower(c);
    }
    out[k] = '\0';
}

static int readable_type(unsigned type)
{
    return type == V4L2_CTRL_TYPE_INTEGER || type == V4L2_CTRL_TYPE_BOOLEAN || type == V4L2_CTRL_TYPE_MENU ||
           type == V4L2_CTRL_TYPE_INTEGER_MENU || type == V4L2_CTRL_TYPE_BITMASK;
}

static void query_controls(int fd, vt_camera_info *out)
{
    vt_camera_control *list = calloc(VT_V4L2_MAX_CONTROLS, sizeof *list);
    int n = 0;
    struct v4l2_query_ext_ctrl q;
    memset(&q, 0, sizeof q);
    q.id = V4L2_CTRL_FLAG_NEXT_CTRL;
    for (int guard = 0; list && n < VT_V4L2_MAX_CONTROLS && guard < 4 * VT_V4L2_MAX_CONTROLS; guard++) {
        if (xioctl(fd, VIDIOC_QUERY_EXT_CTRL, &q) < 0) break;
        unsigned id = q.id;
        if (!(q.flags & V4L2_CTRL_FLAG_DISABLED) && q.type != V4L2_CTRL_TYPE_CTRL_CLASS && readable_type(q.type)) {
            vt_camera_control *c = &list[n++];
            control_name(q.name, c->name, sizeof c->name);
            c->id = id;
            c->type = (int)q.type;
            c->min = (long)q.minimum;
            c->max = (long)q.maximum;
            c->step = (long)q.step;
            c->def = (long)q.default_value;
            c->value = c->def;
            c->inactive = (q.flags & V4L2_CTRL_FLAG_INACTIVE) != 0;
            struct v4l2_control v = { .id = id };
            if (!(q.flags & V4L2_CTRL_FLAG_WRITE_ONLY) && xioctl(fd, VIDIOC_G_CTRL, &v) == 0) c->value = v.value;
        }
        memset(&q, 0, sizeof q);
        q.id = id | V4L2_CTRL_FLAG_NEXT_CTRL;
    }
    out->controls = list;
    out->ncontrols = n;
}

/* ---- one device ----------------------------------------------------------------------------- */
static vt_result open_device(const char *device, int *fd, char *err, size_t errlen)
{
    *fd = open(device, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (*fd >= 0) return VT_OK;
    int e = errno;
    if (e == EACCES) snprintf(err, errlen, _("%s: cannot open: %s (is this user in the video group?)"), device, strerror(e));
    else snprintf(err, errlen, _("%s: cannot open: %s"), device, strerror(e));
    return e == ENOENT || e == ENODEV || e == ENXIO ? VT_ERR_NOT_FOUND : VT_ERR_IO;
}

/* The buffer type to enumerate: single-planar capture, else multi-planar (some capture cards). */
static vt_result capture_type(const char *device, int fd, vt_camera_info *out, unsigned *type, char *err, size_t errlen)
{
    struct v4l2_capability cap;
    memset(&cap, 0, sizeof cap);
    if (xioctl(fd, VIDIOC_QUERYCAP, &cap) < 0) {
        snprintf(err, errlen, _("%s: not a V4L2 device (%s)"), device, strerror(errno));
        return VT_ERR_FORMAT;
    }
    unsigned caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    snprintf(out->card, sizeof out->card, "%s", (const char *)cap.card);
    snprintf(out->bus, sizeof out->bus, "%s", (const char *)cap.bus_info);
    if (caps & V4L2_CAP_VIDEO_CAPTURE) *type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    else if (caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE) *type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
    else {
        /* A UVC camera's second node carries metadata, not pictures. */
        snprintf(err, errlen, _("%s: not a video capture device (%s: metadata or output only)"), device, out->card);
        return VT_ERR_UNSUPPORTED;
    }
    return VT_OK;
}

vt_result vt_v4l2_query(const char *device, vt_camera_info *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (errlen) err[0] = '\0';
    if (!device || !*device) {
        snprintf(err, errlen, "%s", _("no camera device given"));
        return VT_ERR_ARG;
    }
    snprintf(out->device, sizeof out->device, "%s", device);
    int fd;
    vt_result r = open_device(device, &fd, err, errlen);
    if (r != VT_OK) return r;
    unsigned type = 0;
    r = capture_type(device, fd, out, &type, err, errlen);
    if (r == VT_OK) {
        query_modes(fd, type, out);
        query_controls(fd, out);
    }
    close(fd);
    return r;
}

void vt_v4l2_info_free(vt_camera_info *c)
{
    if (!c) return;
    free(c->modes);
    free(c->controls);
    c->modes = NULL;
    c->controls = NULL;
    c->nmodes = c->ncontrols = 0;
}

/* ---- every camera --------------------------------------------------------------------------- */
/* video2 before video10. */
static int cmp_video(const void *pa, const void *pb)
{
    int a = *(const int *)pa, b = *(const int *)pb;
    return (a > b) - (a < b);
}

static int video_numbers(const char *dir, int *nums, int cap)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < cap) {
        char *end;
        if (strncmp(e->d_name, "video", 5) || !isdigit((unsigned char)e->d_name[5])) continue;
        long k = strtol(e->d_name + 5, &end, 10);
        if (!*end && k >= 0 && k < 100000) nums[n++] = (int)k;
    }
    closedir(d);
    qsort(nums, (size_t)n, sizeof *nums, cmp_video);
    return n;
}

vt_result vt_cameras_list(vt_camera_info **out, int *n, char *err, size_t errlen)
{
    int nums[VT_V4L2_MAX_DEVICES];
    int k = video_numbers("/dev", nums, VT_V4L2_MAX_DEVICES);
    *out = NULL;
    *n = 0;
    if (errlen) err[0] = '\0';
    if (!k) return VT_OK;
    vt_camera_info *cams = calloc((size_t)k, sizeof *cams);
    if (!cams) {
        snprintf(err, errlen, "%s", _("out of memory"));
        return VT_ERR_NO_MEMORY;
    }
    int got = 0;
    for (int i = 0; i < k; i++) {
        char dev[32], why[256];
        snprintf(dev, sizeof dev, "/dev/video%d", nums[i]);
        vt_result r = vt_v4l2_query(dev, &cams[got], why, sizeof why);
        if (r == VT_OK) got++;
        else if (r != VT_ERR_UNSUPPORTED) VT_WARN("capture", "%s", why);   /* no permission, gone: said, not fatal */
        else vt_v4l2_info_free(&cams[got]);
    }
    if (!got) { free(cams); cams = NULL; }
    *out = cams;
    *n = got;
    return VT_OK;
}

void vt_cameras_free(vt_camera_info *cams, int n)
{
    for (int i = 0; cams && i < n; i++) vt_v4l2_info_free(&cams[i]);
    free(cams);
}

/* ---- exposure, focus, white balance --------------------------------------------------------- */
typedef struct control_pair {
    const char *what;       /* as vt_camera_control_check names it */
    unsigned auto_id;       /* the automatic switch */
    unsigned abs_id;        /* the manual value */
} control_pair;

static const control_pair k_pairs[3] = {
    { "exposure", V4L2_CID_EXPOSURE_AUTO, V4L2_CID_EXPOSURE_ABSOLUTE },
    { "focus", V4L2_CID_FOCUS_AUTO, V4L2_CID_FOCUS_ABSOLUTE },
    { "white_balance", V4L2_CID_AUTO_WHITE_BALANCE, V4L2_CID_WHITE_BALANCE_TEMPERATURE },
};

static int has_control(int fd, unsigned id, struct v4l2_queryctrl *q)
{
    memset(q, 0, sizeof *q);
    q->id = id;
    return xioctl(fd, VIDIOC_QUERYCTRL, q) == 0 && !(q->flags & V4L2_CTRL_FLAG_DISABLED);
}

static int set_control(int fd, unsigned id, long value)
{
    struct v4l2_control c = { .id = id, .value = (int)value };
    return xioctl(fd, VIDIOC_S_CTRL, &c) == 0 ? 0 : errno;
}

static int has_menu_item(int fd, const struct v4l2_queryctrl *q, unsigned index)
{
    if ((long)index < q->minimum || (long)index > q->maximum) return 0;
    struct v4l2_querymenu m;
    memset(&m, 0, sizeof m);
    m.id = q->id;
    m.index = index;
    return xioctl(fd, VIDIOC_QUERYMENU, &m) == 0;
}

/* The automatic switch's value for on / off: exposure is a menu (aperture priority is UVC's
 * automatic mode, full auto where that is all there is), the others are booleans. -1: none. */
static long auto_value(int fd, const control_pair *p, const struct v4l2_queryctrl *q, int on)
{
    if (p->auto_id != V4L2_CID_EXPOSURE_AUTO) return on;
    if (!on) return has_menu_item(fd, q, V4L2_EXPOSURE_MANUAL) ? V4L2_EXPOSURE_MANUAL : -1;
    if (has_menu_item(fd, q, V4L2_EXPOSURE_APERTURE_PRIORITY)) return V4L2_EXPOSURE_APERTURE_PRIORITY;
    return has_menu_item(fd, q, V4L2_EXPOSURE_AUTO) ? V4L2_EXPOSURE_AUTO : -1;
}

/* Switches the automatic control on or off; 0 or the reason in why. */
static int set_auto(int fd, const control_pair *p, int on, char *why, size_t len)
{
    struct v4l2_queryctrl q;
    char name[32];
    if (!has_control(fd, p->auto_id, &q)) {
        snprintf(why, len, _("the camera has no automatic %s control"), p->what);
        return -1;
    }
    control_name((const char *)q.name, name, sizeof name);
    long v = auto_value(fd, p, &q, on);
    int e = v < 0 ? EINVAL : set_control(fd, p->auto_id, v);
    if (e) snprintf(why, len, _("cannot set %s to %ld: %s"), name, v, strerror(e));
    return e ? -1 : 0;
}

/* A manual value: automatic off, the value clamped to the control's range (said in note). */
static int set_manual(int fd, const control_pair *p, long v, char *why, size_t len, char *note, size_t notelen)
{
    struct v4l2_queryctrl q;
    char name[32];
    if (!has_control(fd, p->abs_id, &q)) {
        snprintf(why, len, _("the camera has no manual %s control"), p->what);
        return -1;
    }
    control_name((const char *)q.name, name, sizeof name);
    struct v4l2_queryctrl qa;
    if (has_control(fd, p->auto_id, &qa) && set_auto(fd, p, 0, why, len)) return -1;
    long set = v < q.minimum ? q.minimum : v > q.maximum ? q.maximum : v;
    if (q.step > 1) set = q.minimum + (set - q.minimum) / q.step * q.step;
    if (set != v) snprintf(note, notelen, _("%s %ld is outside %d .. %d (step %d): set to %ld"), name, v, q.minimum, q.maximum, q.step, set);
    int e = set_control(fd, p->abs_id, set);
    if (e) snprintf(why, len, _("cannot set %s to %ld: %s"), name, set, strerror(e));
    return e ? -1 : 0;
}

/* "locked": the value automatic control had found, held (automatic off, the value written back). */
static int set_locked(int fd, const control_pair *p, char *why, size_t len)
{
    struct v4l2_queryctrl q, qa;
    int has_abs = has_control(fd, p->abs_id, &q), has_auto = has_control(fd, p->auto_id, &qa);
    if (!has_auto) {
        if (has_abs) return 0;   /* no automatic mode: it holds already */
        snprintf(why, len, _("the camera has no %s control"), p->what);
        return -1;
    }
    struct v4l2_control cur = { .id = p->abs_id };
    int have_value = has_abs && xioctl(fd, VIDIOC_G_CTRL, &cur) == 0;
    if (set_auto(fd, p, 0, why, len)) return -1;
    int e = have_value ? set_control(fd, p->abs_id, cur.value) : 0;
    if (e) snprintf(why, len, _("cannot hold %s at %d: %s"), p->what, cur.value, strerror(e));
    return e ? -1 : 0;
}

static int apply_one(int fd, const control_pair *p, const char *value, char *why, size_t len, char *note, size_t notelen)
{
    if (vt_camera_control_check(p->what, value, why, len) != VT_OK) return -2;   /* why names it already */
    if (!strcmp(value, "auto")) return set_auto(fd, p, 1, why, len);
    if (!strcmp(value, "locked")) return set_locked(fd, p, why, len);
    return set_manual(fd, p, strtol(value, NULL, 10), why, len, note, notelen);
}

void vt_v4l2_apply_controls(const char *device, const char *exposure, const char *focus, const char *white_balance, int *warned)
{
    const char *values[3] = { exposure, focus, white_balance };
    int local = 0, *w = warned ? warned : &local;
    if (!exposure && !focus && !white_balance) return;
    char why[256], note[256];
    int fd = -1;
    if (open_device(device, &fd, why, sizeof why) != VT_OK) {
        for (int k = 0; k < 3; k++)
            if (values[k] && !(*w & (1 << k))) VT_WARN("capture", "camera %s: %s %s not set: %s", device, k_pairs[k].what, values[k], why);
        for (int k = 0; k < 3; k++) *w |= values[k] ? 1 << k : 0;
        return;
    }
    for (int k = 0; k < 3; k++) {
        if (!values[k]) continue;
        note[0] = why[0] = '\0';
        int bad = apply_one(fd, &k_pairs[k], values[k], why, sizeof why, note, sizeof note);
        if (bad == -2 && !(*w & (1 << k))) VT_WARN("capture", "camera %s: %s", device, why);
        else if ((bad || note[0]) && !(*w & (1 << k)))
            VT_WARN("capture", "camera %s: %s %s: %s", device, k_pairs[k].what, values[k], bad ? why : note);
        if (bad || note[0]) *w |= 1 << k;
    }
    close(fd);
}
