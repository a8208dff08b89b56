/* vt_model_io.c — model files opened only when they are regular files (see vt_model_io.h). */
#include "vt_model_io.h"
#include "vt_model_limits.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

vt_result vt_model_open(const char *path, int *fd, size_t *size, char *err, size_t errlen)
{
    long long n = 0;
    vt_result r = vt_open_regular_fd(path, fd, &n, err, errlen);
    if (r != VT_OK) return r;
    if (n == 0) { snprintf(err, errlen, _("empty file (0 bytes)")); r = VT_ERR_FORMAT; }
    else if ((double)n > VT_MODEL_MAX_FILE_BYTES) {
        snprintf(err, errlen, _("is %.0f MB, more than the %.0f MB a model's file may be"), (double)n / 1048576,
                 VT_MODEL_MAX_FILE_BYTES / 1048576);
        r = VT_ERR_ARG;
    }
    if (r != VT_OK) { close(*fd); *fd = -1; return r; }
    *size = (size_t)n;
    return VT_OK;
}

vt_result vt_model_read(const char *path, char **data, size_t *len, char *err, size_t errlen)
{
    int fd;
    size_t n = 0;
    *data = NULL;
    vt_result r = vt_model_open(path, &fd, &n, err, errlen);
    if (r != VT_OK) return r;
    char *buf = malloc(n + 1);
    size_t got = 0;
    while (buf && got < n) {
        ssize_t k = pread(fd, buf + got, n - got, (off_t)got);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;   /* shrunk while read: what is there */
        got += (size_t)k;
    }
    close(fd);
    if (!buf) { snprintf(err, errlen, _("out of memory reading it")); return VT_ERR_NO_MEMORY; }
    buf[got] = 0;
    *data = buf;
    *len = got;
    return VT_OK;
}

/* ---- assimp's file system: one open file, read with pread at its own position ---------------- */

typedef struct io_file {
    int fd;
    size_t size, pos;
    const char *mem;   /* the model's bytes given in memory (vt_model_io.mem), fd -1 */
} io_file;

static size_t io_read(struct aiFile *f, char *buf, size_t size, size_t count)
{
    io_file *h = (io_file *)f->UserData;
    if (!size || !count || count > SIZE_MAX / size) return 0;
    size_t want = size * count, got = 0;
    if (want > h->size - h->pos) want = h->size - h->pos;
    if (h->mem) {
        memcpy(buf, h->mem + h->pos, want);
        h->pos += want;
        return want / size;
    }
    while (got < want) {
        ssize_t k = pread(h->fd, buf + got, want - got, (off_t)(h->pos + got));
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        got += (size_t)k;
    }
    h->pos += got;
    return got / size;
}

static size_t io_write(struct aiFile *f, const char *buf, size_t size, size_t count)
{
    (void)f; (void)buf; (void)size; (void)count;
    return 0;   /* models are only read */
}

static size_t io_tell(struct aiFile *f) { return ((io_file *)f->UserData)->pos; }
static size_t io_size(struct aiFile *f) { return ((io_file *)f->UserData)->size; }
static void io_flush(struct aiFile *f) { (void)f; }

static enum aiReturn io_seek(struct aiFile *f, size_t off, enum aiOrigin origin)
{
    io_file *h = (io_file *)f->UserData;
    size_t base = origin == aiOrigin_SET ? 0 : origin == aiOrigin_CUR ? h->pos : h->size;
    if (off > h->size || base > h->size - off) return aiReturn_FAILURE;
    h->pos = base + off;
    return aiReturn_SUCCESS;
}

static struct aiFile *io_open(struct aiFileIO *fio, const char *path, const char *mode)
{
    vt_model_io *io = (vt_model_io *)fio;
    if (!mode || strchr(mode, 'w') || strchr(mode, 'a') || strchr(mode, '+')) return NULL;
    char why[200];
    int fd = -1;
    size_t size = 0;
    int mem = io->mem_path && !strcmp(path, io->mem_path);
    vt_result r = mem ? VT_OK : vt_model_open(path, &fd, &size, why, sizeof why);
    if (mem) size = io->mem_len;
    if (r != VT_OK) {
        if (r != VT_ERR_NOT_FOUND && !io->refused[0]) snprintf(io->refused, sizeof io->refused, "%s: %s", path, why);
        return NULL;
    }
    struct aiFile *f = calloc(1, sizeof *f);
    io_file *h = calloc(1, sizeof *h);
    if (!f || !h) { free(f); free(h); if (fd >= 0) close(fd); return NULL; }
    *h = (io_file){ fd, size, 0, mem ? io->mem : NULL };
    *f = (struct aiFile){ io_read, io_write, io_tell, io_size, io_seek, io_flush, (aiUserData)h };
    return f;
}

static void io_close(struct aiFileIO *fio, struct aiFile *f)
{
    (void)fio;
    if (!f) return;
    io_file *h = (io_file *)f->UserData;
    if (h->fd >= 0) close(h->fd);
    free(h);
    free(f);
}

void vt_model_io_init(vt_model_io *io)
{
    memset(io, 0, sizeof *io);
    io->io.OpenProc = io_open;
    io->io.CloseProc = io_close;
}
