/* cmd_cameras.c — `vitrine cameras`: the V4L2 cameras present, their modes and the controls that
 * matter for tracking, the mode Vitrine opens by default and the --camera line for it; so staff
 * can pick a camera and a mode without v4l2-ctl. */
#include "app/vt_app.h"
#include "capture/vt_capture.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *k_help =
    /* TRANSLATORS: --help: keep commands, option names, CAPITAL values and the layout as they are. */
    N_("usage: vitrine cameras [--json]\n"
    "\n"
    "The cameras present (every /dev/video* that captures video): each one's name and USB port,\n"
    "its modes (formats, sizes, frame rates), the mode `vitrine run` opens by default (marked *),\n"
    "its controls for tracking (exposure, focus, white balance, gain, power line frequency...)\n"
    "with their range, default and current value, and the --camera options to paste.\n"
    "See docs/cameras.md for choosing a camera and setting it up.\n"
    "Exits 1 when no camera is found, so scripts notice.\n"
    "\n"
    "  --json   the same as JSON: an array of cameras ([] when none), every control included\n");

/* 30, 29.97; "?" for a rate the driver does not give. */
static void fps_text(double fps, char *buf, size_t len)
{
    if (fps <= 0) snprintf(buf, len, "?");
    else if (fabs(fps - floor(fps + 0.5)) < 0.005) snprintf(buf, len, "%.0f", fps);
    else snprintf(buf, len, "%.2f", fps);
}

static int same_size(const vt_camera_mode *a, const vt_camera_mode *b)
{
    return !strcmp(a->format, b->format) && a->width == b->width && a->height == b->height;
}

/* One size of one format: "1920x1080 at 30*, 15" (* the default) into buf. */
static void size_text(const vt_camera_info *c, int first, int chosen, char *buf, size_t len)
{
    size_t at = (size_t)snprintf(buf, len, "%dx%d %s ", c->modes[first].width, c->modes[first].height, _("at"));
    for (int j = first, k = 0; j < c->nmodes && at + 1 < len; j++) {
        if (!same_size(&c->modes[j], &c->modes[first])) continue;
        char f[16];
        fps_text(c->modes[j].fps, f, sizeof f);
        int w = snprintf(buf + at, len - at, "%s%s%s", k++ ? ", " : "", f, j == chosen ? "*" : "");
        at = w > 0 && at + (size_t)w < len ? at + (size_t)w : len - 1;
    }
}

/* "    MJPG  1920x1080 at 30*, 15; 1280x720 at 60, 30; ..." wrapped under the format. */
static void print_format(const vt_camera_info *c, int i0, int chosen)
{
    const char *fmt = c->modes[i0].format;
    int col = 6, nsizes = 0;
    printf("    %-5s (%s)\n      ", fmt, c->modes[i0].format_name);
    for (int i = i0; i < c->nmodes; i++) {
        if (strcmp(c->modes[i].format, fmt)) continue;
        int seen = 0;
        for (int j = i0; j < i && !seen; j++) seen = same_size(&c->modes[j], &c->modes[i]);
        if (seen) continue;
        char s[256];
        size_text(c, i, chosen, s, sizeof s);
        int w = (int)strlen(s);
        if (nsizes++) {
            if (col + w + 2 > 100) { printf(";\n      "); col = 6; }
            else { printf("; "); col += 2; }
        }
        printf("%s", s);
        col += w;
    }
    printf("\n");
}

static int tracking_control(const char *name)
{
    static const char *const words[] = { "exposure", "focus", "white_balance", "gain", "power_line", "backlight", "zoom" };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strstr(name, words[i])) return 1;
    return 0;
}

/* The menu values staff need to read, where V4L2 fixes them. */
static const char *control_hint(const vt_camera_control *k)
{
    if (!strcmp(k->name, "auto_exposure") || !strcmp(k->name, "exposure_auto")) return _("1 manual, 3 auto: aperture priority");
    if (!strcmp(k->name, "power_line_frequency")) return _("0 off, 1 50 Hz, 2 60 Hz, 3 auto");
    if (k->min == 0 && k->max == 1) return _("0 off, 1 on");
    return NULL;
}

static void print_controls(const vt_camera_info *c)
{
    int shown = 0;
    for (int i = 0; i < c->ncontrols; i++) {
        const vt_camera_control *k = &c->controls[i];
        if (!tracking_control(k->name)) continue;
        if (!shown++) printf("  %s\n", _("controls for tracking:"));
        const char *hint = control_hint(k);
        printf("    %-32s %ld .. %ld, %s %ld, %s %ld%s%s%s%s\n", k->name, k->min, k->max, _("default"), k->def, _("now"),
               k->value, hint ? " (" : "", hint ? hint : "", hint ? ")" : "", k->inactive ? _(" [inactive: set by an automatic control]") : "");
    }
    if (!shown) printf("  %s\n", _("controls for tracking: none (exposure, focus and white balance are the camera's own)"));
}

/* The --camera options for mode m, into buf. */
static void camera_line(const vt_camera_info *c, const vt_camera_mode *m, char *buf, size_t len)
{
    char f[16];
    fps_text(m->fps, f, sizeof f);
    if (m->fps > 0)
        snprintf(buf, len, "vitrine run --camera %s --camera-size %dx%d --camera-fps %s --camera-format %s", c->device, m->width,
                 m->height, f, m->format);
    else snprintf(buf, len, "vitrine run --camera %s --camera-size %dx%d --camera-format %s", c->device, m->width, m->height, m->format);
}

