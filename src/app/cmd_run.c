/* cmd_run.c — `vitrine run`: the AR display. The frame loop is a short sequence of named steps
 * over one run context (run.h), on the GL thread: next frame, reload if changed, detect, pose,
 * visits, input, draw, shown, emit, report. Frames are read and their markers found on the
 * capture thread (run_pipe.c) while the frame before is drawn, and encoded on the output's own
 * thread. Setup and teardown are in run_setup.c, the scene and its hot reload in run_scene.c, the
 * command line in run_opts.c. */
#include "run.h"
#include "vision/vt_vision.h"

#include "app/vt_app.h"
#include "ui/vt_ui.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ctrl-C, a service manager's SIGTERM or a closed terminal's SIGHUP: finish the frame, close
 * files (the video playable, the session closed), print the summary; within a second or two.
 * A second signal ends the process at once. */
static volatile sig_atomic_t g_stop, g_signal;
static void on_stop(int sig)
{
    if (g_signal) {   /* the second: at once, as before (a set-up stuck on something else) */
        signal(sig, SIG_DFL);
        raise(sig);
    }
    g_signal = sig;
    g_stop = 1;
}

typedef enum step { STEP_GO, STEP_NEXT_FRAME, STEP_STOP } step;

/* The frame's media time, seconds: the one clock of visuals, pose smoothing and presence (live:
 * when the frame was captured). */
static double media_time(const run_ctx *rc)
{
    /* signed: the first frame (and a camera's own timestamps) may come from before t0 */
    return rc->clock.live ? (double)(int64_t)(rc->item->t_capture - rc->clock.t0) * 1e-9 : rc->fr.index / rc->clock.fps;
}

/* Step: the composited frame to the output (video, PNGs or '-'); a failed write ends the run. */
static vt_result emit(run_ctx *rc)
{
    vt_result r = rc->sink ? vt_sink_submit(rc->sink, &rc->rgba, rc->err, sizeof rc->err) : VT_OK;   /* no copy */
    if (r != VT_OK) {
        VT_ERROR("run", "%s", rc->err);
        rc->status = 1;
    }
    return r;
}

/* A live source that is away: its last picture with a banner, at about 25 frames/s (the capture
 * thread reconnects with back-off). */
static step offline_frame(run_ctx *rc)
{
    vt_render_begin(rc->rend, rc->last_frame.data ? &rc->last_frame : NULL, &rc->cam);
    vt_ui_banner(rc->rend, rc->W, rc->H,
                 vt_tr_lang(rc->vis ? vt_visitor_locale(rc->vis) : NULL, "Camera disconnected \u2014 reconnecting"));
    vt_render_end(rc->rend, rc->o.out ? &rc->rgba : NULL);
    run_console_step(rc);
    run_network_step(rc);   /* the heartbeat says the camera is offline */
    if (emit(rc) != VT_OK) return STEP_STOP;
    vt_profile_end_frame(&rc->prof);
    rc->n++;
    run_service_frame(rc);   /* a lost camera is not a frozen loop: the heartbeats go on */
    return rc->o.frames && rc->n >= rc->o.frames ? STEP_STOP : STEP_NEXT_FRAME;
}

/* Step: the markers in this frame, found on the capture thread (rc->ml; the tracker's figures in
 * rc->item->det); a live source's picture kept for when it drops out. */
