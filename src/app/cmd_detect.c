/* cmd_detect.c — `vitrine detect`: frames in, markers and poses out as JSON Lines. */
#include "app/vt_app.h"
#include "app_checks.h"
#include "capture/vt_capture.h"
#include "tracking/vt_tracking.h"
#include "vision/vt_vision.h"

#include <getopt.h>
#include <stddef.h>   /* offsetof */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>   /* isatty */

static const char *k_help =
    /* TRANSLATORS: --help: keep commands, option names, CAPITAL values and the layout as they are. */
    N_("usage: vitrine detect [OPTIONS] INPUT...\n"
    "\n"
    "Finds markers in every frame and prints one JSON object per image or video frame (JSON Lines):\n"
    "  {\"file\": \"img_0001.jpg\", \"ms\": 2.31, \"markers\": [{\"id\": 7, \"corners\": [[x,y] x4],\n"
    "   \"rvec\": [..], \"tvec\": [..]}]}\n"
    "For a video, \"frame\": N (0-based) is added. ms is the detection time of the frame (decoding\n"
    "excluded). Corners: pixel centres at integer coordinates, top-left, top-right, bottom-right,\n"
    "bottom-left of the marker. rvec/tvec: the marker's pose as cv::solvePnP gives it, in metres.\n"
    "\n"
    "INPUT: an image file, a folder (its image files in name order), a video file, or demo[:N] for\n"
    "N frames of the built-in demo scene (default 90).\n"
    "\n"
    "options:\n"
    "  --dict NAME             marker dictionary (default 5X5_100): %s\n"
    "  --marker-length METRES  side of the black square of a printed marker (default 0.05; over 2\n"
    "                          is refused: millimetres given for metres)\n"
    "  --calib FILE            camera intrinsics from an OpenCV calibration file (camera_matrix,\n"
    "                          distortion_coefficients); scaled to the frame size if it differs\n"
    "                          at the same aspect ratio; another aspect ratio is an error\n"
    "  --intrinsics FX,FY,CX,CY  camera intrinsics in pixels, no distortion\n"
    "                          (with neither: a %.0f degree horizontal field of view, centred)\n"
    "  --threads N             cap on every thread pool the detector uses (default: all cores)\n"
    "  --filter                smooth each marker's pose over the frames of a video or folder\n"
    "                          (1€ filter; an ambiguous pose keeps the orientation it had): the\n"
    "                          filtered rvec/tvec are printed\n"
    "  --filter-params MIN_CUTOFF,BETA,D_CUTOFF  the filter's settings (default 0.5,50,1.0;\n"
    "                          the catalog's markers.filter sets them for vitrine run)\n"
    "  --track                 video or folder of frames: follow each marker from where it was\n"
    "                          (its predicted place first) and search the rest of the frame in\n"
    "                          two alternating overlapping bands, so a new marker is found within\n"
    "                          two frames; much cheaper per frame than a full search\n"
    "  --engine own|opencv     our detector (default) or cv::aruco::detectMarkers followed by our\n"
    "                          sub-pixel corners, for comparison\n"
    "  --profile               per-stage detection times of every frame on stderr, and their\n"
    "                          medians at the end\n"
    "  -h, --help              this help\n"
    "\n"
    "Exit status: 0 all inputs read; 2 bad arguments, or an input could not be read (the rest are\n"
    "still processed). Progress shows on stderr when it is a terminal.\n");

/* A byte that is not UTF-8 (a file name from another system) comes out as U+FFFD: the line
 * stays valid JSON. */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    while (*s) {
        unsigned char c = (unsigned char)*s;
        int k = vt_utf8_seq(s);
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20 || c == 0x7F) fprintf(f, "\\u%04x", c);
        else if (k == 0) fputs("\\ufffd", f);
        else fwrite(s, 1, (size_t)k, f);
        s += k > 1 ? k : 1;
    }
    fputc('"', f);
}

