/* cmd_run.c — `vitrine run`: the AR display. One frame: capture → detect → pose → render → show
 * (a window) or write (headless, to a video or a folder of PNGs). */
#include "analytics/vt_analytics.h"
#include "app/vt_app.h"
#include "assets/vt_assets.h"
#include "capture/vt_capture.h"
#include "catalog/vt_catalog.h"
#include "output/vt_output.h"
#include "render/vt_render.h"
#include "tracking/vt_tracking.h"
#include "ui/vt_ui.h"
#include "visitor/vt_visitor.h"
#include "vision/vt_vision.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>   /* access */

#ifndef VT_DATA_DIR
#define VT_DATA_DIR "."
#endif

static const char *k_help =
    "usage: vitrine run [--camera N | --video FILE | --images DIR] [--catalog FILE]\n"
    "                   [--calib FILE | --intrinsics FX,FY,CX,CY] [--headless] [--out FILE.mp4 | DIR]\n"
    "                   [--frames N] [--fullscreen] [--kiosk] [--monitor N]\n"
    "\n"
    "Shows each catalog product standing on its marker, with its name and price above it.\n"
    "With no source it opens camera 0, and when there is none it plays the built-in demo.\n"
    "\n"
    "  --camera N        camera index (V4L2)\n"
    "  --video FILE      a video file\n"
    "  --images DIR      a folder of images, in name order\n"
    "  --demo            the built-in demo scene (markers on a shelf, a moving camera)\n"
    "  --demo-size WxH   the demo's frame size (default 1280x720)\n"
    "  --catalog FILE    products, prices and models (default: %s/models/catalog.json)\n"
    "  --calib FILE      camera intrinsics from an OpenCV calibration file\n"
    "  --intrinsics FX,FY,CX,CY  camera intrinsics in pixels (default: a %.0f degree field of view)\n"
    "  --headless        render offscreen (EGL, no display needed); frames go to --out\n"
    "  --out FILE.mp4|DIR  write every composited frame: a video, or numbered PNGs in a folder\n"
    "                    (headless default: vitrine-run.mp4; '-' renders and reads back but keeps\n"
    "                    nothing, for benchmarks and soak tests)\n"
    "  --frames N        stop after N frames\n"
    "  --simulate-disconnect FRAME:SECONDS  for tests: the source drops out at FRAME for SECONDS,\n"
    "                    as an unplugged camera would\n"
    "  --report-every S  every S seconds, one line on stderr: frames per second, stage times, memory\n"
    "  --fullscreen      fill the monitor (--monitor N: which, 0 = primary)\n"
    "  --kiosk           for a stand: fullscreen, no pointer, Escape asks before quitting, Q does\n"
    "                    nothing\n"
    "  --msaa N          samples per pixel for smooth edges (default 4 on a GPU, 1 on a software\n"
    "                    renderer such as llvmpipe, where 4 halves the frame rate)\n"
    "  --no-shadows      no contact shadows under the products\n"
    "  --tour | --no-tour  the demo tour (a card, the basket and a promotion shown on a loop when\n"
    "                    no one touches anything; default: on for the built-in demo only)\n"
    "  --card PRODUCT    open this product's card (catalog id) as soon as it is seen\n"
    "  --hud             start with the HUD on (frames per second, stage times; H toggles it)\n"
    "  --screenshots DIR where S saves screenshots (default: the current folder)\n"
    "  --analytics FILE  record what visitors looked at in SQLite (default: vitrine-analytics.sqlite\n"
    "                    beside the catalog); read it with `vitrine stats`\n"
    "  --no-analytics    record nothing\n"
    "\n"
    "In a window: tap or click a product (or press 1-9, Tab) for its card; Enter or B adds it to\n"
    "the basket, Backspace empties the basket; Escape closes the card, else quits (in kiosk mode:\n"
    "asks first); F fullscreen, S screenshot (PNG), H frames per second and stage times. At the\n"
    "end, frames per second and the time of each stage are printed on stderr.\n";

typedef struct product_slot {
    const vt_product *p;
    vt_model *model;
    vt_gpu_model_id gpu;
    char *model_path;      /* what model was loaded from, to reuse it across reloads */
    long long model_mtime;
} product_slot;

/* What is on show: the catalog and a model for each product. Replaced whole on a good reload. */
typedef struct scene {
    vt_catalog *cat;
    product_slot *slots;
    vt_dictionary dict;
} scene;

