/* doctor_checks.c — `vitrine doctor`'s checks of the display's inputs: the catalog, the cameras,
 * the renderer, the fonts for the catalog's texts, the models. Each is bounded in time: the
 * renderer is made in a child process given RENDER_WAIT_S, the models load in the isolated
 * loader under its limits (as `vitrine run` loads them). */
#include "doctor.h"

#include "app_checks.h"
#include "assets/vt_assets.h"
#include "capture/vt_capture.h"
#include "render/vt_render.h"

#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A GL that has not made a 64x64 headless context in this long is not going to. */
#define RENDER_WAIT_S 30
/* Problems of the catalog shown under its line (all of them: `vitrine validate`). */
#define CATALOG_SHOWN 5

void doctor_set(doctor_check *c, doctor_level level, const char *fmt, ...)
{
    if (level > c->level) c->level = level;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->text, sizeof c->text, fmt, ap);
    va_end(ap);
}

void doctor_detail(doctor_check *c, const char *fmt, ...)
{
    if (c->ndetails >= DOCTOR_MAX_DETAILS) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->details[c->ndetails++], DOCTOR_TEXT, fmt, ap);
    va_end(ap);
}

/* ---- the catalog ---- */
void doctor_check_catalog(doctor_ctx *d, doctor_check *c)
{
    vt_catalog_parse(d->catalog_path, &d->rep, 1, &d->cat);   /* the report says what is wrong */
    int warnings = d->rep.count - d->rep.errors;
    /* The line names the first error; the next ones (or the warnings) below it. */
    for (int i = 0, shown = 0, first = 1; i < d->rep.count && shown < CATALOG_SHOWN; i++) {
        if (d->rep.errors && !d->rep.items[i].is_error) continue;   /* errors first: they stop the display */
        if (d->rep.errors && first) { first = 0; continue; }
        char line[1400];
        vt_catalog_problem_format(d->catalog_path, &d->rep.items[i], line, sizeof line);
        doctor_detail(c, "%s", line);
        shown++;
    }
    if (!d->cat && !d->rep.errors) {
        doctor_set(c, DOCTOR_BLOCKER, _("%s cannot be read as a catalog (vitrine validate %s)"), d->catalog_path, d->catalog_path);
    } else if (d->rep.errors) {
        const vt_catalog_problem *p = NULL;
        for (int i = 0; i < d->rep.count && !p; i++) if (d->rep.items[i].is_error) p = &d->rep.items[i];
        char first[1400] = "";
        if (p) vt_catalog_problem_format(d->catalog_path, p, first, sizeof first);
        doctor_set(c, DOCTOR_BLOCKER, vt_trn("%d error; the display will not start with it: %s (all of them: vitrine validate %s)",
                                             "%d errors; the display will not start with it: %s (all of them: vitrine validate %s)",
                                             (unsigned long)d->rep.errors),
                   d->rep.errors, first, d->catalog_path);
    } else if (warnings) {
        doctor_set(c, DOCTOR_WARNING, vt_trn("%s: %d product, %d warning (vitrine validate %s)", "%s: %d products, %d warnings (vitrine validate %s)",
                                             (unsigned long)d->cat->count),
                   d->catalog_path, d->cat->count, warnings, d->catalog_path);
    } else {
        doctor_set(c, DOCTOR_OK, vt_trn("%s: %d product, no problem", "%s: %d products, no problem", (unsigned long)d->cat->count),
                   d->catalog_path, d->cat->count);
    }
}

/* ---- the cameras ---- */
static void camera_detail(doctor_check *c, const vt_camera_info *cam)
{
    char err[512];
    int m = vt_camera_choose_mode(cam->modes, cam->nmodes, 0, 0, 0, NULL, err, sizeof err);
    if (m < 0) { doctor_detail(c, _("%s: %s, no capture mode"), cam->device, cam->card); return; }
    const vt_camera_mode *md = &cam->modes[m];
    doctor_detail(c, _("%s: %s, %d modes; opens %dx%d %s at %.4g frames/s"), cam->device, cam->card, cam->nmodes, md->width,
                  md->height, md->format, md->fps);
}