static void print_frame(const vt_frame *fr, const char *input, double ms, const vt_marker_list *ml)
{
    fputs("{\"file\": ", stdout);
    json_string(stdout, fr->is_stream ? input : fr->name);
    if (fr->is_stream) printf(", \"frame\": %d", fr->index);
    printf(", \"ms\": %.3f, \"markers\": [", ms);
    for (int i = 0; i < ml->count; i++) {
        const vt_marker *m = &ml->items[i];
        printf("%s{\"id\": %d, \"corners\": [", i ? ", " : "", m->id);
        for (int k = 0; k < 4; k++) printf("%s[%.4f, %.4f]", k ? ", " : "", m->corners[k][0], m->corners[k][1]);
        printf("]");
        if (m->has_pose)
            printf(", \"rvec\": [%.6f, %.6f, %.6f], \"tvec\": [%.6f, %.6f, %.6f]", m->rvec[0], m->rvec[1], m->rvec[2],
                   m->tvec[0], m->tvec[1], m->tvec[2]);
        printf("}");
    }
    fputs("]}\n", stdout);
}

typedef struct detect_opts {
    vt_dictionary dict;
    double length_m;
    int have_cam;        /* from --calib or --intrinsics */
    const char *calib_path;   /* names the intrinsics in messages */
    vt_camera cam;
    int threads;
    int filter;
    vt_pose_filter_desc fd;
    int profile;
} detect_opts;

/* --profile: every frame's stage times, kept for the medians printed at the end. */
typedef struct profile_log {
    vt_detect_profile *p;
    int n, cap;
} profile_log;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(const profile_log *l, size_t offset)
{
    if (l->n == 0) return 0;
    double *v = malloc(sizeof *v * (size_t)l->n);
    if (!v) return 0;
    for (int i = 0; i < l->n; i++) v[i] = *(const double *)((const char *)&l->p[i] + offset);
    qsort(v, (size_t)l->n, sizeof *v, cmp_double);
    double m = l->n % 2 ? v[l->n / 2] : 0.5 * (v[l->n / 2 - 1] + v[l->n / 2]);
    free(v);
    return m;
}

static void profile_print(const char *what, const vt_detect_profile *p)
{
    fprintf(stderr, "profile: %s: total %.3f ms = segment %.3f + contours %.3f + decode %.3f + refine %.3f + track %.3f"
                    " (%d quads, %d tracked, %.0f%% of the frame searched)\n",
            what, p->total, p->segment, p->contours, p->decode, p->refine, p->track, p->candidates, p->tracked,
            p->searched * 100);
}

static void profile_summary(profile_log *l)
{
    if (l->n == 0) return;
    vt_detect_profile m = {
        .segment = median_of(l, offsetof(vt_detect_profile, segment)),
        .contours = median_of(l, offsetof(vt_detect_profile, contours)),
        .decode = median_of(l, offsetof(vt_detect_profile, decode)),
        .refine = median_of(l, offsetof(vt_detect_profile, refine)),
        .track = median_of(l, offsetof(vt_detect_profile, track)),
        .total = median_of(l, offsetof(vt_detect_profile, total)),
        .searched = median_of(l, offsetof(vt_detect_profile, searched)),
    };
    /* Counts: their mean (rounded) says more than a median of small whole numbers. */
    double cand = 0, trk = 0;
    for (int i = 0; i < l->n; i++) { cand += l->p[i].candidates; trk += l->p[i].tracked; }
    m.candidates = (int)(cand / l->n + 0.5);
    m.tracked = (int)(trk / l->n + 0.5);
    char what[64];
    snprintf(what, sizeof what, "median of %d frames", l->n);
    profile_print(what, &m);
}

/* One-shot detection per frame, or the tracker (--track): exactly one of the two is set. */
typedef struct finder {
    vt_detector *det;
    vt_tracker *trk;
    vt_dict_hint *hint;   /* nothing found but marker-like squares: which dictionary reads them */
} finder;