static void print_camera(const vt_camera_info *c)
{
    char err[512], line[512], f[16];
    printf("%s: %s (%s)\n", c->device, c->card, c->bus[0] ? c->bus : "?");
    int chosen = vt_camera_choose_mode(c->modes, c->nmodes, 0, 0, 0, NULL, err, sizeof err);
    if (!c->nmodes) printf("  %s\n", _("modes: none (the driver lists no capture formats)"));
    else printf("  %s\n", _("modes (* what vitrine run opens by default):"));
    for (int i = 0; i < c->nmodes; i++) {
        int seen = 0;
        for (int j = 0; j < i && !seen; j++) seen = !strcmp(c->modes[j].format, c->modes[i].format);
        if (!seen) print_format(c, i, chosen);
    }
    print_controls(c);
    if (chosen >= 0) {
        const vt_camera_mode *m = &c->modes[chosen];
        fps_text(m->fps, f, sizeof f);
        camera_line(c, m, line, sizeof line);
        printf("  %s %dx%d %s %s %s\n    %s\n", _("default:"), m->width, m->height, m->format, _("at"), f, line);
    }
    printf("\n");
}

static cJSON *camera_json(const vt_camera_info *c)
{
    char err[512], line[512];
    cJSON *o = cJSON_CreateObject(), *modes = cJSON_CreateArray(), *ctrls = cJSON_CreateArray();
    cJSON_AddStringToObject(o, "device", c->device);
    cJSON_AddStringToObject(o, "name", c->card);
    cJSON_AddStringToObject(o, "bus", c->bus);
    for (int i = 0; i < c->nmodes; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "format", c->modes[i].format);
        cJSON_AddStringToObject(m, "format_name", c->modes[i].format_name);
        cJSON_AddNumberToObject(m, "width", c->modes[i].width);
        cJSON_AddNumberToObject(m, "height", c->modes[i].height);
        cJSON_AddNumberToObject(m, "fps", round(c->modes[i].fps * 1000) / 1000);
        cJSON_AddItemToArray(modes, m);
    }
    cJSON_AddItemToObject(o, "modes", modes);
    int chosen = vt_camera_choose_mode(c->modes, c->nmodes, 0, 0, 0, NULL, err, sizeof err);
    cJSON_AddItemToObject(o, "default_mode", chosen >= 0 ? cJSON_CreateNumber(chosen) : cJSON_CreateNull());
    for (int i = 0; i < c->ncontrols; i++) {
        const vt_camera_control *k = &c->controls[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "name", k->name);
        cJSON_AddNumberToObject(j, "id", k->id);
        cJSON_AddNumberToObject(j, "type", k->type);
        cJSON_AddNumberToObject(j, "min", (double)k->min);
        cJSON_AddNumberToObject(j, "max", (double)k->max);
        cJSON_AddNumberToObject(j, "step", (double)k->step);
        cJSON_AddNumberToObject(j, "default", (double)k->def);
        cJSON_AddNumberToObject(j, "value", (double)k->value);
        cJSON_AddBoolToObject(j, "inactive", k->inactive);
        cJSON_AddItemToArray(ctrls, j);
    }
    cJSON_AddItemToObject(o, "controls", ctrls);
    if (chosen >= 0) camera_line(c, &c->modes[chosen], line, sizeof line);
    cJSON_AddItemToObject(o, "command", chosen >= 0 ? cJSON_CreateString(line) : cJSON_CreateNull());
    return o;
}

static int devices_present(void)
{
    glob_t g;
    int n = glob("/dev/video*", 0, NULL, &g) == 0 ? (int)g.gl_pathc : 0;
    if (n) globfree(&g);
    return n;
}

static int print_all(const vt_camera_info *cams, int n, int json)
{
    if (json) {
        cJSON *a = cJSON_CreateArray();
        for (int i = 0; i < n; i++) cJSON_AddItemToArray(a, camera_json(&cams[i]));
        char *s = cJSON_Print(a);
        if (s) puts(s);
        free(s);
        cJSON_Delete(a);
    } else {
        for (int i = 0; i < n; i++) print_camera(&cams[i]);
    }
    return 0;
}

int vt_cmd_cameras(int argc, char **argv)
{
    static const struct option lo[] = { { "json", no_argument, 0, 'j' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    int c, json = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'h': fputs(_(k_help), stdout); return 0;
        default:
            VT_ERROR("cameras", "unknown or incomplete option '%s' (try 'vitrine cameras --help')", argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        VT_ERROR("cameras", "'%s': vitrine cameras takes no arguments (try 'vitrine cameras --help')", argv[optind]);
        return 2;
    }
    vt_camera_info *cams = NULL;
    int n = 0;
    char err[512];
    if (vt_cameras_list(&cams, &n, err, sizeof err) != VT_OK) {
        VT_ERROR("cameras", "%s", err);
        return 1;
    }
    print_all(cams, n, json);   /* JSON: [] when none */
    vt_cameras_free(cams, n);
    if (n) return 0;
    int present = devices_present();
    if (present) VT_ERROR("cameras", "no cameras found: %d /dev/video* device(s), none captures video", present);
    else VT_ERROR("cameras", "no cameras found (looked at /dev/video*)");
    return 1;
}
