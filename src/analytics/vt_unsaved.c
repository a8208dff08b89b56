/* vt_unsaved.c — session ends that a run could not write to its database (vt_unsaved.h). */
#include "vt_unsaved.h"

#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void vt_unsaved_path(const char *db_path, char *out, size_t outlen) { snprintf(out, outlen, "%s-unsaved", db_path); }

int vt_unsaved_add(const char *db_path, const vt_unsaved *u)
{
    char path[1100], line[160];
    vt_unsaved_path(db_path, path, sizeof path);
    int n = snprintf(line, sizeof line, "session %" PRId64 " stopped %s dropped %ld\n", u->session,
                     u->stopped[0] ? u->stopped : "-", u->dropped);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return 0;
    int ok = write(fd, line, (size_t)n) == n && fsync(fd) == 0;
    return close(fd) == 0 && ok;
}

int vt_unsaved_read(const char *db_path, vt_unsaved *out, int max)
{
    char path[1100], line[256];
    vt_unsaved_path(db_path, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    struct stat st;
    FILE *f = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? fdopen(fd, "r") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return 0;
    }
    int n = 0;
    while (n < max && fgets(line, sizeof line, f)) {
        vt_unsaved u = { 0 };
        if (sscanf(line, "session %" SCNd64 " stopped %31s dropped %ld", &u.session, u.stopped, &u.dropped) != 3 ||
            u.session <= 0 || u.dropped < 0)
            continue;
        if (!strcmp(u.stopped, "-")) u.stopped[0] = 0;
        out[n++] = u;
    }
    fclose(f);
    return n;
}
