/* cmd_run.c — `vitrine run`: the AR display. The frame loop is a short sequence of named steps
 * over one run context (run.h): read frame, reload if changed, handle a lost source, detect, pose,
 * visits, input, draw, emit, report. Setup and teardown are in run_setup.c, the scene and its hot
 * reload in run_scene.c, the command line in run_opts.c. */
#include "run.h"

#include "app/vt_app.h"
#include "ui/vt_ui.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Ctrl-C or a service manager's SIGTERM: finish the frame, close files, print the summary. */
static volatile sig_atomic_t g_stop;
static void on_stop(int sig) { (void)sig; g_stop = 1; }

typedef enum step { STEP_GO, STEP_NEXT_FRAME, STEP_STOP } step;

/* The frame's media time, seconds: the one clock of visuals, pose smoothing and presence. */
static double media_time(const run_ctx *rc)
{
    return rc->clock.live ? vt_ms_since(rc->clock.t0) / 1000 : rc->fr.index / rc->clock.fps;
}

/* Step: the composited frame to the output (video, PNGs or '-'); a failed write ends the run. */
static vt_result emit(run_ctx *rc)
{
    vt_result r = rc->sink ? vt_sink_write(rc->sink, &rc->rgba, rc->err, sizeof rc->err) : VT_OK;
    if (r != VT_OK) {
        VT_ERROR("run", "%s", rc->err);
        rc->status = 1;
    }
    return r;
}

/* Step: a live source that dropped out is retried with back-off (0.25 s doubling up to 5 s);
 * while it is away its last picture shows with a banner, at about 25 frames/s, not a busy loop. */
static step lost_source(run_ctx *rc)
{
    if (!rc->offline) return STEP_GO;
    if (vt_now_ns() >= rc->retry_at) {
        if (vt_source_reopen(rc->src, rc->err, sizeof rc->err) == VT_OK &&
            (rc->rr = vt_source_read(rc->src, &rc->fr, rc->err, sizeof rc->err)) == VT_OK) {
            rc->offline = 0;
            vt_tracker_reset(rc->det);   /* the view may have changed while away */
            VT_WARN("run", "%s is back after %.1f s", rc->fr.name, vt_ms_since(rc->t_offline) / 1000);
            return STEP_GO;
        }
        rc->rr = VT_OK;
        rc->backoff = rc->backoff * 2 > 5 ? 5 : rc->backoff * 2;
        rc->retry_at = vt_now_ns() + (uint64_t)(rc->backoff * 1e9);
    }
    vt_render_begin(rc->rend, rc->last_frame.data ? &rc->last_frame : NULL, &rc->cam);
    vt_ui_banner(rc->rend, rc->W, rc->H, "Camera disconnected \u2014 reconnecting");
    vt_render_end(rc->rend, rc->o.out ? &rc->rgba : NULL);
    if (emit(rc) != VT_OK) return STEP_STOP;
    vt_profile_end_frame(&rc->prof);
    rc->n++;
    if (rc->o.frames && rc->n >= rc->o.frames) return STEP_STOP;
    nanosleep(&(struct timespec){ 0, 40000000 }, NULL);
    return STEP_NEXT_FRAME;
}

/* Step: the markers in this frame (a live source's picture kept for when it drops out). */
static void detect(run_ctx *rc)
{
    if (rc->live) vt_image_copy(&rc->last_frame, &rc->fr.colour);
    if (rc->det) vt_tracker_track(rc->det, &rc->fr.grey, &rc->ml);
    run_staff_detect(rc);   /* the wrong-dictionary hint: a look at most, the check runs aside */
    vt_profile_stamp(&rc->prof, "detect");
}

/* A marker's printed side, metres: its product's, else the catalog's. */
static double marker_length(int id, void *ctx)
{
    const vt_catalog *cat = ctx;
    const vt_product *p = vt_catalog_find_marker(cat, id);
    return (p ? p->length_mm : cat->length_mm) / 1000.0;
}

/* Step: each marker's pose, smoothed by the 1€ filter (the step `detect --filter` shares). */
static void pose(run_ctx *rc)
{
    vt_marker_length len = { rc->sc.cat->length_mm / 1000.0, marker_length, rc->sc.cat };
    if (vt_pose_markers(rc->pf, &rc->cam, &rc->ml, rc->fr.index, rc->t, &len, rc->err, sizeof rc->err) != VT_OK)
        VT_WARN("run", "%s", rc->err);
    vt_profile_stamp(&rc->prof, "pose");
}

/* Step: visits of catalog products, with found/lost hysteresis, into the analytics. */
static void visits(run_ctx *rc)
{
    if (!rc->stats) return;
    int ids[VT_PRESENCE_MAX], nid = 0;
    for (int i = 0; i < rc->ml.count && nid < VT_PRESENCE_MAX; i++)
        if (vt_catalog_find_marker(rc->sc.cat, rc->ml.items[i].id)) ids[nid++] = rc->ml.items[i].id;
    run_record_presence(rc, vt_presence_update(&rc->presence, rc->fr.index, rc->t, ids, nid, rc->pev));
}

