/* run_setup.c — opening what `vitrine run` needs, in order (intrinsics, catalog, source and its
 * first frame, renderer, scene, output, analytics, visitor, tracker), and closing it all. */
#include "run.h"

#include "app_checks.h"
#include "vision/vt_vision.h"   /* vt_camera_load */
#include "app/vt_app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The camera's intrinsics from --calib or --intrinsics; have = 0 when neither. Exit status or -1. */
static int load_intrinsics(const run_opts *o, vt_camera *cam, int *have)
{
    char err[1024];
    *have = 0;
    if (o->calib) {
        if (vt_camera_load(o->calib, cam, err, sizeof err) != VT_OK) { VT_ERROR_FILE("run", o->calib, "%s", err); return 2; }
        *have = 1;
    } else if (o->intr) {
        if (vt_camera_parse(o->intr, cam) != VT_OK) {
            VT_ERROR("run", "--intrinsics '%s': expected FX,FY,CX,CY in pixels", o->intr);
            return 2;
        }
        *have = 1;
    }
    return -1;
}

/* cat's "camera" settings copied into rc (the scene's catalog goes at a reload) and applied to
 * sd, the command line's winning. */
static void camera_settings(run_ctx *rc, const vt_catalog_camera *cc)
{
    vt_catalog_camera c = *cc;
    char *ctl[3] = { cc->exposure, cc->focus, cc->white_balance };
    for (int i = 0; i < 3; i++)
        if (ctl[i]) snprintf(rc->cam_ctl[i], sizeof rc->cam_ctl[i], "%s", ctl[i]);
    c.exposure = cc->exposure ? rc->cam_ctl[0] : NULL;
    c.focus = cc->focus ? rc->cam_ctl[1] : NULL;
    c.white_balance = cc->white_balance ? rc->cam_ctl[2] : NULL;
    app_camera_apply(&rc->sd, &rc->o.cam, &c);
}

/* A camera, stream or pipeline: --camera's; else the catalog's "camera.source"; else camera 0
 * (fallback: 1 when the demo may stand in for it). */
static vt_result live_source(run_ctx *rc, int *fallback)
{
    const run_opts *o = &rc->o;
    vt_source_desc *sd = &rc->sd;
    const vt_catalog_camera *cc = &rc->sc.cat->camera;
    *fallback = 0;
    if (o->camsrc.kind) {
        sd->kind = o->camsrc.kind;
        sd->camera_index = o->camsrc.camera_index;
        sd->device = o->camsrc.device, sd->url = o->camsrc.url, sd->pipeline = o->camsrc.pipeline;
    } else if (cc->source) {
        snprintf(rc->cam_source, sizeof rc->cam_source, "%s", cc->source);
        if (vt_source_parse(rc->cam_source, sd, rc->err, sizeof rc->err) != VT_OK) return VT_ERR_ARG;   /* checked at load */
    } else {
        sd->kind = VT_SOURCE_CAMERA;
        *fallback = 1;
    }
    camera_settings(rc, cc);
    vt_result r = vt_source_open(sd, &rc->src, rc->err, sizeof rc->err);
    if (r != VT_OK && !o->camsrc.kind && cc->source) {   /* say where the source was named */
        char why[700];
        snprintf(why, sizeof why, "%.690s", rc->err);
        snprintf(rc->err, sizeof rc->err, "%.300s: camera.source: %s", rc->o.catalog, why);
    }
    return r;
}

/* The source: as asked; else the catalog's camera or camera 0; else the demo, so `vitrine run`
 * always shows something. */
