/* vt_watch.c — change notification for the catalog and its models (inotify). */
#include "catalog/vt_catalog.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#define MAX_FILES 512

struct vt_watch {
    int fd;
    int nfiles, ndirs;
    struct { int wd; char *dir; } dirs[MAX_FILES];
    struct { int dir; char *name; } files[MAX_FILES];
};

vt_result vt_watch_create(vt_watch **out, char *err, size_t errlen)
{
    *out = NULL;
    vt_watch *w = calloc(1, sizeof *w);
    if (!w) { snprintf(err, errlen, "out of memory"); return VT_ERR_NO_MEMORY; }
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0) {
        snprintf(err, errlen, "inotify is unavailable (%s)", errno == EMFILE ? "too many instances" : "not supported");
        free(w);
        return VT_ERR_UNSUPPORTED;
    }
    *out = w;
    return VT_OK;
}

static void clear(vt_watch *w)
{
    for (int i = 0; i < w->ndirs; i++) { inotify_rm_watch(w->fd, w->dirs[i].wd); free(w->dirs[i].dir); }
    for (int i = 0; i < w->nfiles; i++) free(w->files[i].name);
    w->ndirs = w->nfiles = 0;
}

void vt_watch_set(vt_watch *w, const char *const *paths, int n)
{
    if (!w) return;
    clear(w);
    for (int i = 0; i < n && w->nfiles < MAX_FILES; i++) {
        if (!paths[i]) continue;
        const char *slash = strrchr(paths[i], '/');
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - paths[i]) : 1, slash ? paths[i] : ".");
        if (slash == paths[i]) snprintf(dir, sizeof dir, "/");
        int d = 0;
        while (d < w->ndirs && strcmp(w->dirs[d].dir, dir)) d++;
        if (d == w->ndirs) {
            int wd = inotify_add_watch(w->fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM);
            if (wd < 0) continue;
            w->dirs[d].wd = wd;
            w->dirs[d].dir = strdup(dir);
            w->ndirs++;
        }
        w->files[w->nfiles].dir = w->dirs[d].wd;
        w->files[w->nfiles].name = strdup(slash ? slash + 1 : paths[i]);
        w->nfiles++;
    }
}

int vt_watch_changed(vt_watch *w)
{
    if (!w) return 0;
    int changed = 0;
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t len = read(w->fd, buf, sizeof buf);
        if (len <= 0) break;   /* EAGAIN: nothing more */
        for (char *p = buf; p < buf + len;) {
            struct inotify_event *ev = (struct inotify_event *)p;
            for (int i = 0; i < w->nfiles && ev->len; i++)
                if (w->files[i].dir == ev->wd && !strcmp(w->files[i].name, ev->name)) changed = 1;
            p += sizeof *ev + ev->len;
        }
    }
    return changed;
}

void vt_watch_destroy(vt_watch *w)
{
    if (!w) return;
    clear(w);
    close(w->fd);
    free(w);
}
