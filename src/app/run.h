/* run.h — inside `vitrine run` (private to src/app): the options, the scene on show, and the run
 * context that the frame loop's steps share (cmd_run.c: the loop; run_opts.c: the command line;
 * run_scene.c: catalog, models and hot reload; run_setup.c: opening and closing everything).
 *
 * Ownership: run_ctx owns everything it points to (source, renderer, sink, scene, visitor,
 * tracker, filter, analytics); run_close frees it all. */
#ifndef VT_RUN_H
#define VT_RUN_H

#include "app_camera.h"
#include "analytics/vt_analytics.h"
#include "assets/vt_assets.h"
#include "capture/vt_capture.h"
#include "catalog/vt_catalog.h"
#include "console/vt_console.h"
#include "network/vt_network.h"
#include "output/vt_output.h"
#include "render/vt_render.h"
#include "tracking/vt_tracking.h"
#include "visitor/vt_visitor.h"

#include <stdint.h>
#include <stdio.h>

/* A visitor's input at a given frame, for tests (--click FRAME:X,Y, --key FRAME:KEY). */
#define RUN_MAX_INPUTS 64
typedef struct run_input {
    int frame;             /* the source frame's index (as in the layout log) */
    int key;               /* a key as vt_render_poll_key gives it; 0: a click */
    float x, y;            /* a click, in frame pixels */
} run_input;

typedef struct run_opts {
    const char *video, *images, *catalog, *calib, *intr, *out, *analytics, *card, *shots;
    const char *layout_log;                            /* --layout-log FILE, or NULL */
    const char *console, *console_state, *tls_cert, *tls_key;   /* --console ADDR:PORT and its options */
    int insecure;
    vt_source_desc camsrc;                             /* --camera SOURCE (kind AUTO: not given) */
    app_camera_opts cam;                               /* --camera-size, -fps, -format, -exposure... */
    int demo, headless, fullscreen, frames, no_analytics;
    int kiosk, monitor, msaa, no_shadows, tour, hud;   /* tour: -1 default, 0 off, 1 on; monitor: -1 not given */
    int nsrc;                                          /* sources given (0: camera 0, else the demo) */
    double report_every;
    int fault_after;
    double fault_seconds;
    int demo_w, demo_h;
    run_input inputs[RUN_MAX_INPUTS];                  /* in the order given */
    int ninputs;
    char default_catalog[1024];
    /* the shop network (--network, run_network.c): the command line's, else network.conf's */
    const char *network, *net_kiosk, *net_store, *network_config, *console_network;
    int network_insecure;                              /* -1: not given */
    char net_url[2048], net_kiosk_buf[64], net_store_buf[64], console_net_url[2048];   /* the file's */
    char analytics_buf[2200];                          /* the outbox's default, fixed before a network catalog */
} run_opts;

/* Parses the command line into o. Returns -1 to go on, else the exit status: 0 after --help,
 * 2 for a bad argument (reported). */
int run_opts_parse(int argc, char **argv, run_opts *o);

/* One catalog product and the model it shows. */
typedef struct product_slot {
    const vt_product *p;
    vt_model *model;
    vt_gpu_model_id gpu;
    char *model_path;      /* what model was loaded from, to reuse it across reloads */
    char *model_variant;   /* with which material variant (NULL: the file's default) */
    long long model_mtime;
    int borrowed;          /* model and gpu are another slot's (the same file, or taken by the next scene): not freed here */
    int clip;              /* the model's animation it loops (its "animation", else the first); -1: still */
} product_slot;

/* What is on show: the catalog and a model for each product. Replaced whole on a good reload. */
typedef struct scene {
    vt_catalog *cat;
    product_slot *slots;
    int nslots;               /* cat->count when made: freeing reads this, not a borrowed catalog
                               * the loader may have freed already */
    vt_dictionary dict;
    vt_visitor_show *shows;   /* the visitor's view of the slots (catalog order) */
    int cat_borrowed;         /* the first placeholders' scene: the loader's batch owns cat */
} scene;

/* run_loader.c: a catalog and its models, loaded off the frame loop (models in a child process
 * under limits); the GL thread builds a scene from it between frames. */