static vt_result open_source(run_ctx *rc)
{
    const run_opts *o = &rc->o;
    rc->sd = (vt_source_desc){ .want = VT_WANT_GREY | VT_WANT_COLOUR, .buffers = RUN_PIPE_SLOTS, .same_size = 1, .fault_after = o->fault_after,
                               .fault_seconds = o->fault_seconds, .demo = { .width = o->demo_w, .height = o->demo_h } };
    vt_source_desc *sd = &rc->sd;
    int fallback = 0;
    vt_result r;
    if (o->video) { sd->kind = VT_SOURCE_VIDEO; sd->path = o->video; }
    else if (o->images) { sd->kind = VT_SOURCE_FOLDER; sd->path = o->images; }
    else if (o->demo) sd->kind = VT_SOURCE_DEMO;
    if (sd->kind) r = vt_source_open(sd, &rc->src, rc->err, sizeof rc->err);
    else r = live_source(rc, &fallback);
    if (r == VT_OK || !fallback) return r;
    VT_INFO("run", "%s; playing the built-in demo", rc->err);
    *sd = (vt_source_desc){ .kind = VT_SOURCE_DEMO, .want = sd->want, .buffers = sd->buffers, .same_size = 1,
                            .fault_after = o->fault_after, .fault_seconds = o->fault_seconds, .demo = sd->demo };
    return vt_source_open(sd, &rc->src, rc->err, sizeof rc->err);
}

/* Reads the next frame, past unreadable stills (each reported; the exit status becomes 2). */
vt_result run_read(run_ctx *rc)
{
    rc->rr = vt_source_read(rc->src, &rc->fr, rc->err, sizeof rc->err);
    while (rc->rr != VT_OK && rc->rr != VT_END && !rc->fr.is_stream) {
        VT_ERROR_FILE("run", rc->fr.name, "%s", rc->err);
        rc->status = 2;
        rc->rr = vt_source_read(rc->src, &rc->fr, rc->err, sizeof rc->err);
    }
    return rc->rr;
}

/* --card names a product of the catalog: -1, else 2 after naming the ids it may have meant. */
static int run_check_card(run_ctx *rc)
{
    const vt_catalog *cat = rc->sc.cat;
    for (int i = 0; rc->o.card && i < cat->count; i++)
        if (cat->products[i].id && !strcmp(cat->products[i].id, rc->o.card)) return -1;
    if (!rc->o.card) return -1;
    char ids[512];
    int near = vt_catalog_near_ids(cat, rc->o.card, ids, sizeof ids);
    if (near) VT_ERROR("run", "--card '%s': no product with that id in %s; did you mean %s?", rc->o.card, rc->o.catalog, ids);
    else VT_ERROR("run", "--card '%s': no product with that id in %s; its ids: %s", rc->o.card, rc->o.catalog, ids);
    return 2;
}

int run_open_source(run_ctx *rc)
{
    run_staff_open(rc);   /* from here on, staff messages are kept for the HUD */
    vt_camera cam_in = { 0 };
    int have_cam, st = load_intrinsics(&rc->o, &cam_in, &have_cam);
    if (st >= 0) return st;
    vt_catalog *cat = NULL;
    if (vt_catalog_load(rc->o.catalog, &cat, rc->err, sizeof rc->err) != VT_OK) { VT_ERROR("run", "%s", rc->err); return 2; }
    rc->sc.cat = cat;   /* until the scene is built */
    if (run_check_card(rc) >= 0) return 2;
    if (open_source(rc) != VT_OK) { VT_ERROR("run", "%s", rc->err); return 2; }
    if (run_read(rc) != VT_OK) {
        if (rc->sd.path) VT_ERROR_FILE("run", rc->sd.path, "no frame to show");
        else VT_ERROR("run", "source: no frame to show");
        return 2;
    }
    /* After the first frame: a stream's size and rate are known once it has given one. */
    vt_source_describe(rc->src, rc->cam_desc, sizeof rc->cam_desc);
    if (app_source_kind_live(rc->sd.kind)) VT_NOTE("run", "%s", rc->cam_desc);   /* what the camera really gives */
    rc->W = rc->fr.colour.width;
    rc->H = rc->fr.colour.height;
    rc->cam = vt_camera_from_fov(rc->W, rc->H, VT_DEFAULT_HFOV_DEG);
    if (have_cam && app_camera_for_frames(&cam_in, rc->o.calib ? rc->o.calib : "--intrinsics", rc->W, rc->H, NULL, &rc->cam,
                                          rc->err, sizeof rc->err) != VT_OK) {
        VT_ERROR("run", "%s", rc->err);
        return 2;
    }
    /* Media time: a file's own, a folder of frames at a nominal 30 frames/s (so a headless run of
     * it is the same on any machine), the wall clock only for a live source. */
    double fps = vt_source_fps(rc->src);
    rc->live = vt_source_is_live(rc->src);
    int gst = app_source_kind_live(rc->sd.kind);   /* a real camera or stream: its own clock, whatever its rate */
    rc->clock = (media_clock){ .fps = fps > 0 ? fps : 30, .live = gst || (fps <= 0 && rc->live), .t0 = vt_now_ns() };
    return -1;
}