/* The catalog's "camera" as a stream or pipeline (no V4L2 camera needed): its spec, else NULL. */
static const char *catalog_stream(const doctor_ctx *d)
{
    const char *s = d->cat ? d->cat->camera.source : NULL;
    vt_source_desc sd = vt_source_desc_defaults();
    char err[256];
    if (!s || vt_source_parse(s, &sd, err, sizeof err) != VT_OK) return NULL;
    return sd.kind == VT_SOURCE_CAMERA ? NULL : s;
}

/* A device the listing could not open (no permission, gone): the logger's warning, as a detail. */
static void camera_sink(vt_log_level lvl, const char *subsystem, const char *line, void *ctx)
{
    if (lvl <= VT_LOG_WARN && !strcmp(subsystem, "capture")) doctor_detail(ctx, "%s", line);
}

void doctor_check_cameras(const doctor_ctx *d, doctor_check *c)
{
    vt_camera_info *cams = NULL;
    int n = 0;
    char err[512];
    vt_log_set_sink(camera_sink, c);
    if (vt_cameras_list(&cams, &n, err, sizeof err) != VT_OK) { doctor_detail(c, "%s", err); n = 0; }
    vt_log_set_sink(NULL, NULL);
    for (int i = 0; i < n; i++) camera_detail(c, &cams[i]);
    const char *stream = catalog_stream(d);
    const char *named = d->cat ? d->cat->camera.source : NULL;
    if (stream)
        doctor_set(c, DOCTOR_OK, _("the catalog's camera is a stream (%s): no V4L2 camera needed; %d found"), stream, n);
    else if (n)
        doctor_set(c, DOCTOR_OK, vt_trn("%d camera: %s (%s)", "%d cameras, the first: %s (%s)", (unsigned long)n), n, cams[0].device,
                   cams[0].card);
    else if (named)
        doctor_set(c, DOCTOR_WARNING, _("no camera found (looked at /dev/video*), and the catalog asks for %s: plug it in "
                   "(vitrine cameras lists what is seen)"), named);
    else
        doctor_set(c, DOCTOR_WARNING, _("no camera found (looked at /dev/video*): the display plays the built-in demo; "
                   "plug in a camera, or set the catalog's \"camera\" to a stream (rtsp://...)"));
    vt_cameras_free(cams, n);
}

/* ---- the renderer ---- */
/* The child's side: "renderer\nversion\n" on fd, or "!error\n". Never returns. */
static void render_child(int fd)
{
    vt_renderer *r = NULL;
    char err[512] = "", name[256] = "", version[256] = "", out[1100];
    vt_log_set_level(VT_LOG_ERROR);
    if (vt_render_create(&(vt_render_desc){ .width = 64, .height = 64, .headless = 1, .msaa = 1 }, &r, err, sizeof err) != VT_OK)
        snprintf(out, sizeof out, "!%s\n", err);
    else {
        vt_render_info(r, name, sizeof name, version, sizeof version);
        snprintf(out, sizeof out, "%s\n%s\n", name, version);
    }
    vt_render_destroy(r);
    ssize_t w = write(fd, out, strlen(out));
    _exit(w < 0);
}

/* What the child wrote within RENDER_WAIT_S into buf; -1 when it did not answer (it is killed). */
static int render_ask(char *buf, size_t len)
{
    int p[2];
    if (pipe(p)) return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) { close(p[0]); render_child(p[1]); }
    close(p[1]);
    size_t got = 0;
    int timed_out = pid < 0;
    struct pollfd pf = { .fd = p[0], .events = POLLIN };
    while (pid > 0 && got + 1 < len) {
        int k = poll(&pf, 1, RENDER_WAIT_S * 1000);
        if (k == 0) { timed_out = 1; break; }
        if (k < 0 && errno == EINTR) continue;
        ssize_t r = k > 0 ? read(p[0], buf + got, len - 1 - got) : -1;
        if (r <= 0) break;
        got += (size_t)r;
    }
    buf[got] = 0;
    close(p[0]);
    if (pid > 0) {
        if (timed_out) kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    }
    return timed_out ? -1 : 0;
}