static void detect(run_ctx *rc)
{
    if (rc->live) vt_image_copy(&rc->last_frame, &rc->fr.colour);
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
    /* A camera's frame reaches the screen a latency after its capture: each pose moved on to
     * then (at most 50 ms), so products keep up with the video. A file's media time is its display
     * time: nothing predicted, and runs stay reproducible. */
    double ahead = (rc->lat_recent_ms < 50 ? rc->lat_recent_ms : 50) / 1000;
    for (int i = 0; rc->clock.live && rc->pf && i < rc->ml.count; i++) {
        vt_marker *m = &rc->ml.items[i];
        if (m->has_pose) vt_pose_filter_predict(rc->pf, m->id, rc->fr.index, ahead, m->rvec, m->tvec);
    }
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

/* The next key: a window's, else one of --key's for this frame (after its --click taps, in the
 * order given); 0 when none is left. */
static int next_key(run_ctx *rc, int *scripted)
{
    int key = vt_render_poll_key(rc->rend);
    for (; !key && *scripted < rc->o.ninputs; (*scripted)++) {
        const run_input *in = &rc->o.inputs[*scripted];
        if (in->frame != rc->fr.index) continue;
        if (in->key) key = in->key;
        else if (rc->vis) vt_visitor_click(rc->vis, &rc->cam, in->x, in->y);
    }
    return key;
}

/* Step: keys and taps (a window's, and --click/--key's). Returns 1 when a screenshot was asked for. */
static int input(run_ctx *rc)
{
    int shot = 0, scripted = 0;
    for (int key; (key = next_key(rc, &scripted)) != 0;) {
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
            if (sc->slots[k].p->marker != m->id || !m->has_pose || !sc->slots[k].model || !sc->slots[k].p->active) continue;
            vt_visitor_seen(rc->vis, k, m->rvec, m->tvec);
            run_scene_animate(sc, k, rc->t, rc->rend);   /* by media time: the same frame, the same pose */
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
    snprintf(h->buf[h->n++], sizeof h->buf[0], _("%.1f frames/s  %dx%d  latency %.0f ms"), (rc->n - h->frames) / secs, rc->W, rc->H,
             run_latency_mean(&rc->lat_hud));
    memset(&rc->lat_hud, 0, sizeof rc->lat_hud);
    char line[96] = "";
    size_t len = 0;
    for (int k = 0; k < prof->count && h->n < 4; k++) {
        int frames = prof->frames - h->prof.frames;
        double ms = (prof->total_ms[k] - h->prof.total_ms[k]) / (frames > 0 ? frames : 1);
        len += (size_t)snprintf(line + len, sizeof line - len, "%s %.1f ms  ", prof->name[k], ms);
        if (len > 40 || k == prof->count - 1) { snprintf(h->buf[h->n++], sizeof h->buf[0], "%s", line); len = 0; line[0] = 0; }
        if (len >= sizeof line) len = sizeof line - 1;
    }
    h->n = run_network_hud(rc, h->n);   /* on the shop network: connected, pending, version */
    h->n = run_staff_hud(rc, h->n);   /* under the frame rate: the latest staff messages */
    h->prof = *prof;
    h->frames = rc->n;
    h->t = vt_now_ns();
}

/* S: the frame as shown, saved for staff (the output stage names the file); by default in the
 * pictures folder, made on the first screenshot. */
static void save_screenshot(const char *dir, const vt_image *rgba)
{
    char path[1200], err[1400];
    if (!dir && vt_make_dirs(vt_pictures_dir(), 0, err, sizeof err) != VT_OK) {
        VT_WARN("run", "screenshot: %s", err);
        return;
    }
    if (vt_screenshot_save(dir ? dir : vt_pictures_dir(), rgba, path, sizeof path, err, sizeof err) != VT_OK)
        VT_WARN("run", "screenshot: %s", err);
    else VT_NOTE("run", "screenshot saved to %s", path);
}

/* How long the room's light takes to follow a change (63 % of a step; 90 % after 2.3 times as
 * long): quick enough for a light switched on, slow enough that a visitor's dark coat passing
 * close to the camera does not make the products flicker. */
#define ROOM_LIGHT_TAU_S 0.12

/* Step: the light products are lit by this frame, the room's as this frame shows it (smoothed),
 * unless the catalog asks for the studio's. Some microseconds: a grid of the frame is read. */
static void room_light(run_ctx *rc)
{
    if (!rc->sc.cat || rc->sc.cat->studio_light || !rc->fr.colour.data) {
        vt_render_set_room_light(rc->rend, NULL);
        rc->light = (vt_room_light){ 0 };   /* back to the room later: start from its first frame */
        return;
    }
    vt_room_light now;
    vt_room_light_estimate(&rc->fr.colour, &rc->cam, &now);
    vt_room_light_follow(&rc->light, &now, rc->t - rc->light_t, ROOM_LIGHT_TAU_S);
    rc->light_t = rc->t;
    vt_render_set_room_light(rc->rend, &rc->light);
}

/* Step: the camera frame, the products on it and the visitor's UI (staff messages only in the
 * HUD); read back for the output or a screenshot. */
static void draw(run_ctx *rc, int shot)
{
    const vt_image *gl = rc->item && rc->item->gl_frame.data ? &rc->item->gl_frame : NULL;
    vt_render_begin(rc->rend, gl ? gl : &rc->fr.colour, &rc->cam);
    room_light(rc);
    if (rc->vis) {
        vt_visitor_begin(rc->vis, rc->t, rc->fr.index);
        show_products(rc);
        vt_visitor_draw_scene(rc->vis, rc->rend, &rc->cam);
        if (vt_visitor_hud(rc->vis)) hud_refresh(rc);
        vt_visitor_draw_ui(rc->vis, rc->rend, &rc->cam, rc->W, rc->H, rc->hud.lines, rc->hud.n);
    }
    if (shot && !rc->rgba.data) vt_image_alloc(&rc->rgba, VT_PIX_RGBA8, rc->W, rc->H);
    int live = run_console_wants_frame(rc);   /* a console viewer's live picture */
    vt_render_end(rc->rend, rc->o.out || shot || live ? &rc->rgba : NULL);
    if (shot) save_screenshot(rc->o.shots, &rc->rgba);
    vt_profile_stamp(&rc->prof, "render");
}

/* Step: the frame is on screen (swapped, or read back): its capture-to-display latency. */
static void shown(run_ctx *rc)
{
    double ms = vt_ms_since(rc->item->t_capture);
    run_latency_add(&rc->lat_run, ms);
    run_latency_add(&rc->lat_report, ms);
    run_latency_add(&rc->lat_hud, ms);
    run_latency_add(&rc->lat_console, ms);
    rc->lat_recent_ms = rc->lat_recent_ms > 0 ? 0.9 * rc->lat_recent_ms + 0.1 * ms : ms;
}

/* A live source's ", dropped N, reconnects N" (frames replaced by newer ones before shown, in
 * the source or the pipe; successful reopens), else "". */
static void live_figures(run_ctx *rc, char *out, size_t n)
{
    out[0] = 0;
    if (!app_source_kind_live(rc->sd.kind) || !rc->src) return;
    vt_source_stats st = run_pipe_source_stats(rc);
    snprintf(out, n, ", dropped %ld, reconnects %d", st.dropped, st.reconnects);
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
    char live[96] = "";
    live_figures(rc, live, sizeof live);
    fprintf(stderr, "vitrine: run: report: t %.0f s, %d frames, %.1f frames/s, rss %ld kB, latency %.1f ms (p95 %.1f)%s; ",
            vt_ms_since(rc->clock.t0) / 1000, rc->n, (rc->n - rc->n_report) / secs, rss_kb, run_latency_mean(&rc->lat_report),
            run_latency_p95(&rc->lat_report), live);
    memset(&rc->lat_report, 0, sizeof rc->lat_report);
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
static void go_offline(run_ctx *rc, const run_item *it)
{
    VT_WARN("run", "%s; showing \"Camera disconnected\" and reconnecting", it->err);
    int nev = vt_presence_flush(&rc->presence, rc->pev);
    for (int i = 0; rc->stats && i < nev; i++) run_record_visit(rc, rc->sc.cat, &rc->pev[i], "camera_lost");
    rc->offline = 1;
}

/* A read that gave no frame: a camera goes offline, an unreadable still is reported and skipped,
 * anything else ends the run. */
static step read_failed(run_ctx *rc, const run_item *it)
{
    if (rc->live) { go_offline(rc, it); return offline_frame(rc); }
    if (!it->fr.is_stream) {
        VT_ERROR_FILE("run", it->fr.name, "%s", it->err);
        rc->status = 2;
        return STEP_NEXT_FRAME;
    }
    VT_ERROR_FILE("run", it->fr.name, "%s", it->err);
    rc->status = 1;
    return STEP_STOP;
}

/* Step: the next frame from the capture thread, its markers found (waiting for it, stamped
 * "wait"); or what happened instead: the end, a bad still, a camera away. */
static step next_frame(run_ctx *rc)
{
    if (rc->item) run_pipe_release(rc, rc->item);
    run_item *it = rc->item = run_pipe_take(rc, rc->offline ? 40 : 100);
    vt_profile_stamp(&rc->prof, "wait");
    if (!it) return rc->offline ? offline_frame(rc) : STEP_NEXT_FRAME;
    if (it->rr == VT_END) return STEP_STOP;
    if (it->rr != VT_OK) return read_failed(rc, it);
    if (rc->offline) VT_WARN("run", "%s is back after %.1f s", it->fr.name, it->back_after_s);
    rc->offline = 0;
    rc->fr = it->fr;
    vt_marker_list mine = rc->ml;   /* the frame's markers swapped in, no copy */
    rc->ml = it->ml;
    it->ml = mine;
    vt_profile_add(&rc->prof, "capture", it->capture_ms);
    vt_profile_add(&rc->prof, "detect", it->detect_ms);
    return STEP_GO;
}

static void frame_loop(run_ctx *rc)
{
    while (!g_stop && !vt_render_should_close(rc->rend)) {
        vt_profile_begin_frame(&rc->prof);
        run_reload_if_changed(rc);
        step s = next_frame(rc);
        if (s == STEP_STOP) break;
        if (s == STEP_NEXT_FRAME) continue;
        detect(rc);
        rc->t = media_time(rc);
        pose(rc);
        visits(rc);
        draw(rc, input(rc));
        shown(rc);
        run_console_step(rc);
        run_network_step(rc);   /* the shop network: status out, a publication in (once a second) */
        run_layout_log(rc);
        if (emit(rc) != VT_OK) break;
        vt_profile_stamp(&rc->prof, "output");
        vt_profile_end_frame(&rc->prof);
        rc->n++;
        run_service_frame(rc);   /* systemd: READY at the first frame, then watchdog heartbeats */
        report(rc);
        if (rc->o.frames && rc->n >= rc->o.frames) break;
    }
}

/* After the loop: the capture thread stopped, the frames still queued written to the file (a
 * failure emit already reported is not said twice). */
static void finish_output(run_ctx *rc)
{
    run_pipe_stop(rc);
    char why[1024];
    if (rc->sink && vt_sink_finish(rc->sink, why, sizeof why) != VT_OK && rc->status != 1) {
        VT_ERROR("run", "%s", why);
        rc->status = 1;
    }
}

/* The command's result on stderr (like the report lines): frames, rate, mean stage times. */
static void print_summary(run_ctx *rc, const char *live)
{
    double secs = vt_ms_since(rc->clock.t0) / 1000;
    fprintf(stderr, "vitrine: run: %d frames (%dx%d) in %.1f s, %.1f frames/s%s%s; capture to display %.1f ms mean, %.1f p95%s; per frame: ",
            rc->n, rc->W, rc->H, secs, secs > 0 ? rc->n / secs : 0, rc->o.out ? ", written to " : "", rc->o.out ? rc->o.out : "",
            run_latency_mean(&rc->lat_run), run_latency_p95(&rc->lat_run), live);
    vt_profile_print(&rc->prof, stderr, 1);
}

int vt_cmd_run(int argc, char **argv)
{
    run_ctx *rc = calloc(1, sizeof *rc);
    if (!rc) { VT_ERROR("run", "out of memory"); return 1; }
    /* From the start: a signal during set-up (a database that waits on a lock) ends the run
     * before its first frame, the files it opened closed. */
    g_stop = g_signal = 0;
    signal(SIGINT, on_stop);
    signal(SIGTERM, on_stop);
    signal(SIGHUP, on_stop);
    int status = run_opts_parse(argc, argv, &rc->o);
    if (status < 0) status = run_network_prepare(rc);   /* network.conf, the outbox, the last good catalog */
    if (status < 0) status = run_open_source(rc);
    if (status < 0) status = run_open_display(rc);
    if (status < 0) {
        run_open_analytics(rc);
        status = run_network_open(rc);
    }
    if (status < 0) {
        run_open_visitor(rc);
        run_open_tracking(rc);
        run_console_open(rc);
        status = run_pipe_start(rc);
    }
    if (status < 0) {
        rc->clock.t0 = rc->t_report = vt_now_ns();
        run_service_open(rc);
        frame_loop(rc);
        run_service_stopping(rc);
        if (g_signal)
            VT_NOTE("run", "stopping on %s", g_signal == SIGHUP ? "SIGHUP" : g_signal == SIGTERM ? "SIGTERM" : "SIGINT");
        char live[96];
        live_figures(rc, live, sizeof live);   /* before the pipe stops: it counts some of the drops */
        finish_output(rc);
        run_end_visits(rc);
        print_summary(rc, live);
        status = rc->status;
    }
    run_close(rc);
    free(rc);
    return status;
}