static vt_result finder_find(finder *f, const vt_image *grey, vt_marker_list *ml)
{
    return f->trk ? vt_tracker_track(f->trk, grey, ml) : vt_detector_detect(f->det, grey, ml);
}
static double finder_ms(const finder *f) { return f->trk ? vt_tracker_last_ms(f->trk) : vt_detector_last_ms(f->det); }
static vt_detect_profile finder_profile(const finder *f)
{
    return f->trk ? vt_tracker_profile(f->trk) : vt_detector_profile(f->det);
}

/* Runs one INPUT; returns 0, or 2 when it (or one of its images) could not be read. */
static int run_input(const char *input, const detect_opts *o, finder *det, vt_marker_list *ml, int show_progress,
                     profile_log *plog)
{
    vt_source_desc sd = { .kind = VT_SOURCE_AUTO, .path = input, .want = VT_WANT_GREY };
    if (!strncmp(input, "demo", 4) && (input[4] == '\0' || input[4] == ':')) {
        int n = 90;
        if (input[4] == ':' && vt_parse_int(input + 5, 1, 1000000, &n) != 0) {
            VT_ERROR("detect", "%s: expected demo:N with N a number of frames", input);
            return 2;
        }
        sd.kind = VT_SOURCE_DEMO;
        sd.demo.frames = n;
    }
    char err[512] = "";
    vt_source *src;
    if (vt_source_open(&sd, &src, err, sizeof err) != VT_OK) {
        VT_ERROR("detect", "%s", err);
        return 2;
    }
    int status = 0, total = vt_source_count(src);
    vt_pose_filter *pf = NULL;
    if (o->filter && vt_pose_filter_create(&o->fd, &pf, err, sizeof err) != VT_OK) {
        VT_ERROR("detect", "%s", err);
        vt_source_destroy(src);
        return 2;
    }
    double fps = vt_source_fps(src) > 0 ? vt_source_fps(src) : 30;
    int said_scaled = 0;
    vt_frame fr;
    vt_result r;
    vt_tracker_reset(det->trk);   /* a new input: nothing to follow yet */
    while ((r = vt_source_read(src, &fr, err, sizeof err)) != VT_END) {
        if (show_progress && total > 1) fprintf(stderr, "\r\033[Kdetect: %s %d/%d", input, fr.index + 1, total);
        if (r != VT_OK) {
            if (show_progress) fputs("\r\033[K", stderr);
            VT_ERROR_FILE("detect", fr.name, "%s", err[0] ? err : vt_result_str(r));
            status = 2;
            if (fr.is_stream) break;   /* a broken stream does not heal */
            continue;
        }
        vt_camera cam = vt_camera_from_fov(fr.grey.width, fr.grey.height, VT_DEFAULT_HFOV_DEG);
        if (o->have_cam && app_camera_for_frames(&o->cam, o->calib_path, fr.grey.width, fr.grey.height, &said_scaled, &cam, err,
                                                 sizeof err) != VT_OK) {
            if (show_progress) fputs("\r\033[K", stderr);
            VT_ERROR("detect", "%s", err);
            status = 2;
            break;   /* every frame of this input would be wrong */
        }
        if (finder_find(det, &fr.grey, ml) != VT_OK) {
            VT_ERROR_FILE("detect", fr.name, "the detector failed on this frame");
            status = 2;
            continue;
        }
        vt_dict_hint_poll(det->hint, &o->dict, fr.index / fps, &fr.grey, ml->count, finder_profile(det).unread);
        if (o->profile) {
            vt_detect_profile p = finder_profile(det);
            profile_print(fr.name, &p);
            if (plog->n == plog->cap) {
                int cap = plog->cap ? plog->cap * 2 : 256;
                vt_detect_profile *np = realloc(plog->p, sizeof *np * (size_t)cap);
                if (np) { plog->p = np; plog->cap = cap; }
            }
            if (plog->n < plog->cap) plog->p[plog->n++] = p;
        }
        if (vt_pose_markers(pf, &cam, ml, fr.index, fr.index / fps, &(vt_marker_length){ .default_m = o->length_m }, err,
                            sizeof err) != VT_OK)
            VT_WARN_FILE("detect", fr.name, "%s", err);
        print_frame(&fr, input, finder_ms(det), ml);
    }
    if (show_progress && total > 1) fputs("\r\033[K", stderr);
    vt_pose_filter_destroy(pf);
    vt_source_destroy(src);
    return status;
}

