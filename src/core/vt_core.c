/* vt_core.c — results, images, logging, clocks and stage timing. */
#include "vt_core.h"

#include <stdarg.h>  /* va_list */
#include <stdlib.h>  /* malloc, getenv */
#include <string.h>  /* strcmp */
#include <strings.h> /* strcasecmp */
#include <sys/stat.h> /* stat */
#include <errno.h>
#include <pthread.h> /* pthread_once: the level is read from the environment once */
#include <fcntl.h>   /* open */
#include <libgen.h>  /* dirname */
#include <time.h>    /* clock_gettime */
#include <unistd.h>  /* fsync, getpid */

/* In the staff's language: it ends up in messages. */
const char *vt_result_str(vt_result r)
{
    switch (r) {
    case VT_OK: return _("ok");
    case VT_END: return _("end of input");
    case VT_ERR_ARG: return _("invalid argument");
    case VT_ERR_NOT_FOUND: return _("not found");
    case VT_ERR_IO: return _("cannot be read");
    case VT_ERR_FORMAT: return _("unrecognised or corrupt format");
    case VT_ERR_NO_MEMORY: return _("out of memory");
    case VT_ERR_UNSUPPORTED: return _("not supported");
    case VT_ERR_INTERNAL: return _("internal error");
    }
    return _("unknown result");
}

int vt_pixel_format_channels(vt_pixel_format f)
{
    switch (f) {
    case VT_PIX_GREY8: return 1;
    case VT_PIX_BGR8: return 3;
    case VT_PIX_RGBA8:
    case VT_PIX_RGBA8_GL: return 4;
    default: return 0;
    }
}

vt_image vt_image_wrap(vt_pixel_format f, int width, int height, int stride, void *data)
{
    vt_image im = { f, width, height, stride ? stride : width * vt_pixel_format_channels(f), data };
    return im;
}

vt_result vt_image_alloc(vt_image *out, vt_pixel_format f, int width, int height)
{
    int ch = vt_pixel_format_channels(f);
    if (!out || ch == 0 || width <= 0 || height <= 0) return VT_ERR_ARG;
    uint8_t *d = calloc((size_t)width * (size_t)height, (size_t)ch);
    if (!d) return VT_ERR_NO_MEMORY;
    *out = vt_image_wrap(f, width, height, 0, d);
    return VT_OK;
}

void vt_image_free(vt_image *im)
{
    if (!im) return;
    free(im->data);
    memset(im, 0, sizeof *im);
}

vt_result vt_image_copy(vt_image *dst, const vt_image *src)
{
    if (!dst || !src || !src->data) return VT_ERR_ARG;
    if (dst->format != src->format || dst->width != src->width || dst->height != src->height) {
        vt_image_free(dst);
        vt_result r = vt_image_alloc(dst, src->format, src->width, src->height);
        if (r != VT_OK) return r;
    }
    size_t row = (size_t)src->width * (size_t)vt_pixel_format_channels(src->format);
    for (int y = 0; y < src->height; y++) memcpy(vt_image_row(dst, y), vt_image_row(src, y), row);
    return VT_OK;
}

/* ---- files ---- */
vt_result vt_file_check(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (!path || !*path) { snprintf(err, errlen, _("empty path")); return VT_ERR_ARG; }
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s", errno == ENOENT ? _("no such file") : _("cannot access the file"));
        return errno == ENOENT ? VT_ERR_NOT_FOUND : VT_ERR_IO;
    }
    if (S_ISDIR(st.st_mode)) { snprintf(err, errlen, _("is a folder, not a file")); return VT_ERR_ARG; }
    if (!S_ISREG(st.st_mode)) { snprintf(err, errlen, _("not a regular file")); return VT_ERR_ARG; }
    if (st.st_size == 0) { snprintf(err, errlen, _("empty file (0 bytes)")); return VT_ERR_FORMAT; }
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, _("cannot be opened for reading")); return VT_ERR_IO; }
    fclose(f);
    return VT_OK;
}

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m)) return _("is a folder, not a file");
    if (S_ISFIFO(m)) return _("is a FIFO (named pipe), not a regular file");
    if (S_ISCHR(m)) return _("is a character device, not a regular file");
    if (S_ISBLK(m)) return _("is a block device, not a regular file");
    if (S_ISSOCK(m)) return _("is a socket, not a regular file");
    return _("is not a regular file");
}