/* The renderer, the scene on it and the watcher; then the output: a video, a folder of PNGs, or
 * '-' (rendered and read back like any output, then dropped). */
int run_open_display(run_ctx *rc)
{
    const run_opts *o = &rc->o;
    vt_catalog *cat = rc->sc.cat;
    rc->sc.cat = NULL;
    vt_result rr = vt_render_create(&(vt_render_desc){ .width = rc->W, .height = rc->H, .headless = o->headless,
                                                       .fullscreen = o->fullscreen, .monitor = o->monitor > 0 ? o->monitor : 0,
                                                       .hide_cursor = o->kiosk, .app_keys = 1, .msaa = o->msaa,
                                                       .title = cat->store_name }, &rc->rend, rc->err, sizeof rc->err);
    int bad_monitor = rr == VT_ERR_ARG && o->monitor > 0;   /* a bad argument: exit 2 */
    if (bad_monitor) VT_ERROR("run", "--monitor %d: %s", o->monitor, rc->err);
    else if (rr != VT_OK) VT_ERROR("run", "%s", rc->err);
    if (rr != VT_OK) {
        vt_catalog_destroy(cat);
        return bad_monitor ? 2 : 1;
    }
    int st = run_scene_open(rc, cat);   /* the models off the frame loop (run_loader.c) */
    if (st >= 0) return st;
    char why[256];
    if (vt_watch_create(&rc->watch, why, sizeof why) != VT_OK)
        VT_WARN("catalog", "cannot watch %s for changes (%s); edits need a restart", o->catalog, why);
    if (!o->out) return -1;
    /* Encoding on the sink's own thread (two frames queued) unless everything runs in turn. */
    vt_result so = vt_sink_open(&(vt_sink_desc){ .path = o->out, .width = rc->W, .height = rc->H, .fps = 30,
                                                 .queue = run_pipe_threaded() ? 2 : 0 }, &rc->sink, rc->err, sizeof rc->err);
    if (so != VT_OK) { VT_ERROR("run", "%s", rc->err); return so == VT_ERR_ARG ? 2 : 1; }
    vt_image_alloc(&rc->rgba, VT_PIX_RGBA8, rc->W, rc->H);
    return -1;
}

/* The default database: beside the catalog, or in the state folder (vt_state_dir_for), made
 * here. 0 when that folder cannot be made (said once; the run goes on without analytics). */
static int default_analytics(const char *catalog, char *out, size_t len)
{
    char dir[2048], err[2200];
    vt_state_dir_for(catalog, dir, sizeof dir);
    if (vt_make_dirs(dir, 1, err, sizeof err) != VT_OK) {   /* 0700 only when made here */
        VT_WARN("analytics", "%s; running without analytics", err);
        return 0;
    }
    vt_state_file_for(catalog, "vitrine-analytics.sqlite", out, len);
    return 1;
}

/* Where vt_state_dir_for says unless told otherwise. A database that cannot be opened is reported
 * and the display runs without it. */