/* Step: keys and taps (a window only). Returns 1 when a screenshot was asked for. */
static int input(run_ctx *rc)
{
    int shot = 0;
    for (int key; (key = vt_render_poll_key(rc->rend)) != 0;) {
        vt_visitor_action act = rc->vis ? vt_visitor_key(rc->vis, key) : key == 27 ? VT_VISITOR_QUIT : VT_VISITOR_NONE;
        switch (act) {
        case VT_VISITOR_QUIT: g_stop = 1; break;
        case VT_VISITOR_SCREENSHOT: shot = 1; break;
        case VT_VISITOR_FULLSCREEN: vt_render_toggle_fullscreen(rc->rend); break;
        case VT_VISITOR_NONE: break;
        }
    }
    for (float cx, cy; vt_render_poll_click(rc->rend, &cx, &cy);)
        if (rc->vis) vt_visitor_click(rc->vis, &rc->cam, cx, cy);
    return shot;
}

/* The products whose markers have a pose, to the visitor; --card opens its card when first seen. */
static void show_products(run_ctx *rc)
{
    const scene *sc = &rc->sc;
    for (int i = 0; i < rc->ml.count; i++) {
        const vt_marker *m = &rc->ml.items[i];
        for (int k = 0; k < sc->cat->count; k++) {
            if (sc->slots[k].p->marker != m->id || !m->has_pose || !sc->slots[k].gpu.id) continue;
            vt_visitor_seen(rc->vis, k, m->rvec, m->tvec);
            if (rc->card_pending && !strcmp(sc->slots[k].p->id, rc->o.card)) {
                vt_visitor_open_card(rc->vis, k);
                rc->card_pending = 0;
            }
        }
    }
}

/* The HUD's lines: frames per second and stage times since the last refresh, every second. */
static void hud_refresh(run_ctx *rc)
{
    run_hud *h = &rc->hud;
    const vt_profile *prof = &rc->prof;
    if (!((vt_ms_since(h->t) >= 1000 || h->n == 0) && rc->n > 0)) return;
    double secs = vt_ms_since(h->t) / 1000;
    h->n = 0;
    snprintf(h->buf[h->n++], sizeof h->buf[0], "%.1f frames/s  %dx%d", (rc->n - h->frames) / secs, rc->W, rc->H);
    char line[96] = "";
    size_t len = 0;
    for (int k = 0; k < prof->count && h->n < 4; k++) {
        int frames = prof->frames - h->prof.frames;
        double ms = (prof->total_ms[k] - h->prof.total_ms[k]) / (frames > 0 ? frames : 1);
        len += (size_t)snprintf(line + len, sizeof line - len, "%s %.1f ms  ", prof->name[k], ms);
        if (len > 40 || k == prof->count - 1) { snprintf(h->buf[h->n++], sizeof h->buf[0], "%s", line); len = 0; line[0] = 0; }
        if (len >= sizeof line) len = sizeof line - 1;
    }
    h->n = run_staff_hud(rc, h->n);   /* under the frame rate: the latest staff messages */
    h->prof = *prof;
    h->frames = rc->n;
    h->t = vt_now_ns();
}

/* S: the frame as shown, saved for staff (the output stage names the file). */
static void save_screenshot(const char *dir, const vt_image *rgba)
{
    char path[1200], err[1400];
    if (vt_screenshot_save(dir, rgba, path, sizeof path, err, sizeof err) != VT_OK) VT_WARN("run", "screenshot: %s", err);
    else VT_NOTE("run", "screenshot saved to %s", path);
}

/* Step: the camera frame, the products on it and the visitor's UI (staff messages only in the
 * HUD); read back for the output or a screenshot. */
static void draw(run_ctx *rc, int shot)
{
    vt_render_begin(rc->rend, &rc->fr.colour, &rc->cam);
    if (rc->vis) {
        vt_visitor_begin(rc->vis, rc->t, rc->fr.index);
        show_products(rc);
        vt_visitor_draw_scene(rc->vis, rc->rend, &rc->cam);
        if (vt_visitor_hud(rc->vis)) hud_refresh(rc);
        vt_visitor_draw_ui(rc->vis, rc->rend, &rc->cam, rc->W, rc->H, rc->hud.lines, rc->hud.n);
    }
    if (shot && !rc->rgba.data) vt_image_alloc(&rc->rgba, VT_PIX_RGBA8, rc->W, rc->H);
    vt_render_end(rc->rend, rc->o.out || shot ? &rc->rgba : NULL);
    if (shot) save_screenshot(rc->o.shots, &rc->rgba);
    vt_profile_stamp(&rc->prof, "render");
}