typedef struct run_batch {
    vt_catalog *cat;          /* NULL: it did not load, err says why */
    char err[1024];
    int count;                /* products with the arrays below */
    vt_model **models;        /* per product: loaded (owned until taken), or NULL (failed, said) */
    long long *mtime;         /* per product: its model file's mtime when looked at */
    int *reuse;               /* per product: 1 when the scene on show has that file unchanged */
    int *share;               /* per product: an earlier product with the same model file, or -1 */
    char model_err[1024];     /* the first model that did not load, and why ("" when all did) */
} run_batch;
typedef struct run_loader run_loader;
/* Whether two products show the same model: the same file in the same material variant (NULL and
 * "" both the default). 0 when either path is NULL. */
int run_same_model(const char *path_a, const char *variant_a, const char *path_b, const char *variant_b);

/* The media clock: one time per frame for visuals, pose smoothing and presence alike. */
typedef struct media_clock {
    double fps;        /* frames per second of the media (a file's own; 30 for a folder of frames) */
    int live;          /* a live source: the wall clock since start */
    uint64_t t0;       /* start, for the wall clock */
} media_clock;

/* The HUD's lines (frames per second, stage times; then the latest staff messages, run_staff.c),
 * refreshed every second. Room for a whole staff line: the HUD ellipsises it by display width. */
#define RUN_HUD_LINES 9
typedef struct run_hud {
    char buf[RUN_HUD_LINES][512];
    const char *lines[RUN_HUD_LINES];
    int n, frames;
    uint64_t t;
    vt_profile prof;
} run_hud;

/* One frame through the pipe (run_pipe.c): what the capture thread read, and the markers it
 * found in it. The GL thread holds one at a time (rc->item) until its next frame. */
typedef struct run_item {
    vt_result rr;               /* VT_OK: a frame; VT_END; else err says why (a bad still, a lost camera) */
    char err[1024];
    vt_frame fr;                /* its images in the source's buffer of this slot */
    vt_marker_list ml;          /* the markers the tracker found (swapped into rc->ml) */
    vt_image gl_frame;          /* the frame in the GL's layout (vt_render_prepare_frame), kept per slot */
    vt_detect_profile det;      /* the tracker's figures for this frame */
    uint64_t t_capture;         /* vt_now_ns when the read returned */
    double capture_ms, detect_ms;
    double back_after_s;        /* > 0: a live source's first frame back, after this long away */
} run_item;
typedef struct run_pipe run_pipe;
#define RUN_PIPE_SLOTS 3        /* at most (a camera's); the source keeps as many frame buffers */

/* Capture-to-display times (0.25 ms bins up to 1 s): mean and 95th percentile. */
#define RUN_LATENCY_BINS 4000
#define RUN_LATENCY_BIN_MS 0.25
typedef struct run_latency {
    int bins[RUN_LATENCY_BINS];
    long n;
    double sum;
} run_latency;

/* `run` under systemd (run_service.c): what was told to the service manager, and when. */
typedef struct run_service {
    int on;                     /* NOTIFY_SOCKET is set: under systemd (else nothing is sent) */
    int ready;                  /* READY=1 sent (the first frame was on screen) */
    uint64_t ping_ns;           /* WATCHDOG=1 at most this often: WatchdogSec/4; 0: no watchdog */
    uint64_t t_ping, t_status;  /* vt_now_ns of the last heartbeat and STATUS= */
    int n_status;               /* frames shown at the last STATUS= */
    int freeze_after;           /* test hook VITRINE_TEST_FREEZE_AFTER=N (0: off) */
} run_service;

