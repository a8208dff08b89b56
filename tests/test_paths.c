/* test_paths.c — where Vitrine's files live (src/core/vt_paths.c, docs/install.md): each rule
 * with its environment variables set in a child process (the folders are found once per process),
 * the data folder found from a copy of this executable placed as an installed tree and as a build
 * tree, vt_state_dir_for's cases, the pictures folder and vt_make_dirs. */
#include "test_util.h"
#include "core/vt_core.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char g_tmp[256];

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) { fputs(text, f); fclose(f); }
}

static void mk(const char *sub)   /* g_tmp/sub and its parents */
{
    char p[PATH_MAX], err[PATH_MAX + 100];
    snprintf(p, sizeof p, "%s/%s", g_tmp, sub);
    if (vt_make_dirs(p, 0, err, sizeof err) != VT_OK) fprintf(stderr, "%s\n", err);
}

/* Only the variables a case sets: the others unset, as on a bare machine. */
static void clear_env(void)
{
    static const char *const vars[] = { "VITRINE_DATA_DIR", "VITRINE_SHADER_DIR", "VITRINE_STATE_DIR", "STATE_DIRECTORY",
                                        "CONFIGURATION_DIRECTORY", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_PICTURES_DIR",
                                        "VITRINE_CATALOG" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) unsetenv(vars[i]);
    char h[PATH_MAX];
    snprintf(h, sizeof h, "%s/home", g_tmp);
    setenv("HOME", h, 1);
}

