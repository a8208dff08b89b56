/* cmd_doctor.c — `vitrine doctor`: is this machine ready to be a display? One line per check
 * (doctor_checks.c, doctor_system.c), ok, warning or blocker, then a summary; exit 1 on a
 * blocker, so an installer or a monitoring script notices. */
#include "app/vt_app.h"
#include "doctor.h"
#include "i18n/vt_i18n.h"   /* the status words' columns in any script */

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *k_help =
    /* TRANSLATORS: --help: keep commands, option names, CAPITAL values and the layout as they are. */
    N_("usage: vitrine doctor [--catalog FILE] [--json]\n"
    "\n"
    "Checks that this machine can run the display, one line per check: ok, warning (the display\n"
    "runs, but not as well as it could) or blocker (it will not run as it should): the cameras and\n"
    "the mode each opens, the renderer (a GPU, or llvmpipe and the frame rate to expect), fonts for\n"
    "every character of the catalog's texts, the catalog valid, each product's model loadable\n"
    "within the limits, free disk where analytics go, the time zone, the network database, the\n"
    "translations and locales. Then a summary. See docs/doctor.md for what each one means and the\n"
    "fix. Exit status: 0 no blocker (warnings allowed), 1 a blocker, 2 bad options.\n"
    "\n"
    "  --catalog FILE   the catalog to check (default: the one `vitrine run` uses)\n"
    "  --json           the same as JSON: {\"checks\": [{\"check\", \"status\", \"message\",\n"
    "                   \"details\"}], \"ok\", \"warnings\", \"blockers\"}; status is \"ok\",\n"
    "                   \"warning\" or \"blocker\"\n");

enum { CHECKS = 9 };

static const char *level_word(doctor_level l, int json)
{
    static const char *const stable[] = { "ok", "warning", "blocker" };
    /* TRANSLATORS: doctor's status words, at the start of each line; keep them short. */
    static const char *const words[] = { N_("ok"), N_("warning"), N_("blocker") };
    return json ? stable[l] : _(words[l]);
}

static void run_checks(doctor_ctx *d, doctor_check *c)
{
    /* The titles: catalog first, since the others read it. */
    static const char *const ids[CHECKS] = { "catalog", "cameras", "renderer", "fonts", "models", "disk", "time_zone",
                                             "network", "translations" };
    /* TRANSLATORS: doctor's check names, before each line's message. */
    static const char *const titles[CHECKS] = { N_("catalog"), N_("cameras"), N_("renderer"), N_("fonts"), N_("models"),
                                                N_("free disk"), N_("time zone"), N_("network database"), N_("translations") };
    for (int i = 0; i < CHECKS; i++) { c[i].id = ids[i]; c[i].title = _(titles[i]); }
    doctor_check_catalog(d, &c[0]);
    doctor_check_renderer(&c[2]);   /* before the model loader's child: it forks one of its own */
    doctor_check_cameras(d, &c[1]);
    doctor_check_fonts(d, &c[3]);
    doctor_check_models(d, &c[4]);
    doctor_check_disk(d, &c[5]);
    doctor_check_time_zone(d, &c[6]);
    doctor_check_network(&c[7]);
    doctor_check_translations(d, &c[8]);
}

static void print_text(const doctor_check *c, const int count[3])
{
    /* The status words padded to the widest in the staff's language, by display columns (a
     * Japanese word is 2 columns a character, 3 bytes). */
    int w = 8;
    for (int l = 0; l < 3; l++) {
        int lw = vt_i18n_text_width(level_word((doctor_level)l, 0));
        if (lw > w && lw <= 24) w = lw;
    }
    for (int i = 0; i < CHECKS; i++) {
        char word[128];
        printf("%s %s: %s\n", vt_i18n_pad(level_word(c[i].level, 0), w, 0, word, sizeof word), c[i].title, c[i].text);
        for (int k = 0; k < c[i].ndetails; k++) printf("%*s - %s\n", w, "", c[i].details[k]);
    }
    char sum[512];
    snprintf(sum, sizeof sum, "%s, %s, %s", vt_trn("%d check ok", "%d checks ok", (unsigned long)count[0]),
             vt_trn("%d warning", "%d warnings", (unsigned long)count[1]), vt_trn("%d blocker", "%d blockers", (unsigned long)count[2]));
    printf("\n");
    printf(sum, count[0], count[1], count[2]);
    printf(": %s\n", count[2] ? _("this machine cannot run the display as it is (the blockers above)")
                              : count[1] ? _("the display runs; the warnings above say what it lacks")
                                         : _("ready to run the display"));
}

static void print_json(const doctor_check *c, const int count[3], const char *catalog)
{
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    cJSON_AddStringToObject(root, "catalog", catalog);
    for (int i = 0; i < CHECKS; i++) {
        cJSON *o = cJSON_CreateObject(), *det = cJSON_CreateArray();
        cJSON_AddStringToObject(o, "check", c[i].id);
        cJSON_AddStringToObject(o, "status", level_word(c[i].level, 1));
        cJSON_AddStringToObject(o, "message", c[i].text);
        for (int k = 0; k < c[i].ndetails; k++) cJSON_AddItemToArray(det, cJSON_CreateString(c[i].details[k]));
        cJSON_AddItemToObject(o, "details", det);
        cJSON_AddItemToArray(arr, o);
    }
    cJSON_AddItemToObject(root, "checks", arr);
    cJSON_AddNumberToObject(root, "ok", count[0]);
    cJSON_AddNumberToObject(root, "warnings", count[1]);
    cJSON_AddNumberToObject(root, "blockers", count[2]);
    char *s = cJSON_Print(root);
    if (s) puts(s);
    free(s);
    cJSON_Delete(root);
}

/* Options into *catalog and *json; -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, const char **catalog, int *json)
{
    static const struct option lo[] = { { "catalog", required_argument, 0, 'c' }, { "json", no_argument, 0, 'j' },
                                        { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (ch) {
        case 'c': *catalog = optarg; break;
        case 'j': *json = 1; break;
        case 'h': fputs(_(k_help), stdout); return 0;
        default:
            VT_ERROR("doctor", "unknown or incomplete option '%s' (try 'vitrine doctor --help')", argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        VT_ERROR("doctor", "'%s': vitrine doctor takes no arguments (try 'vitrine doctor --help')", argv[optind]);
        return 2;
    }
    return -1;
}

int vt_cmd_doctor(int argc, char **argv)
{
    const char *catalog = NULL;
    int json = 0, st = parse_args(argc, argv, &catalog, &json);
    if (st >= 0) return st;
    doctor_ctx d = { .catalog_path = catalog ? catalog : vt_default_catalog() };
    doctor_check *c = calloc(CHECKS, sizeof *c);
    if (!c) { VT_ERROR("doctor", "out of memory"); return 1; }
    vt_log_level was = vt_log_get_level();
    vt_log_set_level(VT_LOG_ERROR);   /* what the checks find is in their lines, not the log */
    run_checks(&d, c);
    vt_log_set_level(was);
    int count[3] = { 0, 0, 0 };
    for (int i = 0; i < CHECKS; i++) count[c[i].level]++;
    if (json) print_json(c, count, d.catalog_path);
    else print_text(c, count);
    free(c);
    vt_catalog_report_free(&d.rep);
    vt_catalog_destroy(d.cat);
    return count[2] ? 1 : 0;
}
