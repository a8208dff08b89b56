/* vt_catalog_camera.c — the catalog's "camera": the kiosk's source and the mode and controls to
 * ask of it, checked as the command line checks the same settings (--camera and its options). */
#include "catalog_camera.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const cat_camera_keys[] = { "source", "size", "fps", "format", "exposure", "focus", "white_balance", NULL };

typedef struct cam_ctx { vt_catalog *c; vt_catalog_report *rep; int errors; } cam_ctx;

/* An error at camera.KEY. Named like vt_catalog.c's: xgettext's keyword problem:3 takes its messages. */
static void problem(cam_ctx *x, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(cam_ctx *x, const char *key, const char *fmt, ...)
{
    char msg[256], path[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, vt_tr(fmt), ap);
    va_end(ap);
    int line = 0, col = 0;
    snprintf(path, sizeof path, "camera%s%s", key ? "." : "", key ? key : "");
    vt_catalog_position(x->c, path, &line, &col);
    vt_catalog_report_add(x->rep, 1, line, col, "%s", msg);
    x->errors++;
}

int vt_catalog_camera_fourcc(const char *text, char out[8])
{
    if (!text || strlen(text) != 4) return 0;
    for (int i = 0; i < 4; i++) {
        char ch = text[i];
        if (ch >= 'a' && ch <= 'z') ch = (char)(ch - 'a' + 'A');
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))) return 0;
        out[i] = ch;
    }
    out[4] = 0;
    return 1;
}

/* A source as --camera takes it (the same forms as vt_source_parse). */
static int source_ok(const char *s)
{
    static const char *const schemes[] = { "rtsp://", "rtsps://", "rtspt://", "http://", "https://", NULL };
    if (!strncasecmp(s, "gst:", 4)) return s[4 + strspn(s + 4, " ")] != 0;
    for (int i = 0; schemes[i]; i++)
        if (!strncasecmp(s, schemes[i], strlen(schemes[i]))) return s[strlen(schemes[i])] != 0;
    if (strstr(s, "://")) return 0;
    if (s[0] == '/') return 1;
    int n;
    return !vt_parse_int(s, 0, 255, &n);
}

static void read_source(cam_ctx *x, const cJSON *v)
{
    char num[16];
    const char *s = NULL;
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 255 && v->valuedouble == floor(v->valuedouble)) {
        snprintf(num, sizeof num, "%d", (int)v->valuedouble);
        s = num;
    } else if (cJSON_IsString(v) && source_ok(v->valuestring)) s = v->valuestring;
    if (s) { x->c->camera.source = strdup(s); return; }
    problem(x, "source", "camera.source %.200s: expected a camera index 0-255, a device such as /dev/video0, an rtsp:// or http:// address, or gst:PIPELINE",
            cJSON_IsString(v) ? v->valuestring : _("(not a string)"));
}

/* exposure, focus, white_balance: "auto", "locked" or a whole number 0 .. 1000000 (as text or a number). */
static char *read_control(cam_ctx *x, const cJSON *cam, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cam, key);
    if (!v) return NULL;
    char buf[32];
    int n;
    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 1000000 && v->valuedouble == floor(v->valuedouble)) {
        snprintf(buf, sizeof buf, "%d", (int)v->valuedouble);
        return strdup(buf);
    }
    if (cJSON_IsString(v) && (!strcmp(v->valuestring, "auto") || !strcmp(v->valuestring, "locked") ||
                              (v->valuestring[0] >= '0' && v->valuestring[0] <= '9' && !vt_parse_int(v->valuestring, 0, 1000000, &n))))
        return strdup(v->valuestring);
    problem(x, key, "camera.%s must be \"auto\", \"locked\" or a whole number 0-1000000", key);
    return NULL;
}

static void read_mode(cam_ctx *x, const cJSON *cam)
{
    vt_catalog_camera *k = &x->c->camera;
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(cam, "size");
    if (size && (!cJSON_IsString(size) || vt_parse_size(size->valuestring, 16, 7680, 16, 4320, &k->width, &k->height))) {
        k->width = k->height = 0;
        problem(x, "size", "camera.size must be \"WxH\" from 16x16 to 7680x4320, e.g. \"1920x1080\"");
    }
    const cJSON *fps = cJSON_GetObjectItemCaseSensitive(cam, "fps");
    if (fps && !(cJSON_IsNumber(fps) && fps->valuedouble > 0 && fps->valuedouble <= 480))
        problem(x, "fps", "camera.fps must be a number of frames per second above 0, at most 480");
    else if (fps) k->fps = fps->valuedouble;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(cam, "format");
    if (fmt && !(cJSON_IsString(fmt) && vt_catalog_camera_fourcc(fmt->valuestring, k->format)))
        problem(x, "format", "camera.format must be a FOURCC of 4 letters or digits, e.g. \"MJPG\" or \"YUYV\"");
}

int cat_read_camera(vt_catalog *c, vt_catalog_report *rep, const cJSON *root)
{
    cam_ctx x = { c, rep, 0 };
    const cJSON *cam = cJSON_GetObjectItemCaseSensitive(root, "camera");
    if (!cam) return 0;
    if (!cJSON_IsObject(cam)) { problem(&x, NULL, "\"camera\" must be an object"); return x.errors; }
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(cam, "source");
    if (src) read_source(&x, src);
    read_mode(&x, cam);
    c->camera.exposure = read_control(&x, cam, "exposure");
    c->camera.focus = read_control(&x, cam, "focus");
    c->camera.white_balance = read_control(&x, cam, "white_balance");
    return x.errors;
}

void cat_free_camera(vt_catalog_camera *cam)
{
    free(cam->source);
    free(cam->exposure);
    free(cam->focus);
    free(cam->white_balance);
    memset(cam, 0, sizeof *cam);
}

static int same_str(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

int vt_catalog_camera_equal(const vt_catalog_camera *a, const vt_catalog_camera *b)
{
    return same_str(a->source, b->source) && a->width == b->width && a->height == b->height && a->fps == b->fps &&
           !strcmp(a->format, b->format) && same_str(a->exposure, b->exposure) && same_str(a->focus, b->focus) &&
           same_str(a->white_balance, b->white_balance);
}
