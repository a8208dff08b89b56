/* run_opts.c — the command line of `vitrine run`. */
#include "run.h"

#include "app/vt_app.h"

#include <getopt.h>
#include <math.h>  /* floor */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>


static const char *k_help =
    /* TRANSLATORS: --help: keep commands, option names, CAPITAL values and the layout as they are. */
    N_("usage: vitrine run [--camera SOURCE | --video FILE | --images DIR] [--catalog FILE]\n"
    "                   [--camera-size WxH] [--camera-fps N] [--camera-format FOURCC]\n"
    "                   [--calib FILE | --intrinsics FX,FY,CX,CY] [--headless] [--out FILE.mp4 | DIR]\n"
    "                   [--frames N] [--fullscreen] [--kiosk] [--monitor N]\n"
    "                   [--network URL --kiosk-name NAME --store NAME]\n"
    "\n"
    "Shows each catalog product standing on its marker, with its name and price above it.\n"
    "With no source it opens camera 0, and when there is none it plays the built-in demo.\n"
    "\n"
    "  --camera SOURCE   a camera: an index (0) or a device (/dev/video0); an IP camera or stream:\n"
    "                    rtsp://, rtsps://, http:// or https:// (MJPEG); or gst:PIPELINE, any\n"
    "                    GStreamer pipeline giving video (default: the catalog's \"camera\", else 0)\n"
    "  --camera-size WxH the frame size to ask of it (a camera: that mode; a stream or pipeline:\n"
    "                    scaled to it; default: its best)\n"
    "  --camera-fps N    frames per second to ask of it (default: its best)\n"
    "  --camera-format FOURCC  a camera's pixel format: MJPG, YUYV, H264... (default: the best)\n"
    "  --camera-exposure auto|locked|N  a camera's exposure: automatic, held at its current\n"
    "                    automatic value, or N in 100 us steps (locked or a number stop markers\n"
    "                    flickering as the light changes)\n"
    "  --camera-focus auto|locked|N  a camera's focus (N: the driver's focus steps)\n"
    "  --camera-white-balance auto|locked|K  a camera's white balance (K: kelvin)\n"
    "  --video FILE      a video file\n"
    "  --images DIR      a folder of images, in name order (the first sets the frame size; others\n"
    "                    are scaled to it, letterboxed)\n"
    "  --demo            the built-in demo scene (markers on a shelf, a moving camera)\n"
    "  --demo-size WxH   the demo's frame size (default 1280x720)\n"
    "  --catalog FILE    products, prices and models (default: %s)\n"
    "  --calib FILE      camera intrinsics from an OpenCV calibration file (made at the video's\n"
    "                    aspect ratio; another size is scaled)\n"
    "  --intrinsics FX,FY,CX,CY  camera intrinsics in pixels (default: a %.0f degree field of view)\n"
    "  --headless        render offscreen (EGL, no display needed); frames go to --out\n"
    "  --out FILE.mp4|DIR  write every composited frame: a video, or numbered PNGs in a folder\n"
    "                    (headless default: vitrine-run.mp4; '-' renders and reads back but keeps\n"
    "                    nothing, for benchmarks and soak tests)\n"
    "  --frames N        stop after N frames\n"
    "  --simulate-disconnect FRAME:SECONDS  for tests: the source drops out at FRAME for SECONDS,\n"
    "                    as an unplugged camera would\n"
    "  --report-every S  every S seconds, one line on stderr: frames per second, memory, capture-to-\n"
    "                    display latency (mean, 95th percentile), stage times; a live source's\n"
    "                    frames dropped (replaced by newer ones before shown) and reconnects\n"
    "  --fullscreen      fill the monitor (--monitor N: which, 0 = primary; one that does not\n"
    "                    exist is an error; headless ignores it)\n"
    "  --kiosk           for a stand: fullscreen, no pointer, Escape asks before quitting, Q does\n"
    "                    nothing\n"
    "  --msaa N          samples per pixel for smooth edges (default 4 on a GPU, 1 on a software\n"
    "                    renderer such as llvmpipe, where 4 halves the frame rate)\n"
    "  --no-shadows      no contact shadows under the products\n"
    "  --tour | --no-tour  the demo tour (a card, the basket and a promotion shown on a loop when\n"
    "                    no one touches anything; default: on for the built-in demo only; the\n"
    "                    invented promotion only with the built-in demo catalog)\n"
    "  --card PRODUCT    open this product's card (catalog id, checked at start) as soon as it is\n"
    "                    seen\n"
    "  --click FRAME:X,Y for tests: a tap at output pixel X,Y when source frame FRAME is shown, as a\n"
    "                    finger or the mouse would (repeatable, up to 64 inputs in all)\n"
    "  --key FRAME:KEY   for tests: a key pressed when source frame FRAME is shown: a letter or\n"
    "                    digit (L: the next language), Tab, Enter, Escape or Backspace (repeatable)\n"
    "  --layout-log FILE one JSON line per frame: each product's marker corners and tag, the card,\n"
    "                    basket and HUD rectangles, in output pixels (docs/visitor.md)\n"
    "  --hud             start with the HUD on (frames per second, latency, stage times, the latest\n"
    "                    errors, warnings and notes for staff; H toggles it)\n"
    "  --screenshots DIR where S saves screenshots (default: %s)\n"
    "  --analytics FILE  record what visitors looked at in SQLite; read it with `vitrine stats`\n"
    "                    (default: vitrine-analytics.sqlite beside the catalog when its folder is\n"
    "                    the shop's own and writable, else in %s)\n"
    "  --no-analytics    record nothing\n"
    "  --console ADDR:PORT  serve the web console from the display (docs/console.md): prices,\n"
    "                    products, models, marker sheets, the live picture, status; e.g.\n"
    "                    127.0.0.1:8080 (port 0 picks a free one); off loopback it needs HTTPS\n"
    "                    (--tls-cert, --tls-key) or --insecure. If it cannot start, staff are told\n"
    "                    and the display runs without it\n"
    "  --console-state DIR  the console's password, saved versions, thumbnails (default:\n"
    "                    .vitrine-console beside the catalog, as for --analytics, else\n"
    "                    %s/console; set the password with\n"
    "                    `vitrine console --catalog FILE --set-password`)\n"
    "  --tls-cert FILE   the console over HTTPS: its certificate (PEM) ...\n"
    "  --tls-key FILE    ... and its private key (PEM)\n"
    "  --insecure        the console over plain HTTP off loopback (only on a network you trust)\n"
    "  --network URL     join the shop network (docs/network.md): a PostgreSQL URL\n"
    "                    (postgresql://kiosk_role:PASSWORD@HOST/DB) for this kiosk's role; the\n"
    "                    visits are recorded in the analytics database first and shipped from there,\n"
    "                    the store's published catalogs are taken between frames. Needs\n"
    "                    --kiosk-name NAME and --store NAME\n"
    "  --kiosk-name NAME this display's name on the shop network (as `vitrine network add-kiosk`\n"
    "                    made it); \"--kiosk NAME\" says the same of a stand (--kiosk) at once\n"
    "  --store NAME      the store the kiosk was added to (`vitrine network add-kiosk`)\n"
    "  --network-insecure  a server that is not local without TLS (only on a network you trust)\n"
    "  --network-config FILE  network, kiosk, store, insecure, console_network as key = value lines\n"
    "                    (default: network.conf in the configuration folder, as for the catalog,\n"
    "                    else in %s); the command line wins\n"
    "  --console-network URL  the console's Network page: a URL for a console role\n"
    "\n"
    "In a window: tap or click a product (or press 1-9, Tab) for its card; Enter or B adds it to\n"
    "the basket, Backspace empties the basket; Escape closes the card, else quits (in kiosk mode:\n"
    "asks first); F fullscreen, S screenshot (PNG), H frames per second, stage times and staff\n"
    "messages (problems go to the log and the HUD, never the visitors' screen). At the\n"
    "end, frames per second and the time of each stage are printed on stderr.\n");