/* Step: with --report-every, one line per interval for soak tests and long runs (a progress line
 * on stderr, like the summary): rate, mean stage times, memory. */
static void report(run_ctx *rc)
{
    if (!(rc->o.report_every > 0 && vt_ms_since(rc->t_report) >= rc->o.report_every * 1000)) return;
    double secs = vt_ms_since(rc->t_report) / 1000;
    long rss_kb = 0, pages = 0, res = 0;
    FILE *st = fopen("/proc/self/statm", "r");
    if (st && fscanf(st, "%ld %ld", &pages, &res) == 2) rss_kb = res * 4;
    if (st) fclose(st);
    fprintf(stderr, "vitrine: run: report: t %.0f s, %d frames, %.1f frames/s, rss %ld kB; ", vt_ms_since(rc->clock.t0) / 1000,
            rc->n, (rc->n - rc->n_report) / secs, rss_kb);
    vt_profile tmp = rc->prof;
    for (int k = 0; k < tmp.count; k++) tmp.total_ms[k] -= rc->prof_report.total_ms[k];
    tmp.frames -= rc->prof_report.frames;
    vt_profile_print(&tmp, stderr, 1);
    rc->prof_report = rc->prof;
    rc->n_report = rc->n;
    rc->t_report = vt_now_ns();
}

/* A live source failed: "Camera disconnected" until it is back. What is on the shelf is unknown
 * while it is away, so the visits end here. */
static void go_offline(run_ctx *rc)
{
    VT_WARN("run", "%s; showing \"Camera disconnected\" and reconnecting", rc->err);
    if (rc->stats) run_record_presence(rc, vt_presence_flush(&rc->presence, rc->pev));
    rc->offline = 1;
    rc->backoff = 0.25;
    rc->t_offline = vt_now_ns();
    rc->retry_at = rc->t_offline + (uint64_t)(rc->backoff * 1e9);
    rc->rr = VT_OK;
}

/* Step: the next frame. A live source that fails goes offline; any other failure ends the run. */
static step read_frame(run_ctx *rc)
{
    if (run_read(rc) != VT_OK && rc->rr != VT_END) {
        if (rc->live) go_offline(rc);
        else { VT_ERROR("run", "%s", rc->err); rc->status = 1; }
    }
    return rc->rr == VT_END && rc->sd.kind == VT_SOURCE_DEMO ? STEP_STOP : STEP_GO;
}

static void frame_loop(run_ctx *rc)
{
    while (rc->rr == VT_OK && !g_stop) {   /* the first frame was read by run_open_source */
        vt_profile_begin_frame(&rc->prof);
        if (vt_render_should_close(rc->rend)) break;
        run_reload_if_changed(rc);
        step s = lost_source(rc);
        if (s == STEP_STOP) break;
        if (s == STEP_NEXT_FRAME) continue;
        detect(rc);
        rc->t = media_time(rc);
        pose(rc);
        visits(rc);
        draw(rc, input(rc));
        run_layout_log(rc);
        if (emit(rc) != VT_OK) break;
        vt_profile_stamp(&rc->prof, "output");
        vt_profile_end_frame(&rc->prof);
        rc->n++;
        report(rc);
        if (rc->o.frames && rc->n >= rc->o.frames) break;
        if (read_frame(rc) == STEP_STOP) break;
        vt_profile_stamp(&rc->prof, "capture");
    }
}

/* The command's result on stderr (like the report lines): frames, rate, mean stage times. */
static void print_summary(const run_ctx *rc)
{
    double secs = vt_ms_since(rc->clock.t0) / 1000;
    fprintf(stderr, "vitrine: run: %d frames (%dx%d) in %.1f s, %.1f frames/s%s%s; per frame: ", rc->n, rc->W, rc->H, secs,
            secs > 0 ? rc->n / secs : 0, rc->o.out ? ", written to " : "", rc->o.out ? rc->o.out : "");
    vt_profile_print(&rc->prof, stderr, 1);
}

int vt_cmd_run(int argc, char **argv)
{
    run_ctx *rc = calloc(1, sizeof *rc);
    if (!rc) { VT_ERROR("run", "out of memory"); return 1; }
    int status = run_opts_parse(argc, argv, &rc->o);
    if (status < 0) status = run_open_source(rc);
    if (status < 0) status = run_open_display(rc);
    if (status < 0) {
        run_open_analytics(rc);
        run_open_visitor(rc);
        run_open_tracking(rc);
        g_stop = 0;
        signal(SIGINT, on_stop);
        signal(SIGTERM, on_stop);
        rc->clock.t0 = rc->t_report = vt_now_ns();
        frame_loop(rc);
        run_end_visits(rc);
        print_summary(rc);
        status = rc->status;
    }
    run_close(rc);
    free(rc);
    return status;
}