typedef struct run_ctx {
    run_opts o;
    char err[1024];
    int status;                 /* exit status so far */
    int n;                      /* frames shown */
    /* the source and this frame: while the pipe runs, the source and the tracker (det) are the
     * capture thread's; the GL thread sees the frame (fr, its pixels valid until the next frame),
     * its markers (ml) and the tracker's figures (item->det) */
    vt_source_desc sd;
    vt_source *src;
    run_pipe *pipe;
    run_item *item;             /* the frame on screen */
    vt_frame fr;
    vt_result rr;               /* of the first read */
    int live;                   /* a camera (or a simulated one): may drop out and come back */
    /* a live source's settings (the catalog's "camera" copied: a reload frees that catalog) and
     * what it negotiated (vt_source_describe) */
    char cam_source[2048], cam_ctl[3][32], cam_format[8], cam_desc[512];
    int W, H;
    vt_camera cam;
    media_clock clock;
    double t;                   /* this frame's media time, seconds */
    vt_room_light light;        /* the room's light, smoothed over media time (room_light in cmd_run.c) */
    double light_t;             /* the media time it was last followed to */
    /* a live source that dropped out (the capture thread reconnects) */
    int offline;
    vt_image last_frame;        /* a live camera's last picture, shown while it is away */
    /* display and output */
    vt_renderer *rend;
    vt_sink *sink;
    vt_image rgba;
    run_hud hud;
    /* what is on show, and its hot reload */
    scene sc;
    vt_watch *watch;
    char last_reload_err[1024];
    uint64_t reload_at;
    run_loader *loader;         /* NULL: everything loads on the GL thread */
    run_batch *batch;           /* a loaded catalog being put on the GPU, a few slots a frame */
    scene incoming;             /* its scene, swapped in when every slot is ready */
    int incoming_at;            /* slots done */
    vt_visitor *vis;
    int card_pending;
    /* markers and poses */
    vt_tracker *det;
    vt_pose_filter *pf;
    vt_marker_list ml;
    /* for staff, never on the visitors' screen (run_staff.c) */
    vt_staff_log *staff;        /* the latest errors, warnings and notes: HUD, later the console */
    int detect_failures;        /* frames the detector failed on (run_staff_detect_result) */
    vt_dict_hint *hint;         /* "markers of 5X5_100 seen; the catalog expects 6X6_250" */
    /* the web console (--console, run_console.c): NULL when not asked or it did not start */
    vt_console *console;
    int console_read;           /* this frame was read back into rgba for it */
    uint64_t console_t;         /* its last status */
    int console_frames;         /* frames shown then */
    /* visits */
    vt_analytics *stats;
    vt_presence presence;
    vt_presence_event pev[2 * VT_PRESENCE_MAX];
    FILE *layout_f;             /* --layout-log, opened at the first frame */
    /* timing: stages, and capture-to-display latency (run, last report, last HUD refresh) */
    run_latency lat_run, lat_report, lat_hud, lat_console;
    double lat_recent_ms;       /* a running mean, for predicting poses to display time */
    vt_profile prof, prof_report;
    uint64_t t_report;
    int n_report;
    run_service svc;            /* systemd's readiness, watchdog and status (run_service.c) */
    /* the shop network (--network, run_network.c): NULL when not on one or it did not start */
    vt_network *net;
    int net_version;            /* the published version on screen (0: a local catalog) */
    int net_waiting;            /* a version taken from the client, for the loader when it is free */
    int net_loading;            /* the version the loader is loading: its next batch is that one */
    int net_incoming;           /* the version of the incoming scene (checked, going onto the GPU) */
    char net_path[2048];        /* that version's catalog file (in the network's state folder) */
    char net_catalog[2048];     /* the published catalog on show: o.catalog points here */
    uint64_t net_t;             /* the last status handed to the client */
    int net_frames;             /* frames shown then */
} run_ctx;

/* run_scene.c */
/* The first scene: o.catalog's (loaded, taken) with its models; a file source waits for them, a
 * live one at most a second (then placeholders, the models swapped in when they are all ready). */
int run_scene_open(run_ctx *rc, vt_catalog *cat);   /* -1 to go on, else the exit status (said) */
/* Stops the loader and frees the scenes (safe twice). */
void run_scene_close(run_ctx *rc);
/* Slot k's model in its animation's pose at media time t (products sharing a model share it). */
void run_scene_animate(const scene *sc, int k, double t, vt_renderer *rend);
void scene_free(scene *sc, vt_renderer *rend);
/* Shows sc's products through the visitor and points the watcher at its files. */
void run_show_scene(run_ctx *rc);
/* Step: a catalog or model that changed on disk (150 ms after the last write) is reloaded off
 * the frame loop; the new scene goes onto the GPU a few milliseconds a frame and replaces the one
 * on show when it is complete. */
void run_reload_if_changed(run_ctx *rc);
/* The tracker for dict (replacing any, through run_pipe_set_tracker), reported when it cannot be made. */
void run_make_tracker(run_ctx *rc, vt_dictionary dict);

/* run_loader.c */
vt_result run_loader_start(run_loader **out, char *err, size_t errlen);
/* Asks for path's catalog (cat: already loaded, taken) and its models, reusing the unchanged
 * ones of have (read now). 0 while a request is still in progress (ask again later). */