/* Long options without a letter (the web console's). */
enum { OPT_CONSOLE = 0x100, OPT_CONSOLE_STATE, OPT_TLS_CERT, OPT_TLS_KEY, OPT_INSECURE,
       OPT_CAM_SIZE, OPT_CAM_FPS, OPT_CAM_FORMAT, OPT_CAM_EXPOSURE, OPT_CAM_FOCUS, OPT_CAM_WB,
       OPT_NETWORK, OPT_NETWORK_CONFIG, OPT_NETWORK_INSECURE, OPT_KIOSK_NAME, OPT_STORE, OPT_CONSOLE_NETWORK };

static const struct option k_opts[] = {
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
    { "layout-log", required_argument, 0, 'L' }, { "click", required_argument, 0, 'X' }, { "key", required_argument, 0, 'Y' },
    { "console", required_argument, 0, OPT_CONSOLE }, { "console-state", required_argument, 0, OPT_CONSOLE_STATE },
    { "tls-cert", required_argument, 0, OPT_TLS_CERT }, { "tls-key", required_argument, 0, OPT_TLS_KEY },
    { "insecure", no_argument, 0, OPT_INSECURE },
    { "camera-size", required_argument, 0, OPT_CAM_SIZE }, { "camera-fps", required_argument, 0, OPT_CAM_FPS },
    { "camera-format", required_argument, 0, OPT_CAM_FORMAT }, { "camera-exposure", required_argument, 0, OPT_CAM_EXPOSURE },
    { "camera-focus", required_argument, 0, OPT_CAM_FOCUS }, { "camera-white-balance", required_argument, 0, OPT_CAM_WB },
    { "network", required_argument, 0, OPT_NETWORK }, { "network-config", required_argument, 0, OPT_NETWORK_CONFIG },
    { "network-insecure", no_argument, 0, OPT_NETWORK_INSECURE }, { "kiosk-name", required_argument, 0, OPT_KIOSK_NAME },
    { "store", required_argument, 0, OPT_STORE }, { "console-network", required_argument, 0, OPT_CONSOLE_NETWORK },
    { 0, 0, 0, 0 },
};

