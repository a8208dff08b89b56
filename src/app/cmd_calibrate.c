/* cmd_calibrate.c — `vitrine calibrate`: camera intrinsics from views of a chessboard or ChArUco
 * board, from files or live in a window. */
#include "app/vt_app.h"
#include "app_camera.h"
#include "capture/vt_capture.h"
#include "output/vt_output.h"
#include "render/vt_render.h"
#include "ui/vt_ui.h"
#include "vision/vt_vision.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *k_help =
    /* TRANSLATORS: --help: keep commands, option names, CAPITAL values and the layout as they are. */
    N_("usage: vitrine calibrate --board SPEC [--out calib.yml] INPUT...\n"
    "       vitrine calibrate --board SPEC [--out calib.yml] --camera SOURCE [--camera-size WxH]\n"
    "\n"
    "Works out the camera's intrinsics and lens distortion from views of a printed board, and\n"
    "writes them as OpenCV FileStorage YAML that every --calib option reads.\n"
    "\n"
    "  --board SPEC   chessboard:COLSxROWS:SQUARE_MM   (inner corners, e.g. chessboard:9x6:25)\n"
    "                 charuco:COLSxROWS:SQUARE_MM:MARKER_MM:DICT  (squares, e.g.\n"
    "                 charuco:5x7:40:20:6X6_250)\n"
    "  INPUT          images, folders of images, or videos (frames sampled, about 40 per video)\n"
    "  --camera SOURCE  live: a window shows the board as detected and the image area covered so\n"
    "                 far; Space takes a view (one is also taken by itself when the board is held\n"
    "                 still in a new place); Enter calibrates; Escape quits. SOURCE as `vitrine run`\n"
    "                 takes it: an index, /dev/videoN, rtsp://, http://, gst:PIPELINE\n"
    "  --camera-size WxH, --camera-fps N, --camera-format FOURCC, --camera-exposure auto|locked|N,\n"
    "  --camera-focus auto|locked|N, --camera-white-balance auto|locked|K  the camera's mode and\n"
    "                 controls, as for `vitrine run` (calibrate at the size the display will use,\n"
    "                 focus locked)\n"
    "  --live         the same live capture over a video INPUT (with --headless: no window, views\n"
    "                 taken automatically)\n"
    "  --headless     no window (with --live)\n"
    "  --out FILE     where to write (default calib.yml)\n"
    "\n"
    "Print a board with `vitrine markers --board SPEC --out DIR`. Exit status: 0 calibrated;\n"
    "1 the board was not found in enough views, or calibration failed; 2 bad arguments.\n");

#define MAX_VIEWS 200

typedef struct views {
    vt_calib_view v[MAX_VIEWS];
    char names[MAX_VIEWS][256];
    int n, width, height;
} views;

static int add_view(views *vs, const vt_board *b, const float (*img)[2], const float (*obj)[3], int n, const char *name)
{
    if (vs->n == MAX_VIEWS) return 0;
    vt_calib_view *v = &vs->v[vs->n];
    v->img = malloc((size_t)n * sizeof *v->img);
    v->obj = malloc((size_t)n * sizeof *v->obj);
    if (!v->img || !v->obj) { free(v->img); free(v->obj); return 0; }
    memcpy(v->img, img, (size_t)n * sizeof *v->img);
    memcpy(v->obj, obj, (size_t)n * sizeof *v->obj);
    v->count = n;
    snprintf(vs->names[vs->n], sizeof vs->names[0], "%s", name);
    v->name = vs->names[vs->n];
    vs->n++;
    (void)b;
    return 1;
}

static void free_views(views *vs)
{
    for (int i = 0; i < vs->n; i++) { free(vs->v[i].img); free(vs->v[i].obj); }
}

/* Mean distance between two detections of the same corners (for stillness), or a large value. */
static double motion(const float (*a)[2], int na, const float (*b)[2], int nb)
{
    if (na != nb || na == 0) return 1e9;
    double s = 0;
    for (int i = 0; i < na; i++) s += hypot(a[i][0] - b[i][0], a[i][1] - b[i][1]);
    return s / na;
}

/* A view is new unless some view taken already has the board in about the same place: the
 * corners both views share (same board points) lie within 5 % of the image width on average. */
static int is_new_pose(const views *vs, const float (*img)[2], const float (*obj)[3], int n, int w)
{
    for (int k = 0; k < vs->n; k++) {
        const vt_calib_view *v = &vs->v[k];
        double sum = 0;
        int shared = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < v->count; j++)
                if (obj[i][0] == v->obj[j][0] && obj[i][1] == v->obj[j][1]) {
                    sum += hypot(img[i][0] - v->img[j][0], img[i][1] - v->img[j][1]);
                    shared++;
                    break;
                }
        if (shared >= n / 2 && sum / shared < 0.05 * w) return 0;
    }
    return 1;
}