int run_loader_request(run_loader *ld, const char *path, vt_catalog *cat, const scene *have);
/* The finished batch (the caller's, run_batch_free), or NULL: wait up to seconds (0: a look, < 0:
 * until done). */
run_batch *run_loader_wait(run_loader *ld, double seconds);
run_batch *run_loader_poll(run_loader *ld);
void run_batch_free(run_batch *b);
/* Cancels a load in progress (its child killed) and joins the thread; frees ld. Safe on NULL. */
void run_loader_stop(run_loader *ld);
long long run_mtime_of(const char *path);   /* nanoseconds, -1 when absent */

/* run_staff.c: what staff should know, kept off the visitors' screen. */
/* The staff ring, fed by the logger from now on (the HUD shows it; run_staff_messages gives it). */
void run_staff_open(run_ctx *rc);
/* Says what a last dictionary check found, then detaches and frees the ring and the hint. */
void run_staff_close(run_ctx *rc);
/* Part of the detect step: the wrong-dictionary hint's look at this frame (never waits). */
void run_staff_detect(run_ctx *rc);
/* Appends the latest staff messages, with their age, to the HUD's lines from line n; returns the
 * new count. */
int run_staff_hud(run_ctx *rc, int n);
/* The capture side's detection result r for a frame: a failure is told to staff (log, HUD) once,
 * the frame shown without products. VT_FAULT_DETECT=1 (for tests) fails every detection. */
void run_staff_detect_result(run_ctx *rc, vt_result r);
/* The latest staff messages, newest first, for the console: how many were written to out. */
int run_staff_messages(run_ctx *rc, vt_staff_msg *out, int max);
/* 1 when o's catalog is one of the bundled demo catalogs (DATA/models: the real shelf, the basic
 * one): only they get the tour's invented promotion. */
int run_is_demo_catalog(const run_opts *o);
/* run_pipe.c: the capture thread. Start takes over the source and the tracker, the first frame
 * (read by run_open_source) first; -1 to go on, else the exit status. */
int run_pipe_start(run_ctx *rc);
/* The next item, oldest first; NULL when none came within timeout_ms. */
run_item *run_pipe_take(run_ctx *rc, int timeout_ms);
void run_pipe_release(run_ctx *rc, run_item *it);
/* Hands a tracker (may be NULL: no detection) to the capture thread for its next frame; it
 * frees the one it had. */
void run_pipe_set_tracker(run_ctx *rc, vt_tracker *t);
/* Stops and joins the capture thread and frees the slots (rc->item, rc->fr gone). Safe twice. */
void run_pipe_stop(run_ctx *rc);
/* 0 when VITRINE_THREADS=1: every step on the GL thread, one after another (for comparison). */
int run_pipe_threaded(void);
/* A live source's figures (vt_source_get_stats) with dropped also counting the frames the pipe
 * replaced before the display took them. Any thread. */
vt_source_stats run_pipe_source_stats(run_ctx *rc);
void run_latency_add(run_latency *l, double ms);
double run_latency_mean(const run_latency *l);
double run_latency_p95(const run_latency *l);

/* run_setup.c: each returns -1 to go on, else the exit status (the error reported). */
int run_open_source(run_ctx *rc);
int run_open_display(run_ctx *rc);
void run_open_analytics(run_ctx *rc);
void run_open_visitor(run_ctx *rc);
void run_open_tracking(run_ctx *rc);
/* Reads the next frame into rc->fr (rc->rr), past unreadable stills (each reported). */
vt_result run_read(run_ctx *rc);
/* Ends the visits still open and closes the analytics (done again by run_close: a no-op). */
void run_end_visits(run_ctx *rc);
/* Ends the visits still open, closes the analytics, frees everything (safe after any failure). */
void run_close(run_ctx *rc);
/* Turns presence events into analytics events for the products on those markers. */
void run_record_presence(run_ctx *rc, int nev);

/* run_visits.c: one presence event as the analytics event of the product on its marker in cat
 * (reason: NULL, or why a visit ended other than out of view). */
void run_record_visit(run_ctx *rc, const vt_catalog *cat, const vt_presence_event *ev, const char *reason);
/* A reload from old_cat to new_cat: each open visit whose marker no longer shows the same product
 * is closed now (product_lost, reason removed_from_catalog or marker_changed). */