/* A whole-number option within lo..hi: 0, or 2 after saying what was expected. */
static int int_arg(const char *opt, const char *arg, int lo, int hi, int *out, const char *expected)
{
    if (!vt_parse_int(arg, lo, hi, out)) return 0;
    /* TRANSLATORS: "--frames 'x': expected a whole number >= 1"; the last part is one of the phrases below. */
    VT_ERROR("run", "--%s '%s': expected %s", opt, arg, vt_tr(expected));
    return 2;
}

/* KEY of --key: a letter or digit (as the window gives it: upper case) or a named key; 0 when none. */
static int key_code(const char *k)
{
    static const struct { const char *name; int code; } named[] = { { "Tab", '\t' }, { "Enter", '\n' }, { "Escape", 27 },
                                                                     { "Backspace", 8 } };
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (!strcasecmp(k, named[i].name)) return named[i].code;
    if (k[0] && !k[1] && isalnum((unsigned char)k[0])) return toupper((unsigned char)k[0]);
    return 0;
}

/* --click FRAME:X,Y and --key FRAME:KEY: 0, or 2 after reporting a bad one. */
static int parse_input(run_opts *o, int c, const char *arg)
{
    const char *opt = c == 'X' ? "click" : "key", *colon = strchr(arg, ':');
    char frame[32];
    run_input in = { 0 };
    double xy[2];
    int ok = colon && (size_t)(colon - arg) < sizeof frame;
    if (ok) snprintf(frame, sizeof frame, "%.*s", (int)(colon - arg), arg);
    ok = ok && !vt_parse_int(frame, 0, 100000000, &in.frame);
    if (ok && c == 'X') {
        ok = !vt_parse_doubles(colon + 1, ',', xy, 2) && xy[0] >= 0 && xy[1] >= 0 && xy[0] <= 16384 && xy[1] <= 16384;
        in.x = (float)xy[0], in.y = (float)xy[1];
    } else if (ok) {
        ok = (in.key = key_code(colon + 1)) != 0;
    }
    if (!ok) {
        if (c == 'X') VT_ERROR("run", "--click '%s': expected FRAME:X,Y in output pixels, e.g. 30:120,650", arg);
        else VT_ERROR("run", "--key '%s': expected FRAME:KEY, e.g. 30:L or 30:Tab", arg);
        return 2;
    }
    if (o->ninputs >= RUN_MAX_INPUTS) { VT_ERROR("run", "--%s: more than %d --click and --key in all", opt, RUN_MAX_INPUTS); return 2; }
    o->inputs[o->ninputs++] = in;
    return 0;
}

/* The options that take a number or a pair: 0, or 2 after reporting a bad value. */
static int parse_value(run_opts *o, int c, const char *arg)
{
    switch (c) {
    case 'C': o->nsrc++; return app_camera_spec("run", arg, &o->camsrc);
    case 'n': return int_arg("frames", arg, 1, 100000000, &o->frames, N_("a whole number >= 1"));
    case 'M': return int_arg("monitor", arg, 0, 16, &o->monitor, N_("0-16"));
    case 'A': return int_arg("msaa", arg, 1, 16, &o->msaa, N_("1-16 samples"));
    case 'X': case 'Y': return parse_input(o, c, arg);
    case 'Z':
        if (vt_parse_size(arg, 64, 7680, 64, 4320, &o->demo_w, &o->demo_h)) {
            VT_ERROR("run", "--demo-size '%s': expected WxH from 64x64 to 7680x4320, e.g. 1920x1080", arg);
            return 2;
        }
        return 0;
    case 'S': {
        double v[2];
        if (vt_parse_doubles(arg, ':', v, 2) || !(v[0] >= 1 && v[0] <= 1e8 && v[0] == floor(v[0])) || !(v[1] > 0 && v[1] <= 86400)) {
            VT_ERROR("run", "--simulate-disconnect '%s': expected FRAME:SECONDS, e.g. 60:2.5", arg);
            return 2;
        }
        o->fault_after = (int)v[0];
        o->fault_seconds = v[1];
        return 0;
    }
    case OPT_CAM_SIZE: case OPT_CAM_FPS: case OPT_CAM_FORMAT: case OPT_CAM_EXPOSURE: case OPT_CAM_FOCUS: case OPT_CAM_WB:
        return app_camera_option("run", c - OPT_CAM_SIZE, arg, &o->cam);
    case 'R':
        if (vt_parse_double(arg, 0.1, 86400, &o->report_every)) { VT_ERROR("run", "--report-every '%s': expected seconds", arg); return 2; }
        return 0;
    }
    return 0;
}