/* fn in a child process with a clean environment; its failed checks count as one here. */
static void in_child(const char *what, void (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        t_failures = 0;   /* its own checks only */
        clear_env();
        fn();
        fflush(NULL);
        _exit(t_failures ? 1 : 0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", what);
}

static int eq_tmp(const char *got, const char *fmt)   /* got == g_tmp + fmt's rest */
{
    char want[PATH_MAX];
    snprintf(want, sizeof want, fmt, g_tmp);
    if (strcmp(got, want)) fprintf(stderr, "  got %s, want %s\n", got, want);
    return !strcmp(got, want);
}

static void env_tmp(const char *var, const char *fmt)
{
    char v[PATH_MAX];
    snprintf(v, sizeof v, fmt, g_tmp, g_tmp);
    setenv(var, v, 1);
}

/* ---- data and shaders ---- */
static void data_env(void)
{
    env_tmp("VITRINE_DATA_DIR", "%s/data");
    env_tmp("XDG_CONFIG_HOME", "%s/empty");
    CHECK(eq_tmp(vt_data_dir(), "%s/data"));
    CHECK(eq_tmp(vt_shader_dir(), "%s/data/shaders"));
    CHECK(eq_tmp(vt_default_catalog(), "%s/data/models/catalog.json"));   /* nothing in the settings folders */
}

static void shader_env(void)
{
    env_tmp("VITRINE_DATA_DIR", "%s/data");
    env_tmp("VITRINE_SHADER_DIR", "%s/elsewhere");
    CHECK(eq_tmp(vt_shader_dir(), "%s/elsewhere"));
}

/* A copy of this executable at exe, run with "--print-data": what it found, or "". */
static void data_of_copy(const char *exe, char *out, size_t len)
{
    char cmd[PATH_MAX * 2];
    out[0] = '\0';
    snprintf(cmd, sizeof cmd, "cp /proc/%d/exe '%s' && env -u VITRINE_DATA_DIR '%s' --print-data", (int)getpid(), exe, exe);
    FILE *p = popen(cmd, "r");
    if (!p) return;
    if (fgets(out, (int)len, p)) out[strcspn(out, "\n")] = '\0';
    pclose(p);
}

static void data_found_from_exe(void)
{
    char exe[PATH_MAX], got[PATH_MAX], p[PATH_MAX];
    /* installed: PREFIX/bin and PREFIX/share/vitrine/shaders, through a moved, symlinked prefix */
    mk("inst/bin");
    mk("inst/share/vitrine/shaders");
    snprintf(p, sizeof p, "%s/inst", g_tmp);
    char link[PATH_MAX];
    snprintf(link, sizeof link, "%s/moved", g_tmp);
    CHECK(symlink(p, link) == 0);
    snprintf(exe, sizeof exe, "%s/moved/bin/vitrine", g_tmp);
    data_of_copy(exe, got, sizeof got);
    CHECK(eq_tmp(got, "%s/inst/share/vitrine"));
    /* a build tree: the checkout named by vitrine-source-dir beside the executable */
    mk("build");
    mk("checkout/shaders");
    snprintf(p, sizeof p, "%s/build/vitrine-source-dir", g_tmp);
    char line[PATH_MAX];
    snprintf(line, sizeof line, "%s/checkout\n", g_tmp);
    put(p, line);
    snprintf(exe, sizeof exe, "%s/build/vitrine", g_tmp);
    data_of_copy(exe, got, sizeof got);
    CHECK(eq_tmp(got, "%s/checkout"));
    /* the checkout gone: "." */
    snprintf(line, sizeof line, "%s/no-such-checkout\n", g_tmp);
    put(p, line);
    data_of_copy(exe, got, sizeof got);
    CHECKF(!strcmp(got, "."), "got %s", got);
    /* a share/vitrine without shaders is not an installed tree */
    mk("half/bin");
    mk("half/share/vitrine/models");
    snprintf(exe, sizeof exe, "%s/half/bin/vitrine", g_tmp);
    data_of_copy(exe, got, sizeof got);
    CHECKF(!strcmp(got, "."), "got %s", got);
}

/* ---- the default catalog ---- */
static void catalog_order(void)
{
    env_tmp("VITRINE_DATA_DIR", "%s/data");
    env_tmp("CONFIGURATION_DIRECTORY", "%s/cfgdir:%s/other");
    env_tmp("XDG_CONFIG_HOME", "%s/xdg");
    CHECK(eq_tmp(vt_default_catalog(), "%s/cfgdir/catalog.json"));
}

static void catalog_named(void)   /* $VITRINE_CATALOG before every folder, even when missing */
{
    env_tmp("VITRINE_DATA_DIR", "%s/data");
    env_tmp("CONFIGURATION_DIRECTORY", "%s/cfgdir");
    env_tmp("VITRINE_CATALOG", "%s/shop/not-yet-written.json");
    CHECK(eq_tmp(vt_default_catalog(), "%s/shop/not-yet-written.json"));
}

static void catalog_xdg(void)
{
    env_tmp("CONFIGURATION_DIRECTORY", "%s/empty");   /* no catalog.json there: the next */
    env_tmp("XDG_CONFIG_HOME", "%s/xdg");
    CHECK(eq_tmp(vt_default_catalog(), "%s/xdg/vitrine/catalog.json"));
}

static void catalog_home(void)
{
    CHECK(eq_tmp(vt_default_catalog(), "%s/home/.config/vitrine/catalog.json"));
}

static void catalog_bundled(void)
{
    env_tmp("VITRINE_DATA_DIR", "%s/data");
    env_tmp("XDG_CONFIG_HOME", "%s/empty");
    if (access("/etc/vitrine/catalog.json", F_OK) == 0) CHECK(!strcmp(vt_default_catalog(), "/etc/vitrine/catalog.json"));
    else CHECK(eq_tmp(vt_default_catalog(), "%s/data/models/catalog.json"));
}

/* ---- the state folder ---- */
static void state_vitrine(void)
{
    env_tmp("VITRINE_STATE_DIR", "%s/vs");
    env_tmp("STATE_DIRECTORY", "%s/sd");
    CHECK(eq_tmp(vt_state_dir(), "%s/vs"));
}

static void state_systemd(void)
{
    env_tmp("STATE_DIRECTORY", "%s/sd:%s/sd2");
    env_tmp("XDG_DATA_HOME", "%s/xd");
    CHECK(eq_tmp(vt_state_dir(), "%s/sd"));
}

static void state_xdg(void)
{
    env_tmp("XDG_DATA_HOME", "%s/xd");
    CHECK(eq_tmp(vt_state_dir(), "%s/xd/vitrine"));
}

static void state_home(void)
{
    CHECK(eq_tmp(vt_state_dir(), "%s/home/.local/share/vitrine"));
}

/* ---- vt_state_dir_for ---- */
static void for_cases(void)
{
    char out[PATH_MAX], p[PATH_MAX];
    env_tmp("VITRINE_DATA_DIR", "%s/data");
    env_tmp("VITRINE_STATE_DIR", "%s/st");
    env_tmp("XDG_CONFIG_HOME", "%s/xdg");
    env_tmp("CONFIGURATION_DIRECTORY", "%s/cfgdir");
    snprintf(p, sizeof p, "%s/data/models/catalog.json", g_tmp);   /* the bundled one */
    vt_state_dir_for(p, out, sizeof out);
    CHECK(eq_tmp(out, "%s/st"));
    snprintf(p, sizeof p, "%s/data/models/../models/catalog.json", g_tmp);   /* however it is spelled */
    vt_state_dir_for(p, out, sizeof out);
    CHECK(eq_tmp(out, "%s/st"));
    snprintf(p, sizeof p, "%s/shop/catalog.json", g_tmp);   /* the shop's own, writable */
    vt_state_dir_for(p, out, sizeof out);
    CHECK(eq_tmp(out, "%s/shop"));
    vt_state_file_for(p, "vitrine-analytics.sqlite", out, sizeof out);
    CHECK(eq_tmp(out, "%s/shop/vitrine-analytics.sqlite"));
    snprintf(p, sizeof p, "%s/xdg/vitrine/catalog.json", g_tmp);   /* settings, not data */
    vt_state_dir_for(p, out, sizeof out);
    CHECK(eq_tmp(out, "%s/st"));
    snprintf(p, sizeof p, "%s/cfgdir/catalog.json", g_tmp);
    vt_state_dir_for(p, out, sizeof out);
    CHECK(eq_tmp(out, "%s/st"));
    vt_state_file_for(p, "vitrine-analytics.sqlite", out, sizeof out);
    CHECK(eq_tmp(out, "%s/st/vitrine-analytics.sqlite"));
    snprintf(p, sizeof p, "%s/no-such-folder/catalog.json", g_tmp);   /* a folder that is not there */
    vt_state_dir_for(p, out, sizeof out);
    CHECK(eq_tmp(out, "%s/st"));
    CHECK(chdir(g_tmp) == 0 && chdir("shop") == 0);   /* a bare name: the current folder */
    vt_state_dir_for("catalog.json", out, sizeof out);
    CHECK(eq_tmp(out, "%s/shop"));
}

/* A folder this process cannot write (as root: dropped to nobody first, since root writes anywhere). */
static void for_unwritable(void)
{
    char out[PATH_MAX], p[PATH_MAX];
    env_tmp("VITRINE_STATE_DIR", "%s/st");
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
        printf("note: cannot become nobody (%s): the unwritable folder is not checked\n", strerror(errno));
        return;
    }
    snprintf(p, sizeof p, "%s/locked/catalog.json", g_tmp);
    CHECK(access(p, R_OK) == 0);
    vt_state_dir_for(p, out, sizeof out);
    CHECK(eq_tmp(out, "%s/st"));
}

/* ---- pictures ---- */
static void pictures_env(void)
{
    env_tmp("XDG_PICTURES_DIR", "%s/pics");
    CHECK(eq_tmp(vt_pictures_dir(), "%s/pics/Vitrine"));
}

static void pictures_user_dirs(void)
{
    env_tmp("XDG_CONFIG_HOME", "%s/ud");
    CHECK(eq_tmp(vt_pictures_dir(), "%s/home/Bilder/Vitrine"));
}

static void pictures_user_dirs_absolute(void)
{
    env_tmp("XDG_CONFIG_HOME", "%s/ud-abs");
    CHECK(eq_tmp(vt_pictures_dir(), "%s/abs-pics/Vitrine"));
}

static void pictures_default(void)
{
    env_tmp("XDG_CONFIG_HOME", "%s/ud-bad");   /* a relative value is not a folder: ignored */
    CHECK(eq_tmp(vt_pictures_dir(), "%s/home/Pictures/Vitrine"));
}

/* ---- vt_make_dirs ---- */
static void make_dirs(void)
{
    char p[PATH_MAX], err[PATH_MAX + 100];
    struct stat st;
    umask(022);
    snprintf(p, sizeof p, "%s/md/a/b/c", g_tmp);
    CHECK(vt_make_dirs(p, 1, err, sizeof err) == VT_OK);
    CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
    snprintf(p, sizeof p, "%s/md/a/b", g_tmp);
    CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0755);
    snprintf(p, sizeof p, "%s/md/a/b/c/", g_tmp);   /* again, with a trailing slash: still fine */
    CHECK(vt_make_dirs(p, 1, err, sizeof err) == VT_OK);
    snprintf(p, sizeof p, "%s/md/file", g_tmp);
    put(p, "x");
    snprintf(p, sizeof p, "%s/md/file/sub", g_tmp);   /* a file in the way: named */
    err[0] = '\0';
    CHECK(vt_make_dirs(p, 0, err, sizeof err) == VT_ERR_IO);
    CHECKF(strstr(err, "/md/file") != NULL, "%s", err);
    snprintf(p, sizeof p, "%s/md/file", g_tmp);
    CHECK(vt_make_dirs(p, 0, err, sizeof err) == VT_ERR_IO);
    char longp[PATH_MAX + 10];
    memset(longp, 'a', sizeof longp - 1);
    longp[0] = '/';
    longp[sizeof longp - 1] = '\0';
    CHECK(vt_make_dirs(longp, 0, err, sizeof err) == VT_ERR_ARG);
}