/* Opened without blocking (a FIFO nobody writes would hang open() and read()), then checked on
 * the descriptor itself, so a name swapped after a stat() cannot slip a device or pipe in. */
vt_result vt_open_regular_fd(const char *path, int *fd, long long *size, char *err, size_t errlen)
{
    *fd = -1;
    if (!path || !*path) { snprintf(err, errlen, _("empty path")); return VT_ERR_ARG; }
    int f = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (f < 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR) { snprintf(err, errlen, _("no such file")); return VT_ERR_NOT_FOUND; }
        if (e == ENXIO) { snprintf(err, errlen, _("is a socket or device, not a regular file")); return VT_ERR_ARG; }
        snprintf(err, errlen, _("cannot be opened for reading (%s)"), strerror(e));
        return VT_ERR_IO;
    }
    struct stat st;
    int bad = fstat(f, &st) != 0;
    if (bad || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s", bad ? _("cannot be read") : kind_of(st.st_mode));
        close(f);
        return bad ? VT_ERR_IO : VT_ERR_ARG;
    }
    fcntl(f, F_SETFL, fcntl(f, F_GETFL) & ~O_NONBLOCK);
    *fd = f;
    if (size) *size = (long long)st.st_size;
    return VT_OK;
}

FILE *vt_open_regular(const char *path, char *err, size_t errlen)
{
    int fd;
    vt_result r = vt_open_regular_fd(path, &fd, NULL, err, errlen);
    if (r != VT_OK) {
        errno = r == VT_ERR_NOT_FOUND ? ENOENT : r == VT_ERR_ARG ? EINVAL : EIO;
        return NULL;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) { close(fd); snprintf(err, errlen, _("cannot be opened for reading")); errno = EIO; }
    return f;
}

vt_result vt_read_file(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
    *out = NULL;
    FILE *f = vt_open_regular(path, err, errlen);
    if (!f) return errno == ENOENT ? VT_ERR_NOT_FOUND : errno == EINVAL ? VT_ERR_ARG : VT_ERR_IO;
    char *buf = NULL;
    size_t cap = 0, n = 0, r;
    do {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (!nb) { free(buf); fclose(f); snprintf(err, errlen, _("out of memory reading it")); return VT_ERR_NO_MEMORY; }
            buf = nb;
        }
        r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
    } while (r > 0);
    int bad = ferror(f);
    fclose(f);
    if (bad) { free(buf); snprintf(err, errlen, _("read error")); return VT_ERR_IO; }
    buf[n] = 0;
    if (len) *len = n;
    *out = buf;
    return VT_OK;
}

/* For tests of crash safety: VT_FAULT_ATOMIC=written|synced|renamed aborts at that step. */
static void fault_point(const char *stage)
{
    const char *f = getenv("VT_FAULT_ATOMIC");
    if (f && !strcmp(f, stage)) abort();
}

void vt_temp_name(const char *path, char *tmp, size_t n)
{
    snprintf(tmp, n, "%s.tmp-%d", path, (int)getpid());
}

static void sync_dir_of(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    int fd = open(dirname(buf), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) { fsync(fd); close(fd); }
}

vt_result vt_commit_file(const char *tmp, const char *path, char *err, size_t errlen)
{
    int fd = open(tmp, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        if (fd >= 0) close(fd);
        snprintf(err, errlen, _("%s: cannot flush to disk"), path);
        unlink(tmp);
        return VT_ERR_IO;
    }
    close(fd);
    fault_point("synced");
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, _("%s: cannot be replaced (%s)"), path, errno == EACCES ? _("permission denied") : _("rename failed"));
        unlink(tmp);
        return VT_ERR_IO;
    }
    fault_point("renamed");
    sync_dir_of(path);
    return VT_OK;
}

void vt_abandon_file(const char *tmp) { unlink(tmp); }