/* Reads every INPUT and keeps the frames where the board shows. Returns 0, 1 on errors (reported). */
/* The keys, on a dark band across the top in the staff's language (any script: Pango). */
static void draw_help_line(vt_renderer *r, int w, int h, const char *line)
{
    float px = h / 720.0f * 20, band[4] = { 0, 0, 0, 0.55f }, white[4] = { 1, 1, 1, 1 };
    const vt_text_box fit = { w - 2 * px, 1, 0, VT_TEXT_START };
    vt_render_rect(r, 0, 0, (float)w, px * 2.2f, band);
    vt_render_text_box(r, px, px * 1.45f, px, line, &fit, white);
}

static int gather(const vt_board *b, char **inputs, int ninputs, views *vs)
{
    int max = vt_board_max_corners(b), status = 0, looked = 0;
    float (*img)[2] = malloc((size_t)max * sizeof *img);
    float (*obj)[3] = malloc((size_t)max * sizeof *obj);
    char err[512];
    for (int i = 0; i < ninputs; i++) {
        vt_source *src;
        if (vt_source_open(&(vt_source_desc){ .path = inputs[i], .want = VT_WANT_GREY }, &src, err, sizeof err) != VT_OK) {
            VT_ERROR("calibrate", "%s", err);
            status = 1;
            continue;
        }
        /* About 40 frames from a video, spread over its length. */
        int count = vt_source_count(src), step = 1;
        if (vt_source_get_kind(src) == VT_SOURCE_VIDEO) step = count > 40 ? count / 40 : count < 0 ? 15 : 1;
        vt_frame f;
        vt_result r;
        while ((r = vt_source_read(src, &f, err, sizeof err)) != VT_END) {
            if (r != VT_OK) { VT_ERROR_FILE("calibrate", f.name, "%s", err); status = 1; if (f.is_stream) break; continue; }
            if (f.index % step) continue;
            if (vs->width == 0) { vs->width = f.grey.width; vs->height = f.grey.height; }
            if (f.grey.width != vs->width || f.grey.height != vs->height) {
                VT_ERROR("calibrate", "%s: %dx%d, but the first view was %dx%d; one camera mode per calibration",
                        f.name, f.grey.width, f.grey.height, vs->width, vs->height);
                status = 1;
                continue;
            }
            looked++;
            int n = vt_board_detect(b, &f.grey, img, obj, max);
            char name[256];
            if (f.is_stream) snprintf(name, sizeof name, "%s#%d", f.name, f.index);
            else snprintf(name, sizeof name, "%s", strrchr(f.name, '/') ? strrchr(f.name, '/') + 1 : f.name);
            if (n > 0) add_view(vs, b, (const float (*)[2])img, (const float (*)[3])obj, n, name);
            else VT_INFO("calibrate", "%s: no board", name);
        }
        vt_source_destroy(src);
    }
    free(img);
    free(obj);
    if (looked && vs->n == 0 && b->kind == VT_BOARD_CHESSBOARD)
        VT_ERROR("calibrate", vt_trn("the board was not found in any of %d image (is it a chessboard of %dx%d inner corners?)",
                                     "the board was not found in any of %d images (is it a chessboard of %dx%d inner corners?)",
                                     (unsigned long)looked), looked, b->cols, b->rows);
    else if (looked && vs->n == 0)
        VT_ERROR("calibrate", vt_trn("the board was not found in any of %d image (is it a ChArUco board of %dx%d squares?)",
                                     "the board was not found in any of %d images (is it a ChArUco board of %dx%d squares?)",
                                     (unsigned long)looked), looked, b->cols, b->rows);
    return status;
}