static const struct option k_opts[] = {
    { "dict", required_argument, 0, 'd' },       { "marker-length", required_argument, 0, 'l' },
    { "calib", required_argument, 0, 'c' },      { "intrinsics", required_argument, 0, 'i' },
    { "threads", required_argument, 0, 't' },    { "help", no_argument, 0, 'h' },
    { "filter", no_argument, 0, 'F' }, { "filter-params", required_argument, 0, 'P' },
    { "track", no_argument, 0, 'T' },  { "engine", required_argument, 0, 'e' },
    { "profile", no_argument, 0, 'p' },
    { 0, 0, 0, 0 },
};

/* The command line as given, before the dictionary and intrinsics are looked up. */
typedef struct detect_args {
    const char *dict_name, *calib, *intr;
    int track;
    vt_engine engine;
} detect_args;

/* One option: 0, or 2 after reporting a bad value. */
static int parse_option(detect_opts *o, detect_args *a, int c, const char *arg)
{
    switch (c) {
    case 'd': a->dict_name = arg; break;
    case 'c': a->calib = arg; break;
    case 'i': a->intr = arg; break;
    case 'F': o->filter = 1; break;
    case 'T': a->track = 1; break;
    case 'p': o->profile = 1; break;
    case 'l':
        if (vt_parse_double(arg, 1e-4, 1e9, &o->length_m)) {
            VT_ERROR("detect", "--marker-length '%s': expected a length in metres, e.g. 0.05", arg);
            return 2;
        }
        if (o->length_m <= 2) break;
        /* Poses would come out hundreds of metres away. */
        VT_ERROR("detect", "--marker-length %s: over 2 m; probably millimetres: it is in metres (%g for a %g mm marker)", arg,
                 o->length_m / 1000, o->length_m);
        return 2;
    case 't':
        if (!vt_parse_int(arg, 1, 1024, &o->threads)) break;
        VT_ERROR("detect", "--threads '%s': expected a whole number from 1 to 1024", arg);
        return 2;
    case 'e':
        if (!strcmp(arg, "own")) a->engine = VT_ENGINE_OWN;
        else if (!strcmp(arg, "opencv")) a->engine = VT_ENGINE_OPENCV;
        else { VT_ERROR("detect", "--engine '%s': expected own or opencv", arg); return 2; }
        break;
    case 'P': {
        double v[3];
        if (vt_parse_doubles(arg, ',', v, 3) || !(v[0] > 0) || v[1] < 0 || !(v[2] > 0)) {
            VT_ERROR("detect", "--filter-params '%s': expected MIN_CUTOFF,BETA,D_CUTOFF, e.g. 0.5,50,1.0", arg);
            return 2;
        }
        o->fd.min_cutoff = v[0];
        o->fd.beta = v[1];
        o->fd.d_cutoff = v[2];
        o->filter = 1;
        break;
    }
    }
    return 0;
}