void run_open_analytics(run_ctx *rc)
{
    const run_opts *o = &rc->o;
    vt_presence_init(&rc->presence, &(vt_presence_desc){ .lost_after = rc->sc.cat->filter.lost_after_frames });
    if (o->no_analytics) return;
    char def[2200], what[1100];
    if (!o->analytics && !default_analytics(o->catalog, def, sizeof def)) return;
    const vt_source_kind k = rc->sd.kind;
    snprintf(what, sizeof what, "%s", k == VT_SOURCE_DEMO ? "demo" : k == VT_SOURCE_CAMERA ? "camera"   /* a URL may hold a password */
                                      : k == VT_SOURCE_STREAM ? "stream" : k == VT_SOURCE_PIPELINE ? "pipeline" : rc->sd.path);
    if (vt_analytics_open(o->analytics ? o->analytics : def, rc->sc.cat->store_name, what, &rc->stats, rc->err, sizeof rc->err) != VT_OK)
        VT_WARN("analytics", "%s; running without analytics", rc->err);
}

/* The visitor's side: fades, tags, card, basket, attract screen, tour, kiosk keys. */
void run_open_visitor(run_ctx *rc)
{
    const run_opts *o = &rc->o;
    vt_visitor_desc vd = { .kiosk = o->kiosk, .shadows = !o->no_shadows, .stats = rc->stats,
                           .tour = o->tour >= 0 ? o->tour : rc->sd.kind == VT_SOURCE_DEMO,
                           .tour_promo = run_is_demo_catalog(o) };
    if (vt_visitor_create(&vd, &rc->vis, rc->err, sizeof rc->err) != VT_OK) VT_ERROR("run", "%s", rc->err);
    run_show_scene(rc);
    rc->card_pending = o->card != NULL;
    if (rc->vis && o->hud) vt_visitor_key(rc->vis, 'H');
    for (int i = 0; i < RUN_HUD_LINES; i++) rc->hud.lines[i] = rc->hud.buf[i];
    rc->hud.t = vt_now_ns();
}

/* The same tracker as `vitrine detect --track` (known markers re-read where they are going,
 * newcomers looked for in alternating bands: docs/performance.md), and steady products: each
 * marker's pose through a 1€ filter with the catalog's settings. */
void run_open_tracking(run_ctx *rc)
{
    run_make_tracker(rc, rc->sc.dict);
    const vt_filter_params *fp = &rc->sc.cat->filter;
    vt_pose_filter_desc fd = vt_pose_filter_desc_defaults();
    fd.min_cutoff = fp->min_cutoff;
    fd.beta = fp->beta;
    fd.d_cutoff = fp->d_cutoff;
    fd.forget_after = fp->lost_after_frames;
    if (vt_pose_filter_create(&fd, &rc->pf, rc->err, sizeof rc->err) != VT_OK)
        VT_ERROR("run", "%s; poses go unsmoothed", rc->err);
}

void run_record_presence(run_ctx *rc, int nev)
{
    for (int i = 0; rc->stats && i < nev; i++) run_record_visit(rc, rc->sc.cat, &rc->pev[i], NULL);
}

void run_end_visits(run_ctx *rc)
{
    if (!rc->stats) return;
    run_record_presence(rc, vt_presence_flush(&rc->presence, rc->pev));
    vt_analytics_close(rc->stats);
    rc->stats = NULL;
}

void run_close(run_ctx *rc)
{
    run_console_close(rc);   /* its threads first: nothing of the display is read after */
    run_network_close(rc);   /* its thread stopped before the outbox closes */
    run_pipe_stop(rc);
    run_end_visits(rc);
    run_layout_close(rc);
    vt_marker_list_free(&rc->ml);
    vt_tracker_destroy(rc->det);
    vt_pose_filter_destroy(rc->pf);
    vt_visitor_destroy(rc->vis);
    vt_image_free(&rc->last_frame);
    vt_sink_close(rc->sink);
    vt_image_free(&rc->rgba);
    run_scene_close(rc);
    vt_watch_destroy(rc->watch);
    vt_render_destroy(rc->rend);
    vt_source_destroy(rc->src);
    run_staff_close(rc);
}