static void setup(void)
{
    char p[PATH_MAX];
    snprintf(g_tmp, sizeof g_tmp, "/tmp/vt_paths_XXXXXX");
    if (!mkdtemp(g_tmp)) { perror("mkdtemp"); exit(1); }
    chmod(g_tmp, 0755);   /* nobody (for_unwritable) may look in */
    mk("data/models");
    mk("data/shaders");
    snprintf(p, sizeof p, "%s/data/models/catalog.json", g_tmp);
    put(p, "{}");
    mk("cfgdir");
    snprintf(p, sizeof p, "%s/cfgdir/catalog.json", g_tmp);
    put(p, "{}");
    mk("xdg/vitrine");
    snprintf(p, sizeof p, "%s/xdg/vitrine/catalog.json", g_tmp);
    put(p, "{}");
    mk("home/.config/vitrine");
    snprintf(p, sizeof p, "%s/home/.config/vitrine/catalog.json", g_tmp);
    put(p, "{}");
    mk("empty");
    mk("shop");
    mk("locked");
    snprintf(p, sizeof p, "%s/locked/catalog.json", g_tmp);
    put(p, "{}");
    chmod(p, 0644);
    snprintf(p, sizeof p, "%s/locked", g_tmp);
    chmod(p, 0555);
    mk("ud");
    snprintf(p, sizeof p, "%s/ud/user-dirs.dirs", g_tmp);
    put(p, "# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR=\"$HOME/Schreibtisch\"\nXDG_PICTURES_DIR=\"$HOME/Bilder\"\n");
    mk("ud-abs");
    snprintf(p, sizeof p, "%s/ud-abs/user-dirs.dirs", g_tmp);
    char line[PATH_MAX + 40];
    snprintf(line, sizeof line, "XDG_PICTURES_DIR=\"%s/abs-pics\"\n", g_tmp);
    put(p, line);
    mk("ud-bad");
    snprintf(p, sizeof p, "%s/ud-bad/user-dirs.dirs", g_tmp);
    put(p, "XDG_PICTURES_DIR=\"Pictures\"\n");
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--print-data")) {   /* a copy of this test, placed by data_found_from_exe */
        printf("%s\n", vt_data_dir());
        return 0;
    }
    setup();
    in_child("VITRINE_DATA_DIR", data_env);
    in_child("VITRINE_SHADER_DIR", shader_env);
    data_found_from_exe();
    in_child("catalog: VITRINE_CATALOG before all", catalog_named);
    in_child("catalog: CONFIGURATION_DIRECTORY first", catalog_order);
    in_child("catalog: XDG_CONFIG_HOME next", catalog_xdg);
    in_child("catalog: ~/.config/vitrine", catalog_home);
    in_child("catalog: the bundled one last", catalog_bundled);
    in_child("state: VITRINE_STATE_DIR", state_vitrine);
    in_child("state: STATE_DIRECTORY", state_systemd);
    in_child("state: XDG_DATA_HOME", state_xdg);
    in_child("state: ~/.local/share", state_home);
    in_child("vt_state_dir_for", for_cases);
    in_child("vt_state_dir_for: an unwritable folder", for_unwritable);
    in_child("pictures: XDG_PICTURES_DIR", pictures_env);
    in_child("pictures: user-dirs.dirs", pictures_user_dirs);
    in_child("pictures: user-dirs.dirs, absolute", pictures_user_dirs_absolute);
    in_child("pictures: ~/Pictures", pictures_default);
    in_child("vt_make_dirs", make_dirs);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s' && rm -rf '%s'", g_tmp, g_tmp);
    if (system(cmd) != 0) fprintf(stderr, "note: %s is left\n", g_tmp);
    return t_finish("test_paths");
}
