/* vt_watch.c — change notification for the catalog and its models (inotify), symlinked
 * release folders included. */
#include "catalog/vt_catalog.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
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
    if (!w) { snprintf(err, errlen, _("out of memory")); return VT_ERR_NO_MEMORY; }
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0) {
        snprintf(err, errlen, _("inotify is unavailable (%s)"), errno == EMFILE ? _("too many instances") : _("not supported"));
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

/* Watches dir for changes to the entry name. */
static void watch_name(vt_watch *w, const char *dir, const char *name)
{
    if (w->nfiles >= MAX_FILES) return;
    int d = 0;
    while (d < w->ndirs && strcmp(w->dirs[d].dir, dir)) d++;
    if (d == w->ndirs) {
        int wd = inotify_add_watch(w->fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM);
        if (wd < 0 || !(w->dirs[d].dir = strdup(dir))) return;
        w->dirs[d].wd = wd;
        w->ndirs++;
    }
    for (int f = 0; f < w->nfiles; f++)
        if (w->files[f].dir == w->dirs[d].wd && !strcmp(w->files[f].name, name)) return;   /* watched already */
    if (!(w->files[w->nfiles].name = strdup(name))) return;
    w->files[w->nfiles].dir = w->dirs[d].wd;
    w->nfiles++;
}

/* Splits path into its folder and its last name (no slash: "."; at the root: "/"). */
static void split(const char *path, char *dir, size_t dirlen, const char **name)
{
    const char *slash = strrchr(path, '/');
    snprintf(dir, dirlen, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (slash == path) snprintf(dir, dirlen, "/");
    *name = slash ? slash + 1 : path;
}

/* A folder on the way to the file that is a symlink (a release folder `current -> rel1`,
 * switched atomically to rel2) is watched in its own parent: inotify follows the link once, when
 * the watch is added, so a switch would go unseen. */
static void watch_links(vt_watch *w, const char *dir)
{
    char prefix[PATH_MAX], parent[PATH_MAX];
    size_t len = strlen(dir);
    for (size_t i = 1; i <= len && len < sizeof prefix; i++) {
        if (i < len && dir[i] != '/') continue;
        snprintf(prefix, sizeof prefix, "%.*s", (int)i, dir);
        struct stat st;
        if (lstat(prefix, &st) != 0 || !S_ISLNK(st.st_mode)) continue;
        const char *name;
        split(prefix, parent, sizeof parent, &name);
        watch_name(w, parent, name);
    }
}

void vt_watch_set(vt_watch *w, const char *const *paths, int n)
{
    if (!w) return;
    clear(w);
    for (int i = 0; i < n && w->nfiles < MAX_FILES; i++) {
        if (!paths[i]) continue;
        char dir[PATH_MAX];
        const char *name;
        split(paths[i], dir, sizeof dir, &name);
        watch_name(w, dir, name);
        watch_links(w, dir);
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
