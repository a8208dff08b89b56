/* doctor_system.c — `vitrine doctor`'s checks of the machine: free disk where analytics go, the
 * time zone, the network database, the translations and locales. */
#include "doctor.h"

#include <dirent.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

doctor_level doctor_disk_level(uint64_t free_bytes)
{
    return free_bytes < DOCTOR_DISK_BLOCKER ? DOCTOR_BLOCKER : free_bytes < DOCTOR_DISK_WARNING ? DOCTOR_WARNING : DOCTOR_OK;
}

/* ---- free disk ---- */
/* path, or its nearest parent that exists (a state folder a first run will create), into out. */
static void existing_parent(const char *path, char *out, size_t len)
{
    struct stat st;
    snprintf(out, len, "%s", path);
    while (stat(out, &st) != 0) {
        char *slash = strrchr(out, '/');
        if (!slash) { snprintf(out, len, "."); return; }
        if (slash == out) { out[1] = 0; return; }
        *slash = 0;
    }
}

void doctor_check_disk(const doctor_ctx *d, doctor_check *c)
{
    char dir[PATH_MAX + 64], at[PATH_MAX + 64];
    vt_state_dir_for(d->catalog_path, dir, sizeof dir);
    existing_parent(dir, at, sizeof at);
    struct statvfs vs;
    if (statvfs(at, &vs) != 0) {
        doctor_set(c, DOCTOR_WARNING, _("%s: cannot tell the free space (%s)"), dir, at);
        return;
    }
    uint64_t free_b = (uint64_t)vs.f_bavail * vs.f_frsize;
    double mb = (double)free_b / 1e6;
    doctor_level lv = doctor_disk_level(free_b);
    if (lv == DOCTOR_BLOCKER)
        doctor_set(c, lv, _("%s: %.0f MB free, under %llu MB: analytics and the catalog's history cannot be kept; free some space"),
                   dir, mb, DOCTOR_DISK_BLOCKER / 1000000);
    else if (lv == DOCTOR_WARNING)
        doctor_set(c, lv, _("%s: %.0f MB free, under %llu MB: analytics will fill it; free some space"), dir, mb,
                   DOCTOR_DISK_WARNING / 1000000);
    else doctor_set(c, lv, _("%s: %.1f GB free for analytics"), dir, mb / 1000);
    if (lv != DOCTOR_BLOCKER && access(at, W_OK) != 0)
        doctor_set(c, DOCTOR_WARNING, _("%s: %s is not writable by this user: a run keeps no analytics"), dir, at);
}

/* ---- time zone ---- */
/* The machine's zone: $TZ, else /etc/localtime's link into zoneinfo, else /etc/timezone; "" when unknown. */
static void machine_zone(char *out, size_t len)
{
    const char *tz = getenv("TZ");
    out[0] = 0;
    if (tz && *tz) { snprintf(out, len, "%s", tz[0] == ':' ? tz + 1 : tz); return; }
    char link[PATH_MAX];
    ssize_t n = readlink("/etc/localtime", link, sizeof link - 1);
    if (n > 0) {
        link[n] = 0;
        const char *z = strstr(link, "zoneinfo/");
        if (z) { snprintf(out, len, "%s", z + 9); return; }
    }
    FILE *f = fopen("/etc/timezone", "r");
    if (f) {
        if (fgets(out, (int)len, f)) out[strcspn(out, "\r\n")] = 0;
        fclose(f);
    }
}

