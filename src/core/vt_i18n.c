/* vt_i18n.c — translations through glibc's gettext: the staff's language from the environment,
 * a visitor's from a per-thread locale (uselocale) so that both can be in use at once. */
#include "vt_core.h"

#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DOMAIN "vitrine"
#define MAX_LOCALES 64

static char g_dir[PATH_MAX];
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct { char name[48]; locale_t loc; } g_locales[MAX_LOCALES];   /* loc 0: glibc lacks it */
static int g_nlocales;
static locale_t g_staff;   /* from LANGUAGE's first entry; 0: the process's LC_MESSAGES */

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The first of the usual places that exists, else the build tree's. */
static void find_dir(char *out, size_t len)
{
    const char *env = getenv("VITRINE_LOCALE_DIR");
    if (env && *env) { snprintf(out, len, "%s", env); return; }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) *slash = 0;
        static const char *const k_rel[] = { "/locale", "/../share/locale" };   /* build tree, installed */
        for (int i = 0; i < 2; i++) {
            int w = snprintf(out, len, "%s%s", exe, k_rel[i]);
            if (w > 0 && (size_t)w < len && is_dir(out)) return;
        }
    }
    snprintf(out, len, "/usr/share/locale");
}

static locale_t open_locale(const char *name);

/* glibc lets LANGUAGE override every lookup's locale, a visitor's too: its first entry becomes
 * the staff's locale and the variable goes (main has no threads yet). */
static void take_language_variable(void)
{
    const char *env = getenv("LANGUAGE");
    if (!env || !*env) return;
    char first[32], guess[40];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(env, ":"), env);
    g_staff = open_locale(first);
    if (!g_staff && !strchr(first, '_') && strlen(first) == 2) {   /* "fr": try fr_FR */
        snprintf(guess, sizeof guess, "%s_%c%c", first, first[0] & ~0x20, first[1] & ~0x20);
        g_staff = open_locale(guess);
    }
    unsetenv("LANGUAGE");
}

void vt_i18n_init(const char *localedir)
{
    setlocale(LC_CTYPE, "");
    setlocale(LC_MESSAGES, "");
    take_language_variable();
    if (localedir) snprintf(g_dir, sizeof g_dir, "%s", localedir);
    else find_dir(g_dir, sizeof g_dir);
    bindtextdomain(DOMAIN, g_dir);
    bind_textdomain_codeset(DOMAIN, "UTF-8");   /* whatever the terminal's locale, text is UTF-8 */
}

const char *vt_i18n_dir(void) { return g_dir; }

const char *vt_tr(const char *msgid)
{
    if (!g_staff) return dgettext(DOMAIN, msgid);
    locale_t old = uselocale(g_staff);
    const char *s = dgettext(DOMAIN, msgid);
    uselocale(old);
    return s;
}

const char *vt_trn(const char *singular, const char *plural, unsigned long n)
{
    if (!g_staff) return dngettext(DOMAIN, singular, plural, n);
    locale_t old = uselocale(g_staff);
    const char *s = dngettext(DOMAIN, singular, plural, n);
    uselocale(old);
    return s;
}

static locale_t open_locale(const char *name)
{
    char full[64];
    const char *dot = strchr(name, '.');
    snprintf(full, sizeof full, dot ? "%s" : "%s.UTF-8", name);
    locale_t loc = newlocale(LC_CTYPE_MASK | LC_MESSAGES_MASK, full, (locale_t)0);
    if (!loc && !dot) loc = newlocale(LC_CTYPE_MASK | LC_MESSAGES_MASK, name, (locale_t)0);
    return loc;
}

/* The cached locale for name; (locale_t)0 when glibc does not have it (said once). */
static locale_t locale_for(const char *name)
{
    locale_t loc = (locale_t)0;
    int found = 0;
    pthread_mutex_lock(&g_lock);
    for (int i = 0; i < g_nlocales; i++)
        if (!strcmp(g_locales[i].name, name)) { loc = g_locales[i].loc; found = 1; break; }
    if (!found) {
        loc = open_locale(name);
        if (g_nlocales < MAX_LOCALES && strlen(name) < sizeof g_locales[0].name) {
            snprintf(g_locales[g_nlocales].name, sizeof g_locales[0].name, "%s", name);
            g_locales[g_nlocales++].loc = loc;
        }
    }
    pthread_mutex_unlock(&g_lock);
    if (!found && !loc)
        VT_WARN("i18n", "the system has no locale %s.UTF-8: visitor text stays in English (install Debian's locales-all)",
                name);
    return loc;
}

int vt_i18n_have_locale(const char *locale)
{
    if (!locale || !*locale) return 0;
    locale_t loc = open_locale(locale);
    if (loc) freelocale(loc);
    return loc != (locale_t)0;
}

const char *vt_trn_lang(const char *locale, const char *singular, const char *plural, unsigned long n)
{
    const char *src = n == 1 ? singular : plural;
    if (!locale || !*locale) return src;
    locale_t loc = locale_for(locale);
    if (!loc) return src;
    locale_t old = uselocale(loc);   /* per thread: the staff's language elsewhere is untouched */
    const char *s = dngettext(DOMAIN, singular, plural, n);
    uselocale(old);
    return s;
}

const char *vt_tr_lang(const char *locale, const char *msgid)
{
    if (!locale || !*locale) return msgid;
    locale_t loc = locale_for(locale);
    if (!loc) return msgid;
    locale_t old = uselocale(loc);
    const char *s = dgettext(DOMAIN, msgid);
    uselocale(old);
    return s;
}