/* One option: 0, or 2 after reporting a bad one. */
static int parse_option(run_opts *o, int c, const char *arg)
{
    switch (c) {
    case 'v': o->video = arg; o->nsrc++; break;
    case 'I': o->images = arg; o->nsrc++; break;
    case 'D': o->demo = 1; o->nsrc++; break;
    case 'k': o->catalog = arg; break;
    case 'c': o->calib = arg; break;
    case 'i': o->intr = arg; break;
    case 'H': o->headless = 1; break;
    case 'o': o->out = arg; break;
    case 'f': o->fullscreen = 1; break;
    case 'K': o->kiosk = o->fullscreen = 1; break;
    case 'W': o->no_shadows = 1; break;
    case 'T': o->tour = 1; break;
    case 'U': o->tour = 0; break;
    case 'P': o->card = arg; break;
    case 'u': o->hud = 1; break;
    case 'L': o->layout_log = arg; break;
    case 's': o->shots = arg; break;
    case 'a': o->analytics = arg; break;
    case 'N': o->no_analytics = 1; break;
    case OPT_CONSOLE: o->console = arg; break;
    case OPT_CONSOLE_STATE: o->console_state = arg; break;
    case OPT_TLS_CERT: o->tls_cert = arg; break;
    case OPT_TLS_KEY: o->tls_key = arg; break;
    case OPT_INSECURE: o->insecure = 1; break;
    case OPT_NETWORK: o->network = arg; break;
    case OPT_NETWORK_CONFIG: o->network_config = arg; break;
    case OPT_NETWORK_INSECURE: o->network_insecure = 1; break;
    case OPT_KIOSK_NAME: o->net_kiosk = arg; break;
    case OPT_STORE: o->net_store = arg; break;
    case OPT_CONSOLE_NETWORK: o->console_network = arg; break;
    default: return parse_value(o, c, arg);
    }
    return 0;
}

int run_opts_parse(int argc, char **argv, run_opts *o)
{
    *o = (run_opts){ .tour = -1, .monitor = -1, .network_insecure = -1 };
    snprintf(o->default_catalog, sizeof o->default_catalog, "%s", vt_default_catalog());
    o->catalog = o->default_catalog;
    opterr = 0;
    optind = 1;
    /* "+": no permuting, so that --kiosk may take the word after it (run has no operands) */
    for (int c; (c = getopt_long(argc, argv, "+h", k_opts, NULL)) != -1;) {
        if (c == 'h') {
            printf(_(k_help), vt_default_catalog(), VT_DEFAULT_HFOV_DEG, vt_pictures_dir(), vt_state_dir(), vt_state_dir(),
                   vt_state_dir());
            return 0;
        }
        if (c == '?' || c == ':') {
            VT_ERROR("run", "unknown or incomplete option '%s' (try 'vitrine run --help')", argv[optind - 1]);
            return 2;
        }
        if (parse_option(o, c, optarg)) return 2;
        /* --kiosk NAME: a stand that is also this display's name on the shop network */
        if (c == 'K' && optind < argc && argv[optind][0] && argv[optind][0] != '-') o->net_kiosk = argv[optind++];
    }
    if (optind < argc) { VT_ERROR("run", "unexpected argument '%s'", argv[optind]); return 2; }
    if (o->nsrc > 1) { VT_ERROR("run", "give one source: --camera, --video, --images or --demo"); return 2; }
    if (o->calib && o->intr) { VT_ERROR("run", "give --calib or --intrinsics, not both"); return 2; }
    if ((o->video || o->images || o->demo) && o->cam.given)
        VT_WARN("run", "the --camera-... options are for a camera, stream or pipeline; ignored with %s",
                o->video ? "--video" : o->images ? "--images" : "--demo");
    if (o->headless && !o->out) o->out = "vitrine-run.mp4";
    if (!o->console && (o->console_state || o->tls_cert || o->tls_key || o->insecure))
        VT_WARN("run", "--console-state, --tls-cert, --tls-key and --insecure are for --console; ignored without it");
    if (o->headless && o->monitor >= 0) VT_WARN("run", "--monitor %d is ignored: a headless run opens no window", o->monitor);
    return -1;
}