/* The dictionary and the intrinsics named on the command line: -1 to go on, else 2 (reported). */
static int resolve_args(detect_opts *o, const detect_args *a)
{
    if (vt_dictionary_find(a->dict_name, &o->dict) != VT_OK) {
        VT_ERROR("detect", "--dict '%s': unknown dictionary; one of: %s", a->dict_name, vt_dictionary_names());
        return 2;
    }
    if (a->calib && a->intr) { VT_ERROR("detect", "give --calib or --intrinsics, not both"); return 2; }
    if (a->calib) {
        char err[512];
        if (vt_camera_load(a->calib, &o->cam, err, sizeof err) != VT_OK) { VT_ERROR_FILE("detect", a->calib, "%s", err); return 2; }
        o->have_cam = 1;
        o->calib_path = a->calib;
    }
    if (a->intr) {
        if (vt_camera_parse(a->intr, &o->cam) != VT_OK) {
            VT_ERROR("detect", "--intrinsics '%s': expected FX,FY,CX,CY in pixels, e.g. 1152,1152,639.5,359.5", a->intr);
            return 2;
        }
        o->have_cam = 1;
        o->calib_path = "--intrinsics";
    }
    if (a->track && a->engine == VT_ENGINE_OPENCV) { VT_ERROR("detect", "--track needs our engine (--engine own)"); return 2; }
    return -1;
}

/* Parses the command line into o and a: -1 to go on, else the exit status (0 after --help). */
static int parse_args(int argc, char **argv, detect_opts *o, detect_args *a)
{
    opterr = 0;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, "h", k_opts, NULL)) != -1;) {
        if (c == 'h') { printf(_(k_help), vt_dictionary_names(), VT_DEFAULT_HFOV_DEG); return 0; }
        if (c == '?' || c == ':') {
            VT_ERROR("detect", "unknown or incomplete option '%s' (try 'vitrine detect --help')", argv[optind - 1]);
            return 2;
        }
        if (parse_option(o, a, c, optarg)) return 2;
    }
    if (optind >= argc) { VT_ERROR("detect", "no INPUT given (try 'vitrine detect --help')"); return 2; }
    return resolve_args(o, a);
}

/* The tracker (--track) or a one-shot detector: 0, or 1 (reported). */
static int finder_create(finder *f, const detect_opts *o, const detect_args *a)
{
    char err[256];
    if (a->track) {
        if (vt_tracker_create(&(vt_tracker_desc){ .dict = o->dict }, &f->trk, err, sizeof err) == VT_OK) return 0;
        VT_ERROR("detect", "cannot create the tracker: %s", err);
        return 1;
    }
    if (vt_detector_create(&(vt_detector_desc){ .dict = o->dict, .engine = a->engine }, &f->det, err, sizeof err) == VT_OK)
        return 0;
    VT_ERROR("detect", "cannot create the detector: %s", err);
    return 1;
}

int vt_cmd_detect(int argc, char **argv)
{
    detect_opts o = { .length_m = 0.05, .threads = 0, .fd = vt_pose_filter_desc_defaults() };
    detect_args a = { .dict_name = "5X5_100", .engine = VT_ENGINE_OWN };
    int status = parse_args(argc, argv, &o, &a);
    if (status >= 0) return status;
    vt_vision_set_threads(o.threads);
    finder det = { 0 };
    if (finder_create(&det, &o, &a)) return 1;
    char herr[128];
    if (vt_dict_hint_create(&(vt_dict_hint_desc){ .sync = 1, .expects = N_("--dict is") }, &det.hint, herr, sizeof herr) != VT_OK)
        VT_WARN("detect", "%s (no hint about other dictionaries)", herr);
    vt_marker_list ml = { 0 };
    int progress = isatty(STDERR_FILENO) && !o.profile;
    profile_log plog = { 0 };
    status = 0;
    for (int i = optind; i < argc; i++) {
        int s = run_input(argv[i], &o, &det, &ml, progress, &plog);
        if (s > status) status = s;
        fflush(stdout);
    }
    if (o.profile) profile_summary(&plog);
    free(plog.p);
    vt_marker_list_free(&ml);
    vt_detector_destroy(det.det);
    vt_tracker_destroy(det.trk);
    vt_dict_hint_destroy(det.hint);
    return status;
}