/* Live capture: shows each frame with the board as detected and the coverage so far. */
static int live(const vt_board *b, vt_source *src, int headless, views *vs)
{
    int max = vt_board_max_corners(b);
    float (*img)[2] = malloc((size_t)max * sizeof *img), (*prev)[2] = malloc((size_t)max * sizeof *prev);
    float (*obj)[3] = malloc((size_t)max * sizeof *obj);
    int nprev = 0, still = 0, status = 0;
    char err[512];
    vt_renderer *r = NULL;
    vt_image c = { 0 };   /* the frame with the board's corners marked */
    vt_frame f;
    vt_result rr;
    while ((rr = vt_source_read(src, &f, err, sizeof err)) == VT_OK) {
        if (vs->width == 0) {
            vs->width = f.colour.width;
            vs->height = f.colour.height;
            if (!headless && vt_render_create(&(vt_render_desc){ .width = vs->width, .height = vs->height, .title = _("Vitrine calibration") },
                                              &r, err, sizeof err) != VT_OK) {
                VT_ERROR("calibrate", "%s", err);
                status = 1;
                break;
            }
        }
        int n = vt_board_detect(b, &f.grey, img, obj, max);
        int take = 0, key = r ? vt_render_poll_key(r) : 0;
        if (key == '\n') break;
        if (r && vt_render_should_close(r)) { vs->n = -vs->n - 1; break; }   /* quit: no calibration */
        double mv = motion((const float (*)[2])img, n, (const float (*)[2])prev, nprev);
        still = (n > 0 && mv < 1.0) ? still + 1 : 0;
        if (n > 0 && key == ' ') take = 1;
        if (n > 0 && still >= 8 && is_new_pose(vs, (const float (*)[2])img, (const float (*)[3])obj, n, vs->width)) take = 1;
        if (take) {
            char name[64];
            snprintf(name, sizeof name, _("frame %d"), f.index);
            add_view(vs, b, (const float (*)[2])img, (const float (*)[3])obj, n, name);
            still = 0;
            VT_INFO("calibrate", "view %d taken (%s, %d corners)", vs->n, name, n);
        }
        memcpy(prev, img, (size_t)n * sizeof *img);
        nprev = n;
        if (r) {
            vt_image_copy(&c, &f.colour);
            static const uint8_t blue[3] = { 220, 140, 40 }, green[3] = { 60, 220, 60 };
            for (int k = 0; k < vs->n; k++) vt_mark_points(&c, (const float (*)[2])vs->v[k].img, vs->v[k].count, blue, 2);
            vt_mark_points(&c, (const float (*)[2])img, n, green, 4);
            char line[320];
            snprintf(line, sizeof line, vt_trn("%d view  -  Space: take a view   Enter: calibrate   Esc: quit",
                                               "%d views  -  Space: take a view   Enter: calibrate   Esc: quit", (unsigned long)vs->n), vs->n);
            vt_camera cam = vt_camera_from_fov(vs->width, vs->height, VT_DEFAULT_HFOV_DEG);
            vt_render_begin(r, &c, &cam);
            draw_help_line(r, vs->width, vs->height, line);
            if (take) vt_ui_banner(r, vs->width, vs->height, _("View taken"));
            else if (!n) vt_ui_banner(r, vs->width, vs->height, _("Show the whole board to the camera"));
            vt_render_end(r, NULL);
        }
    }
    if (rr != VT_OK && rr != VT_END) { VT_ERROR("calibrate", "%s", err); status = 1; }
    vt_image_free(&c);
    vt_render_destroy(r);
    free(img); free(prev); free(obj);
    return status;
}

static void report(const vt_board *b, const views *vs, const vt_calib_result *res, const char *out)
{
    int nv = res->used + res->rejected;
    if (b->kind == VT_BOARD_CHESSBOARD)
        printf(vt_trn("vitrine calibrate: %d view of the chessboard %dx%d board, %d left out for a large error\n",
                      "vitrine calibrate: %d views of the chessboard %dx%d board, %d left out for a large error\n", (unsigned long)nv),
               nv, b->cols, b->rows, res->rejected);
    else
        printf(vt_trn("vitrine calibrate: %d view of the ChArUco %dx%d board, %d left out for a large error\n",
                      "vitrine calibrate: %d views of the ChArUco %dx%d board, %d left out for a large error\n", (unsigned long)nv),
               nv, b->cols, b->rows, res->rejected);
    printf(_("  RMS reprojection error  %.3f px\n"), res->rms);
    printf(_("  focal length            fx %.2f  fy %.2f px\n"), res->camera.fx, res->camera.fy);
    printf(_("  principal point         cx %.2f  cy %.2f px  (image %dx%d)\n"), res->camera.cx, res->camera.cy, vs->width, vs->height);
    printf(_("  field of view           %.1f x %.1f degrees\n"), res->fov_h_deg, res->fov_v_deg);
    printf(_("  distortion              k1 %.4f  k2 %.4f  p1 %.4f  p2 %.4f  k3 %.4f\n"), res->camera.dist[0], res->camera.dist[1],
           res->camera.dist[2], res->camera.dist[3], res->camera.dist[4]);
    printf(_("  board tilt              %.0f to %.0f degrees\n"), res->tilt_min_deg, res->tilt_max_deg);
    printf(_("  per view (px):"));
    for (int i = 0; i < vs->n; i++)
        printf("%s %s %.2f%s", i % 4 ? "," : "\n   ", vs->v[i].name, vs->v[i].error, vs->v[i].rejected ? _(" (left out)") : "");
    printf("\n");
    if (res->corners_uncovered) {
        static const char *names[4] = { N_("top-left"), N_("top-right"), N_("bottom-right"), N_("bottom-left") };
        char list[160] = "";
        unsigned long nc = 0;
        for (int k = 0; k < 4; k++)
            if (res->corners_uncovered & (1 << k)) {
                if (list[0]) strcat(list, ", ");
                strncat(list, _(names[k]), 30);
                nc++;
            }
        VT_WARN("calibrate", vt_trn("no view put the board in the %s corner of the image; distortion there is a guess",
                                    "no view put the board in the %s corners of the image; distortion there is a guess", nc), list);
    }
    if (res->tilt_max_deg - res->tilt_min_deg < 15 || res->tilt_max_deg < 20)
        VT_WARN("calibrate", "the board was seen at %.0f to %.0f degrees only; tilt it 30-45 degrees "
                             "in some views for a reliable focal length", res->tilt_min_deg, res->tilt_max_deg);
    printf(_("wrote %s\n"), out);
}