static long long mtime_of(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 ? (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec : -1;
}

/* Builds a scene from cat (taking it), reusing unchanged models of old. A product whose model does
 * not load shows a placeholder box of its size, reported once; the display goes on. */
static void scene_build(scene *sc, vt_catalog *cat, scene *old, vt_renderer *rend)
{
    memset(sc, 0, sizeof *sc);
    sc->cat = cat;
    vt_dictionary_find(cat->dictionary, &sc->dict);
    sc->slots = calloc((size_t)cat->count + 1, sizeof *sc->slots);
    char err[1024];
    for (int i = 0; i < cat->count; i++) {
        product_slot *s = &sc->slots[i];
        const vt_product *p = &cat->products[i];
        s->p = p;
        s->model_mtime = mtime_of(p->model_path);
        for (int k = 0; old && old->cat && k < old->cat->count; k++) {
            product_slot *o = &old->slots[k];
            if (o->model && o->model_path && p->model_path && !strcmp(o->model_path, p->model_path) &&
                o->model_mtime == s->model_mtime && !o->model->is_placeholder) {
                s->model = o->model; s->gpu = o->gpu; s->model_path = o->model_path;
                o->model = NULL; o->gpu = (vt_gpu_model_id){ 0 }; o->model_path = NULL;
                break;
            }
        }
        if (s->model) continue;
        if (p->model_path && vt_model_load(p->model_path, &s->model, err, sizeof err) != VT_OK)
            VT_WARN("assets", "%s (product %s shows a placeholder)", err, p->id);
        if (!s->model) {
            float size[3] = { 0.08f, 0.08f, 0.08f };
            for (int k = 0; k < 3 && p->dimensions_mm[0] > 0; k++) size[k] = (float)(p->dimensions_mm[k] / 1000);
            if (vt_model_placeholder(size, &s->model, err, sizeof err) != VT_OK) VT_WARN("assets", "%s (product %s)", err, p->id);
        }
        s->model_path = p->model_path ? strdup(p->model_path) : NULL;
        if (s->model && vt_render_upload(rend, s->model, &s->gpu, err, sizeof err) != VT_OK)
            VT_WARN("render", "%s (product %s is not shown)", err, p->id);
    }
}

static void scene_free(scene *sc, vt_renderer *rend)
{
    for (int i = 0; sc->cat && i < sc->cat->count; i++) {
        vt_render_free_model(rend, sc->slots[i].gpu);
        vt_model_destroy(sc->slots[i].model);
        free(sc->slots[i].model_path);
    }
    free(sc->slots);
    vt_catalog_destroy(sc->cat);
    memset(sc, 0, sizeof *sc);
}

/* The visitor layer's view of the scene (catalog order). */
static vt_visitor_show *scene_shows(const scene *sc)
{
    vt_visitor_show *v = calloc((size_t)sc->cat->count + 1, sizeof *v);
    for (int i = 0; v && i < sc->cat->count; i++) v[i] = (vt_visitor_show){ sc->slots[i].p, sc->slots[i].model, sc->slots[i].gpu };
    return v;
}

/* S: the frame as shown, saved for staff (the output stage names the file). */
static void save_screenshot(const char *dir, const vt_image *rgba)
{
    char path[1200], err[1400];
    if (vt_screenshot_save(dir, rgba, path, sizeof path, err, sizeof err) != VT_OK) VT_WARN("run", "screenshot: %s", err);
    else VT_INFO("run", "screenshot saved to %s", path);
}

/* The catalog and every model it names, for the watcher. */
static void watch_scene(vt_watch *w, const scene *sc, const char *catalog_path)
{
    const char *paths[512];
    int n = 0;
    paths[n++] = catalog_path;
    for (int i = 0; i < sc->cat->count && n < 512; i++)
        if (sc->cat->products[i].model_path) paths[n++] = sc->cat->products[i].model_path;
    vt_watch_set(w, paths, n);
}

/* Turns presence events into analytics events for the products on those markers. */
static void record_presence(vt_analytics *a, const vt_catalog *cat, const vt_presence_event *ev, int n, double fps)
{
    for (int i = 0; i < n; i++) {
        const vt_product *p = vt_catalog_find_marker(cat, ev[i].id);
        if (!p) continue;
        vt_event e = { .marker = ev[i].id, .price = p->price, .frame = ev[i].kind == VT_PRESENCE_FOUND ? ev[i].first_frame : ev[i].last_frame };
        e.type = ev[i].kind == VT_PRESENCE_FOUND ? VT_EV_PRODUCT_FOUND : VT_EV_PRODUCT_LOST;
        snprintf(e.product_id, sizeof e.product_id, "%s", p->id);
        snprintf(e.product_name, sizeof e.product_name, "%s", p->name);
        snprintf(e.currency, sizeof e.currency, "%s", cat->currency);
        /* A visit lasts from the first frame seen to the end of the last one. */
        e.dwell_seconds = ev[i].last_t - ev[i].first_t + (fps > 0 ? 1.0 / fps : 0);
        VT_INFO("analytics", "%s %s frame %d", vt_event_type_str(e.type), p->id, e.frame);
        vt_analytics_record(a, &e);
    }
}

/* Ctrl-C or a service manager's SIGTERM: finish the frame, close files, print the summary. */
static volatile sig_atomic_t g_stop;
static void on_stop(int sig) { (void)sig; g_stop = 1; }

typedef struct run_opts {
    const char *video, *images, *catalog, *calib, *intr, *out, *analytics, *card, *shots;
    int camera, demo, headless, fullscreen, frames, no_analytics;
    int kiosk, monitor, msaa, no_shadows, tour, hud;   /* tour: -1 default, 0 off, 1 on */
    double report_every;
    int fault_after;
    double fault_seconds;
    int demo_w, demo_h;
} run_opts;

int vt_cmd_run(int argc, char **argv)
{
    static const struct option lo[] = {
        { "camera", required_argument, 0, 'C' }, { "video", required_argument, 0, 'v' },
        { "images", required_argument, 0, 'I' }, { "demo", no_argument, 0, 'D' },
        { "catalog", required_argument, 0, 'k' }, { "calib", required_argument, 0, 'c' },
        { "intrinsics", required_argument, 0, 'i' }, { "headless", no_argument, 0, 'H' },
        { "out", required_argument, 0, 'o' }, { "frames", required_argument, 0, 'n' },
        { "fullscreen", no_argument, 0, 'f' }, { "help", no_argument, 0, 'h' },
        { "analytics", required_argument, 0, 'a' }, { "report-every", required_argument, 0, 'R' },
        { "simulate-disconnect", required_argument, 0, 'S' }, { "demo-size", required_argument, 0, 'Z' }, { "no-analytics", no_argument, 0, 'N' },
        { "kiosk", no_argument, 0, 'K' }, { "monitor", required_argument, 0, 'M' }, { "msaa", required_argument, 0, 'A' },
        { "no-shadows", no_argument, 0, 'W' }, { "tour", no_argument, 0, 'T' }, { "no-tour", no_argument, 0, 'U' },
        { "card", required_argument, 0, 'P' }, { "screenshots", required_argument, 0, 's' }, { "hud", no_argument, 0, 'u' },
        { 0, 0, 0, 0 },
    };
    run_opts o = { .camera = -1, .tour = -1 };
    char default_catalog[1024];
    snprintf(default_catalog, sizeof default_catalog, "%s/models/catalog.json", VT_DATA_DIR);
    o.catalog = default_catalog;
    int c, nsrc = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'C':
            if (vt_parse_int(optarg, 0, 255, &o.camera)) { fprintf(stderr, "vitrine: run: --camera '%s': expected an index 0-255\n", optarg); return 2; }
            nsrc++;
            break;
        case 'v': o.video = optarg; nsrc++; break;
        case 'I': o.images = optarg; nsrc++; break;
        case 'D': o.demo = 1; nsrc++; break;
        case 'k': o.catalog = optarg; break;
        case 'c': o.calib = optarg; break;
        case 'i': o.intr = optarg; break;
        case 'H': o.headless = 1; break;
        case 'o': o.out = optarg; break;
        case 'n':
            if (vt_parse_int(optarg, 1, 100000000, &o.frames)) { fprintf(stderr, "vitrine: run: --frames '%s': expected a whole number >= 1\n", optarg); return 2; }
            break;
        case 'f': o.fullscreen = 1; break;
        case 'K': o.kiosk = o.fullscreen = 1; break;
        case 'M':
            if (vt_parse_int(optarg, 0, 16, &o.monitor)) { fprintf(stderr, "vitrine: run: --monitor '%s': expected 0-16\n", optarg); return 2; }
            break;
        case 'A':
            if (vt_parse_int(optarg, 1, 16, &o.msaa)) { fprintf(stderr, "vitrine: run: --msaa '%s': expected 1-16 samples\n", optarg); return 2; }
            break;
        case 'W': o.no_shadows = 1; break;
        case 'T': o.tour = 1; break;
        case 'U': o.tour = 0; break;
        case 'P': o.card = optarg; break;
        case 'u': o.hud = 1; break;
        case 's': o.shots = optarg; break;
        case 'a': o.analytics = optarg; break;
        case 'N': o.no_analytics = 1; break;
        case 'Z':
            if (sscanf(optarg, "%dx%d", &o.demo_w, &o.demo_h) != 2 || o.demo_w < 64 || o.demo_h < 64 || o.demo_w > 7680 || o.demo_h > 4320) {
                fprintf(stderr, "vitrine: run: --demo-size '%s': expected WxH, e.g. 1920x1080\n", optarg);
                return 2;
            }
            break;
        case 'S':
            if (sscanf(optarg, "%d:%lf", &o.fault_after, &o.fault_seconds) != 2 || o.fault_after < 1 || !(o.fault_seconds > 0)) {
                fprintf(stderr, "vitrine: run: --simulate-disconnect '%s': expected FRAME:SECONDS, e.g. 60:2.5\n", optarg);
                return 2;
            }
            break;
        case 'R':
            if (vt_parse_double(optarg, 0.1, 86400, &o.report_every)) { fprintf(stderr, "vitrine: run: --report-every '%s': expected seconds\n", optarg); return 2; }
            break;
        case 'h': printf(k_help, VT_DATA_DIR, VT_DEFAULT_HFOV_DEG); return 0;
        default:
            fprintf(stderr, "vitrine: run: unknown or incomplete option '%s' (try 'vitrine run --help')\n", argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) { fprintf(stderr, "vitrine: run: unexpected argument '%s'\n", argv[optind]); return 2; }
    if (nsrc > 1) { fprintf(stderr, "vitrine: run: give one source: --camera, --video, --images or --demo\n"); return 2; }
    if (o.calib && o.intr) { fprintf(stderr, "vitrine: run: give --calib or --intrinsics, not both\n"); return 2; }
    if (o.headless && !o.out) o.out = "vitrine-run.mp4";

    char err[1024];
    vt_camera cam_in = { 0 };
    int have_cam = 0;
    if (o.calib) {
        if (vt_camera_load(o.calib, &cam_in, err, sizeof err) != VT_OK) { fprintf(stderr, "vitrine: run: %s: %s\n", o.calib, err); return 2; }
        have_cam = 1;
    } else if (o.intr) {
        if (vt_camera_parse(o.intr, &cam_in) != VT_OK) {
            fprintf(stderr, "vitrine: run: --intrinsics '%s': expected FX,FY,CX,CY in pixels\n", o.intr);
            return 2;
        }
        have_cam = 1;
    }
    vt_catalog *cat = NULL;
    if (vt_catalog_load(o.catalog, &cat, err, sizeof err) != VT_OK) { fprintf(stderr, "vitrine: run: %s\n", err); return 2; }

    /* The source: as asked; else camera 0; else the demo, so `vitrine run` always shows something. */
    vt_source_desc sd = { .want = VT_WANT_GREY | VT_WANT_COLOUR, .fault_after = o.fault_after, .fault_seconds = o.fault_seconds,
                          .demo = { .width = o.demo_w, .height = o.demo_h } };
    if (o.video) { sd.kind = VT_SOURCE_VIDEO; sd.path = o.video; }
    else if (o.images) { sd.kind = VT_SOURCE_FOLDER; sd.path = o.images; }
    else if (o.demo) sd.kind = VT_SOURCE_DEMO;
    else { sd.kind = VT_SOURCE_CAMERA; sd.camera_index = o.camera < 0 ? 0 : o.camera; }
    vt_source *src = NULL;
    if (vt_source_open(&sd, &src, err, sizeof err) != VT_OK) {
        if (nsrc == 0) {
            VT_INFO("run", "%s; playing the built-in demo", err);
            sd.kind = VT_SOURCE_DEMO;
            if (vt_source_open(&sd, &src, err, sizeof err) != VT_OK) src = NULL;
        }
        if (!src) { fprintf(stderr, "vitrine: run: %s\n", err); vt_catalog_destroy(cat); return 2; }
    }

    int status = 0, n = 0;
    vt_frame fr;
    vt_result rr = vt_source_read(src, &fr, err, sizeof err);
    while (rr != VT_OK && rr != VT_END && !fr.is_stream) {   /* skip unreadable stills at the start */
        fprintf(stderr, "vitrine: run: %s: %s\n", fr.name, err);
        status = 2;
        rr = vt_source_read(src, &fr, err, sizeof err);
    }
    if (rr != VT_OK) {
        fprintf(stderr, "vitrine: run: %s: no frame to show\n", sd.path ? sd.path : "source");
        vt_source_destroy(src);
        vt_catalog_destroy(cat);
        return 2;
    }
    const int W = fr.colour.width, H = fr.colour.height;
    vt_camera cam = have_cam ? vt_camera_for_size(&cam_in, W, H) : vt_camera_from_fov(W, H, VT_DEFAULT_HFOV_DEG);

    vt_renderer *rend = NULL;
    if (vt_render_create(&(vt_render_desc){ .width = W, .height = H, .headless = o.headless, .fullscreen = o.fullscreen,
                                            .monitor = o.monitor, .hide_cursor = o.kiosk, .app_keys = 1, .msaa = o.msaa,
                                            .title = cat->store_name }, &rend, err, sizeof err) != VT_OK) {
        fprintf(stderr, "vitrine: run: %s\n", err);
        vt_source_destroy(src);
        vt_catalog_destroy(cat);
        return 1;
    }

    scene sc;
    scene_build(&sc, cat, NULL, rend);
    vt_watch *watch = NULL;
    if (vt_watch_create(&watch, err, sizeof err) == VT_OK) watch_scene(watch, &sc, o.catalog);
    else VT_WARN("catalog", "cannot watch %s for changes (inotify); edits need a restart", o.catalog);
    char banner[1200] = "", last_reload_err[1024] = "";
    uint64_t reload_at = 0;

    /* Output: a video, a folder of PNGs, or '-' (rendered and read back like any output, then dropped). */
    vt_sink *sink = NULL;
    vt_image rgba = { 0 };
    if (o.out) {
        vt_result so = vt_sink_open(&(vt_sink_desc){ .path = o.out, .width = W, .height = H, .fps = 30 }, &sink, err, sizeof err);
        if (so != VT_OK) { VT_ERROR("run", "%s", err); status = so == VT_ERR_ARG ? 2 : 1; goto done; }
        vt_image_alloc(&rgba, VT_PIX_RGBA8, W, H);
    }

    /* Analytics: beside the catalog unless told otherwise. A database that cannot be opened is
     * reported and the display runs without it. */
    vt_analytics *stats = NULL;
    if (!o.no_analytics) {
        char def[2048];
        const char *slash = strrchr(o.catalog, '/');
        snprintf(def, sizeof def, "%.*svitrine-analytics.sqlite", slash ? (int)(slash - o.catalog + 1) : 0, o.catalog);
        const char *apath = o.analytics ? o.analytics : def;
        char what[1100];
        snprintf(what, sizeof what, "%s", sd.kind == VT_SOURCE_DEMO ? "demo" : sd.kind == VT_SOURCE_CAMERA ? "camera" : sd.path);
        if (vt_analytics_open(apath, cat->store_name, what, &stats, err, sizeof err) != VT_OK)
            VT_WARN("analytics", "%s; running without analytics", err);
    }
    vt_presence presence;
    vt_presence_init(&presence, &(vt_presence_desc){ .lost_after = cat->filter.lost_after_frames });
    vt_presence_event pev[2 * VT_PRESENCE_MAX];
    double src_fps = vt_source_fps(src);

    /* The visitor's side: fades, tags, card, basket, attract screen, tour, kiosk keys. */
    vt_visitor_show *shows = NULL;
    vt_visitor *vis = vt_visitor_create(&(vt_visitor_desc){ .kiosk = o.kiosk, .shadows = !o.no_shadows, .stats = stats,
                                                            .tour = o.tour >= 0 ? o.tour : sd.kind == VT_SOURCE_DEMO });
    shows = scene_shows(&sc);
    if (vis && shows) vt_visitor_set_scene(vis, sc.cat, shows, sc.cat->count);
    int card_pending = o.card != NULL;
    if (vis && o.hud) vt_visitor_key(vis, 'H');
    char hud_buf[4][96];
    const char *hud[4] = { hud_buf[0], hud_buf[1], hud_buf[2], hud_buf[3] };
    int hud_n = 0, hud_frames = 0;
    uint64_t hud_t = vt_now_ns();
    vt_profile hud_prof = { 0 };

    /* The same tracker as `vitrine detect --track`: known markers re-read where they are going,
     * newcomers looked for in alternating bands (docs/performance.md). */
    vt_tracker *det = NULL;
    if (vt_tracker_create(&(vt_tracker_desc){ .dict = sc.dict }, &det, err, sizeof err) != VT_OK)
        VT_ERROR("run", "cannot create the tracker: %s", err);
    /* Steady products: each marker's pose through a 1€ filter with the catalog's settings. */
    vt_pose_filter *pf = vt_pose_filter_create(&(vt_pose_filter_desc){ cat->filter.min_cutoff, cat->filter.beta,
                                                                        cat->filter.d_cutoff, cat->filter.lost_after_frames });
    vt_marker_list ml = { 0 };
    vt_profile prof;
    vt_profile_reset(&prof);
    uint64_t t_start = vt_now_ns(), t_report = t_start;
    vt_profile prof_report = prof;
    int n_report = 0;
    int live = vt_source_is_live(src), offline = 0;
    double backoff = 0.25;
    uint64_t retry_at = 0, t_offline = 0;
    vt_image last_frame = { 0 };   /* a live camera's last picture, shown while it is away */
    g_stop = 0;
    signal(SIGINT, on_stop);
    signal(SIGTERM, on_stop);
    while (rr == VT_OK && !g_stop) {
        vt_profile_begin_frame(&prof);
        if (vt_render_should_close(rend)) break;
        /* Hot reload: a change is picked up 150 ms after the last write (editors write in bursts).
         * A good catalog replaces the scene between two frames; a bad one leaves the last good one
         * on screen, with a discreet banner and one line in the log. */
        if (watch && vt_watch_changed(watch)) reload_at = vt_now_ns() + 150000000ull;
        if (reload_at && vt_now_ns() >= reload_at) {
            reload_at = 0;
            vt_catalog *next = NULL;
            if (vt_catalog_load(o.catalog, &next, err, sizeof err) != VT_OK) {
                if (strcmp(last_reload_err, err) != 0) fprintf(stderr, "vitrine: catalog: not reloaded, the last good one stays: %s\n", err);
                snprintf(last_reload_err, sizeof last_reload_err, "%s", err);
                /* On screen, the problem without the folder part of the path. */
                const char *base = strrchr(err, '/');
                snprintf(banner, sizeof banner, "Catalog not updated: %s", base ? base + 1 : err);
            } else {
                scene fresh;
                scene_build(&fresh, next, &sc, rend);
                if (fresh.dict.cv_id != sc.dict.cv_id) {
                    vt_tracker_destroy(det);
                    det = NULL;
                    if (vt_tracker_create(&(vt_tracker_desc){ .dict = fresh.dict }, &det, err, sizeof err) != VT_OK)
                        VT_ERROR("run", "cannot create the tracker: %s", err);
                }
                scene_free(&sc, rend);
                sc = fresh;
                cat = sc.cat;
                free(shows);
                shows = scene_shows(&sc);
                if (vis && shows) vt_visitor_set_scene(vis, sc.cat, shows, sc.cat->count);
                banner[0] = last_reload_err[0] = 0;
                if (watch) watch_scene(watch, &sc, o.catalog);
                VT_INFO("catalog", "reloaded %s: %d products", o.catalog, cat->count);
            }
        }
        if (offline) {
            /* The camera dropped out: its last picture with a banner, while we retry with backoff. */
            if (vt_now_ns() >= retry_at) {
                if (vt_source_reopen(src, err, sizeof err) == VT_OK && (rr = vt_source_read(src, &fr, err, sizeof err)) == VT_OK) {
                    offline = 0;
                    vt_tracker_reset(det);   /* the view may have changed while away */
                    fprintf(stderr, "vitrine: run: %s is back after %.1f s\n", fr.name, vt_ms_since(t_offline) / 1000);
                } else {
                    rr = VT_OK;
                    backoff = backoff * 2 > 5 ? 5 : backoff * 2;
                    retry_at = vt_now_ns() + (uint64_t)(backoff * 1e9);
                }
            }
            if (offline) {
                vt_render_begin(rend, last_frame.data ? &last_frame : NULL, &cam);
                vt_ui_banner(rend, W, H, "Camera disconnected \u2014 reconnecting");
                vt_render_end(rend, o.out ? &rgba : NULL);
                if (sink && vt_sink_write(sink, &rgba, err, sizeof err) != VT_OK) { VT_ERROR("run", "%s", err); status = 1; break; }
                vt_profile_end_frame(&prof);
                n++;
                if (o.frames && n >= o.frames) break;
                nanosleep(&(struct timespec){ 0, 40000000 }, NULL);   /* ~25 frames/s of waiting, not a busy loop */
                continue;
            }
        }
        if (live) vt_image_copy(&last_frame, &fr.colour);
        if (det) vt_tracker_track(det, &fr.grey, &ml);
        vt_profile_stamp(&prof, "detect");
        /* Media time: a file's own, a folder of frames at a nominal 30 frames/s (so a headless
         * render of it is the same on any machine), the clock only for a live camera. */
        double t_now = src_fps > 0 ? fr.index / src_fps : live ? vt_ms_since(t_start) / 1000 : fr.index / 30.0;
        for (int i = 0; i < ml.count; i++) {
            vt_marker *m = &ml.items[i];
            const vt_product *p = vt_catalog_find_marker(cat, m->id);
            double prev[3];
            int have_prev = vt_pose_filter_last(pf, m->id, fr.index, prev);
            vt_pose_estimate_near(&cam, (p ? p->length_mm : cat->length_mm) / 1000.0, m, have_prev ? prev : NULL);
            if (m->has_pose) vt_pose_filter_apply(pf, m->id, fr.index, t_now, m->rvec, m->tvec);
        }
        vt_profile_stamp(&prof, "pose");
        if (stats) {
            /* Visits of catalog products, with found/lost hysteresis; media time for files, wall time live. */
            int ids[256], nid = 0;
            for (int i = 0; i < ml.count && nid < 256; i++)
                if (vt_catalog_find_marker(cat, ml.items[i].id)) ids[nid++] = ml.items[i].id;
            double t = src_fps > 0 ? fr.index / src_fps : vt_ms_since(t_start) / 1000;
            int ne = vt_presence_update(&presence, fr.index, t, ids, nid, pev);
            record_presence(stats, cat, pev, ne, src_fps);
        }

        /* What the visitor does: keys and taps (window only). */
        int shot = 0;
        for (int key; (key = vt_render_poll_key(rend)) != 0;) {
            int act = vis ? vt_visitor_key(vis, key) : key == 27;
            if (act == 1) g_stop = 1;
            else if (act == 2) shot = 1;
            else if (act == 3) vt_render_toggle_fullscreen(rend);
        }
        for (float cx, cy; vt_render_poll_click(rend, &cx, &cy);)
            if (vis) vt_visitor_click(vis, &cam, cx, cy);

        vt_render_begin(rend, &fr.colour, &cam);
        if (vis) {
            vt_visitor_begin(vis, t_now, fr.index);
            for (int i = 0; i < ml.count; i++) {
                const vt_marker *m = &ml.items[i];
                for (int k = 0; k < cat->count; k++) {
                    if (sc.slots[k].p->marker != m->id || !m->has_pose || !sc.slots[k].gpu.id) continue;
                    vt_visitor_seen(vis, k, m->rvec, m->tvec);
                    if (card_pending && !strcmp(sc.slots[k].p->id, o.card)) { vt_visitor_open_card(vis, k); card_pending = 0; }
                }
            }
            vt_visitor_draw_scene(vis, rend, &cam);
            /* HUD: frames per second and stage times, refreshed every second. */
            if (vt_visitor_hud(vis) && (vt_ms_since(hud_t) >= 1000 || hud_n == 0) && n > 0) {
                double secs = vt_ms_since(hud_t) / 1000;
                hud_n = 0;
                snprintf(hud_buf[hud_n++], sizeof hud_buf[0], "%.1f frames/s  %dx%d", (n - hud_frames) / secs, W, H);
                char line[96] = "";
                size_t len = 0;
                for (int k = 0; k < prof.count && hud_n < 4; k++) {
                    double ms = (prof.total_ms[k] - hud_prof.total_ms[k]) / (prof.frames - hud_prof.frames > 0 ? prof.frames - hud_prof.frames : 1);
                    len += (size_t)snprintf(line + len, sizeof line - len, "%s %.1f ms  ", prof.name[k], ms);
                    if (len > 40 || k == prof.count - 1) { snprintf(hud_buf[hud_n++], sizeof hud_buf[0], "%s", line); len = 0; line[0] = 0; }
                    if (len >= sizeof line) len = sizeof line - 1;
                }
                hud_prof = prof;
                hud_frames = n;
                hud_t = vt_now_ns();
            }
            vt_visitor_draw_ui(vis, rend, &cam, W, H, hud, hud_n);
        }
        if (banner[0]) vt_ui_banner(rend, W, H, banner);
        if (shot && !rgba.data) vt_image_alloc(&rgba, VT_PIX_RGBA8, W, H);
        vt_render_end(rend, o.out || shot ? &rgba : NULL);
        if (shot) save_screenshot(o.shots, &rgba);
        vt_profile_stamp(&prof, "render");
        if (sink && vt_sink_write(sink, &rgba, err, sizeof err) != VT_OK) {
            VT_ERROR("run", "%s", err);
            status = 1;
            break;
        }
        vt_profile_stamp(&prof, "output");
        vt_profile_end_frame(&prof);
        n++;
        if (o.report_every > 0 && vt_ms_since(t_report) >= o.report_every * 1000) {
            /* One line per interval, for soak tests and long runs: rate, mean stage times, memory. */
            double secs_i = vt_ms_since(t_report) / 1000;
            long rss_kb = 0;
            FILE *st = fopen("/proc/self/statm", "r");
            long pages = 0, res = 0;
            if (st && fscanf(st, "%ld %ld", &pages, &res) == 2) rss_kb = res * 4;
            if (st) fclose(st);
            fprintf(stderr, "vitrine: run: report: t %.0f s, %d frames, %.1f frames/s, rss %ld kB; ", vt_ms_since(t_start) / 1000,
                    n, (n - n_report) / secs_i, rss_kb);
            vt_profile tmp = prof;
            for (int k = 0; k < tmp.count; k++) tmp.total_ms[k] -= prof_report.total_ms[k];
            tmp.frames -= prof_report.frames;
            vt_profile_print(&tmp, stderr, 1);
            prof_report = prof;
            n_report = n;
            t_report = vt_now_ns();
        }
        if (o.frames && n >= o.frames) break;
        rr = vt_source_read(src, &fr, err, sizeof err);
        while (rr != VT_OK && rr != VT_END && !fr.is_stream) {
            fprintf(stderr, "vitrine: run: %s: %s\n", fr.name, err);
            status = 2;
            rr = vt_source_read(src, &fr, err, sizeof err);
        }
        if (rr != VT_OK && rr != VT_END) {
            if (live) {
                fprintf(stderr, "vitrine: run: %s; showing \"Camera disconnected\" and reconnecting\n", err);
                /* What is on the shelf is unknown while the camera is gone: visits end here. */
                if (stats) record_presence(stats, cat, pev, vt_presence_flush(&presence, pev), src_fps);
                offline = 1;
                backoff = 0.25;
                t_offline = vt_now_ns();
                retry_at = t_offline + (uint64_t)(backoff * 1e9);
                rr = VT_OK;
            } else {
                fprintf(stderr, "vitrine: run: %s\n", err);
                status = 1;
            }
        }
        if (rr == VT_END && sd.kind == VT_SOURCE_DEMO) break;
        vt_profile_stamp(&prof, "capture");
    }
    if (stats) record_presence(stats, cat, pev, vt_presence_flush(&presence, pev), src_fps);
    vt_analytics_close(stats);
    double secs = vt_ms_since(t_start) / 1000;
    fprintf(stderr, "vitrine: run: %d frames (%dx%d) in %.1f s, %.1f frames/s%s%s; per frame: ", n, W, H, secs,
            secs > 0 ? n / secs : 0, o.out ? ", written to " : "", o.out ? o.out : "");
    vt_profile_print(&prof, stderr, 1);
    vt_marker_list_free(&ml);
    vt_tracker_destroy(det);
    vt_pose_filter_destroy(pf);
    vt_visitor_destroy(vis);
    free(shows);
    vt_image_free(&last_frame);
done:
    vt_sink_close(sink);
    vt_image_free(&rgba);
    scene_free(&sc, rend);
    vt_watch_destroy(watch);
    vt_render_destroy(rend);
    vt_source_destroy(src);
    return status;
}
