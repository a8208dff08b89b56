/* vt_paths.c — where Vitrine's files live: its read-only data found from the executable's own
 * place (installed, or a build tree's checkout), the staff's settings and what a run keeps, by
 * the XDG and systemd conventions. docs/install.md says it for staff. */
#include "core/vt_core.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VT_PATH_BUF (PATH_MAX + 64)
static char g_data[VT_PATH_BUF], g_shaders[VT_PATH_BUF], g_catalog[VT_PATH_BUF], g_state[VT_PATH_BUF], g_pictures[VT_PATH_BUF];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The user's home: $HOME, else the password database's (a system user started without one). */
static const char *home(void)
{
    const char *h = env("HOME");
    if (h) return h;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_dir ? pw->pw_dir : "/";
}

/* The executable's folder, or "" when /proc is not there. */
static void exe_dir(char *out, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    out[0] = '\0';
    if (n <= 0) return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) *slash = '\0';
    snprintf(out, len, "%s", exe);
}

/* The one line of a small text file, without its newline; 0 when there is none. */
static int read_line(const char *path, char *out, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int ok = fgets(out, (int)len, f) != NULL;
    fclose(f);
    if (ok) out[strcspn(out, "\r\n")] = '\0';
    return ok && out[0];
}

static void find_data(void)
{
    const char *e = env("VITRINE_DATA_DIR");
    if (e) { snprintf(g_data, sizeof g_data, "%s", e); return; }
    char dir[PATH_MAX], p[VT_PATH_BUF];
    exe_dir(dir, sizeof dir);
    if (dir[0]) {
        /* Installed: PREFIX/bin/vitrine and PREFIX/share/vitrine, wherever PREFIX was moved to. */
        snprintf(p, sizeof p, "%s/../share/vitrine/shaders", dir);
        if (vt_is_dir(p)) {
            char *r = realpath(p, NULL);
            if (r) {
                r[strlen(r) - strlen("/shaders")] = '\0';
                snprintf(g_data, sizeof g_data, "%s", r);
                free(r);
                return;
            }
        }
        /* A build tree: the checkout it was configured from. */
        snprintf(p, sizeof p, "%s/vitrine-source-dir", dir);
        char src[PATH_MAX];
        if (read_line(p, src, sizeof src) && vt_is_dir(src)) { snprintf(g_data, sizeof g_data, "%s", src); return; }
    }
    snprintf(g_data, sizeof g_data, ".");
}

static void find_catalog(void)
{
    char p[VT_PATH_BUF];
    /* A unit or a container names its catalog outright; so do the tests (the basic shelf). */
    const char *vc = env("VITRINE_CATALOG");
    if (vc) { snprintf(g_catalog, sizeof g_catalog, "%s", vc); return; }
    const char *cd = env("CONFIGURATION_DIRECTORY");
    if (cd) {   /* systemd may give several, ':'-separated: the first is ours */
        snprintf(p, sizeof p, "%.*s/catalog.json", (int)strcspn(cd, ":"), cd);
        if (is_file(p)) { snprintf(g_catalog, sizeof g_catalog, "%s", p); return; }
    }
    const char *xc = env("XDG_CONFIG_HOME");
    if (xc) snprintf(p, sizeof p, "%s/vitrine/catalog.json", xc);
    else snprintf(p, sizeof p, "%s/.config/vitrine/catalog.json", home());
    if (is_file(p)) { snprintf(g_catalog, sizeof g_catalog, "%s", p); return; }
    if (is_file("/etc/vitrine/catalog.json")) { snprintf(g_catalog, sizeof g_catalog, "/etc/vitrine/catalog.json"); return; }
    snprintf(g_catalog, sizeof g_catalog, "%.4000s/models/catalog.json", g_data);
}

static void find_state(void)
{
    const char *e = env("VITRINE_STATE_DIR");
    const char *sd = env("STATE_DIRECTORY");
    const char *xd = env("XDG_DATA_HOME");
    if (e) snprintf(g_state, sizeof g_state, "%s", e);
    else if (sd) snprintf(g_state, sizeof g_state, "%.*s", (int)strcspn(sd, ":"), sd);
    else if (xd) snprintf(g_state, sizeof g_state, "%s/vitrine", xd);
    else snprintf(g_state, sizeof g_state, "%s/.local/share/vitrine", home());
}