vt_result vt_write_file_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    char tmp[4200];
    vt_temp_name(path, tmp, sizeof tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) { snprintf(err, errlen, _("%s: cannot create a file there"), path); return VT_ERR_IO; }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) { if (errno == EINTR) continue; close(fd); unlink(tmp); snprintf(err, errlen, _("%s: write failed (disk full?)"), path); return VT_ERR_IO; }
        p += w;
        left -= (size_t)w;
        if (left > 0 && left < len) fault_point("written");
    }
    close(fd);
    fault_point("written");
    return vt_commit_file(tmp, path, err, errlen);
}

int vt_is_dir(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *vt_file_ext(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash) || dot == path || (slash && dot == slash + 1)) return "";
    return dot + 1;
}

int vt_is_image_ext(const char *path)
{
    static const char *const exts[] = { "jpg", "jpeg", "png", "bmp", "tif", "tiff", "webp", "pgm", "ppm", "pnm", "pbm", "jp2", "exr", "hdr", "pic", "sr", "ras" };
    const char *e = vt_file_ext(path);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (!strcasecmp(e, exts[i])) return 1;
    return 0;
}

/* ---- logging ---- */
static pthread_once_t g_log_once = PTHREAD_ONCE_INIT;
static _Atomic int g_log_level = VT_LOG_NOTE;
static pthread_mutex_t g_log_sink_lock = PTHREAD_MUTEX_INITIALIZER;
static vt_log_sink_fn g_log_sink;
static void *g_log_sink_ctx;

static void level_from_env(void)
{
    const char *e = getenv("VITRINE_LOG");
    if (!e) return;
    if (!strcmp(e, "error")) g_log_level = VT_LOG_ERROR;
    else if (!strcmp(e, "warn")) g_log_level = VT_LOG_WARN;
    else if (!strcmp(e, "note")) g_log_level = VT_LOG_NOTE;
    else if (!strcmp(e, "info")) g_log_level = VT_LOG_INFO;
    else if (!strcmp(e, "debug")) g_log_level = VT_LOG_DEBUG;
}

void vt_log_set_level(vt_log_level lvl)
{
    pthread_once(&g_log_once, level_from_env);
    g_log_level = (int)lvl;
}

vt_log_level vt_log_get_level(void)
{
    pthread_once(&g_log_once, level_from_env);
    return (vt_log_level)g_log_level;
}

void vt_log_set_sink(vt_log_sink_fn fn, void *ctx)
{
    pthread_mutex_lock(&g_log_sink_lock);
    g_log_sink = fn;
    g_log_sink_ctx = ctx;
    pthread_mutex_unlock(&g_log_sink_lock);
}

int vt_utf8_seq(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    int n = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    /* no overlong forms, no surrogates, nothing past U+10FFFF */
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] > 0x9F) || (s[0] == 0xF0 && s[1] < 0x90) ||
        (s[0] == 0xF4 && s[1] > 0x8F))
        return 0;
    return n;
}

/* src into dst (n bytes, NUL-terminated) with what would break the line or the terminal written
 * out: control characters as \n, \r, \t or \xNN, bytes that are not UTF-8 as \xNN. A file
 * name with a newline in it still gives one line. */
static void escape_line(const char *src, char *dst, size_t n)
{
    size_t o = 0;
    while (*src && o + 5 < n) {
        unsigned char c = (unsigned char)*src;
        int k = vt_utf8_seq(src);
        if (k > 1 || (k == 1 && c >= 0x20 && c != 0x7F)) {
            if (o + (size_t)k >= n) break;
            memcpy(dst + o, src, (size_t)k);
            o += (size_t)k;
            src += k;
            continue;
        }
        const char *e = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
        o += e ? (size_t)snprintf(dst + o, n - o, "%s", e) : (size_t)snprintf(dst + o, n - o, "\\x%02X", c);
        src++;
    }
    dst[o] = '\0';
}

/* 1 when stderr is the journal: JOURNAL_STREAM ("DEVICE:INODE", set by systemd for a service's
 * StandardError=journal) names stderr itself (sd-daemon(3)); not when stderr was redirected since. */
