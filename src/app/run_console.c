/* run_console.c — `vitrine run --console ADDR:PORT`: the web console served by the display. It
 * runs on its own threads; the frame loop only reads a frame back when a live viewer asked (a few
 * a second, vt_console_wants_frame) and hands over its figures once a second. A console that
 * cannot start is told to staff, and the display goes on without it. */
#include "run.h"

#include <stdio.h>
#include <string.h>

#define STATUS_EVERY_MS 1000
#define STATUS_STAFF 16

void run_console_open(run_ctx *rc)
{
    const run_opts *o = &rc->o;
    if (!o->console) return;
    vt_console_desc d = { .catalog = o->catalog, .listen = o->console, .state_dir = o->console_state, .tls_cert = o->tls_cert,
                          .tls_key = o->tls_key, .insecure = o->insecure, .analytics = o->analytics, .display = 1,
                          .network = o->console_network };
    char err[1200];
    if (vt_console_create(&d, &rc->console, err, sizeof err) != VT_OK) {
        rc->console = NULL;
        VT_ERROR("run", "%s; the display runs without the console", err);   /* err names the console */
        return;
    }
    /* the URL is among the staff messages (the console's note), so the HUD shows where it is */
    rc->console_t = vt_now_ns();
    rc->console_frames = rc->n;
}

int run_console_wants_frame(run_ctx *rc)
{
    rc->console_read = rc->console && vt_console_wants_frame(rc->console);
    if (rc->console_read && !rc->rgba.data && vt_image_alloc(&rc->rgba, VT_PIX_RGBA8, rc->W, rc->H) != VT_OK) rc->console_read = 0;
    return rc->console_read;
}

/* What the display shows from: "camera 0", "/dev/video2", a stream or pipeline as its source
 * names it (no password), "demo", a file's name. */
static void source_name(const run_ctx *rc, char *out, size_t n)
{
    const vt_source_desc *sd = &rc->sd;
    if (sd->kind == VT_SOURCE_CAMERA && sd->device) snprintf(out, n, "%s", sd->device);
    else if (sd->kind == VT_SOURCE_CAMERA) snprintf(out, n, "camera %d", sd->camera_index);
    else if (sd->kind == VT_SOURCE_DEMO) snprintf(out, n, "demo");
    else if (app_source_kind_live(sd->kind)) {   /* "rtsp://host/shelf: 1280x720 H264 at 30 frames/s" */
        const char *end = strstr(rc->cam_desc, ": ");
        snprintf(out, n, "%.*s", end ? (int)(end - rc->cam_desc) : (int)strlen(rc->cam_desc), rc->cam_desc);
    }
    else {
        const char *slash = sd->path ? strrchr(sd->path, '/') : NULL;
        snprintf(out, n, "%s", slash ? slash + 1 : sd->path ? sd->path : "");
    }
}

static void send_status(run_ctx *rc)
{
    double secs = vt_ms_since(rc->console_t) / 1000;
    vt_staff_msg staff[STATUS_STAFF];
    int nstaff = run_staff_messages(rc, staff, STATUS_STAFF), seen = 0;
    for (int i = 0; rc->sc.cat && i < rc->ml.count; i++) seen += vt_catalog_find_marker(rc->sc.cat, rc->ml.items[i].id) != NULL;
    char source[300];
    source_name(rc, source, sizeof source);
    const vt_source_kind k = rc->sd.kind;
    vt_console_status s = {
        .fps = secs > 0 ? (rc->n - rc->console_frames) / secs : 0,
        .camera = run_camera_state(rc),
        .source = source, .width = rc->W, .height = rc->H, .products_seen = seen,
        .catalog_error = rc->last_reload_err[0] ? rc->last_reload_err : NULL,
        .staff = staff, .nstaff = nstaff > 0 ? nstaff : 0,
    };
    if (app_source_kind_live(k)) {
        vt_source_stats st = run_pipe_source_stats(rc);
        s.capture = rc->cam_desc;
        s.dropped = st.dropped;
        s.reconnects = st.reconnects;
        s.latency_ms = run_latency_mean(&rc->lat_console);
        memset(&rc->lat_console, 0, sizeof rc->lat_console);
    }
    vt_network_stats net;
    run_network_console(rc, &s, &net);   /* on the shop network: the client's figures */
    vt_console_set_status(rc->console, &s);
    rc->console_t = vt_now_ns();
    rc->console_frames = rc->n;
}

void run_console_step(run_ctx *rc)
{
    if (!rc->console) return;
    if (rc->console_read) vt_console_offer_frame(rc->console, &rc->rgba);
    rc->console_read = 0;
    if (vt_ms_since(rc->console_t) >= STATUS_EVERY_MS) send_status(rc);
}

void run_console_close(run_ctx *rc)
{
    vt_console_destroy(rc->console);
    rc->console = NULL;
}