/* XDG_PICTURES_DIR="$HOME/Pictures" in user-dirs.dirs (xdg-user-dirs' own file). */
static int user_dirs_pictures(char *out, size_t len)
{
    char path[PATH_MAX], line[PATH_MAX];
    const char *xc = env("XDG_CONFIG_HOME");
    if (xc) snprintf(path, sizeof path, "%s/user-dirs.dirs", xc);
    else snprintf(path, sizeof path, "%s/.config/user-dirs.dirs", home());
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        const char *k = "XDG_PICTURES_DIR=\"";
        if (strncmp(line, k, strlen(k))) continue;
        char *v = line + strlen(k), *q = strchr(v, '"');
        if (!q) continue;
        *q = '\0';
        if (!strncmp(v, "$HOME", 5)) snprintf(out, len, "%s%s", home(), v + 5);
        else snprintf(out, len, "%s", v);
        found = out[0] == '/';
    }
    fclose(f);
    return found;
}

static void find_pictures(void)
{
    char base[PATH_MAX];
    const char *e = env("XDG_PICTURES_DIR");
    if (e) snprintf(base, sizeof base, "%s", e);
    else if (!user_dirs_pictures(base, sizeof base)) snprintf(base, sizeof base, "%s/Pictures", home());
    snprintf(g_pictures, sizeof g_pictures, "%.*s/Vitrine", (int)(sizeof g_pictures - 9), base);
}

static void find_all(void)
{
    find_data();
    const char *s = env("VITRINE_SHADER_DIR");
    if (s) snprintf(g_shaders, sizeof g_shaders, "%s", s);
    else snprintf(g_shaders, sizeof g_shaders, "%.*s/shaders", (int)(sizeof g_shaders - 9), g_data);
    find_catalog();
    find_state();
    find_pictures();
}

const char *vt_data_dir(void) { pthread_once(&g_once, find_all); return g_data; }
const char *vt_shader_dir(void) { pthread_once(&g_once, find_all); return g_shaders; }
const char *vt_default_catalog(void) { pthread_once(&g_once, find_all); return g_catalog; }
const char *vt_state_dir(void) { pthread_once(&g_once, find_all); return g_state; }
const char *vt_pictures_dir(void) { pthread_once(&g_once, find_all); return g_pictures; }

/* The real path of path's folder into out ("" when it does not resolve). */
static void real_dir_of(const char *path, char *out, size_t len)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == path) snprintf(dir, sizeof dir, "/");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    char *r = realpath(dir, NULL);
    snprintf(out, len, "%s", r ? r : "");
    free(r);
}

/* Whether a and b (real paths) are the same folder. */
static int same_dir(const char *a, const char *b)
{
    char *r = realpath(b, NULL);
    int same = r && !strcmp(a, r);
    free(r);
    return same;
}

void vt_state_dir_for(const char *catalog, char *out, size_t len)
{
    char dir[PATH_MAX], p[PATH_MAX + 64];
    real_dir_of(catalog, dir, sizeof dir);
    int settings = 0;
    snprintf(p, sizeof p, "%.4000s/models", vt_data_dir());
    settings |= same_dir(dir, p) || same_dir(dir, "/etc/vitrine");
    const char *cd = env("CONFIGURATION_DIRECTORY"), *xc = env("XDG_CONFIG_HOME");
    if (cd) { snprintf(p, sizeof p, "%.*s", (int)strcspn(cd, ":"), cd); settings |= same_dir(dir, p); }
    if (xc) snprintf(p, sizeof p, "%s/vitrine", xc);
    else snprintf(p, sizeof p, "%s/.config/vitrine", home());
    settings |= same_dir(dir, p);
    if (!dir[0] || settings || access(dir, W_OK) != 0) snprintf(out, len, "%s", vt_state_dir());
    else snprintf(out, len, "%s", dir);
}

void vt_state_file_for(const char *catalog, const char *name, char *out, size_t len)
{
    char dir[PATH_MAX];
    vt_state_dir_for(catalog, dir, sizeof dir);
    snprintf(out, len, "%.*s/%s", (int)(sizeof dir - 1), dir, name);
}

vt_result vt_make_dirs(const char *path, int private_, char *err, size_t errlen)
{
    char p[PATH_MAX];
    if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p) { snprintf(err, errlen, _("%s: path too long"), path); return VT_ERR_ARG; }
    for (char *c = p + 1;; c++) {
        int end = *c == '\0';
        if (*c == '/' || end) {
            *c = '\0';
            if (mkdir(p, end && private_ ? 0700 : 0755) != 0 && errno != EEXIST) {
                snprintf(err, errlen, _("%s: cannot create the folder: %s"), p, strerror(errno));
                return VT_ERR_IO;
            }
            if (end) break;
            *c = '/';
        }
    }
    if (!vt_is_dir(path)) { snprintf(err, errlen, _("%s: not a folder"), path); return VT_ERR_IO; }
    return VT_OK;
}