void doctor_check_renderer(doctor_check *c)
{
    char buf[1200];
    if (render_ask(buf, sizeof buf) < 0) {
        doctor_set(c, DOCTOR_BLOCKER, _("the GL did not make a headless context in %d s (a hung driver?)"), RENDER_WAIT_S);
        return;
    }
    char *nl = strchr(buf, '\n');
    if (buf[0] == '!' || !nl) {
        if (nl) *nl = 0;
        doctor_set(c, DOCTOR_BLOCKER, _("no OpenGL 3.3 renderer: %s (install Mesa's libegl1 and libgl1-mesa-dri, or the GPU's "
                   "driver)"), buf[0] == '!' ? buf + 1 : _("the renderer's process ended without an answer"));
        return;
    }
    *nl = 0;
    char *version = nl + 1, *end = strchr(version, '\n');
    if (end) *end = 0;
    if (strstr(buf, "llvmpipe") || strstr(buf, "softpipe"))
        /* docs/performance.md: the demo with products, two cores, threaded run; real product
         * models (the bundled catalog) cost about three times the basic shelf's simple ones. */
        doctor_set(c, DOCTOR_WARNING, _("no GPU: Mesa's %s renders on the CPU (OpenGL %s); expect about 30 frames/s at 1080p and "
                   "55 at 720p on two cores with simple models (models/basic-shelf.json), a third of that with the bundled "
                   "catalog's real products (docs/performance.md)"), buf, version);
    else
        doctor_set(c, DOCTOR_OK, _("%s (OpenGL %s)"), buf, version);
    if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY"))
        doctor_detail(c, _("no display in this session (DISPLAY and WAYLAND_DISPLAY unset): here only `vitrine run --headless` "
                      "can draw"));
}

/* ---- fonts ---- */
/* Appends text and a newline (needs no glyph) to the growing buffer; a detail line naming where
 * it is (the product, the key, the language) when a character of it has no font. */
static void add_text(GString *all, doctor_check *c, const char *id, const char *key, const char *lang, const char *text)
{
    if (!text || !*text) return;
    g_string_append(all, text);
    g_string_append_c(all, '\n');
    char missing[400];
    if (!g_utf8_validate(text, -1, NULL) || !vt_render_text_missing(text, missing, sizeof missing)) return;
    /* TRANSLATORS: "runner-x name (ja): X (U+1C5A)" */
    if (lang) doctor_detail(c, _("%s %s (%s): %s"), id, key, lang, missing);
    else doctor_detail(c, "%s %s: %s", id, key, missing);
}

/* The ISO 15924 codes of the scripts in text ("Latn, Hira, Kana, Hani"), as far as len holds. */
static void scripts_of(const char *text, char *out, size_t len)
{
    GUnicodeScript seen[64];
    int n = 0;
    size_t at = 0;
    out[0] = 0;
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        GUnicodeScript s = g_unichar_get_script(g_utf8_get_char(p));
        if (s == G_UNICODE_SCRIPT_COMMON || s == G_UNICODE_SCRIPT_INHERITED || s == G_UNICODE_SCRIPT_UNKNOWN) continue;
        int k = 0;
        while (k < n && seen[k] != s) k++;
        if (k < n || n == 64) continue;
        seen[n++] = s;
        char code[5];
        guint32 t = g_unicode_script_to_iso15924(s);
        snprintf(code, sizeof code, "%c%c%c%c", (int)(t >> 24), (int)(t >> 16 & 0xff), (int)(t >> 8 & 0xff), (int)(t & 0xff));
        int w = snprintf(out + at, len - at, "%s%s", at ? ", " : "", code);
        if (w < 0 || at + (size_t)w >= len) break;
        at += (size_t)w;
    }
}