static int g_journal;
static pthread_once_t g_journal_once = PTHREAD_ONCE_INIT;
static void journal_from_env(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    if (js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(2, &st) == 0)
        g_journal = (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

static void log_line(vt_log_level lvl, const char *subsystem, const char *path, const char *fmt, va_list ap)
{
    /* Errors, warnings and notes reach the sink (staff) even when stderr is quieter. */
    int shown = lvl <= vt_log_get_level();
    if (!shown && lvl > VT_LOG_NOTE) return;
    /* In the staff's language (vt_tr), the format as well as the prefix; debug lines are for
     * developers and stay English (xgettext is not given VT_DEBUG). */
    /* TRANSLATORS: what comes before a log line's message, its trailing space included. */
    static const char *const tag[] = { N_("error: "), N_("warning: "), "", "", "debug: " };
    const char *level = lvl == VT_LOG_ERROR || lvl == VT_LOG_WARN ? vt_tr(tag[lvl]) : tag[lvl];
    char raw[1024], msg[1024], file[600] = "", name[590];
    vsnprintf(raw, sizeof raw, lvl == VT_LOG_DEBUG ? fmt : vt_tr(fmt), ap);
    escape_line(raw, msg, sizeof msg);
    if (path) {
        escape_line(path, name, sizeof name);
        snprintf(file, sizeof file, "%s: ", name);
    }
    /* To the journal, the syslog priority first (<3> error .. <7> debug) so it stores each line's;
     * a terminal or a file gets the line unchanged. */
    pthread_once(&g_journal_once, journal_from_env);
    static const char *const journal_head[] = { "<3>vitrine", "<4>vitrine", "<5>vitrine", "<6>vitrine", "<7>vitrine" };
    const char *head = g_journal ? journal_head[lvl] : "vitrine";
    /* One write per line so lines from threads do not interleave. */
    if (shown) fprintf(stderr, "%s: %s%s%s%s%s\n", head, subsystem ? subsystem : "", subsystem ? ": " : "", level, file, msg);
    pthread_mutex_lock(&g_log_sink_lock);
    if (g_log_sink) {
        char line[1700];
        snprintf(line, sizeof line, "%s%s", file, msg);
        g_log_sink(lvl, subsystem, line, g_log_sink_ctx);
    }
    pthread_mutex_unlock(&g_log_sink_lock);
}

void vt_log(vt_log_level lvl, const char *subsystem, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line(lvl, subsystem, NULL, fmt, ap);
    va_end(ap);
}

void vt_log_file(vt_log_level lvl, const char *subsystem, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line(lvl, subsystem, path, fmt, ap);
    va_end(ap);
}

/* ---- time ---- */
uint64_t vt_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void vt_profile_reset(vt_profile *p) { memset(p, 0, sizeof *p); }
void vt_profile_begin_frame(vt_profile *p) { p->t_last = vt_now_ns(); for (int i = 0; i < p->count; i++) p->last_ms[i] = 0; }

void vt_profile_stamp(vt_profile *p, const char *name)
{
    uint64_t now = vt_now_ns();
    double ms = (double)(now - p->t_last) * 1e-6;
    p->t_last = now;
    vt_profile_add(p, name, ms);
}

void vt_profile_add(vt_profile *p, const char *name, double ms)
{
    int i = 0;
    while (i < p->count && strcmp(p->name[i], name) != 0) i++;
    if (i == p->count) {
        if (p->count == VT_PROFILE_MAX_STAGES) return;
        p->name[p->count++] = name;
    }
    p->last_ms[i] += ms;
    p->total_ms[i] += ms;
}

void vt_profile_end_frame(vt_profile *p) { p->frames++; }

void vt_profile_print(const vt_profile *p, FILE *f, int mean)
{
    for (int i = 0; i < p->count; i++) {
        double v = mean ? (p->frames ? p->total_ms[i] / p->frames : 0) : p->last_ms[i];
        fprintf(f, "%s%s %.2f ms", i ? ", " : "", p->name[i], v);
    }
    fputc('\n', f);
}