static int is_utc(const char *z)
{
    static const char *const names[] = { "UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu",
                                         "GMT", "Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "Etc/Greenwich", "UTC0" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) if (!strcmp(z, names[i])) return 1;
    return 0;
}

void doctor_check_time_zone(const doctor_ctx *d, doctor_check *c)
{
    char mine[256], msg[512];
    machine_zone(mine, sizeof mine);
    const char *store = d->cat ? d->cat->time_zone : NULL;
    if (store && vt_time_zone_check(store, msg, sizeof msg) != VT_OK) {
        doctor_set(c, DOCTOR_BLOCKER, "store.timezone: %s", msg);
        return;
    }
    if (!mine[0]) {
        if (store) doctor_set(c, DOCTOR_WARNING, _("the store's is %s; the machine's is not set (no TZ, no /etc/localtime): its "
                              "logs read UTC"), store);
        else doctor_set(c, DOCTOR_WARNING, _("no store.timezone and the machine's is not set (no TZ, no /etc/localtime): "
                        "promotions and hours are on UTC; set store.timezone"));
        return;
    }
    if (!store && is_utc(mine))
        doctor_set(c, DOCTOR_WARNING, _("no store.timezone and the machine is on %s: promotions and hours are on UTC; set "
                   "store.timezone (e.g. Europe/Paris) or the machine's (timedatectl set-timezone)"), mine);
    else if (store && is_utc(mine) && !is_utc(store))
        doctor_set(c, DOCTOR_WARNING, _("the store is on %s but the machine on %s: prices and hours follow the store, the "
                   "journal and the machine's clock read UTC (timedatectl set-timezone %s)"), store, mine, store);
    else if (store) doctor_set(c, DOCTOR_OK, _("the store's %s (the machine's %s)"), store, mine);
    else doctor_set(c, DOCTOR_OK, _("the machine's %s (no store.timezone)"), mine);
}

/* ---- translations ---- */
/* The languages with a vitrine.mo under dir ("de, es, fr"), their count. */
static int translations_in(const char *dir, char *out, size_t len)
{
    struct dirent **names = NULL;
    int nn = scandir(dir, &names, NULL, alphasort), n = 0;
    size_t at = 0;
    out[0] = 0;
    for (int i = 0; i < nn; i++) {
        char mo[PATH_MAX];
        struct stat st;
        snprintf(mo, sizeof mo, "%s/%s/LC_MESSAGES/vitrine.mo", dir, names[i]->d_name);
        if (names[i]->d_name[0] != '.' && !stat(mo, &st) && S_ISREG(st.st_mode)) {
            int w = snprintf(out + at, len - at, "%s%s", n ? ", " : "", names[i]->d_name);
            if (w > 0 && at + (size_t)w < len) at += (size_t)w;
            n++;
        }
        free(names[i]);
    }
    free(names);
    return n;
}

/* Each visitor language glibc has no locale for: a detail line (its words then show in English). */
static int visitor_locales(const doctor_ctx *d, doctor_check *c)
{
    int missing = 0;
    for (int i = 0; d->cat && i < d->cat->nlanguages; i++) {
        char loc[64];
        vt_catalog_language_locale(d->cat, i, loc, sizeof loc);
        if (!strncmp(loc, "en", 2) || vt_i18n_have_locale(loc)) continue;
        doctor_detail(c, _("visitors' %s: this machine has no %s locale, the display's own words show in English (Debian: "
                      "locales-all)"), d->cat->languages[i], loc);
        missing++;
    }
    return missing;
}

void doctor_check_translations(const doctor_ctx *d, doctor_check *c)
{
    const char *dir = vt_i18n_dir();
    char langs[512];
    int n = translations_in(dir, langs, sizeof langs);
    const char *staff = setlocale(LC_MESSAGES, NULL), *language = getenv("LANGUAGE");
    char who[160];
    snprintf(who, sizeof who, "%s%s%s", staff ? staff : "C", language && *language ? ", LANGUAGE=" : "",
             language && *language ? language : "");
    int missing = visitor_locales(d, c);
    if (!n)
        doctor_set(c, DOCTOR_WARNING, _("none found in %s: every word shows in English (staff locale %s)"), dir[0] ? dir : "?", who);
    else if (missing)
        doctor_set(c, DOCTOR_WARNING, vt_trn("%s (%s); staff locale %s; %d visitor language lacks its locale (below)",
                                             "%s (%s); staff locale %s; %d visitor languages lack their locales (below)",
                                             (unsigned long)missing),
                   dir, langs, who, missing);
    else doctor_set(c, DOCTOR_OK, _("%s (%s); staff locale %s"), dir, langs, who);
}