void doctor_check_fonts(const doctor_ctx *d, doctor_check *c)
{
    if (!d->cat) { doctor_set(c, DOCTOR_WARNING, _("not checked: the catalog could not be read")); return; }
    static const char *const keys[] = { "name", "brand", "category", "description" };
    GString *all = g_string_new(NULL);
    add_text(all, c, "store", "name", NULL, d->cat->store_name);
    for (int i = 0; i < d->cat->count; i++) {
        const vt_product *p = &d->cat->products[i];
        const char *id = p->id ? p->id : "?", *mine[] = { p->name, p->brand, p->category, p->description };
        for (size_t k = 0; k < 4; k++) add_text(all, c, id, keys[k], NULL, mine[k]);
        for (int t = 0; t < p->ntranslations; t++) {
            const vt_product_lang *L = &p->translations[t];
            const char *theirs[] = { L->name, L->brand, L->category, L->description };
            for (size_t k = 0; k < 4; k++) add_text(all, c, id, keys[k], L->lang, theirs[k]);
        }
    }
    if (!g_utf8_validate(all->str, (gssize)all->len, NULL)) {
        doctor_set(c, DOCTOR_WARNING, _("not checked: the catalog's texts are not UTF-8"));
        g_string_free(all, TRUE);
        return;
    }
    char why[900], scripts[200];
    scripts_of(all->str, scripts, sizeof scripts);
    int n = app_text_coverage(all->str, why, sizeof why);
    if (n) doctor_set(c, DOCTOR_WARNING, "%s", why);
    else doctor_set(c, DOCTOR_OK, _("every character of the catalog's texts has a font (scripts: %s)"), scripts[0] ? scripts : "-");
    g_string_free(all, TRUE);
}

/* ---- models ---- */
/* One product's model through the loader: a detail line when it will not show as it is. */
static int check_one_model(vt_model_loader *ld, const vt_product *p, doctor_check *c)
{
    vt_model *m = NULL;
    char err[1024] = "", why[512];
    const char *id = p->id ? p->id : "?";
    if (!p->model_path) { doctor_detail(c, _("%s: no \"model\"; a grey box stands in"), id); return 1; }
    if (vt_model_loader_load(ld, p->model_path, &m, err, sizeof err) != VT_OK) {
        doctor_detail(c, _("%s: %s; the display shows a placeholder"), id, err);
        return 1;
    }
    int bad = 0;
    if (app_draw_cost(m, why, sizeof why) == 2) { doctor_detail(c, "%s: %s", id, why); bad = 1; }
    app_model_scale(m, p, why, sizeof why);
    if (why[0]) { doctor_detail(c, "%s: %s", id, why); bad = 1; }
    vt_model_destroy(m);
    return bad;
}

void doctor_check_models(const doctor_ctx *d, doctor_check *c)
{
    if (!d->cat) { doctor_set(c, DOCTOR_WARNING, _("not checked: the catalog could not be read")); return; }
    vt_model_isolated_set_exe("/proc/self/exe");   /* each load in a child under run's limits */
    vt_load_limits lim = vt_load_limits_defaults();
    vt_model_loader *ld = NULL;
    char err[512];
    if (vt_model_loader_create(&lim, &ld, err, sizeof err) != VT_OK) {
        doctor_set(c, DOCTOR_WARNING, _("not checked: %s"), err);
        return;
    }
    int bad = 0;
    for (int i = 0; i < d->cat->count; i++) bad += check_one_model(ld, &d->cat->products[i], c);
    vt_model_loader_destroy(ld);
    if (bad)
        doctor_set(c, DOCTOR_WARNING, vt_trn("%d of %d products will not show its model as it is (below; vitrine validate says more)",
                                             "%d of %d products will not show their models as they are (below; vitrine validate says more)",
                                             (unsigned long)bad),
                   bad, d->cat->count);
    else
        doctor_set(c, DOCTOR_OK, vt_trn("%d product's model loads within the limits", "all %d products' models load within the limits",
                                        (unsigned long)d->cat->count),
                   d->cat->count);
}