static const struct option k_calib_opts[] = {
    { "board", required_argument, 0, 'b' }, { "out", required_argument, 0, 'o' }, { "camera", required_argument, 0, 'C' },
    { "live", no_argument, 0, 'L' },        { "headless", no_argument, 0, 'H' }, { "help", no_argument, 0, 'h' },
    { "camera-size", required_argument, 0, 0x100 + APP_CAM_SIZE }, { "camera-fps", required_argument, 0, 0x100 + APP_CAM_FPS },
    { "camera-format", required_argument, 0, 0x100 + APP_CAM_FORMAT },
    { "camera-exposure", required_argument, 0, 0x100 + APP_CAM_EXPOSURE },
    { "camera-focus", required_argument, 0, 0x100 + APP_CAM_FOCUS }, { "camera-white-balance", required_argument, 0, 0x100 + APP_CAM_WB },
    { 0, 0, 0, 0 },
};

int vt_cmd_calibrate(int argc, char **argv)
{
    const char *spec = NULL, *out = "calib.yml";
    int camera = -1, live_mode = 0, headless = 0, c;
    vt_source_desc sd = { .want = VT_WANT_GREY | VT_WANT_COLOUR };
    app_camera_opts co = { 0 };
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", k_calib_opts, NULL)) != -1) {
        switch (c) {
        case 'b': spec = optarg; break;
        case 'o': out = optarg; break;
        case 'C':
            if (app_camera_spec("calibrate", optarg, &sd)) return 2;
            camera = live_mode = 1;
            break;
        case 'L': live_mode = 1; break;
        case 'H': headless = 1; break;
        case 'h': fputs(_(k_help), stdout); return 0;
        default:
            if (c >= 0x100 && c < 0x100 + APP_CAM_NOPTS) {
                if (app_camera_option("calibrate", c - 0x100, optarg, &co)) return 2;
                break;
            }
            VT_ERROR("calibrate", "unknown or incomplete option '%s' (try 'vitrine calibrate --help')", argv[optind - 1]);
            return 2;
        }
    }
    char err[512];
    vt_board b;
    if (!spec) { VT_ERROR("calibrate", "--board SPEC is required (try 'vitrine calibrate --help')"); return 2; }
    if (vt_board_parse(spec, &b, err, sizeof err) != VT_OK) { VT_ERROR("calibrate", "%s", err); return 2; }
    if (camera < 0 && optind >= argc) { VT_ERROR("calibrate", "no INPUT given (images, folders, videos or --camera SOURCE)"); return 2; }
    if (live_mode && camera < 0 && argc - optind != 1) { VT_ERROR("calibrate", "--live takes one video INPUT"); return 2; }

    views *vs = calloc(1, sizeof *vs);
    int status = 0;
    if (live_mode) {
        vt_source *src;
        if (camera >= 0) app_camera_apply(&sd, &co, NULL);
        else sd.path = argv[optind];
        if (vt_source_open(&sd, &src, err, sizeof err) != VT_OK) {
            VT_ERROR("calibrate", "%s", err);
            free(vs);
            return 1;
        }
        status = live(&b, src, headless, vs);
        vt_source_destroy(src);
        if (vs->n < 0) {   /* the user quit */
            vs->n = -vs->n - 1;
            VT_ERROR("calibrate", "quit; nothing written");
            free_views(vs);
            free(vs);
            return 1;
        }
    } else {
        status = gather(&b, argv + optind, argc - optind, vs);
    }
    if (vs->n == 0) {
        if (!status) VT_ERROR("calibrate", "the board was not found in the input");
        free(vs);
        return 1;
    }
    vt_calib_result res;
    if (vt_calibrate(vs->v, vs->n, vs->width, vs->height, &res, err, sizeof err) != VT_OK) {
        VT_ERROR("calibrate", "%s", err);
        free_views(vs);
        free(vs);
        return 1;
    }
    if (vt_camera_save(out, &res.camera, res.rms, err, sizeof err) != VT_OK) {
        VT_ERROR_FILE("calibrate", out, "%s", err);
        status = 1;
    } else {
        report(&b, vs, &res, out);
    }
    free_views(vs);
    free(vs);
    return status;
}