void run_close_removed_visits(run_ctx *rc, const vt_catalog *old_cat, const vt_catalog *new_cat);

/* run_console.c: the web console served by the display (--console ADDR:PORT). */
/* Starts it after the display opened; when it cannot start, staff are told (log, HUD) and the
 * display runs without it. */
void run_console_open(run_ctx *rc);
/* 1 when the frame about to be drawn should be read back for the live picture (a viewer asked). */
int run_console_wants_frame(run_ctx *rc);
/* Step, after the frame is shown: the frame read back offered to it; once a second, the
 * display's figures and staff messages. */
void run_console_step(run_ctx *rc);
void run_console_close(run_ctx *rc);   /* stops its threads; safe twice */

/* run_service.c: `run` as a systemd service (Type=notify, WatchdogSec=): sd_notify messages, sent
 * only when NOTIFY_SOCKET is set. */
/* Reads the environment (NOTIFY_SOCKET, WATCHDOG_USEC, the test hook); before the frame loop. */
void run_service_open(run_ctx *rc);
/* Step, once a frame is on screen (drawn, or the "Camera disconnected" picture): READY=1 at the
 * first, then WATCHDOG=1 at most every WatchdogSec/4 and STATUS= every few seconds. Sent from the
 * loop itself, so a heartbeat proves the loop goes on. VITRINE_TEST_FREEZE_AFTER=N (a test hook
 * only) blocks here for ever after N frames, as a deadlock would. */
void run_service_frame(run_ctx *rc);
/* STOPPING=1: the loop ended (a signal, --frames, the window closed). */
void run_service_stopping(run_ctx *rc);

/* run_network.c: the shop network (--network URL --kiosk NAME --store NAME; docs/network.md). */
/* After the options: network.conf merged (the command line wins), the options checked (a
 * missing name, --no-analytics, a URL the TLS policy refuses: exit 2), the outbox's path fixed,
 * and without --catalog the store's last good publication on disk as the catalog. -1 to go on. */
int run_network_prepare(run_ctx *rc);
/* o's network options merged with --network-config's file, else network.conf in the state folder
 * when it exists (bad lines warned about with FILE:LINE; a file with a password others may read
 * too). -1 to go on; 2 when a file asked for cannot be read. For run and doctor. */
int run_network_config(run_opts *o);
/* The default network.conf: the first that exists of $CONFIGURATION_DIRECTORY/, $XDG_CONFIG_HOME/
 * vitrine/ (~/.config/vitrine/), /etc/vitrine/ and the state folder's; none: the state folder's. */
void run_network_conf_default(char *out, size_t len);
/* After the analytics: the client started (a server not there is not an error). -1 to go on. */
int run_network_open(run_ctx *rc);
/* Step, once a frame (works once a second): the display's status to the client; a new
 * publication taken and asked of the loader when it is free. */
void run_network_step(run_ctx *rc);
/* For take_batch: 0 when b is the network's version and must not be shown (a model that did not
 * load; refused, reported, the last good one stays); 1 to go on. */
int run_network_check_batch(run_ctx *rc, run_batch *b);
/* For swap_in: the incoming scene was the network's version: it is on show now, and reported. */
void run_network_swapped(run_ctx *rc);
/* The HUD's network line at line n (none when not on a network); returns the new count. */
int run_network_hud(run_ctx *rc, int n);
/* The console status's network fields, from the client's figures (st: the caller's, holds the strings). */
void run_network_console(run_ctx *rc, vt_console_status *s, vt_network_stats *st);
void run_network_close(run_ctx *rc);   /* safe twice */
/* "live", "offline", "file" or "demo": what the source is, for the heartbeat and the console. */
const char *run_camera_state(const run_ctx *rc);
/* network/ in the state folder: where the client keeps the published catalogs. */
void run_network_state_dir(char *out, size_t len);
/* The TLS policy's check of a URL (vt_network.h), without connecting; err says why it is refused. */
vt_result run_network_url_check(const char *url, int insecure, char *err, size_t errlen);

/* run_layout.c: with --layout-log, the frame's layout as one JSON line (after the draw step). */
void run_layout_log(run_ctx *rc);
void run_layout_close(run_ctx *rc);

#endif
